"""Personal data and scope (docs/policy.md §13), through the API: audit snapshots masked per
reader, masking that cannot be undone, nested edges checked like node(id:), and a station
head who sees the building heads of their compound."""
from __future__ import annotations

from datetime import date, datetime

from grassroots.demo import create_user
from models.people import Person, StaffRole
from models.recruitment import Application, ApplicationEvent, BuildingHead, Objection, RecruitmentCampaign
from models.tree import ServiceArea
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign
from policy.idnumber import parse_id_number
from policy.kinds import HeadKind, Role, StaffKind, StationHeadSource, TermStatus
from policy.recruitment import ApplicationStatus, Channel
from resolvers.clock import SHANGHAI
from schema.common import to_global_id
from tests.factory import PASSWORD, build_world, gid, id_number

NODE = "query($id: ID!){ node(id: $id){ id } }"
PERSON = """query($id: ID!){ node(id: $id){ ... on Person {
  name idNumber phone gender birthDate age personalDataMasked residence { name } } } }"""


async def _person(home, name: str, seq: str, *, birth: str = "19800101", residence=None) -> Person:
    idn = id_number(birth=birth, seq=seq)
    r = parse_id_number(idn)
    return await Person.create(name=name, gender=r.gender, id_number=idn, birth_date=r.birth_date, phone="13912345678",
                               home_id=home.id, path=home.path, residence_id=residence.id if residence else None)


async def _area(container, name: str, members) -> ServiceArea:
    a = await ServiceArea.create(container_id=container.id, path=container.path, name=name)
    for m in members:
        m.service_area_id = a.id
        await m.save(update_fields=["service_area_id"])
    return a


async def _term(person: Person, area: ServiceArea, status=TermStatus.ACTIVE) -> BuildingHead:
    return await BuildingHead.create(person_id=person.id, service_area_id=area.id, path=area.path, kind=HeadKind.BUILDING_HEAD,
                                     status=status, starts_on=date(2025, 1, 1), ends_on=date(2029, 12, 31),
                                     ended_on=None if status == TermStatus.ACTIVE else date(2025, 6, 30))


def pid(p: Person) -> str:
    return to_global_id("Person", p.id)


# ---- 1. the audit log masks a snapshot for its reader ------------------------------------

async def test_audit_snapshots_are_masked_for_each_reader_as_the_object_is(api):
    w = await build_world()
    await create_user("dongbu", "东湖新城办公室", PASSWORD, [(Role.NEW_TOWN_OFFICE, w.new_town)])
    officer = await api.as_user("cuiyuan", PASSWORD)
    idn = id_number(birth="19750615", seq="122")
    made = await officer.gql(
        """mutation($i: PersonCreateInput!){ personCreate(input: $i){ person { id } errors { code } } }""",
        {"i": {"homeId": gid(w.community_a), "name": "王芳", "idNumber": idn, "phone": "13812345678",
               "residenceId": gid(w.buildings_a[0])}})
    person_id = made["personCreate"]["person"]["id"]
    await officer.gql("""mutation($i: PersonUpdateInput!){ personUpdate(input: $i){ errors { code } } }""",
                      {"i": {"id": person_id, "phone": "13900001111"}})
    q = """{ auditEntries(objectType: "Person") { nodes { id action before after } } }"""

    admin = (await (await api.as_user("admin", PASSWORD)).gql(q))["auditEntries"]["nodes"]
    update = next(e for e in admin if e["action"] == "personUpdate")
    assert update["before"]["id_number"] == idn and update["before"]["phone"] == "13812345678"
    assert update["after"]["phone"] == "13900001111" and update["after"]["birth_date"] == "1975-06-15"
    assert update["after"]["gender"] == "FEMALE" and update["after"]["residence_id"] == w.buildings_a[0].id

    for office in ("district", "dongbu"):
        client = await api.as_user(office, PASSWORD)
        # what the office sees of the person itself ...
        shown = (await client.gql(PERSON, {"id": person_id}))["node"]
        assert shown["personalDataMasked"] is True
        entries = (await client.gql(q))["auditEntries"]["nodes"]
        assert {e["action"] for e in entries} == {"personCreate", "personUpdate"}
        for e in entries:
            for snap in (e["before"], e["after"]):
                if snap is None:
                    continue
                # ... is exactly what it sees in the log
                assert snap["id_number"] == shown["idNumber"] == "330***********122" + idn[-1]
                assert snap["phone"] in ("138****5678", "139****1111")
                assert snap["birth_date"] is None and snap["gender"] is None and snap["residence_id"] is None
                assert snap["age"] == shown["age"]
                assert snap["name"] == "王芳"
        # the same entry by node(id:)
        one = await client.gql("query($id: ID!){ node(id: $id){ ... on AuditEntry { after } } }",
                               {"id": next(e["id"] for e in entries if e["action"] == "personUpdate")})
        assert one["node"]["after"]["id_number"] != idn and one["node"]["after"]["phone"] == "139****1111"


