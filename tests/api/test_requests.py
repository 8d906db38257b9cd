"""Resident requests, disputes and 12345 hotline work orders through the HTTP API (docs/policy.md §6)."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

from grassroots.demo import create_user
from models.audit import AuditEntry
from models.people import Person
from models.recruitment import BuildingHead
from models.requests import ResidentRequest
from models.tree import Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation
from policy.idnumber import parse_id_number
from policy.kinds import HeadKind, StationHeadSource
from resolvers.clock import today
from schema.common import to_global_id
from tests.factory import PASSWORD, World, build_world, gid, id_number

CREATE = """mutation($i: ResidentRequestCreateInput!){ residentRequestCreate(input: $i){
  request { id channel title residentName residentPhone personalDataMasked raisedOn status dispute routedToWorkstation
            building { name } }
  errors { code field message } } }"""
UPDATE = """mutation($i: ResidentRequestUpdateInput!){ residentRequestUpdate(input: $i){
  request { id status resolution resolvedOn satisfaction disputeOutcome handledByBuildingHead }
  errors { code field message } } }"""
INTAKE = """mutation($i: HotlineWorkOrderIntakeInput!){ hotlineWorkOrderIntake(input: $i){
  duplicate workOrder { id channel ticketNumber title residentName residentPhone building { name } }
  errors { code field message } } }"""
LIST = """query($n: ID!, $c: RequestChannel, $s: RequestStatus, $first: Int, $after: String){
  residentRequests(nodeId: $n, channel: $c, status: $s, first: $first, after: $after){
    totalCount pageInfo { hasNextPage endCursor } nodes { id title channel ticketNumber residentName } } }"""


@dataclass
class People:
    w: World
    head_term: BuildingHead  # the building head of 1栋 and 2栋 of 翠苑一区
    area: ServiceArea


async def person(w: World, name: str, seq: str, home: Node) -> Person:
    idn = id_number(seq=seq)
    r = parse_id_number(idn)
    return await Person.create(name=name, gender=r.gender, id_number=idn, birth_date=r.birth_date, home_id=home.id,
                               path=home.path, permanent_resident=True)


async def building_head(w: World, username: str = "louzhang", seq: str = "501") -> tuple[BuildingHead, ServiceArea]:
    """A building head serving 1栋 and 2栋 of 翠苑一区, with a login (the grants follow the term)."""
    area = await ServiceArea.create(container_id=w.compound_a.id, name="1-2栋片区", path=w.compound_a.path)
    await Node.filter(id__in=[w.buildings_a[0].id, w.buildings_a[1].id]).update(service_area_id=area.id)
    p = await person(w, "王楼长", seq, w.community_a)
    term = await BuildingHead.create(person_id=p.id, service_area_id=area.id, path=area.path, kind=HeadKind.BUILDING_HEAD,
                                     starts_on=today() - timedelta(days=30), ends_on=today() + timedelta(days=1000))
    await create_user(username, "王楼长", PASSWORD, [], person=p)
    return term, area


async def station_head(w: World, compound: Node, username: str, seq: str) -> StationHeadAppointment:
    """A running station-head appointment at the compound's workstation, with a login."""
    ws = await Workstation.get(compound_id=compound.id)
    p = await person(w, f"站长{seq}", seq, w.community_a)
    a = await StationHeadAppointment.create(
        workstation_id=ws.id, person_id=p.id, path=compound.path, source=StationHeadSource.COMMUNITY_WORKER,
        letter_number=f"L-{seq}", filing_reference=f"F-{seq}", appointed_on=today() - timedelta(days=60),
        active_person_id=p.id, active_workstation_id=ws.id)
    await create_user(username, f"站长{seq}", PASSWORD, [], person=p)
    return a


async def hotline_key(api, node: Node) -> str:
    admin = await api.as_user("admin", PASSWORD)
    made = await admin.gql(
        "mutation($n: ID!){ apiKeyCreate(name: \"12345热线\", role: HOTLINE, nodeId: $n){ secret errors { code } } }",
        {"n": gid(node)})
    await admin.close()
    assert made["apiKeyCreate"]["errors"] == []
    return made["apiKeyCreate"]["secret"]


def request_input(w: World, **over) -> dict:
    return {"buildingId": gid(w.buildings_a[0]), "channel": "RESIDENT", "title": "楼道灯坏了",
            "description": "3单元楼道灯不亮", "residentName": "张三", "residentPhone": "13912345678"} | over


