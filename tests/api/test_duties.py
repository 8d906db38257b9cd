"""Inspections, findings and their follow-ups, and the register of vulnerable people, through the API."""
from __future__ import annotations

from datetime import timedelta

from grassroots.demo import create_user
from models.duties import Finding, FindingFollowUp, HelpGiven, VulnerablePerson
from policy.kinds import Role
from resolvers.clock import today
from tests.api.test_households import building_head
from tests.factory import PASSWORD, build_world, gid

INSPECT = """mutation($i: InspectionRecordInput!){ inspectionRecord(input: $i){
  inspection { id inspectedOn byBuildingHead building { name } findings { id kind status closedOn } }
  errors { code field message } } }"""
FOLLOW = """mutation($i: FindingFollowUpInput!){ findingFollowUp(input: $i){
  finding { status closedOn followUps { on note closes } } errors { code field message } } }"""
HAZARDS = """query($n: ID!){ openHazards(nodeId: $n){ totalCount nodes { id description
  inspection { inspectedOn building { name } } } } }"""
INSPECTIONS = """query($n: ID!){ inspections(nodeId: $n){ totalCount nodes { inspectedOn building { name }
  findings { kind followUps { closes } } } } }"""
REGISTER = """mutation($i: VulnerablePersonRegisterInput!){ vulnerablePersonRegister(input: $i){
  vulnerablePerson { id name category details personalDataMasked } errors { code field message } } }"""
HELP = """mutation($i: HelpGivenInput!){ helpGivenRecord(input: $i){
  vulnerablePerson { help { helpedOn help } } errors { code field } } }"""
PEOPLE = """query($n: ID!, $c: VulnerableCategory){ vulnerablePeople(nodeId: $n, category: $c){ totalCount nodes {
  name category details personalDataMasked building { name } help { helpedOn help } } } }"""
AUDIT = """query($t: String!){ auditEntries(objectType: $t, first: 50){ nodes { action before after } } }"""


async def test_a_safety_hazard_stays_open_until_a_closing_follow_up(api):
    w = await build_world()
    staff = await api.as_user("cuiyuan", PASSWORD)
    day = today() - timedelta(days=3)
    r = (await staff.gql(INSPECT, {"i": {"buildingId": gid(w.buildings_a[0]), "inspectedOn": str(day), "note": "周检",
                                         "findings": [{"kind": "SAFETY_HAZARD", "description": "三楼楼道堆放杂物，堵塞消防通道"},
                                                      {"kind": "HYGIENE", "description": "垃圾桶满溢"}]}}))["inspectionRecord"]
    assert r["errors"] == []
    hazard, hygiene = r["inspection"]["findings"]
    assert (hazard["kind"], hazard["status"], hazard["closedOn"]) == ("SAFETY_HAZARD", "OPEN", None)
    assert (hygiene["status"], hygiene["closedOn"]) == ("CLOSED", str(day))
    listed = (await staff.gql(HAZARDS, {"n": gid(w.compound_a)}))["openHazards"]
    assert [n["id"] for n in listed["nodes"]] == [hazard["id"]]
    assert listed["nodes"][0]["inspection"] == {"inspectedOn": str(day), "building": {"name": "1栋"}}
    # a follow-up that does not close it leaves it open
    r = (await staff.gql(FOLLOW, {"i": {"findingId": hazard["id"], "on": str(day + timedelta(days=1)),
                                        "note": "已通知物业清理"}}))["findingFollowUp"]
    assert r["errors"] == [] and r["finding"]["status"] == "OPEN"
    assert (await staff.gql(HAZARDS, {"n": gid(w.compound_a)}))["openHazards"]["totalCount"] == 1
    # dated before the inspection: refused
    r = (await staff.gql(FOLLOW, {"i": {"findingId": hazard["id"], "on": str(day - timedelta(days=1)),
                                        "note": "x", "closes": True}}))["findingFollowUp"]
    assert [(e["code"], e["field"]) for e in r["errors"]] == [("BEFORE_INSPECTION", ["input", "on"])]
    closed_on = str(day + timedelta(days=2))
    r = (await staff.gql(FOLLOW, {"i": {"findingId": hazard["id"], "on": closed_on, "note": "已清理完毕",
                                        "closes": True}}))["findingFollowUp"]
    assert r["errors"] == []
    assert (r["finding"]["status"], r["finding"]["closedOn"]) == ("CLOSED", closed_on)
    assert [f["closes"] for f in r["finding"]["followUps"]] == [False, True]
    assert (await staff.gql(HAZARDS, {"n": gid(w.compound_a)}))["openHazards"]["totalCount"] == 0
    # closing twice is refused with a typed error, nothing written
    r = (await staff.gql(FOLLOW, {"i": {"findingId": hazard["id"], "note": "再次销号", "closes": True}}))["findingFollowUp"]
    assert [e["code"] for e in r["errors"]] == ["FINDING_CLOSED"] and r["finding"] is None
    assert await FindingFollowUp.all().count() == 2
    assert (await Finding.get(kind="SAFETY_HAZARD")).closed_on.isoformat() == closed_on
    # a future inspection date is refused
    r = (await staff.gql(INSPECT, {"i": {"buildingId": gid(w.buildings_a[0]),
                                         "inspectedOn": str(today() + timedelta(days=1))}}))["inspectionRecord"]
    assert [(e["code"], e["field"]) for e in r["errors"]] == [("FUTURE_DATE", ["input", "inspectedOn"])]


