"""Insurance at three months (docs/policy.md §10): the daily check called as the job calls it, and
the purchases recorded and read through the API (the insurer's key reads what is due)."""
from __future__ import annotations

import asyncio
import secrets
from datetime import date

from models.access import ApiKey
from models.audit import AuditEntry
from models.money import Assessment, InsuranceCheck, InsurancePurchase
from models.people import Person
from models.recruitment import BuildingHead, HeadChangeFiling
from models.tree import Node, ServiceArea
from policy.idnumber import parse_id_number
from policy.kinds import HeadKind, Role, TermStatus
from policy.money import AssessmentKind, AssessmentStatus, Grade
from resolvers.insurance import check_insurance
from resolvers.viewer import SYSTEM, hash_secret
from schema.common import to_global_id
from tests.conftest import BACKEND
from tests.factory import PASSWORD, World, build_world, gid, id_number


async def make_term(w: World, building: Node, seq: str, starts_on: date, name: str = "陈楼长", **values) -> BuildingHead:
    area = await ServiceArea.create(container_id=w.compound_a.id, name=f"{building.name}片区{seq}", path=w.compound_a.path)
    idn = id_number(seq=seq)
    r = parse_id_number(idn)
    p = await Person.create(name=name, gender=r.gender, id_number=idn, birth_date=r.birth_date, home_id=w.community_a.id,
                            path=w.community_a.path, residence_id=building.id, permanent_resident=True)
    return await BuildingHead.create(person_id=p.id, service_area_id=area.id, path=area.path, kind=HeadKind.BUILDING_HEAD,
                                     **({"starts_on": starts_on, "ends_on": date(2031, 1, 1)} | values))


async def probation(term: BuildingHead, grade: Grade | None, status: AssessmentStatus = AssessmentStatus.CONFIRMED,
                    proposed: Grade | None = None) -> Assessment:
    return await Assessment.create(term_id=term.id, path=term.path, kind=AssessmentKind.PROBATION, year=0, grade=grade,
                                   proposed_grade=proposed, status=status)


async def partner_key(role: Role, node: Node) -> str:
    secret = "gr_" + secrets.token_urlsafe(24)
    await ApiKey.create(name=f"{role.value} key", role=role, node_id=node.id, path=node.path, prefix=secret[:10],
                        key_hash=hash_secret(secret))
    return secret


async def test_the_check_falls_three_months_later_clamped_to_the_month_end(api):
    w = await build_world()
    t2027 = await make_term(w, w.buildings_a[0], "401", date(2026, 11, 30))
    t2028 = await make_term(w, w.buildings_a[1], "402", date(2027, 11, 30))
    for t in (t2027, t2028):
        await probation(t, Grade.QUALIFIED)

    assert (await check_insurance(SYSTEM, on=date(2027, 2, 27)))["eligible"] == 0
    assert await InsuranceCheck.all().count() == 0
    assert (await check_insurance(SYSTEM, on=date(2027, 2, 28)))["eligible"] == 1  # 2027 is not a leap year
    first = await InsuranceCheck.get(term_id=t2027.id)
    assert (first.due_on, first.outcome.value) == (date(2027, 2, 28), "ELIGIBLE")

    assert (await check_insurance(SYSTEM, on=date(2028, 2, 28)))["eligible"] == 0  # 2028 is: due on the 29th
    assert (await check_insurance(SYSTEM, on=date(2028, 2, 29)))["eligible"] == 1
    second = await InsuranceCheck.get(term_id=t2028.id)
    assert second.due_on == date(2028, 2, 29)
    assert await InsuranceCheck.all().count() == 2


