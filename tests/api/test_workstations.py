"""Workstations and station heads through the API."""
from __future__ import annotations

import asyncio
from datetime import date

from models.people import Person, StaffRole
from models.workstations import StationHeadAppointment, Workstation
from policy.idnumber import parse_id_number
from policy.kinds import StaffKind
from schema.common import to_global_id
from tests.factory import PASSWORD, build_world, gid, id_number

APPOINT = """mutation($i: StationHeadAppointInput!){ stationHeadAppoint(input: $i){
  appointment { id letterNumber active person { name } } errors { code field message } } }"""


async def _worker(home, name: str, seq: str, kind=StaffKind.COMMUNITY_WORKER) -> Person:
    idn = id_number(birth="19880303", seq=seq)
    r = parse_id_number(idn)
    p = await Person.create(name=name, gender=r.gender, id_number=idn, birth_date=r.birth_date, home_id=home.id, path=home.path)
    await StaffRole.create(person_id=p.id, kind=kind, node_id=home.id, path=home.path, started_on=date(2024, 1, 1))
    return p


def _input(ws: Workstation, person: Person, letter: str, source: str = "COMMUNITY_WORKER") -> dict:
    return {"i": {"workstationId": to_global_id("Workstation", ws.id), "personId": to_global_id("Person", person.id),
                  "source": source, "letterNumber": letter, "filingReference": "东湖新城备〔2026〕1号",
                  "appointedOn": "2026-03-01"}}


async def test_second_active_appointment_of_one_person_is_refused_even_when_racing(api):
    w = await build_world()
    ws_a = await Workstation.get(compound_id=w.compound_a.id)
    ws_b = await Workstation.get(compound_id=w.compound_b.id)
    person = await _worker(w.community_a, "陈站长", "511")
    officer = await api.as_user("linhu", PASSWORD)
    r1, r2 = await asyncio.gather(
        officer.gql(APPOINT, _input(ws_a, person, "临湖街聘〔2026〕1号")),
        officer.gql(APPOINT, _input(ws_b, person, "临湖街聘〔2026〕2号")),
    )
    results = [r1["stationHeadAppoint"], r2["stationHeadAppoint"]]
    ok = [r for r in results if not r["errors"]]
    refused = [r for r in results if r["errors"]]
    assert len(ok) == 1 and len(refused) == 1, results
    assert refused[0]["appointment"] is None
    assert refused[0]["errors"][0]["code"] == "STATION_HEAD_BUSY"
    assert await StationHeadAppointment.filter(person_id=person.id).count() == 1
    # sequentially too, with the person's name in the message
    again = await officer.gql(APPOINT, _input(ws_b, person, "临湖街聘〔2026〕3号"))
    assert again["stationHeadAppoint"]["errors"][0]["code"] == "STATION_HEAD_BUSY"
    assert "陈站长" in again["stationHeadAppoint"]["errors"][0]["message"]


async def test_database_itself_refuses_a_second_running_appointment(database):
    """The constraint, not only the check: a direct insert bypassing the resolver fails."""
    import pytest
    from tortoise.exceptions import IntegrityError

    from grassroots import db

    await db.start(database[0])
    try:
        w = await build_world()
        ws_a = await Workstation.get(compound_id=w.compound_a.id)
        ws_b = await Workstation.get(compound_id=w.compound_b.id)
        p = await _worker(w.community_a, "甲", "521")
        common = dict(person_id=p.id, source="COMMUNITY_WORKER", letter_number="1", filing_reference="1",
                      appointed_on=date(2026, 1, 1), active_person_id=p.id)
        await StationHeadAppointment.create(workstation_id=ws_a.id, path=ws_a.path, active_workstation_id=ws_a.id, **common)
        with pytest.raises(IntegrityError):
            await StationHeadAppointment.create(workstation_id=ws_b.id, path=ws_b.path, active_workstation_id=ws_b.id, **common)
    finally:
        await db.stop()


