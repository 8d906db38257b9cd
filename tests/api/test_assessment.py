"""Monthly performance records, probation and annual assessments through the API (the jobs'
operations called directly with SYSTEM, as the worker does)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.money import Assessment, PerformanceRecord
from models.recruitment import BuildingHead, HeadChangeFiling
from models.tree import ServiceArea
from policy.kinds import Role, TermStatus
from resolvers import assessment as ops
from resolvers.viewer import SYSTEM
from schema.common import to_global_id
from tests.api.test_duty_figures import _march
from tests.api.test_ledger import inspection, make_area, make_person, make_term, user
from tests.factory import PASSWORD, build_world, gid

D = date
MARCH = D(2026, 3, 1)
RECORDS = """query($n: ID!, $m: String!){ performanceRecords(nodeId: $n, month: $m){ nodes { id month score notes frozen
  figures { weeksServed weeksInspected requestsHandled requestsPending workOrdersHandled workOrdersPending }
  term { id } } } }"""
NOTE = """mutation($i: PerformanceNoteSetInput!){ performanceNoteSet(input: $i){ record { notes } errors { code field message } } }"""
FREEZE = """mutation($i: PerformanceMonthFreezeInput!){ performanceMonthFreeze(input: $i){ frozen errors { code field } } }"""
PROBATION = """mutation($i: ProbationAssessInput!){ probationAssess(input: $i){
  assessment { id kind year grade status assessedOn } errors { code field message } } }"""
ASSESSMENTS = """query($n: ID!, $k: AssessmentKind, $y: Int){ assessments(nodeId: $n, kind: $k, year: $y){
  nodes { id year score proposedGrade grade status term { id } } } }"""
CONFIRM = """mutation($i: AssessmentConfirmInput!){ assessmentConfirm(input: $i){
  assessment { id grade status confirmedBy } errors { code field } } }"""
SIGN = """mutation($i: AssessmentSignOffInput!){ assessmentSignOff(input: $i){
  assessment { status policeSignedBy unitsSignedBy } endedTerm { id status endReason endedOn } errors { code field } } }"""
ROLLUP = """query($n: ID!){ node(id: $n){ ... on Compound { rollup { activeBuildingHeads vacancies } } } }"""


def tid(t) -> str:
    return to_global_id("BuildingHeadTerm", t.id)


async def test_monthly_records_hand_computed_idempotent_and_frozen(api):
    w = await build_world()
    ws, a, b, c = await _march(w)
    counts = await ops.compute_performance_records(SYSTEM, month=D(2026, 3, 15))
    assert counts == {"compounds": 1, "created": 3, "updated": 0, "frozen": 0}
    staff = await api.as_user("cuiyuan", PASSWORD)
    nodes = (await staff.gql(RECORDS, {"n": gid(w.community_a), "m": "2026-03"}))["performanceRecords"]["nodes"]
    by_term = {n["term"]["id"]: n for n in nodes}
    # default weights 0.20 / 0.25 / 0.15 / 0.10 / 0.15 / 0.15 (inspections, visits, attendance, requests, hotline,
    # satisfaction). A: weeks 3/5, households 2/3, meetings 2/4, requests 2 handled + 2 still open at the end of March
    # (one resolved on 1 April, one open) = 2/4, work orders 1/1, marks 5 and 4: (4.5 − 1)/4 = 0.875
    # 0.12 + 0.1666… + 0.075 + 0.05 + 0.15 + 0.13125 = 0.692916… → 69.29
    assert by_term[tid(a)]["score"] == "69.29"
    assert by_term[tid(a)]["figures"] == {"weeksServed": 5, "weeksInspected": 3, "requestsHandled": 2,
                                          "requestsPending": 2, "workOrdersHandled": 1, "workOrdersPending": 0}
    # C (ended 10 March; nothing pending counts for a head gone by the month's end): 1/2, 2/5, 1/2, 1/1, nothing
    # received (full marks), mark 3: 0.5 → 0.10 + 0.10 + 0.075 + 0.10 + 0.15 + 0.075 = 0.60 → 60.00
    assert by_term[tid(c)]["score"] == "60.00"
    # B (from 18 March): 1/3, 3/5, 1/1, no request (full), 1/1, mark 2: 0.25
    # 0.0666… + 0.15 + 0.15 + 0.10 + 0.15 + 0.0375 = 0.654166… → 65.42
    assert by_term[tid(b)]["score"] == "65.42"

    # the job run again: one record per term, nothing changed
    assert await ops.compute_performance_records(SYSTEM, month=MARCH) == {
        "compounds": 1, "created": 0, "updated": 0, "frozen": 0}
    assert await PerformanceRecord.filter(month=MARCH).count() == 3

    # a late inspection changes B's record while the month is open
    await inspection(ws, w.buildings_a[0], D(2026, 3, 31), b)
    assert (await ops.compute_performance_records(SYSTEM, month=MARCH))["updated"] == 1
    rec_b = await PerformanceRecord.get(term_id=b.id, month=MARCH)
    assert rec_b.score == Decimal("72.08")  # inspections 2/3: + 0.20 × 1/3 = 0.0666… → 0.720833…

    # the community's own notes, then the month is frozen
    rid = to_global_id("PerformanceRecord", rec_b.id)
    out = (await staff.gql(NOTE, {"i": {"recordId": rid, "notes": "工作认真"}}))["performanceNoteSet"]
    assert out == {"record": {"notes": "工作认真"}, "errors": []}
    head = await api.as_user(await user("zhanzhang", Role.STATION_HEAD, w.compound_a), PASSWORD)
    refused = await head.raw(NOTE, {"i": {"recordId": rid, "notes": "x"}})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    frozen = (await staff.gql(FREEZE, {"i": {"nodeId": gid(w.community_a), "month": "2026-03"}}))["performanceMonthFreeze"]
    assert frozen == {"frozen": 3, "errors": []}
    again = (await staff.gql(FREEZE, {"i": {"nodeId": gid(w.community_a), "month": "2026-03"}}))["performanceMonthFreeze"]
    assert again["frozen"] == 0
    bad = (await staff.gql(FREEZE, {"i": {"nodeId": gid(w.community_a), "month": "2026-3"}}))["performanceMonthFreeze"]
    assert bad["errors"] == [{"code": "INVALID_MONTH", "field": ["input", "month"]}]

    # a frozen record is never recomputed, nor its notes changed
    await inspection(ws, w.buildings_a[0], D(2026, 3, 17), b)
    assert await ops.compute_performance_records(SYSTEM, month=MARCH) == {
        "compounds": 1, "created": 0, "updated": 0, "frozen": 3}
    assert (await PerformanceRecord.get(id=rec_b.id)).score == Decimal("72.08")
    out = (await staff.gql(NOTE, {"i": {"recordId": rid, "notes": "改"}}))["performanceNoteSet"]
    assert out["record"] is None and out["errors"][0]["code"] == "PERFORMANCE_RECORD_FROZEN"
    assert "2026-03" in out["errors"][0]["message"]
    # another community sees none of them
    other = await api.as_user("jinhua", PASSWORD)
    assert (await other.raw(RECORDS, {"n": gid(w.community_a), "m": "2026-03"}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_month_not_over_is_not_frozen(api):
    w = await build_world()
    staff = await api.as_user("cuiyuan", PASSWORD)
    from resolvers.clock import today

    month = today().strftime("%Y-%m")
    out = (await staff.gql(FREEZE, {"i": {"nodeId": gid(w.community_a), "month": month}}))["performanceMonthFreeze"]
    assert out["errors"] == [{"code": "PERFORMANCE_MONTH_NOT_OVER", "field": ["input", "month"]}]


async def _heads(w, n: int, compound=None, seq0: int = 400):
    compound = compound or w.compound_a
    area = await ServiceArea.filter(container_id=compound.id).order_by("id").first()
    if area is None:
        area = await make_area(compound, f"{compound.name}片区",
                               w.buildings_a if compound.id == w.compound_a.id else [w.building_b])
    community = w.community_a if compound.id == w.compound_a.id else w.community_b
    return [await make_term(await make_person(community, f"楼长{i}", str(seq0 + i)), area, D(2024, 1, 1 + i))
            for i in range(n)]


async def test_probation_once_per_term(api):
    w = await build_world()
    [t, u] = await _heads(w, 2)
    staff = await api.as_user("cuiyuan", PASSWORD)
    out = (await staff.gql(PROBATION, {"i": {"termId": tid(t), "passed": True, "assessedOn": "2024-03-20"}}))["probationAssess"]
    assert out["errors"] == [] and out["assessment"] | {"id": None} == {
        "id": None, "kind": "PROBATION", "year": 0, "grade": "QUALIFIED", "status": "CONFIRMED", "assessedOn": "2024-03-20"}
    again = (await staff.gql(PROBATION, {"i": {"termId": tid(t), "passed": False}}))["probationAssess"]
    assert again["assessment"] is None and again["errors"][0]["code"] == "PROBATION_ALREADY_ASSESSED"
    failed = (await staff.gql(PROBATION, {"i": {"termId": tid(u), "passed": False}}))["probationAssess"]
    assert failed["assessment"]["grade"] == "UNQUALIFIED"
    # the result is recorded only: the insurance check ends the service
    assert (await BuildingHead.get(id=u.id)).status == TermStatus.ACTIVE
    [v] = await _heads(w, 1, seq0=500)
    early = (await staff.gql(PROBATION, {"i": {"termId": tid(v), "passed": True, "assessedOn": "2023-12-31"}}))["probationAssess"]
    assert early["errors"][0]["code"] == "INVALID_DATE_ORDER"
    future = (await staff.gql(PROBATION, {"i": {"termId": tid(v), "passed": True, "assessedOn": "2099-01-01"}}))["probationAssess"]
    assert future["errors"][0]["code"] == "FUTURE_DATE"
    head = await api.as_user(await user("zhanzhang", Role.STATION_HEAD, w.compound_a), PASSWORD)
    assert (await head.raw(PROBATION, {"i": {"termId": tid(v), "passed": True}}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await Assessment.filter(term_id=v.id).count() == 0


async def _records(term, scores):
    for month, score in enumerate(scores, start=1):
        await PerformanceRecord.create(term_id=term.id, path=term.path, month=D(2025, month, 1), figures={},
                                       score=Decimal(score), computed_at="2025-12-31T00:00:00+08:00")


async def test_annual_proposal_confirm_sign_off_and_unqualified_ends_the_service(api):
    w = await build_world()
    good, poor, none = await _heads(w, 3)
    await _records(good, ["90", "80"])  # 85.00: EXCELLENT
    await _records(poor, ["50", "65"])  # 57.50: UNQUALIFIED
    await PerformanceRecord.create(term_id=good.id, path=good.path, month=D(2024, 12, 1), figures={},
                                   score=Decimal("0"), computed_at="2024-12-31T00:00:00+08:00")  # another year
    assert await ops.propose_annual_assessments(SYSTEM, year=2025) == {"created": 3, "updated": 0, "kept": 0}
    assert await ops.propose_annual_assessments(SYSTEM, year=2025) == {"created": 0, "updated": 0, "kept": 0}
    assert await Assessment.filter(kind="ANNUAL", year=2025).count() == 3

    staff = await api.as_user("cuiyuan", PASSWORD)
    nodes = (await staff.gql(ASSESSMENTS, {"n": gid(w.compound_a), "k": "ANNUAL", "y": 2025}))["assessments"]["nodes"]
    by_term = {n["term"]["id"]: n for n in nodes}
    assert (by_term[tid(good)]["score"], by_term[tid(good)]["proposedGrade"]) == ("85.00", "EXCELLENT")
    assert (by_term[tid(poor)]["score"], by_term[tid(poor)]["proposedGrade"]) == ("57.50", "UNQUALIFIED")
    assert (by_term[tid(none)]["score"], by_term[tid(none)]["proposedGrade"]) == (None, None)
    assert all(n["status"] == "PROPOSED" for n in nodes)

    aid = by_term[tid(poor)]["id"]
    police = await api.as_user(await user("minjing", Role.COMMUNITY_POLICE, w.community_a), PASSWORD)
    units = await api.as_user("linhu", PASSWORD)
    early = (await police.gql(SIGN, {"i": {"id": aid, "role": "POLICE"}}))["assessmentSignOff"]
    assert early["errors"] == [{"code": "ASSESSMENT_NOT_CONFIRMED", "field": ["input", "id"]}]
    head = await api.as_user(await user("zhanzhang", Role.STATION_HEAD, w.compound_a), PASSWORD)
    assert (await head.raw(CONFIRM, {"i": {"id": aid, "grade": "UNQUALIFIED"}}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    done = (await staff.gql(CONFIRM, {"i": {"id": aid, "grade": "UNQUALIFIED", "note": "履职不到位"}}))["assessmentConfirm"]
    assert done["assessment"]["status"] == "CONFIRMED" and done["assessment"]["grade"] == "UNQUALIFIED"
    twice = (await staff.gql(CONFIRM, {"i": {"id": aid, "grade": "QUALIFIED"}}))["assessmentConfirm"]
    assert twice["errors"][0]["code"] == "ASSESSMENT_ALREADY_CONFIRMED"
    # a confirmed assessment is not touched by a rerun of the proposal
    assert await ops.propose_annual_assessments(SYSTEM, year=2025) == {"created": 0, "updated": 0, "kept": 1}

    # the community cannot sign for the police; the police cannot sign as the units
    assert (await staff.raw(SIGN, {"i": {"id": aid, "role": "POLICE"}}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await police.raw(SIGN, {"i": {"id": aid, "role": "UNITS"}}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # two seats (200 households): with two heads serving, no vacancy before the ending
    await BuildingHead.filter(id=none.id).update(status=TermStatus.ENDED, ended_on=D(2025, 6, 30), end_reason="RESIGNATION")
    before = (await staff.gql(ROLLUP, {"n": gid(w.compound_a)}))["node"]["rollup"]
    assert before == {"activeBuildingHeads": 2, "vacancies": 0}
    one = (await police.gql(SIGN, {"i": {"id": aid, "role": "POLICE"}}))["assessmentSignOff"]
    assert one["assessment"] == {"status": "CONFIRMED", "policeSignedBy": "minjing", "unitsSignedBy": None}
    assert one["endedTerm"] is None
    assert (await police.gql(SIGN, {"i": {"id": aid, "role": "POLICE"}}))["assessmentSignOff"]["errors"][0]["code"] == \
        "ASSESSMENT_ALREADY_SIGNED"
    both = (await units.gql(SIGN, {"i": {"id": aid, "role": "UNITS"}}))["assessmentSignOff"]
    assert both["assessment"]["status"] == "SIGNED_OFF"
    assert both["endedTerm"]["id"] == tid(poor) and both["endedTerm"]["status"] == "ENDED"
    assert both["endedTerm"]["endReason"] == "FAILED_ANNUAL_ASSESSMENT"
    t = await BuildingHead.get(id=poor.id)
    assert (t.status, t.end_reason) == (TermStatus.ENDED, "FAILED_ANNUAL_ASSESSMENT")
    assert await HeadChangeFiling.filter(term_id=poor.id, change="END").count() == 1
    after = (await staff.gql(ROLLUP, {"n": gid(w.compound_a)}))["node"]["rollup"]
    assert after == {"activeBuildingHeads": 1, "vacancies": 1}  # the ended term's seat is a vacancy
    # once: signing again changes nothing
    again = (await units.gql(SIGN, {"i": {"id": aid, "role": "UNITS"}}))["assessmentSignOff"]
    assert again["errors"][0]["code"] == "ASSESSMENT_ALREADY_SIGNED"
    assert await HeadChangeFiling.filter(term_id=poor.id, change="END").count() == 1

    # a QUALIFIED one signed off by both: final, the service goes on
    gid_good = by_term[tid(good)]["id"]
    await staff.gql(CONFIRM, {"i": {"id": gid_good, "grade": "EXCELLENT"}})
    await units.gql(SIGN, {"i": {"id": gid_good, "role": "UNITS"}})
    final = (await police.gql(SIGN, {"i": {"id": gid_good, "role": "POLICE"}}))["assessmentSignOff"]
    assert final["assessment"]["status"] == "SIGNED_OFF" and final["endedTerm"] is None
    assert (await BuildingHead.get(id=good.id)).status == TermStatus.ACTIVE
    # another community's staff sees nothing of it
    other = await api.as_user("jinhua", PASSWORD)
    assert (await other.raw(CONFIRM, {"i": {"id": by_term[tid(none)]["id"], "grade": "QUALIFIED"}}))["errors"][0][
        "extensions"]["code"] == "FORBIDDEN"


async def test_monthly_job_takes_a_fixed_number_of_statements_per_compound(api, sql_counter):
    w = await build_world()
    await _march(w)
    sql_counter.count = 0
    assert (await ops.compute_performance_records(SYSTEM, month=MARCH))["created"] == 3
    three = sql_counter.count
    await PerformanceRecord.all().delete()
    await _heads(w, 6, seq0=700)  # six more heads in the same compound
    sql_counter.count = 0
    assert (await ops.compute_performance_records(SYSTEM, month=MARCH))["created"] == 9
    assert sql_counter.count == three