async def test_overdue_is_raised_then_settled_failed_ends_the_service_once_and_a_rerun_changes_nothing(api):
    w = await build_world()
    start, on = date(2026, 1, 10), date(2026, 4, 10)
    missing = await make_term(w, w.buildings_a[0], "411", start, "王待考")
    failed = await make_term(w, w.buildings_a[1], "412", start, "李不合格")
    proposed = await make_term(w, w.buildings_a[2], "413", start, "赵已提议")
    gone = await make_term(w, w.buildings_a[2], "414", start, "钱已离任", status=TermStatus.ENDED,
                           ended_on=date(2026, 3, 1), end_reason="RESIGNATION")
    renewed = await make_term(w, w.buildings_a[0], "415", start, "孙续聘", renewed_from_id=gone.id)
    await probation(failed, Grade.UNQUALIFIED, AssessmentStatus.SIGNED_OFF)
    await probation(proposed, None, AssessmentStatus.PROPOSED, proposed=Grade.QUALIFIED)  # not a result yet

    counts = await check_insurance(SYSTEM, on=on)
    assert counts == {"eligible": 0, "assessment_overdue": 2, "not_eligible": 1, "not_serving": 1, "ended": 1}
    outcomes = {c.term_id: c.outcome.value for c in await InsuranceCheck.all()}
    assert outcomes == {missing.id: "ASSESSMENT_OVERDUE", failed.id: "NOT_ELIGIBLE", proposed.id: "ASSESSMENT_OVERDUE",
                        gone.id: "NOT_SERVING"}
    assert renewed.id not in outcomes  # a renewed term is not a new start
    ended = await BuildingHead.get(id=failed.id)
    assert (ended.status, ended.ended_on, ended.end_reason) == (TermStatus.ENDED, on, "PROBATION_FAILED")
    assert await HeadChangeFiling.filter(term_id=failed.id, change="END").count() == 1
    raised = await AuditEntry.filter(action="insuranceAssessmentOverdue").order_by("id")
    assert [e.path for e in raised] == [w.community_a.path, w.community_a.path]  # raised to the community

    # the community reads what it must assess
    staff = await api.as_user("cuiyuan", PASSWORD)
    q = ("query($n: ID!, $o: InsuranceOutcome){ insuranceChecks(nodeId: $n, outcome: $o){ totalCount "
         "nodes { name outcome raisedToCommunity dueOn communityName } } }")
    got = (await staff.gql(q, {"n": gid(w.community_a), "o": "ASSESSMENT_OVERDUE"}))["insuranceChecks"]
    assert got["totalCount"] == 2
    assert {n["name"] for n in got["nodes"]} == {"王待考", "赵已提议"}
    assert all(n["raisedToCommunity"] and n["dueOn"] == "2026-04-10" and n["communityName"] == "翠苑社区"
               for n in got["nodes"])
    other = await api.as_user("jinhua", PASSWORD)
    assert (await other.raw(q, {"n": gid(w.community_a)}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # the same day again: nothing new, nothing raised twice, the service not ended twice
    again = await check_insurance(SYSTEM, on=on)
    assert sum(again.values()) == 0
    assert await InsuranceCheck.all().count() == 4
    assert await AuditEntry.filter(action="insuranceAssessmentOverdue").count() == 2
    assert await AuditEntry.filter(action="buildingHeadEnd", object_id=failed.id).count() == 1
    assert await HeadChangeFiling.filter(term_id=failed.id, change="END").count() == 1

    # the probation result arrives: the next run settles the overdue check, once
    await probation(missing, Grade.QUALIFIED)
    later = await check_insurance(SYSTEM, on=date(2026, 4, 11))
    assert (later["eligible"], later["assessment_overdue"]) == (1, 0)
    settled = await InsuranceCheck.get(term_id=missing.id)
    assert (settled.outcome.value, settled.due_on) == ("ELIGIBLE", on)
    assert await InsuranceCheck.filter(term_id=missing.id).count() == 1
    assert sum((await check_insurance(SYSTEM, on=date(2026, 4, 12))).values()) == 0
    # a final outcome never changes, even if the assessment is revised later
    await Assessment.filter(term_id=missing.id).update(grade=Grade.UNQUALIFIED)
    assert sum((await check_insurance(SYSTEM, on=date(2026, 4, 13))).values()) == 0
    assert (await InsuranceCheck.get(term_id=missing.id)).outcome.value == "ELIGIBLE"
    assert (await BuildingHead.get(id=missing.id)).status == TermStatus.ACTIVE


DUE = ("query($n: ID!){ insurancePurchasesDue(nodeId: $n){ totalCount nodes { id termId name idNumber startsOn dueOn "
       "communityName } } }")
RECORD = ("mutation($i: InsurancePurchaseRecordInput!){ insurancePurchaseRecord(input: $i){ "
          "purchase { id insurer policyNumber coverFrom coverTo premium } errors { code field message } } }")


def _purchase(term: BuildingHead, **over) -> dict:
    return {"termId": to_global_id("BuildingHeadTerm", term.id), "insurer": "中国人寿", "policyNumber": "PA-2026-001",
            "coverFrom": "2026-04-15", "coverTo": "2027-04-14", "premium": "100.00"} | over


async def test_the_insurer_reads_the_purchases_due_and_the_community_records_each_once(api):
    w = await build_world()
    eligible = await make_term(w, w.buildings_a[0], "421", date(2026, 1, 10), "周合格")
    overdue = await make_term(w, w.buildings_a[1], "422", date(2026, 1, 10), "吴待考")
    await probation(eligible, Grade.EXCELLENT, AssessmentStatus.SIGNED_OFF)
    await check_insurance(SYSTEM, on=date(2026, 4, 10))

    insurer = await partner_key(Role.INSURER, w.subdistrict)
    body = await api.raw(DUE, {"n": gid(w.subdistrict)}, headers={"X-Api-Key": insurer})
    assert not body.get("errors"), body
    due = body["data"]["insurancePurchasesDue"]
    assert due["totalCount"] == 1
    row = due["nodes"][0]
    person = await Person.get(id=eligible.person_id)
    assert (row["name"], row["idNumber"], row["startsOn"], row["dueOn"], row["communityName"]) == (
        "周合格", person.id_number, "2026-01-10", "2026-04-10", "翠苑社区")  # the insurer holds PERSON_PII
    finance = await partner_key(Role.FINANCE, w.subdistrict)
    masked = (await api.raw(DUE, {"n": gid(w.subdistrict)}, headers={"X-Api-Key": finance}))["data"]
    assert masked["insurancePurchasesDue"]["nodes"][0]["idNumber"] != person.id_number
    assert "*" in masked["insurancePurchasesDue"]["nodes"][0]["idNumber"]
    elsewhere = await partner_key(Role.INSURER, w.community_b)
    assert (await api.raw(DUE, {"n": gid(w.subdistrict)}, headers={"X-Api-Key": elsewhere}))["errors"][0][
        "extensions"]["code"] == "FORBIDDEN"

    staff = await api.as_user("cuiyuan", PASSWORD)
    bad = (await staff.gql(RECORD, {"i": _purchase(eligible, coverTo="2026-04-15", premium="-1")}))["insurancePurchaseRecord"]
    assert {e["code"] for e in bad["errors"]} == {"COVER_DATES_ORDER", "PREMIUM_NEGATIVE"}
    not_yet = (await staff.gql(RECORD, {"i": _purchase(overdue)}))["insurancePurchaseRecord"]
    assert [(e["code"], e["field"]) for e in not_yet["errors"]] == [("NOT_ELIGIBLE_FOR_INSURANCE", ["input", "termId"])]
    ok = (await staff.gql(RECORD, {"i": _purchase(eligible)}))["insurancePurchaseRecord"]
    assert ok["errors"] == [] and ok["purchase"]["premium"] == "100.00" and ok["purchase"]["coverTo"] == "2027-04-14"
    twice = (await staff.gql(RECORD, {"i": _purchase(eligible, policyNumber="PA-2026-002")}, lang="en"))[
        "insurancePurchaseRecord"]
    assert [e["code"] for e in twice["errors"]] == ["INSURANCE_ALREADY_PURCHASED"]
    assert "already recorded" in twice["errors"][0]["message"]
    assert await InsurancePurchase.all().count() == 1
    other = await api.as_user("jinhua", PASSWORD)
    assert (await other.raw(RECORD, {"i": _purchase(overdue)}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api.raw(RECORD, {"i": _purchase(eligible)}, headers={"X-Api-Key": insurer}))["errors"][0][
        "extensions"]["code"] == "FORBIDDEN"  # the insurer reads; the community records

    after = await api.raw(DUE, {"n": gid(w.subdistrict)}, headers={"X-Api-Key": insurer})
    assert after["data"]["insurancePurchasesDue"]["totalCount"] == 0
    bought = (await staff.gql("query($n: ID!){ insurancePurchases(nodeId: $n){ nodes { name purchase { policyNumber } } } }",
                              {"n": gid(w.community_a)}))["insurancePurchases"]["nodes"]
    assert bought == [{"name": "周合格", "purchase": {"policyNumber": "PA-2026-001"}}]
    check_id = (await staff.gql("query($n: ID!){ insuranceChecks(nodeId: $n, outcome: ELIGIBLE){ nodes { id } } }",
                                {"n": gid(w.community_a)}))["insuranceChecks"]["nodes"][0]["id"]
    node = await staff.gql("query($id: ID!){ node(id: $id){ ... on InsuranceCheck { name outcome } } }", {"id": check_id})
    assert node["node"] == {"name": "周合格", "outcome": "ELIGIBLE"}
    assert (await other.gql("query($id: ID!){ node(id: $id){ id } }", {"id": check_id}))["node"] is None


async def test_concurrent_purchases_of_one_term_record_one(api):
    w = await build_world()
    term = await make_term(w, w.buildings_a[0], "431", date(2026, 1, 10))
    await probation(term, Grade.QUALIFIED)
    await check_insurance(SYSTEM, on=date(2026, 4, 10))
    staff = await api.as_user("cuiyuan", PASSWORD)
    n = 20 if BACKEND == "postgres" else 5
    results = await asyncio.gather(*(staff.gql(RECORD, {"i": _purchase(term, policyNumber=f"P-{i}")}) for i in range(n)))
    codes = sorted(e["code"] for r in results for e in r["insurancePurchaseRecord"]["errors"])
    assert codes == ["INSURANCE_ALREADY_PURCHASED"] * (n - 1)
    assert await InsurancePurchase.filter(term_id=term.id).count() == 1