async def test_audit_snapshots_of_applications_hide_recruitment_details_from_offices(api):
    w = await build_world()
    person = await _person(w.community_a, "王秀英", "111", residence=w.buildings_a[0])
    area = await _area(w.compound_a, "1栋片区", [w.buildings_a[0]])
    c = await RecruitmentCampaign.create(community_id=w.community_a.id, path=w.community_a.path, name="招募", opened_on=date(2025, 1, 1))
    app = await Application.create(campaign_id=c.id, service_area_id=area.id, person_id=person.id, path=area.path,
                                   channel=Channel.SELF, applied_on=date(2025, 1, 6), status=ApplicationStatus.ELIGIBLE,
                                   judgements={"HEALTH": {"passed": True, "note": "高血压，已控制", "by": "cuiyuan"}})
    await create_user("police", "社区民警", PASSWORD, [(Role.COMMUNITY_POLICE, w.community_a)])
    police = await api.as_user("police", PASSWORD)
    done = await police.gql("""mutation($id: ID!){ applicationPoliceOpinionRecord(id: $id, favourable: false, opinion: "有治安处罚记录"){
        errors { code } } }""", {"id": to_global_id("Application", app.id)})
    assert done["applicationPoliceOpinionRecord"]["errors"] == []
    q = """{ auditEntries(objectType: "Application") { nodes { before after } } }"""
    [full] = (await (await api.as_user("admin", PASSWORD)).gql(q))["auditEntries"]["nodes"]
    assert full["after"]["police_opinion"] == "有治安处罚记录" and full["after"]["judgements"]["HEALTH"]["note"] == "高血压，已控制"
    [hidden] = (await (await api.as_user("district", PASSWORD)).gql(q))["auditEntries"]["nodes"]
    for snap in (hidden["before"], hidden["after"]):
        assert snap["judgements"] is None and snap["police_opinion"] is None and snap["police_favourable"] is None
        assert snap["status"] == "ELIGIBLE"  # what is not confidential stays


# ---- 4. masking that cannot be undone ----------------------------------------------------

async def _application_with_everything(w) -> tuple[Person, Application]:
    person = await _person(w.community_a, "李建国", "121", birth="19700202", residence=w.buildings_a[0])
    area = await _area(w.compound_a, "1栋片区", [w.buildings_a[0]])
    c = await RecruitmentCampaign.create(community_id=w.community_a.id, path=w.community_a.path, name="招募", opened_on=date(2025, 1, 1))
    app = await Application.create(
        campaign_id=c.id, service_area_id=area.id, person_id=person.id, path=area.path, channel=Channel.SELF,
        applied_on=date(2025, 1, 6), status=ApplicationStatus.WITHDRAWN, withdrawn_reason="异议成立：长期外出务工",
        judgements={"HEALTH": {"passed": True, "note": "心脏病史", "by": "cuiyuan"}}, interview_notes="家访：腿脚不便",
        police_opinion="无违法记录", police_favourable=True, police_by="police", police_at=datetime(2025, 1, 9, 10, 0, tzinfo=SHANGHAI),
    )
    await Objection.create(application_id=app.id, path=app.path, raised_by="邻居张某", text="他常年不在家", raised_on=date(2025, 1, 12))
    await ApplicationEvent.create(application_id=app.id, step="REVIEW", on=date(2025, 1, 8), by_label="cuiyuan", note="JUDGEMENT_HEALTH")
    await ApplicationEvent.create(application_id=app.id, step="POLICE_OPINION", on=date(2025, 1, 9), by_label="police", note="同意：无违法记录")
    await ApplicationEvent.create(application_id=app.id, step="OBJECTION_RAISED", on=date(2025, 1, 12), by_label="cuiyuan", note="他常年不在家")
    await ApplicationEvent.create(application_id=app.id, step="NOTICE", on=date(2025, 1, 10), by_label="cuiyuan", note="2025-01-15..2025-01-17")
    return person, app


