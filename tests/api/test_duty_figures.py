"""Monthly duty figures through the API, hand-computed for March 2026 (Mondays 2, 9, 16, 23, 30):
a head serving the whole month, one who ended on 10 March and one who started on 18 March."""
from __future__ import annotations

from datetime import date

from models.meetings import Attendance
from models.workstations import Workstation
from policy.kinds import Role
from policy.meetings import AttendanceStatus, MeetingKind
from policy.requests import RequestChannel, RequestStatus
from schema.common import to_global_id
from tests.api.test_ledger import (
    household, inspection, make_area, make_person, make_term, meeting, request, user, visit,
)
from tests.factory import PASSWORD, build_world, gid

D = date
FIGURES = ("weeksServed weeksInspected inspections households householdsVisited meetingsHeld meetingsAttended "
           "requestsHandled workOrdersHandled satisfactionMarks averageSatisfaction")
QUERY = f"""query($n: ID!, $m: String!){{ dutyFigures(nodeId: $n, month: $m){{ month node {{ name }}
  heads {{ term {{ id }} serviceAreaName figures {{ {FIGURES} }} }} total {{ {FIGURES} }} }} }}"""


def _f(ws, wi, i, h, hv, mh, ma, rh, wo, sm, avg):
    return {"weeksServed": ws, "weeksInspected": wi, "inspections": i, "households": h, "householdsVisited": hv,
            "meetingsHeld": mh, "meetingsAttended": ma, "requestsHandled": rh, "workOrdersHandled": wo,
            "satisfactionMarks": sm, "averageSatisfaction": avg}


async def _march(w):
    ws = await Workstation.get(compound_id=w.compound_a.id)
    b1, b2 = w.buildings_a[0], w.buildings_a[1]
    area_x = await make_area(w.compound_a, "一号片区", [b1])
    area_y = await make_area(w.compound_a, "二号片区", [b2])
    b1.service_area_id, b2.service_area_id = area_x.id, area_y.id
    pa = await make_person(w.community_a, "张卫东", "301")
    pb = await make_person(w.community_a, "刘芳", "302")
    pc = await make_person(w.community_a, "陈国强", "303")
    a = await make_term(pa, area_y, D(2025, 6, 1))
    c = await make_term(pc, area_x, D(2025, 6, 1), ended_on=D(2026, 3, 10))
    b = await make_term(pb, area_x, D(2026, 3, 18))
    await make_term(await make_person(w.community_a, "未上任", "304"), area_y, D(2026, 4, 1))  # not in March
    x = [await household(ws, b1, f"1-{i}01") for i in range(1, 7)]
    x[4].closed_on = D(2026, 2, 1)  # closed before March: not counted
    x[5].closed_on = D(2026, 4, 10)  # open at the end of March: counted
    await x[4].save()
    await x[5].save()
    y = [await household(ws, b2, f"2-{i}01") for i in range(1, 4)]

    # inspections
    for day in (D(2026, 2, 27), D(2026, 3, 3), D(2026, 3, 4), D(2026, 3, 17), D(2026, 4, 1)):
        await inspection(ws, b2, day, a)
    await inspection(ws, b1, D(2026, 3, 9), c)
    for day in (D(2026, 3, 24), D(2026, 3, 25)):
        await inspection(ws, b1, day, b)
    # visits
    for h, day in ((y[0], D(2026, 3, 5)), (y[0], D(2026, 3, 20)), (y[1], D(2026, 3, 31)), (x[0], D(2026, 3, 6))):
        await visit(ws, h, day, a)
    for h, day in ((x[0], D(2026, 3, 3)), (x[1], D(2026, 3, 10)), (x[2], D(2026, 3, 11))):
        await visit(ws, h, day, c)
    for h, day in ((x[0], D(2026, 3, 19)), (x[3], D(2026, 3, 20)), (x[5], D(2026, 3, 30))):
        await visit(ws, h, day, b)
    # meetings: building heads' meetings on the five Mondays, the last one not recorded (not held)
    bh = {day: await meeting(ws, MeetingKind.BUILDING_HEADS, D(2026, 3, day), recorded=day != 30)
          for day in (2, 9, 16, 23, 30)}
    wsm = await meeting(ws, MeetingKind.WORKSTATION, D(2026, 3, 2))
    await meeting(ws, MeetingKind.BUILDING_HEADS, D(2026, 4, 6))

    async def attend(m, person, term, status=AttendanceStatus.PRESENT):
        await Attendance.create(meeting_id=m.id, person_id=person.id, term_id=term.id, path=ws.path, status=status)

    await attend(bh[2], pa, a)
    await attend(bh[9], pa, a, AttendanceStatus.UNEXCUSED)
    await attend(bh[16], pa, a)
    await attend(wsm, pa, a)
    await attend(bh[2], pc, c)
    await attend(bh[9], pc, c, AttendanceStatus.EXCUSED)
    await attend(bh[23], pb, b)
    await attend(bh[30], pb, b)  # the meeting was not held (attendance not recorded)

    # requests and work orders
    async def resolved(building, on, channel=RequestChannel.RESIDENT, term=None, mark=None, status=RequestStatus.RESOLVED):
        await request(ws, building, "诉求", D(2026, 3, 1), channel, status=status, resolved_on=on,
                      handled_by_term_id=term.id if term else None, satisfaction=mark)

    await resolved(b2, D(2026, 3, 5), term=a, mark=5)
    await resolved(b2, D(2026, 3, 20), RequestChannel.BUILDING_HEAD, mark=4)  # no term: the area's head
    await resolved(b2, D(2026, 3, 12), RequestChannel.HOTLINE, term=a)
    await resolved(b2, D(2026, 3, 12), term=c, mark=1)  # handled by C, after C's service ended: nobody's
    await resolved(b2, D(2026, 4, 1), term=a, mark=1)  # April
    await resolved(b2, None, term=a, status=RequestStatus.OPEN)
    await resolved(b1, D(2026, 3, 8), mark=3)  # area X, no term, while C served
    await resolved(b1, D(2026, 3, 25), RequestChannel.HOTLINE, mark=2)  # area X, no term, while B serves
    return ws, a, b, c


