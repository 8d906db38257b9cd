"""The station head's weekly view through the API: meetings with attendance, the building heads
serving with their phones (masked by the Person rules), what each did, absences and warnings,
open concerns and incidents; a fixed number of statements whatever the number of heads."""
from __future__ import annotations

from datetime import date, datetime

from models.meetings import AbsenceAction, Attendance
from models.workstations import Workstation
from policy.kinds import Role
from policy.meetings import AbsenceActionKind, AttendanceStatus, ConcernStatus, MeetingKind
from policy.requests import IncidentStatus
from resolvers.clock import SHANGHAI
from schema.common import to_global_id
from tests.api.test_ledger import (
    concern, household, incident, inspection, make_area, make_person, make_term, meeting, user, visit,
)
from tests.factory import PASSWORD, build_world

D = date
WEEK = """query($w: ID!, $d: Date){ workstationWeek(workstationId: $w, weekOf: $d){ weekOf workstationName
  meetings { id kind heldOn monthly attendanceRecorded attendance { status leaveReason person { name phone idNumber } } }
  buildingHeads { term { id } serviceAreaName inspections visits unexcusedAbsences warned warningOn
                  person { name phone idNumber personalDataMasked } }
  openConcerns { title owner deadline status public overdue }
  openIncidents { title level } } }"""


async def _heads(w, ws, area, meetings, start: int, count: int):
    """``count`` heads serving the area, each present (or not) at the week's meetings, with records."""
    out = []
    for i in range(start, start + count):
        p = await make_person(w.community_a, f"楼长{i}", f"{500 + i}", phone=f"1391234{5000 + i}")
        t = await make_term(p, area, D(2025, 6, 1))
        for m in meetings:
            await Attendance.create(meeting_id=m.id, person_id=p.id, term_id=t.id, path=ws.path,
                                    status=AttendanceStatus.PRESENT if i % 2 else AttendanceStatus.UNEXCUSED)
        await inspection(ws, w.buildings_a[0], D(2026, 3, 17), t)
        h = await household(ws, w.buildings_a[0], f"{i}-101")
        await visit(ws, h, D(2026, 3, 18), t)
        await visit(ws, h, D(2026, 3, 25), t)  # the next week
        out.append((p, t))
    return out