async def test_a_building_head_records_a_request_routed_to_the_area_and_masked_without_pii(api):
    w = await build_world()
    term, area = await building_head(w)
    head = await api.as_user("louzhang", PASSWORD)
    made = (await head.gql(CREATE, {"i": request_input(w, raisedOn=str(today() - timedelta(days=2)))}))["residentRequestCreate"]
    assert made["errors"] == []
    r = made["request"]
    # a building head holds no PERSON_PII: the resident's name and phone come back masked
    assert (r["residentName"], r["residentPhone"], r["personalDataMasked"]) == ("张*", "139****5678", True)
    assert (r["channel"], r["status"], r["routedToWorkstation"], r["building"]["name"]) == ("RESIDENT", "OPEN", True, "1栋")
    row = await ResidentRequest.get()
    ws = await Workstation.get(compound_id=w.compound_a.id)
    assert (row.service_area_id, row.workstation_id, row.district_id) == (area.id, ws.id, w.district.id)
    assert (row.resident_name, row.resident_phone, row.recorded_by) == ("张三", "13912345678", "louzhang")
    # community staff (PERSON_PII there) read it in full, through node(id:) too
    staff = await api.as_user("cuiyuan", PASSWORD)
    node = (await staff.gql("query($id: ID!){ node(id: $id){ ... on ResidentRequest { residentName residentPhone personalDataMasked } } }",
                            {"id": r["id"]}))["node"]
    assert node == {"residentName": "张三", "residentPhone": "13912345678", "personalDataMasked": False}
    # the other community cannot see it at all
    other = await api.as_user("jinhua", PASSWORD)
    assert (await other.gql("query($id: ID!){ node(id: $id){ id } }", {"id": r["id"]}))["node"] is None
    body = await other.raw(LIST, {"n": gid(w.buildings_a[0])})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = (await staff.gql(LIST, {"n": gid(w.community_a)}))["residentRequests"]
    assert listed["totalCount"] == 1 and listed["nodes"][0]["residentName"] == "张三"
    # the audit log keeps no resident's phone in clear
    [entry] = await AuditEntry.filter(action="residentRequestCreate")
    assert (entry.after["resident_name"], entry.after["resident_phone"]) == ("张*", "139****5678")
    # a building outside the head's service area is outside their scope
    body = await head.raw(CREATE, {"i": request_input(w, buildingId=gid(w.buildings_a[2]))})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for c in (head, staff, other):
        await c.close()


async def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(api):
    w = await build_world()
    await building_head(w)
    head = await api.as_user("louzhang", PASSWORD)
    tomorrow = str(today() + timedelta(days=1))
    refused = (await head.gql(CREATE, {"i": request_input(w, raisedOn=tomorrow, residentPhone="12345", title=" ")},
                              lang="en"))["residentRequestCreate"]
    assert refused["request"] is None
    assert {(e["code"], tuple(e["field"])) for e in refused["errors"]} == {
        ("FUTURE_DATE", ("input", "raisedOn")), ("INVALID_PHONE", ("input", "residentPhone")), ("REQUIRED", ("input", "title"))}
    # the phone is personal data: masked in the message too
    [phone] = [e for e in refused["errors"] if e["code"] == "INVALID_PHONE"]
    assert "12345" not in phone["message"]
    hotline = (await head.gql(CREATE, {"i": request_input(w, channel="HOTLINE")}))["residentRequestCreate"]
    assert hotline["errors"][0]["code"] == "CHANNEL_NOT_ALLOWED"
    not_building = await head.raw(CREATE, {"i": request_input(w, buildingId=gid(w.compound_a))})
    assert not_building["data"]["residentRequestCreate"]["errors"][0]["code"] == "NOT_FOUND"
    assert await ResidentRequest.all().count() == 0
    await head.close()


