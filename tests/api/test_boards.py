"""The public notice boards, read without login: what is published and nothing else; the numbers
they publish (contactPublish); the tighter cost limit of anonymous board queries."""
from __future__ import annotations

from datetime import date

from models.meetings import Concern
from models.recruitment import BuildingHead
from models.tree import Node
from models.workstations import StationHeadAppointment, Workstation
from policy.kinds import Role, StationHeadSource
from policy.meetings import ConcernStatus, MeetingKind
from schema.common import to_global_id
from tests.api.test_ledger import concern, household, make_area, make_person, make_term, meeting, user
from tests.factory import PASSWORD, build_world, gid

D = date
BOARD = """{ name stationHead { name duties phone } buildingHeads { name duties phone serviceAreas }
  concerns { title measures deadline status } }"""
WS_BOARD = "query($w: ID!){ workstationBoard(workstationId: $w) " + BOARD + " }"
B_BOARD = "query($b: ID!){ buildingBoard(buildingId: $b) { workstationName " + BOARD[1:] + " }"
PUBLISH = """mutation($i: ContactPublishInput!){ contactPublish(input: $i){ holderId phone errors { code field message } } }"""


async def _board_world(w):
    ws = await Workstation.get(compound_id=w.compound_a.id)
    area = await make_area(w.compound_a, "一号片区", w.buildings_a[:2])
    sh = await make_person(w.community_a, "陈站长", "601", phone="13800000001")
    await StationHeadAppointment.create(
        workstation_id=ws.id, person_id=sh.id, path=ws.path, source=StationHeadSource.COMMUNITY_WORKER,
        letter_number="临湖街聘〔2026〕1号", filing_reference="备〔2026〕1号", appointed_on=D(2026, 1, 1),
        public_phone="0571-88886666", active_person_id=sh.id, active_workstation_id=ws.id)
    p1 = await make_person(w.community_a, "张卫东", "602", phone="13911112222")
    p2 = await make_person(w.community_a, "刘芳", "603", phone="13922223333")
    t1 = await make_term(p1, area, D(2025, 6, 1), public_phone="13611113333")
    t2 = await make_term(p2, area, D(2025, 6, 1))
    await make_term(await make_person(w.community_a, "已卸任", "604"), area, D(2024, 1, 1), ended_on=D(2025, 5, 31))
    m = await meeting(ws, MeetingKind.WORKSTATION, D(2026, 3, 2))
    await concern(ws, m, "电梯维修", D(2026, 3, 2), measures="物业三日内更换钢丝绳", deadline=D(2026, 3, 20), public=True,
                  status=ConcernStatus.IN_PROGRESS)
    await concern(ws, m, "邻里噪音纠纷", D(2026, 3, 2), measures="调解中", public=False)
    await household(ws, w.buildings_a[0], "1-502", contact_name="赵建国", contact_phone="13700001111")
    return ws, sh, (p1, t1), (p2, t2)


async def test_an_anonymous_board_shows_what_is_published_and_no_personal_data(api):
    w = await build_world()
    ws, sh, (p1, t1), (p2, t2) = await _board_world(w)
    body = await api.raw(WS_BOARD, {"w": to_global_id("Workstation", ws.id)}, token="")
    assert "errors" not in body, body
    board = body["data"]["workstationBoard"]
    assert board["name"] == ws.name
    assert board["stationHead"]["name"] == "陈站长" and board["stationHead"]["phone"] == "0571-88886666"
    assert "主持工作站例会和楼栋长例会" in board["stationHead"]["duties"]
    heads = {h["name"]: h for h in board["buildingHeads"]}
    assert set(heads) == {"张卫东", "刘芳"}  # not the head whose term ended
    assert heads["张卫东"]["phone"] == "13611113333" and heads["刘芳"]["phone"] is None
    assert heads["张卫东"]["serviceAreas"] == ["一号片区"] and len(heads["张卫东"]["duties"]) == 6
    assert board["concerns"] == [{"title": "电梯维修", "measures": "物业三日内更换钢丝绳", "deadline": "2026-03-20",
                                  "status": "IN_PROGRESS"}]
    building = (await api.raw(B_BOARD, {"b": gid(w.buildings_a[0])}, token=""))["data"]["buildingBoard"]
    assert building["name"] == "1栋" and building["workstationName"] == ws.name
    assert {h["name"] for h in building["buildingHeads"]} == {"张卫东", "刘芳"}
    assert building["stationHead"]["phone"] == "0571-88886666" and len(building["concerns"]) == 1
    # nothing personal: no ID numbers, unpublished phones, addresses, private concerns or person IDs
    text = str(body) + str(building)
    for secret in (sh.id_number, p1.id_number, p2.id_number, sh.phone, p1.phone, p2.phone, "13700001111", "1-502",
                   "赵建国", "邻里噪音纠纷", to_global_id("Person", p1.id), to_global_id("Person", sh.id)):
        assert secret not in text, secret
    # a building outside any service area shows only its station's part
    third = (await api.raw(B_BOARD, {"b": gid(w.buildings_a[2])}, token=""))["data"]["buildingBoard"]
    assert third["buildingHeads"] == [] and third["stationHead"]["name"] == "陈站长"