async def test_monthly_duty_figures_hand_computed(api):
    w = await build_world()
    _, a, b, c = await _march(w)
    staff = await api.as_user("cuiyuan", PASSWORD)
    data = (await staff.gql(QUERY, {"n": gid(w.compound_a), "m": "2026-03"}))["dutyFigures"]
    assert data["month"] == "2026-03" and data["node"]["name"] == "翠苑一区"
    heads = {h["term"]["id"]: h for h in data["heads"]}
    assert set(heads) == {to_global_id("BuildingHeadTerm", t.id) for t in (a, b, c)}
    fa = heads[to_global_id("BuildingHeadTerm", a.id)]
    assert fa["serviceAreaName"] == "二号片区"
    assert fa["figures"] == _f(5, 3, 4, 3, 2, 4, 2, 2, 1, 2, "4.50")
    assert heads[to_global_id("BuildingHeadTerm", c.id)]["figures"] == _f(2, 1, 1, 5, 2, 2, 1, 1, 0, 1, "3.00")
    assert heads[to_global_id("BuildingHeadTerm", b.id)]["figures"] == _f(3, 1, 2, 5, 3, 1, 1, 0, 1, 1, "2.00")
    # households and visits count each household once (area X had two heads in March)
    assert data["total"] == _f(10, 5, 7, 8, 6, 7, 4, 3, 2, 4, "3.50")


async def test_duty_figures_scope_and_input(api):
    w = await build_world()
    await _march(w)
    other = await api.as_user("jinhua", PASSWORD)
    out = await other.raw(QUERY, {"n": gid(w.compound_a), "m": "2026-03"})
    assert out["data"] is None and out["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "张卫东" not in str(out)
    staff = await api.as_user("cuiyuan", PASSWORD)
    building = await staff.raw(QUERY, {"n": gid(w.buildings_a[0]), "m": "2026-03"})  # not an area container
    assert building["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await staff.raw(QUERY, {"n": gid(w.compound_a), "m": "2026-3"})
    assert bad["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "month"} or \
        bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # a month without terms: nothing, zeros
    empty = (await staff.gql(QUERY, {"n": gid(w.compound_a), "m": "2025-01"}))["dutyFigures"]
    assert empty["heads"] == [] and empty["total"]["weeksServed"] == 0 and empty["total"]["averageSatisfaction"] is None
    # the station head reads their compound's figures
    head = await api.as_user(await user("zhanzhang", Role.STATION_HEAD, w.compound_a), PASSWORD)
    assert len((await head.gql(QUERY, {"n": gid(w.compound_a), "m": "2026-03"}))["dutyFigures"]["heads"]) == 3


async def test_duty_figures_take_a_fixed_number_of_statements(api, sql_counter):
    w = await build_world()
    await _march(w)
    staff = await api.as_user("cuiyuan", PASSWORD)
    sql_counter.count = 0
    await staff.gql(QUERY, {"n": gid(w.compound_a), "m": "2026-03"})
    three = sql_counter.count
    more = await make_area(w.compound_a, "三号片区", [w.buildings_a[2]])
    for i in range(5):
        await make_term(await make_person(w.community_a, f"新楼长{i}", f"41{i}"), more, D(2026, 3, 1))
    sql_counter.count = 0
    data = await staff.gql(QUERY, {"n": gid(w.compound_a), "m": "2026-03"})
    assert len(data["dutyFigures"]["heads"]) == 8
    assert sql_counter.count == three