async def test_handling_rules_satisfaction_resolution_dispute_and_dates(api):
    w = await build_world()
    term, _ = await building_head(w)
    head = await api.as_user("louzhang", PASSWORD)
    raised = today() - timedelta(days=3)
    made = (await head.gql(CREATE, {"i": request_input(w, raisedOn=str(raised))}))["residentRequestCreate"]["request"]
    rid = made["id"]

    async def update(lang="zh", **values):
        return (await head.gql(UPDATE, {"i": {"id": rid} | values}, lang=lang))["residentRequestUpdate"]

    early = await update(satisfaction=5)
    assert [(e["code"], e["field"]) for e in early["errors"]] == [("SATISFACTION_BEFORE_RESOLVED", ["input", "satisfaction"])]
    no_resolution = await update(status="RESOLVED")
    assert [(e["code"], e["field"]) for e in no_resolution["errors"]] == [("RESOLUTION_REQUIRED", ["input", "resolution"])]
    for bad in (0, 6):
        out = await update(lang="en", status="RESOLVED", resolution="已更换灯泡", satisfaction=bad)
        assert [(e["code"], e["field"]) for e in out["errors"]] == [("SATISFACTION_OUT_OF_RANGE", ["input", "satisfaction"])]
        assert "between 1 and 5" in out["errors"][0]["message"] and str(bad) in out["errors"][0]["message"]
    future = await update(status="RESOLVED", resolution="已更换灯泡", resolvedOn=str(today() + timedelta(days=1)))
    assert [e["code"] for e in future["errors"]] == ["FUTURE_DATE"]
    before_raised = await update(status="RESOLVED", resolution="已更换灯泡", resolvedOn=str(raised - timedelta(days=1)))
    assert [(e["code"], e["field"]) for e in before_raised["errors"]] == [("INVALID_DATE_ORDER", ["input", "resolvedOn"])]
    outcome = await update(disputeOutcome="SETTLED")
    assert [(e["code"], e["field"]) for e in outcome["errors"]] == [("NOT_A_DISPUTE", ["input", "disputeOutcome"])]
    row = await ResidentRequest.get()
    assert (row.status.value, row.resolution, row.satisfaction, row.resolved_on) == ("OPEN", None, None, None)

    done = await update(status="RESOLVED", resolution="已更换灯泡", satisfaction=4)
    assert done["errors"] == []
    assert done["request"] | {"id": None} == {"id": None, "status": "RESOLVED", "resolution": "已更换灯泡",
                                              "resolvedOn": str(today()), "satisfaction": 4, "disputeOutcome": None,
                                              "handledByBuildingHead": True}
    assert (await ResidentRequest.get()).handled_by_term_id == term.id
    reopen = await update(status="OPEN")
    assert reopen["errors"][0]["code"] == "WRONG_STATUS"

    # a dispute gets its mediation outcome
    d = (await head.gql(CREATE, {"i": request_input(w, title="邻里噪音纠纷", dispute=True)}))["residentRequestCreate"]["request"]
    mediated = (await head.gql(UPDATE, {"i": {"id": d["id"], "status": "IN_PROGRESS", "disputeOutcome": "REFERRED"}}))
    assert mediated["residentRequestUpdate"]["errors"] == []
    assert mediated["residentRequestUpdate"]["request"]["disputeOutcome"] == "REFERRED"
    await head.close()


async def test_the_same_ticket_sent_twice_is_stored_once_and_the_second_answer_says_duplicate(api):
    w = await build_world()
    secret = await hotline_key(api, w.community_a)
    key = {"X-Api-Key": secret}
    ticket = {"ticketNumber": "12345-20260301-0001", "buildingCode": "T-PA-2", "title": "小区路灯不亮",
              "residentName": "李四", "residentPhone": "13800001111", "receivedOn": str(today())}
    first = (await api.gql(INTAKE, {"i": ticket}, token="", headers=key))["hotlineWorkOrderIntake"]
    assert first["errors"] == [] and first["duplicate"] is False
    wo = first["workOrder"]
    assert (wo["channel"], wo["ticketNumber"], wo["building"]["name"], wo["residentName"], wo["residentPhone"]) == (
        "HOTLINE", "12345-20260301-0001", "2栋", "李*", "138****1111")
    again = (await api.gql(INTAKE, {"i": ticket | {"title": "再次来电"}}, token="",
                           headers={"Authorization": f"ApiKey {secret}"}))["hotlineWorkOrderIntake"]
    assert again["errors"] == [] and again["duplicate"] is True
    assert again["workOrder"]["id"] == wo["id"] and again["workOrder"]["title"] == "小区路灯不亮"
    assert await ResidentRequest.filter(ticket_number="12345-20260301-0001").count() == 1
    row = await ResidentRequest.get()
    assert (row.channel.value, row.raised_on, row.recorded_by.startswith("apikey:")) == ("HOTLINE", today(), True)
    # by id as well; the station's staff find it among the work orders
    by_id = (await api.gql(INTAKE, {"i": {"ticketNumber": "12345-2", "buildingId": gid(w.buildings_a[0]), "title": "漏水"}},
                           token="", headers=key))["hotlineWorkOrderIntake"]
    assert by_id["errors"] == [] and by_id["duplicate"] is False
    staff = await api.as_user("cuiyuan", PASSWORD)
    listed = (await staff.gql(LIST, {"n": gid(w.compound_a), "c": "HOTLINE", "first": 1}))["residentRequests"]
    assert listed["totalCount"] == 2 and listed["pageInfo"]["hasNextPage"] is True
    nxt = (await staff.gql(LIST, {"n": gid(w.compound_a), "c": "HOTLINE", "first": 1,
                                  "after": listed["pageInfo"]["endCursor"]}))["residentRequests"]
    assert {listed["nodes"][0]["ticketNumber"], nxt["nodes"][0]["ticketNumber"]} == {"12345-20260301-0001", "12345-2"}
    assert (await staff.gql(LIST, {"n": gid(w.compound_a), "c": "RESIDENT"}))["residentRequests"]["totalCount"] == 0
    await staff.close()