async def test_a_building_head_inspects_their_buildings_only(api):
    w = await build_world()
    await building_head(w, w.buildings_a[0], "wanglouzhang")
    head = await api.as_user("wanglouzhang", PASSWORD)
    r = (await head.gql(INSPECT, {"i": {"buildingId": gid(w.buildings_a[0]),
                                        "findings": [{"kind": "SAFETY_HAZARD", "description": "电动车楼道充电"}]}}))["inspectionRecord"]
    assert r["errors"] == [] and r["inspection"]["byBuildingHead"] is True
    body = await head.raw(INSPECT, {"i": {"buildingId": gid(w.buildings_a[1])}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    staff = await api.as_user("cuiyuan", PASSWORD)
    assert (await staff.gql(INSPECT, {"i": {"buildingId": gid(w.buildings_a[1])}}))["inspectionRecord"]["errors"] == []
    mine = (await head.gql(INSPECTIONS, {"n": gid(w.compound_a)}))["inspections"]
    assert [n["building"]["name"] for n in mine["nodes"]] == ["1栋"]
    assert (await staff.gql(INSPECTIONS, {"n": gid(w.compound_a)}))["inspections"]["totalCount"] == 2
    assert (await head.gql(HAZARDS, {"n": gid(w.compound_a)}))["openHazards"]["totalCount"] == 1


async def test_the_vulnerable_register_is_masked_without_person_pii_also_in_the_audit_log(api):
    w = await build_world()
    await building_head(w, w.buildings_a[0], "wanglouzhang")
    await create_user("zhanzhang", "站长", PASSWORD, [(Role.STATION_HEAD, w.compound_a)])
    staff = await api.as_user("cuiyuan", PASSWORD)
    r = (await staff.gql(REGISTER, {"i": {"buildingId": gid(w.buildings_a[0]), "name": "刘桂芳", "category": "ELDERLY_ALONE",
                                          "details": "82岁，独居，患高血压", "registeredOn": str(today())}}))["vulnerablePersonRegister"]
    assert r["errors"] == []
    assert r["vulnerablePerson"] == {"id": r["vulnerablePerson"]["id"], "name": "刘桂芳", "category": "ELDERLY_ALONE",
                                     "details": "82岁，独居，患高血压", "personalDataMasked": False}
    pid = r["vulnerablePerson"]["id"]
    # a station head (no HOUSEHOLD_WRITE) cannot register; a building head records help
    sh = await api.as_user("zhanzhang", PASSWORD)
    bh = await api.as_user("wanglouzhang", PASSWORD)
    body = await sh.raw(REGISTER, {"i": {"buildingId": gid(w.buildings_a[0]), "name": "某人", "category": "DISABLED"}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    r = (await bh.gql(HELP, {"i": {"vulnerablePersonId": pid, "help": "代购降压药"}}))["helpGivenRecord"]
    assert r["errors"] == [] and r["vulnerablePerson"]["help"] == [{"helpedOn": str(today()), "help": None}]
    assert await HelpGiven.all().count() == 1
    for who in (sh, bh):
        listed = (await who.gql(PEOPLE, {"n": gid(w.compound_a)}))["vulnerablePeople"]["nodes"]
        assert listed == [{"name": "刘**", "category": "ELDERLY_ALONE", "details": None, "personalDataMasked": True,
                           "building": {"name": "1栋"}, "help": [{"helpedOn": str(today()), "help": None}]}]
        assert (await who.gql("query($id: ID!){ node(id: $id){ ... on VulnerablePerson { name details } } }",
                              {"id": pid}))["node"] == {"name": "刘**", "details": None}
    full = (await staff.gql(PEOPLE, {"n": gid(w.community_a), "c": "ELDERLY_ALONE"}))["vulnerablePeople"]["nodes"]
    assert [(n["name"], n["details"], n["help"][0]["help"]) for n in full] == [("刘桂芳", "82岁，独居，患高血压", "代购降压药")]
    assert (await staff.gql(PEOPLE, {"n": gid(w.community_a), "c": "DISABLED"}))["vulnerablePeople"]["totalCount"] == 0
    # the audit log: the district office (AUDIT_READ, no PERSON_PII) sees it masked, the administrator in full
    office = await api.as_user("district", PASSWORD)
    entries = (await office.gql(AUDIT, {"t": "VulnerablePerson"}))["auditEntries"]["nodes"]
    assert {e["action"] for e in entries} == {"vulnerablePersonRegister", "helpGivenRecord"}
    text = str(entries)
    assert "刘桂芳" not in text and "高血压" not in text and "降压药" not in text and "刘**" in text
    admin = await api.as_user("admin", PASSWORD)
    text = str((await admin.gql(AUDIT, {"t": "VulnerablePerson"}))["auditEntries"]["nodes"])
    assert "刘桂芳" in text and "高血压" in text and "降压药" in text
    # ending: once
    end = """mutation($i: VulnerablePersonEndInput!){ vulnerablePersonEnd(input: $i){ vulnerablePerson { id } errors { code } } }"""
    assert (await staff.gql(end, {"i": {"id": pid}}))["vulnerablePersonEnd"]["errors"] == []
    assert [e["code"] for e in (await staff.gql(end, {"i": {"id": pid}}))["vulnerablePersonEnd"]["errors"]] == ["ALREADY_ENDED"]
    assert (await VulnerablePerson.get()).ended_on == today()
    assert (await staff.gql(PEOPLE, {"n": gid(w.community_a)}))["vulnerablePeople"]["totalCount"] == 0


async def test_household_snapshots_in_the_audit_log_are_masked_for_readers_without_person_pii(api):
    import base64

    w = await build_world()
    staff = await api.as_user("cuiyuan", PASSWORD)
    imp = """mutation($i: HouseholdsImportInput!){ householdsImport(input: $i){ created updated errors { code } } }"""
    first = "楼栋,门牌号,联系人,联系电话\n1栋,101,张三丰,13812345678\n"
    second = "楼栋,门牌号,联系人,联系电话\n1栋,101,张无忌,13987654321\n"
    for text in (first, second):
        r = (await staff.gql(imp, {"i": {"communityId": gid(w.community_a), "fileName": "a.csv",
                                         "content": base64.b64encode(text.encode()).decode()}}))["householdsImport"]
        assert r["errors"] == []
    office = await api.as_user("district", PASSWORD)
    entries = (await office.gql(AUDIT, {"t": "Household"}))["auditEntries"]["nodes"]
    assert len(entries) == 1
    assert (entries[0]["before"]["contact_name"], entries[0]["before"]["contact_phone"]) == ("张**", "138****5678")
    assert (entries[0]["after"]["contact_name"], entries[0]["after"]["contact_phone"]) == ("张**", "139****4321")
    admin = await api.as_user("admin", PASSWORD)
    entries = (await admin.gql(AUDIT, {"t": "Household"}))["auditEntries"]["nodes"]
    assert entries[0]["after"]["contact_name"] == "张无忌"


async def test_concurrent_closing_follow_ups_close_the_hazard_once(api):
    import asyncio

    w = await build_world()
    staff = await api.as_user("cuiyuan", PASSWORD)
    r = (await staff.gql(INSPECT, {"i": {"buildingId": gid(w.buildings_a[0]),
                                         "findings": [{"kind": "SAFETY_HAZARD", "description": "外墙瓷砖松动"}]}}))
    fid = r["inspectionRecord"]["inspection"]["findings"][0]["id"]
    results = await asyncio.gather(*(staff.gql(FOLLOW, {"i": {"findingId": fid, "note": f"销号{i}", "closes": True}})
                                     for i in range(10)))
    codes = sorted(tuple(e["code"] for e in r["findingFollowUp"]["errors"]) for r in results)
    assert codes == [()] + [("FINDING_CLOSED",)] * 9
    assert await FindingFollowUp.filter(closes=True).count() == 1