async def test_an_unknown_or_closed_board_is_null_without_detail(api):
    w = await build_world()
    ws, *_ = await _board_world(w)
    for variables in ({"w": to_global_id("Workstation", 999999)}, {"w": "not-an-id"}, {"w": gid(w.compound_a)}):
        body = await api.raw(WS_BOARD, variables, token="")
        assert body == {"data": {"workstationBoard": None}}, body
    assert (await api.raw(B_BOARD, {"b": gid(w.compound_a)}, token="")) == {"data": {"buildingBoard": None}}
    await Node.filter(id=w.compound_a.id).update(closed_on=D(2026, 3, 1))
    body = await api.raw(WS_BOARD, {"w": to_global_id("Workstation", ws.id)}, token="")
    assert body == {"data": {"workstationBoard": None}}
    await Node.filter(id=w.buildings_a[0].id).update(closed_on=D(2026, 3, 1))
    assert (await api.raw(B_BOARD, {"b": gid(w.buildings_a[0])}, token="")) == {"data": {"buildingBoard": None}}
    # other root fields still need a login next to a board
    mixed = await api.raw("query($w: ID!){ workstationBoard(workstationId: $w){ name } workstations { totalCount } }",
                          {"w": to_global_id("Workstation", ws.id)}, token="")
    assert mixed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_anonymous_board_query_has_a_tighter_cost_limit(api):
    w = await build_world()
    ws, *_ = await _board_world(w)
    wide = "query($w: ID!){ " + " ".join(f"b{i}: workstationBoard(workstationId: $w) {BOARD}" for i in range(8)) + " }"
    variables = {"w": to_global_id("Workstation", ws.id)}
    body = await api.raw(wide, variables, token="")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert body["errors"][0]["extensions"]["limit"] == 2000 and body["errors"][0]["extensions"]["cost"] > 2000
    # one board is well within it; a logged-in caller has the general limit
    assert (await api.raw(WS_BOARD, variables, token=""))["data"]["workstationBoard"]["name"] == ws.name
    staff = await api.as_user("cuiyuan", PASSWORD)
    assert len((await staff.gql(wide, variables))) == 8
    # deep through fragments too
    frag = ("fragment B on WorkstationBoard " + BOARD + " query($w: ID!){ "
            + " ".join(f"b{i}: workstationBoard(workstationId: $w) {{ ...B }}" for i in range(8)) + " }")
    assert (await api.raw(frag, variables, token=""))["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_contact_publish_sets_validates_and_clears_the_published_number(api):
    w = await build_world()
    ws, sh, (p1, t1), (p2, t2) = await _board_world(w)
    appointment = await StationHeadAppointment.get(workstation_id=ws.id)
    staff = await api.as_user("cuiyuan", PASSWORD)
    term_id = to_global_id("BuildingHeadTerm", t2.id)
    done = (await staff.gql(PUBLISH, {"i": {"termId": term_id, "phone": " 139 2222 4444 "}}))["contactPublish"]
    assert done == {"holderId": term_id, "phone": "13922224444", "errors": []}
    assert (await BuildingHead.get(id=t2.id)).public_phone == "13922224444"
    bad = (await staff.gql(PUBLISH, {"i": {"termId": term_id, "phone": "12345"}}))["contactPublish"]
    assert bad["errors"][0]["code"] == "INVALID_PHONE" and bad["errors"][0]["field"] == ["input", "phone"]
    assert (await BuildingHead.get(id=t2.id)).public_phone == "13922224444"
    both = (await staff.gql(PUBLISH, {"i": {"termId": term_id, "appointmentId": to_global_id(
        "StationHeadAppointment", appointment.id), "phone": None}}))["contactPublish"]
    assert both["errors"][0]["code"] == "ONE_CONTACT_HOLDER"
    cleared = (await staff.gql(PUBLISH, {"i": {"termId": term_id, "phone": None}}))["contactPublish"]
    assert cleared["phone"] is None and (await BuildingHead.get(id=t2.id)).public_phone is None
    # the station head publishes their own number; community B's staff cannot (as missing)
    head = await api.as_user(await user("zhanzhang", Role.STATION_HEAD, w.compound_a), PASSWORD)
    aid = to_global_id("StationHeadAppointment", appointment.id)
    ok = (await head.gql(PUBLISH, {"i": {"appointmentId": aid, "phone": "0571-87654321"}}))["contactPublish"]
    assert ok["errors"] == [] and (await StationHeadAppointment.get(id=appointment.id)).public_phone == "0571-87654321"
    other = await api.as_user("jinhua", PASSWORD)
    out = await other.raw(PUBLISH, {"i": {"appointmentId": aid, "phone": "13900000000"}})
    assert out["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await StationHeadAppointment.get(id=appointment.id)).public_phone == "0571-87654321"
    board = (await api.raw(WS_BOARD, {"w": to_global_id("Workstation", ws.id)}, token=""))["data"]["workstationBoard"]
    assert board["stationHead"]["phone"] == "0571-87654321"
    assert await Concern.filter(public=True).count() == 1