async def test_appointment_rules_and_ending(api):
    w = await build_world()
    ws_a = await Workstation.get(compound_id=w.compound_a.id)
    officer = await api.as_user("linhu", PASSWORD)
    # a resident with no worker role cannot be appointed as a worker
    idn = id_number(seq="531")
    r = parse_id_number(idn)
    resident = await Person.create(name="居民甲", gender=r.gender, id_number=idn, birth_date=r.birth_date,
                                   home_id=w.community_a.id, path=w.community_a.path)
    res = await officer.gql(APPOINT, _input(ws_a, resident, "L1"))
    assert res["stationHeadAppoint"]["errors"][0]["code"] == "NOT_A_WORKER"
    # nor as a building head when he is none
    res = await officer.gql(APPOINT, _input(ws_a, resident, "L1", source="BUILDING_HEAD"))
    assert res["stationHeadAppoint"]["errors"][0]["code"] == "NOT_A_BUILDING_HEAD"
    # a community officer may not appoint (the subdistrict does)
    comm = await api.as_user("cuiyuan", PASSWORD)
    worker = await _worker(w.community_a, "刘网格", "541", StaffKind.GRID_WORKER_FULL_TIME)
    body = await comm.raw(APPOINT, _input(ws_a, worker, "L2", source="GRID_WORKER"))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    res = await officer.gql(APPOINT, _input(ws_a, worker, "L2", source="GRID_WORKER"))
    assert res["stationHeadAppoint"]["errors"] == []
    appointment_id = res["stationHeadAppoint"]["appointment"]["id"]
    walk = await officer.gql("query($id: ID!){ node(id: $id){ ... on Compound { workstation { stationHead { person { name } } } } } }",
                             {"id": gid(w.compound_a)})
    assert walk["node"]["workstation"]["stationHead"]["person"]["name"] == "刘网格"
    ended = await officer.gql("mutation($id: ID!){ stationHeadEnd(id: $id, endedOn: \"2026-06-30\", reason: \"调任\"){ appointment { active endedOn } errors { code } } }",
                              {"id": appointment_id})
    assert ended["stationHeadEnd"]["appointment"] == {"active": False, "endedOn": "2026-06-30"}
    # once ended, the person may head another station
    ws_b = await Workstation.get(compound_id=w.compound_b.id)
    res = await officer.gql(APPOINT, _input(ws_b, worker, "L3", source="GRID_WORKER"))
    assert res["stationHeadAppoint"]["errors"] == []


async def test_building_head_may_head_a_station_only_where_workers_are_short(api):
    w = await build_world()
    officer = await api.as_user("linhu", PASSWORD)
    comm = await api.as_user("cuiyuan", PASSWORD)
    area = await comm.gql("mutation($i: ServiceAreaInput!){ serviceAreaCreate(input: $i){ serviceArea { id } errors { code } } }",
                          {"i": {"containerId": gid(w.compound_a), "name": "1-2栋片区", "memberIds": [gid(w.buildings_a[0]), gid(w.buildings_a[1])]}})
    area_id = area["serviceAreaCreate"]["serviceArea"]["id"]
    idn = id_number(seq="551")
    r = parse_id_number(idn)
    head = await Person.create(name="周楼长", gender=r.gender, id_number=idn, birth_date=r.birth_date,
                               home_id=w.community_a.id, path=w.community_a.path)
    rec = await comm.gql("mutation($p: ID!, $a: ID!){ buildingHeadRecord(personId: $p, serviceAreaId: $a, startsOn: \"2025-05-01\"){ term { endsOn status } errors { code } } }",
                         {"p": to_global_id("Person", head.id), "a": area_id})
    assert rec["buildingHeadRecord"]["term"] == {"endsOn": "2030-04-30", "status": "ACTIVE"}
    ws_a = await Workstation.get(compound_id=w.compound_a.id)
    # 0 workers for 2 compounds: a building head may be appointed
    res = await officer.gql(APPOINT, _input(ws_a, head, "L9", source="BUILDING_HEAD"))
    assert res["stationHeadAppoint"]["errors"] == []
    await officer.gql("mutation($id: ID!){ stationHeadEnd(id: $id, endedOn: \"2026-04-01\", reason: \"x\"){ errors { code } } }",
                      {"id": res["stationHeadAppoint"]["appointment"]["id"]})
    # with as many workers as compounds, no longer
    await _worker(w.community_a, "工作者一", "561")
    await _worker(w.community_b, "工作者二", "571")
    res = await officer.gql(APPOINT, _input(ws_a, head, "L10", source="BUILDING_HEAD"))
    assert res["stationHeadAppoint"]["errors"][0]["code"] == "ENOUGH_WORKERS"
    # coverage rose: 1 of 2 seats of the area filled
    roll = await officer.gql("query($id: ID!){ node(id: $id){ ... on Compound { rollup { requiredBuildingHeads activeBuildingHeads vacancies serviceAreas } } } }",
                             {"id": gid(w.compound_a)})
    assert roll["node"]["rollup"] == {"requiredBuildingHeads": 2, "activeBuildingHeads": 1, "vacancies": 1, "serviceAreas": 1}