APP = """query($id: ID!){ node(id: $id){ ... on Application { status recruitmentDetailsHidden judgements { item note }
  policeOpinion { opinion } interviewNotes withdrawnReason objections { raisedOn raisedBy text recruitmentDetailsHidden }
  history { step note } person { name gender birthDate age idNumber personalDataMasked } } } }"""


async def test_without_personal_data_rights_neither_birth_date_nor_gender_only_age(api):
    w = await build_world()
    p = await _person(w.community_a, "张三", "401", birth="19700202", residence=w.buildings_a[0])
    full = (await (await api.as_user("cuiyuan", PASSWORD)).gql(PERSON, {"id": pid(p)}))["node"]
    assert full["birthDate"] == "1970-02-02" and full["gender"] == "MALE" and full["idNumber"] == p.id_number
    assert full["residence"] == {"name": "1栋"} and full["personalDataMasked"] is False
    masked = (await (await api.as_user("district", PASSWORD)).gql(PERSON, {"id": pid(p)}))["node"]
    assert masked["birthDate"] is None and masked["gender"] is None and masked["residence"] is None
    assert masked["age"] == full["age"] and masked["age"] >= 56
    assert masked["idNumber"] == p.id_number[:3] + "*" * 11 + p.id_number[-4:] and masked["phone"] == "139****5678"
    # the list answers the same
    listed = (await (await api.as_user("district", PASSWORD)).gql("{ people { nodes { birthDate gender age } } }"))["people"]["nodes"]
    assert listed == [{"birthDate": None, "gender": None, "age": masked["age"]}]


async def test_recruitment_details_are_for_the_roles_that_handle_recruitment(api):
    w = await build_world()
    await create_user("police", "社区民警", PASSWORD, [(Role.COMMUNITY_POLICE, w.community_a)])
    await create_user("hotline", "12345热线", PASSWORD, [(Role.HOTLINE, w.district)])
    await create_user("insurer", "保险公司", PASSWORD, [(Role.INSURER, w.district)])
    person, app = await _application_with_everything(w)
    aid = to_global_id("Application", app.id)
    for who in ("cuiyuan", "police", "linhu", "admin"):
        seen = (await (await api.as_user(who, PASSWORD)).gql(APP, {"id": aid}))["node"]
        assert seen["recruitmentDetailsHidden"] is False, who
        assert seen["judgements"] == [{"item": "HEALTH", "note": "心脏病史"}], who
        assert seen["policeOpinion"] == {"opinion": "无违法记录"} and seen["interviewNotes"] == "家访：腿脚不便"
        assert seen["withdrawnReason"] == "异议成立：长期外出务工"
        assert seen["objections"] == [{"raisedOn": "2025-01-12", "raisedBy": "邻居张某", "text": "他常年不在家",
                                       "recruitmentDetailsHidden": False}]
        assert {h["step"]: h["note"] for h in seen["history"]}["POLICE_OPINION"] == "同意：无违法记录"
    for who in ("hotline", "district", "insurer"):
        seen = (await (await api.as_user(who, PASSWORD)).gql(APP, {"id": aid}))["node"]
        assert seen["status"] == "WITHDRAWN" and seen["recruitmentDetailsHidden"] is True, who
        assert seen["judgements"] is None and seen["policeOpinion"] is None, who
        assert seen["interviewNotes"] is None and seen["withdrawnReason"] is None, who
        assert seen["objections"] == [{"raisedOn": "2025-01-12", "raisedBy": None, "text": None, "recruitmentDetailsHidden": True}]
        assert {h["step"]: h["note"] for h in seen["history"]} == {
            "REVIEW": None, "POLICE_OPINION": None, "OBJECTION_RAISED": None, "NOTICE": "2025-01-15..2025-01-17"}, who
    # the insurer holds the personal-data right: numbers, birth date and gender, but still no recruitment details
    insurer = (await (await api.as_user("insurer", PASSWORD)).gql(APP, {"id": aid}))["node"]["person"]
    assert insurer["idNumber"] == person.id_number and insurer["birthDate"] == "1970-02-02"
    hotline = (await (await api.as_user("hotline", PASSWORD)).gql(APP, {"id": aid}))["node"]["person"]
    assert hotline["personalDataMasked"] is True and hotline["birthDate"] is None and hotline["gender"] is None
    assert hotline["age"] == insurer["age"]


