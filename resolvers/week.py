"""The station head's weekly view of a workstation (docs/policy.md §6, §7, §13): the week's
meetings with everyone's attendance, the building heads serving that week with what each did
(inspections, visits), their unexcused absences this term and any live warning, and the open
concerns and incidents.

A fixed number of statements whatever the number of heads: every list is one set-based query
over all the heads at once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from models.meetings import Attendance, Concern, Meeting
from models.people import Person
from models.recruitment import BuildingHead
from models.requests import Incident
from models.workstations import Workstation
from policy.access import Capability
from policy.meetings import AbsenceActionKind, AttendanceStatus, ConcernStatus, week_of
from policy.requests import IncidentStatus
from resolvers import sql
from resolvers.scope import obtain
from resolvers.viewer import Viewer


@dataclass
class HeadWeek:
    term: Any  # BuildingHead, with .service_area prefetched
    inspections: int = 0
    visits: int = 0
    unexcused_absences: int = 0
    warned: bool = False
    warning_on: date | None = None


@dataclass
class WeekView:
    workstation: Workstation
    week_of: date
    meetings: list[Any]  # Meeting
    attendance: dict[int, list[Any]]  # meeting id → Attendance rows
    heads: list[HeadWeek]
    people: dict[int, Person]  # everyone named: attendees and heads
    open_concerns: list[Any] = field(default_factory=list)
    open_incidents: list[Any] = field(default_factory=list)


def _d(value: date) -> Any:
    return value.isoformat() if sql.is_sqlite() else value


async def workstation_week(caller: Viewer, workstation_id: int, day: date) -> WeekView:
    ws = await obtain(caller, Workstation, workstation_id, Capability.READ)
    monday = week_of(day)
    sunday = monday + timedelta(days=6)
    meetings = await Meeting.filter(workstation_id=ws.id, week_of=monday).order_by("kind", "id")
    attendance_rows = (await Attendance.filter(meeting_id__in=[m.id for m in meetings]).order_by("meeting_id", "id")
                       if meetings else [])
    attendance: dict[int, list[Any]] = {m.id: [] for m in meetings}
    for a in attendance_rows:
        attendance[a.meeting_id].append(a)
    terms = [t for t in await BuildingHead.filter(service_area__container_id=ws.compound_id, starts_on__lte=sunday)
             .prefetch_related("service_area").order_by("service_area_id", "starts_on", "id")
             if t.ended_on is None or t.ended_on >= monday]
    heads = {t.id: HeadWeek(t) for t in terms}
    if heads:
        ids = list(heads)
        cond, arg = sql.in_ids("term_id", 3, ids)
        for r in await sql.fetch(f"SELECT term_id, COUNT(*) AS n FROM inspection WHERE inspected_on >= $1 "
                                 f"AND inspected_on <= $2 AND {cond} GROUP BY term_id", _d(monday), _d(sunday), arg):
            heads[int(r["term_id"])].inspections = int(r["n"])
        cond, arg = sql.in_ids("term_id", 3, ids)
        for r in await sql.fetch(f"SELECT term_id, COUNT(*) AS n FROM household_visit WHERE visited_on >= $1 "
                                 f"AND visited_on <= $2 AND {cond} GROUP BY term_id", _d(monday), _d(sunday), arg):
            heads[int(r["term_id"])].visits = int(r["n"])
        cond, arg = sql.in_ids("term_id", 2, ids)
        for r in await sql.fetch(f"SELECT term_id, COUNT(*) AS n FROM attendance WHERE status = $1 AND {cond} "
                                 "GROUP BY term_id", AttendanceStatus.UNEXCUSED.value, arg):
            heads[int(r["term_id"])].unexcused_absences = int(r["n"])
        cond, arg = sql.in_ids("term_id", 2, ids)
        for r in await sql.fetch(f"SELECT term_id, effective_on FROM absence_action WHERE kind = $1 AND "
                                 f"reversed_at IS NULL AND {cond}", AbsenceActionKind.WARNING.value, arg):
            h = heads[int(r["term_id"])]
            h.warned, h.warning_on = True, sql.as_date(r["effective_on"])
    person_ids = {a.person_id for a in attendance_rows} | {t.person_id for t in terms}
    people = {p.id: p for p in await Person.filter(id__in=list(person_ids))} if person_ids else {}
    concerns = await Concern.filter(workstation_id=ws.id, status__not=ConcernStatus.RESOLVED).order_by("deadline", "id")
    incidents = await Incident.filter(workstation_id=ws.id, status=IncidentStatus.OPEN).order_by("-reported_at", "-id")
    return WeekView(ws, monday, list(meetings), attendance, list(heads.values()), people, list(concerns), list(incidents))