async def test_campaign_deadlines_and_lateness(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    res = await admin.gql("""mutation($i: WorkstationCampaignCreateInput!){ workstationCampaignCreate(input: $i){
        attached campaign { name } errors { code field } } }""",
                          {"i": {"nodeId": gid(w.district), "name": "2026年小区工作站建设", "premisesDeadline": "2026-02-15", "inUseDeadline": "2026-02-28"}})
    assert res["workstationCampaignCreate"]["attached"] == 2
    bad = await admin.gql("""mutation($i: WorkstationCampaignCreateInput!){ workstationCampaignCreate(input: $i){ errors { code field } } }""",
                          {"i": {"nodeId": gid(w.district), "name": "x", "premisesDeadline": "2026-03-01", "inUseDeadline": "2026-02-01"}})
    assert bad["workstationCampaignCreate"]["errors"] == [{"code": "INVALID_DATE_ORDER", "field": ["input", "inUseDeadline"]}]
    ws_a = await Workstation.get(compound_id=w.compound_a.id)
    upd = await admin.gql("""mutation($i: WorkstationUpdateInput!){ workstationUpdate(input: $i){
        workstation { status { setUp late premisesLate inUseLate } fourHaves { complete } } errors { code } } }""",
                          {"i": {"id": to_global_id("Workstation", ws_a.id), "premisesKind": "PROPERTY_OFFICE", "premisesReadyOn": "2026-02-10",
                                 "inUseOn": "2026-02-20", "officeOn": "2026-02-10", "signOn": "2026-02-12", "equipmentOn": "2026-02-15", "rulesOn": "2026-02-18"}})
    assert upd["workstationUpdate"]["workstation"] == {
        "status": {"setUp": True, "late": False, "premisesLate": False, "inUseLate": False}, "fourHaves": {"complete": True}}
    late = await admin.gql("{ workstations(lateOnly: true) { nodes { name status { premisesLate inUseLate } } } districts { rollup { workstations workstationsSetUp workstationsLate } } }")
    assert late["workstations"]["nodes"] == [{"name": "锦绣华庭小区网格工作站", "status": {"premisesLate": True, "inUseLate": True}}]
    assert late["districts"][0]["rollup"] == {"workstations": 2, "workstationsSetUp": 1, "workstationsLate": 1}


async def test_plan_is_approved_by_subdistrict_then_filed_by_new_town(api):
    w = await build_world()
    comm = await api.as_user("cuiyuan", PASSWORD)
    sub = await comm.gql("mutation($c: ID!){ workstationPlanSubmit(communityId: $c, description: \"翠苑一区利用物业用房\"){ plan { id status } errors { code } } }",
                         {"c": gid(w.community_a)})
    plan_id = sub["workstationPlanSubmit"]["plan"]["id"]
    admin = await api.as_user("admin", PASSWORD)
    early = await admin.gql("mutation($id: ID!){ workstationPlanFile(id: $id, filingReference: \"备1\"){ errors { code } } }", {"id": plan_id})
    assert early["workstationPlanFile"]["errors"] == [{"code": "WRONG_STATUS"}]
    officer = await api.as_user("linhu", PASSWORD)
    ok = await officer.gql("mutation($id: ID!){ workstationPlanApprove(id: $id){ plan { status approvedAt } errors { code } } }", {"id": plan_id})
    assert ok["workstationPlanApprove"]["plan"]["status"] == "APPROVED"
    filed = await admin.gql("mutation($id: ID!){ workstationPlanFile(id: $id, filingReference: \"东湖新城备〔2026〕3号\"){ plan { status filingReference } errors { code } } }", {"id": plan_id})
    assert filed["workstationPlanFile"]["plan"] == {"status": "FILED", "filingReference": "东湖新城备〔2026〕3号"}