# ---- 5. nested edges apply node(id:)'s check ---------------------------------------------

async def test_nested_edges_return_only_what_node_id_would(api):
    w = await build_world()
    area_a = await _area(w.compound_a, "1栋片区", [w.buildings_a[0]])
    area_b = await _area(w.compound_b, "锦绣1栋片区", [w.building_b])
    # on community A's register, serves in both communities and heads community B's station
    p = await _person(w.community_a, "跨社区的人", "501")
    role_a = await StaffRole.create(person_id=p.id, kind=StaffKind.GRID_WORKER_PART_TIME, node_id=w.community_a.id,
                                    path=w.community_a.path, started_on=date(2024, 1, 1))
    role_b = await StaffRole.create(person_id=p.id, kind=StaffKind.COMMUNITY_WORKER, node_id=w.community_b.id,
                                    path=w.community_b.path, started_on=date(2024, 1, 1))
    term_a, term_b = await _term(p, area_a), await _term(p, area_b)
    ws_a = await Workstation.get(compound_id=w.compound_a.id)
    ws_b = await Workstation.get(compound_id=w.compound_b.id)
    appt_b = await StationHeadAppointment.create(
        workstation_id=ws_b.id, person_id=p.id, path=ws_b.path, source=StationHeadSource.COMMUNITY_WORKER,
        letter_number="聘1", filing_reference="备1", appointed_on=date(2025, 1, 1), active_person_id=p.id,
        active_workstation_id=ws_b.id)
    # a campaign of community B's node, attached to one station of each community
    campaign = await WorkstationCampaign.create(node_id=w.community_b.id, path=w.community_b.path, name="锦华提升",
                                                premises_deadline=date(2026, 3, 1), in_use_deadline=date(2026, 4, 1))
    lonely = await WorkstationCampaign.create(node_id=w.community_b.id, path=w.community_b.path, name="只在锦华",
                                              premises_deadline=date(2026, 3, 1), in_use_deadline=date(2026, 4, 1))
    await Workstation.filter(id=ws_a.id).update(campaign_id=campaign.id)
    await Workstation.filter(id=ws_b.id).update(campaign_id=lonely.id)

    a = await api.as_user("cuiyuan", PASSWORD)
    got = (await a.gql("""query($id: ID!){ node(id: $id){ ... on Person { name
        staffRoles { id kind } buildingHeadTerms { id } stationHeadAppointments { id } } } }""", {"id": pid(p)}))["node"]
    assert got["name"] == "跨社区的人"
    assert got["staffRoles"] == [{"id": to_global_id("StaffRole", role_a.id), "kind": "GRID_WORKER_PART_TIME"}]
    assert got["buildingHeadTerms"] == [{"id": to_global_id("BuildingHeadTerm", term_a.id)}]
    assert got["stationHeadAppointments"] == []
    # every record an edge gives is readable by node(id:), every one it withholds is not
    for shown in (to_global_id("StaffRole", role_a.id), to_global_id("BuildingHeadTerm", term_a.id)):
        assert (await a.gql(NODE, {"id": shown}))["node"] == {"id": shown}
    for hidden in (to_global_id("StaffRole", role_b.id), to_global_id("BuildingHeadTerm", term_b.id),
                   to_global_id("StationHeadAppointment", appt_b.id), to_global_id("WorkstationCampaign", lonely.id)):
        assert (await a.gql(NODE, {"id": hidden}))["node"] is None, hidden
    # the station's campaign: readable by node(id:) exactly when the station's edge gives it
    ws = (await a.gql("""query($id: ID!){ node(id: $id){ ... on Workstation { campaign { id name } } } }""",
                      {"id": to_global_id("Workstation", ws_a.id)}))["node"]
    cid = to_global_id("WorkstationCampaign", campaign.id)
    assert ws["campaign"] == {"id": cid, "name": "锦华提升"}
    assert (await a.gql(NODE, {"id": cid}))["node"] == {"id": cid}
    # community B's officer (who reads the person because they serve in B) sees B's records and not A's
    b = await api.as_user("jinhua", PASSWORD)
    got_b = (await b.gql("""query($id: ID!){ node(id: $id){ ... on Person {
        staffRoles { kind } buildingHeadTerms { id } stationHeadAppointments { letterNumber } } } }""", {"id": pid(p)}))["node"]
    assert got_b == {"staffRoles": [{"kind": "COMMUNITY_WORKER"}], "buildingHeadTerms": [{"id": to_global_id("BuildingHeadTerm", term_b.id)}],
                     "stationHeadAppointments": [{"letterNumber": "聘1"}]}
    assert (await b.gql(NODE, {"id": to_global_id("StaffRole", role_a.id)}))["node"] is None