async def test_a_ticket_for_a_building_outside_the_keys_scope_is_refused_like_a_missing_one(api):
    w = await build_world()
    secret = await hotline_key(api, w.community_a)
    key = {"X-Api-Key": secret}

    async def send(**where) -> dict:
        i = {"ticketNumber": "T-9", "title": "噪音扰民", "receivedOn": str(today())} | where
        return (await api.gql(INTAKE, {"i": i}, token="", headers=key, lang="en"))["hotlineWorkOrderIntake"]

    outside_code = await send(buildingCode="T-PB-1")  # 锦华社区's building: not the key's
    missing_code = await send(buildingCode="NO-SUCH")
    assert [(e["code"], e["field"]) for e in outside_code["errors"]] == [("NOT_FOUND", ["input", "buildingCode"])]
    assert [(e["code"], e["field"]) for e in missing_code["errors"]] == [("NOT_FOUND", ["input", "buildingCode"])]
    assert "锦" not in outside_code["errors"][0]["message"]
    assert outside_code["errors"][0]["message"].replace("T-PB-1", "NO-SUCH") == missing_code["errors"][0]["message"]
    outside_id = await send(buildingId=gid(w.building_b))
    missing_id = await send(buildingId=to_global_id("Building", 999999))
    assert outside_id["errors"][0]["message"].replace(gid(w.building_b), to_global_id("Building", 999999)) == \
        missing_id["errors"][0]["message"]
    assert [(e["code"], e["field"]) for e in outside_id["errors"]] == [("NOT_FOUND", ["input", "buildingId"])]
    future = await send(buildingCode="T-PA-1", receivedOn=str(today() + timedelta(days=1)))
    assert [e["code"] for e in future["errors"]] == ["FUTURE_DATE"]
    assert await ResidentRequest.all().count() == 0
    # a user without WORK_ORDER_INTAKE (a building head) is denied
    await building_head(w)
    head = await api.as_user("louzhang", PASSWORD)
    body = await head.raw(INTAKE, {"i": {"ticketNumber": "T-1", "buildingCode": "T-PA-1", "title": "x"}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await head.close()


async def test_twenty_racing_copies_of_one_ticket_store_one_work_order_and_every_answer_is_clean(api):
    w = await build_world()
    secret = await hotline_key(api, w.community_a)
    ticket = {"ticketNumber": "12345-RACE", "buildingCode": "T-PA-1", "title": "电梯困人", "receivedOn": str(today())}

    async def send(i: int) -> dict:
        return await api.raw(INTAKE, {"i": ticket}, token="", headers={"X-Api-Key": secret})

    bodies = await asyncio.gather(*(send(i) for i in range(20)))
    assert all("errors" not in b for b in bodies), [b["errors"] for b in bodies if "errors" in b][:1]
    payloads = [b["data"]["hotlineWorkOrderIntake"] for b in bodies]
    assert all(p["errors"] == [] for p in payloads)
    assert sorted(p["duplicate"] for p in payloads) == [False] + [True] * 19
    assert len({p["workOrder"]["id"] for p in payloads}) == 1
    assert await ResidentRequest.filter(ticket_number="12345-RACE").count() == 1
    assert await AuditEntry.filter(action="hotlineWorkOrderIntake").count() == 1


async def test_a_request_date_defaults_to_today(api):
    w = await build_world()
    await building_head(w)
    head = await api.as_user("louzhang", PASSWORD)
    made = (await head.gql(CREATE, {"i": request_input(w)}))["residentRequestCreate"]
    assert made["errors"] == [] and made["request"]["raisedOn"] == str(today())
    assert (await ResidentRequest.get()).raised_on == date.fromisoformat(made["request"]["raisedOn"])
    await head.close()