async def test_the_weekly_view_shows_the_week_and_its_heads(api):
    w = await build_world()
    ws = await Workstation.get(compound_id=w.compound_a.id)
    area = await make_area(w.compound_a, "一号片区", w.buildings_a[:2])
    m1 = await meeting(ws, MeetingKind.WORKSTATION, D(2026, 3, 16))
    m2 = await meeting(ws, MeetingKind.BUILDING_HEADS, D(2026, 3, 16))
    await meeting(ws, MeetingKind.BUILDING_HEADS, D(2026, 3, 23))  # another week
    (p1, t1), (p2, t2) = await _heads(w, ws, area, [m2], 0, 2)
    earlier = await meeting(ws, MeetingKind.BUILDING_HEADS, D(2026, 3, 9))
    await Attendance.create(meeting_id=earlier.id, person_id=p1.id, term_id=t1.id, path=ws.path,
                            status=AttendanceStatus.UNEXCUSED)
    await AbsenceAction.create(term_id=t1.id, path=ws.path, workstation_id=ws.id, kind=AbsenceActionKind.WARNING,
                               meeting_id=m2.id, absences=2, effective_on=D(2026, 3, 16))
    await AbsenceAction.create(term_id=t2.id, path=ws.path, workstation_id=ws.id, kind=AbsenceActionKind.WARNING,
                               meeting_id=m2.id, absences=2, effective_on=D(2026, 3, 9),
                               reversed_at=datetime(2026, 3, 10, tzinfo=SHANGHAI), reversed_by="test")
    ended = await make_term(await make_person(w.community_a, "已卸任", "599"), area, D(2025, 1, 1), ended_on=D(2026, 3, 13))
    await concern(ws, m1, "楼道堆物", D(2026, 3, 2), deadline=D(2026, 3, 10))
    await concern(ws, m1, "已解决", D(2026, 3, 2), status=ConcernStatus.RESOLVED)
    await incident(ws, w.buildings_a[0], "燃气泄漏", D(2026, 3, 17))
    await incident(ws, w.buildings_a[0], "已处置", D(2026, 3, 17), status=IncidentStatus.CLOSED)

    head = await api.as_user(await user("zhanzhang", Role.STATION_HEAD, w.compound_a), PASSWORD)
    data = (await head.gql(WEEK, {"w": to_global_id("Workstation", ws.id), "d": "2026-03-18"}))["workstationWeek"]
    assert data["weekOf"] == "2026-03-16" and data["workstationName"] == ws.name
    assert [(m["kind"], m["heldOn"]) for m in data["meetings"]] == [("BUILDING_HEADS", "2026-03-16"), ("WORKSTATION", "2026-03-16")]
    bhm = data["meetings"][0]
    assert bhm["id"] == to_global_id("Meeting", m2.id) and bhm["monthly"] is False
    assert [(a["person"]["name"], a["status"]) for a in bhm["attendance"]] == [("楼长0", "UNEXCUSED"), ("楼长1", "PRESENT")]
    heads = {h["term"]["id"]: h for h in data["buildingHeads"]}
    assert to_global_id("BuildingHeadTerm", ended.id) not in heads  # ended the week before
    h1, h2 = heads[to_global_id("BuildingHeadTerm", t1.id)], heads[to_global_id("BuildingHeadTerm", t2.id)]
    assert (h1["inspections"], h1["visits"], h1["unexcusedAbsences"], h1["warned"], h1["warningOn"]) == (1, 1, 2, True, "2026-03-16")
    assert (h2["unexcusedAbsences"], h2["warned"], h2["warningOn"]) == (0, False, None)  # its warning was reversed
    # a station head sees their building heads' phones, not their ID numbers
    assert h1["person"]["name"] == "楼长0" and h1["person"]["phone"] == p1.phone
    assert h1["person"]["idNumber"] != p1.id_number and "*" in h1["person"]["idNumber"]
    assert p1.id_number not in str(data)
    assert [(c["title"], c["overdue"]) for c in data["openConcerns"]] == [("楼道堆物", True)]
    assert [i["title"] for i in data["openIncidents"]] == ["燃气泄漏"]
    # community B's staff: out of scope, as missing
    other = await api.as_user("jinhua", PASSWORD)
    out = await other.raw(WEEK, {"w": to_global_id("Workstation", ws.id), "d": "2026-03-18"})
    assert out["data"] is None and out["errors"][0]["extensions"]["code"] == "FORBIDDEN" and "楼长" not in str(out)


async def test_the_weekly_view_takes_the_same_statements_for_two_heads_and_for_eight(api, sql_counter):
    w = await build_world()
    ws = await Workstation.get(compound_id=w.compound_a.id)
    area = await make_area(w.compound_a, "一号片区", w.buildings_a[:2])
    m1 = await meeting(ws, MeetingKind.WORKSTATION, D(2026, 3, 16))
    m2 = await meeting(ws, MeetingKind.BUILDING_HEADS, D(2026, 3, 16))
    await _heads(w, ws, area, [m1, m2], 0, 2)
    await concern(ws, m1, "楼道堆物", D(2026, 3, 2))
    await incident(ws, w.buildings_a[0], "燃气泄漏", D(2026, 3, 17))
    head = await api.as_user(await user("zhanzhang", Role.STATION_HEAD, w.compound_a), PASSWORD)
    variables = {"w": to_global_id("Workstation", ws.id), "d": "2026-03-16"}
    sql_counter.count = 0
    two = await head.gql(WEEK, variables)
    with_two = sql_counter.count
    await _heads(w, ws, area, [m1, m2], 2, 6)
    sql_counter.count = 0
    eight = await head.gql(WEEK, variables)
    with_eight = sql_counter.count
    assert len(two["workstationWeek"]["buildingHeads"]) == 2 and len(eight["workstationWeek"]["buildingHeads"]) == 8
    assert all(h["person"]["phone"] for h in eight["workstationWeek"]["buildingHeads"])
    assert with_two == with_eight, (with_two, with_eight)