# ---- 6. a station head sees the building heads of their compound -------------------------

async def test_station_head_sees_the_building_heads_of_their_compound_masked(api, sql_counter):
    w = await build_world()
    await create_user("zhanzhang", "翠苑一区站长", PASSWORD, [(Role.STATION_HEAD, w.compound_a)])
    area = await _area(w.compound_a, "1-2栋片区", [w.buildings_a[0], w.buildings_a[1]])
    head = await _person(w.community_a, "周楼长", "601", residence=w.buildings_a[0])
    await _term(head, area)
    former = await _person(w.community_a, "退任楼长", "602", residence=w.buildings_a[1])
    await _term(former, area, status=TermStatus.ENDED)
    resident = await _person(w.community_a, "普通居民", "603", residence=w.buildings_a[0])
    other = await _person(w.community_b, "锦华楼长", "604", residence=w.building_b)
    await _term(other, await _area(w.compound_b, "锦绣片区", [w.building_b]))
    ws = await Workstation.get(compound_id=w.compound_a.id)
    station_head = await _person(w.community_a, "陈站长", "605")
    await StationHeadAppointment.create(
        workstation_id=ws.id, person_id=station_head.id, path=ws.path, source=StationHeadSource.COMMUNITY_WORKER,
        letter_number="聘2", filing_reference="备2", appointed_on=date(2025, 1, 1), active_person_id=station_head.id,
        active_workstation_id=ws.id)

    sh = await api.as_user("zhanzhang", PASSWORD)
    people = (await sh.gql("{ people { totalCount nodes { name idNumber birthDate gender age personalDataMasked } } }"))["people"]
    assert [n["name"] for n in people["nodes"]] == ["周楼长", "陈站长"] and people["totalCount"] == 2
    zhou = people["nodes"][0]
    assert zhou["personalDataMasked"] is True and zhou["idNumber"] == head.id_number[:3] + "*" * 11 + head.id_number[-4:]
    assert zhou["birthDate"] is None and zhou["gender"] is None and zhou["age"] >= 45
    # the same person through node(id:) and through the compound's terms and station
    assert (await sh.gql(PERSON, {"id": pid(head)}))["node"]["idNumber"] == zhou["idNumber"]
    tree = (await sh.gql("""query($id: ID!){ node(id: $id){ ... on Compound {
        serviceAreas { activeBuildingHeads { person { name personalDataMasked } } }
        workstation { stationHead { person { name } } } } } }""", {"id": gid(w.compound_a)}))["node"]
    assert tree["serviceAreas"] == [{"activeBuildingHeads": [{"person": {"name": "周楼长", "personalDataMasked": True}}]}]
    assert tree["workstation"]["stationHead"]["person"] == {"name": "陈站长"}
    # no role in the compound (or no longer): not readable
    for hidden in (former, resident, other):
        assert (await sh.gql(NODE, {"id": pid(hidden)}))["node"] is None, hidden.name
    # the community's officer sees the head unmasked, as before
    full = (await (await api.as_user("cuiyuan", PASSWORD)).gql(PERSON, {"id": pid(head)}))["node"]
    assert full["idNumber"] == head.id_number and full["personalDataMasked"] is False

    # set-based: the statements of the list do not grow with the number of heads
    sql_counter.count = 0
    await sh.gql("{ people(first: 100) { nodes { name idNumber } } }")
    few = sql_counter.count
    for i in range(8):
        await _term(await _person(w.community_a, f"楼长{i}", f"7{i:02d}"), area)
    sql_counter.count = 0
    listed = await sh.gql("{ people(first: 100) { nodes { name idNumber } } }")
    assert len(listed["people"]["nodes"]) == 10
    assert sql_counter.count == few


async def test_a_head_registered_elsewhere_is_seen_with_the_rights_held_where_they_serve(api):
    """Personal data follows the same places as readability: community A's officer (who has the
    personal-data right in A) sees in full a head registered in B who serves in A."""
    w = await build_world()
    area_a = await _area(w.compound_a, "1栋片区", [w.buildings_a[0]])
    p = await _person(w.community_b, "锦华居民", "801", residence=w.building_b)
    await _term(p, area_a)
    a = await api.as_user("cuiyuan", PASSWORD)
    shown = (await a.gql(PERSON, {"id": pid(p)}))["node"]
    assert shown["idNumber"] == p.id_number and shown["personalDataMasked"] is False
    listed = (await a.gql("{ people { nodes { name } } }"))["people"]["nodes"]
    assert [n["name"] for n in listed] == ["锦华居民"]


async def test_demo_station_head_sees_every_head_of_their_compound(api):
    """The reproducer on the demo district: 翠苑一区's station head saw `person: null` on every
    term of their compound and an empty `people`."""
    from grassroots.demo import DEMO_PASSWORD, load_demo

    assert await load_demo()
    sh = await api.as_user("zhanzhang", DEMO_PASSWORD)
    [compound] = (await sh.gql('{ treeNodes(nameContains: "翠苑一区") { nodes { id kind } } }'))["treeNodes"]["nodes"]
    tree = (await sh.gql("""query($id: ID!){ node(id: $id){ ... on Compound {
        serviceAreas { activeBuildingHeads { person { id name birthDate gender age personalDataMasked } } }
        workstation { stationHead { person { id name } } } } } }""", {"id": compound["id"]}))["node"]
    heads = [t["person"] for a in tree["serviceAreas"] for t in a["activeBuildingHeads"]]
    assert heads and all(p is not None and p["personalDataMasked"] and p["birthDate"] is None and p["gender"] is None
                         and p["age"] > 0 for p in heads)
    people = (await sh.gql("{ people(first: 100) { totalCount nodes { id } } }"))["people"]
    ids = {p["id"] for p in heads} | {tree["workstation"]["stationHead"]["person"]["id"]}
    assert {n["id"] for n in people["nodes"]} == ids and people["totalCount"] == len(ids)
