"""Meetings, attendance, concerns, and what unexcused absences lead to (docs/policy.md §7).

The operations, free of GraphQL: a caller (a ``Viewer``, or ``SYSTEM`` for the daily job) and plain
arguments in, models or plain rows out. ``schema/meetings.py`` decodes IDs and wraps the results.

- ``schedule_meetings``: the week's two meetings of every workstation in use, one set-based insert
  per kind that skips the rows that exist (unique key (workstation, kind, week_of)), so the job
  may run any number of times, also at once.
- ``record_attendance``: a whole meeting's attendance in one unit of work; then, for every
  building-head term it touched (locked in id order), the unexcused absences of the current term
  are counted and ``policy.meetings.absence_decisions`` says what to do: warn the station head,
  end the service, or reverse either (never deleted; a reversed ending reinstates the term).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from models.audit import AuditEntry
from models.meetings import AbsenceAction, Attendance, Concern, Meeting
from models.people import StaffRole
from models.recruitment import BuildingHead, HeadChangeFiling
from models.tree import Node
from models.workstations import StationHeadAppointment, Workstation
from policy.access import Capability
from policy.kinds import StaffKind, TermStatus
from policy.meetings import (
    AbsenceActionKind, AttendanceStatus, AttendeeRole, ConcernStatus, MeetingKind, absence_decisions, is_monthly,
    week_of,
)
from policy.terms import EndReason
from resolvers import sql
from resolvers.business_dates import not_future
from resolvers.clock import now, today
from resolvers.errors import Problem, Problems
from resolvers.parameters import parameters_in_force
from resolvers.scope import obtain
from resolvers.uow import UnitOfWork, snapshot, unit_of_work
from resolvers.viewer import Viewer

# ---------------------------------------------------------------- scheduling (the daily job)

# One statement per kind: every workstation in use on $6 gets the week's meeting unless it has it.
# The police officer invited to the monthly building heads' meeting: the one serving the
# compound's community (an open COMMUNITY_POLICE staff role there), the lowest person id if several.
_SCHEDULE_SQL = (
    "INSERT INTO meeting (workstation_id, path, kind, week_of, monthly, held_on, agenda, minutes, "
    "police_person_id, created_at) "
    "SELECT w.id, w.path, $1, $2, $3, $4, '', '', "
    "CASE WHEN $5 THEN (SELECT MIN(r.person_id) FROM staff_role r WHERE r.node_id = c.parent_id "
    "AND r.kind = 'COMMUNITY_POLICE' AND r.started_on <= $6 AND (r.ended_on IS NULL OR r.ended_on >= $7)) END, $8 "
    "FROM workstation w JOIN node c ON c.id = w.compound_id "
    "WHERE w.in_use_on IS NOT NULL AND w.in_use_on <= $9 "
    "ON CONFLICT (workstation_id, kind, week_of) DO NOTHING RETURNING id, path"
)


async def schedule_meetings(caller: Viewer, *, on: date) -> int:
    """The week's WORKSTATION and BUILDING_HEADS meetings of every workstation in use on ``on``,
    planned for the week's Monday; the first building heads' meeting of a month is the monthly
    one and invites the community police officer. Idempotent, also when two runs race (the
    unique key decides and the loser's rows are skipped). Returns how many it created."""
    caller.require_authenticated()
    if not caller.system:  # the job's operation: nobody else schedules every workstation
        caller.require(Capability.MEETING_WRITE, "/")
    monday = week_of(on)
    created: list[tuple[int, str]] = []
    async with unit_of_work(caller) as uow:
        at = now()
        for kind in (MeetingKind.WORKSTATION, MeetingKind.BUILDING_HEADS):
            monthly = is_monthly(kind, monday)
            rows = await _insert_returning(_SCHEDULE_SQL, kind.value, monday, monthly, monday, monthly, on, on, at, on)
            created += [(r["id"], r["path"]) for r in rows]
        if created:  # audited in one statement (a district has thousands of workstations)
            v = uow.caller
            await AuditEntry.bulk_create([
                AuditEntry(actor_user_id=v.user_id, actor_api_key_id=v.api_key_id, actor_label=v.label,
                           action="meetingSchedule", object_type="Meeting", object_id=pk, path=path, before=None,
                           after={"week_of": monday.isoformat()})
                for pk, path in created])
    return len(created)


async def _insert_returning(text: str, *args: object) -> list[dict]:
    """Rows of an ``INSERT … RETURNING`` ($n placeholders as in resolvers/sql.py): tortoise's
    ``execute_query`` drops the rows of an INSERT on PostgreSQL, ``execute_query_dict`` keeps them."""
    conn = sql.client()
    if sql.is_sqlite(conn):
        text = re.sub(r"\$\d+", "?", text)
    return await conn.execute_query_dict(text, list(args))


# ---------------------------------------------------------------- meetings

async def _police_for(workstation: Workstation, on: date) -> int | None:
    compound = await Node.get(id=workstation.compound_id)
    ids = await (StaffRole.filter(node_id=compound.parent_id, kind=StaffKind.COMMUNITY_POLICE, started_on__lte=on)
                 .filter(ended_on__isnull=True).values_list("person_id", flat=True))
    ids += await (StaffRole.filter(node_id=compound.parent_id, kind=StaffKind.COMMUNITY_POLICE, started_on__lte=on,
                                   ended_on__gte=on).values_list("person_id", flat=True))
    return min(ids) if ids else None


def _meeting_integrity(exc: IntegrityError) -> Problem:
    """A concurrent request created the week's meeting first: what a sequential one gets."""
    return Problem("MEETING_EXISTS", ["input", "heldOn"], message="MEETING_EXISTS_RACED")


async def create_meeting(caller: Viewer, *, workstation_id: int, kind: MeetingKind, held_on: date | None,
                         agenda: str = "") -> Meeting:
    """A meeting entered afterwards from the paper record (the job plans the others). One per
    workstation, kind and week: the week's meeting is named when it exists."""
    held_on = not_future(held_on or today(), ["input", "heldOn"])
    kind = MeetingKind(kind)
    async with unit_of_work(caller, integrity=_meeting_integrity) as uow:
        w = await obtain(caller, Workstation, workstation_id, Capability.MEETING_WRITE)
        monday = week_of(held_on)
        existing = await Meeting.get_or_none(workstation_id=w.id, kind=kind, week_of=monday)
        if existing is not None:
            raise Problem("MEETING_EXISTS", ["input", "heldOn"], meeting_id=existing.id, held_on=existing.held_on,
                          week_of=monday)
        monthly = is_monthly(kind, monday)
        m = await Meeting.create(workstation_id=w.id, path=w.path, kind=kind, week_of=monday, monthly=monthly,
                                 held_on=held_on, agenda=agenda.strip(),
                                 police_person_id=await _police_for(w, held_on) if monthly else None)
        await uow.audit("meetingCreate", "Meeting", m.id, m.path, None, snapshot(m))
    return m


async def update_meeting(caller: Viewer, meeting_id: int, *, held_on: date | None = None, agenda: str | None = None,
                         minutes: str | None = None) -> Meeting:
    """The date it was held (within its week; fixed once attendance is recorded), agenda, minutes."""
    async with unit_of_work(caller) as uow:
        m = await obtain(caller, Meeting, meeting_id, Capability.MEETING_WRITE, for_update=True)
        before = snapshot(m)
        if held_on is not None and held_on != m.held_on:
            not_future(held_on, ["input", "heldOn"])
            if week_of(held_on) != m.week_of:
                raise Problem("MEETING_OTHER_WEEK", ["input", "heldOn"], week_of=m.week_of)
            if await Attendance.filter(meeting_id=m.id).exists():
                raise Problem("MEETING_ATTENDANCE_RECORDED", ["input", "heldOn"])
            m.held_on = held_on
        if agenda is not None:
            m.agenda = agenda.strip()
        if minutes is not None:
            m.minutes = minutes.strip()
        await m.save()
        await uow.audit("meetingUpdate", "Meeting", m.id, m.path, before, snapshot(m))
    return m


async def meetings_of(caller: Viewer, workstation_id: int, *, from_: date | None = None,
                      to: date | None = None) -> list[Meeting]:
    """A workstation's meetings held (or planned) in [from_, to], newest first."""
    w = await obtain(caller, Workstation, workstation_id, Capability.READ)
    q = Meeting.filter(workstation_id=w.id)
    if from_ is not None:
        q = q.filter(held_on__gte=from_)
    if to is not None:
        q = q.filter(held_on__lte=to)
    return await q.order_by("-held_on", "-id")


# ---------------------------------------------------------------- who is expected

@dataclass(frozen=True)
class Expected:
    person_id: int
    role: AttendeeRole
    term_id: int | None = None  # the building-head term the person attends as


async def expected_attendees(meeting: Meeting) -> list[Expected]:
    """Who is expected at the meeting on its ``held_on``: the station head then appointed, the
    building heads of the compound whose term covers the day, and at a monthly building heads'
    meeting the invited police officer. One person appears once (a station head who is also a
    building head attends as the head of their term)."""
    on = meeting.held_on
    out: dict[int, Expected] = {}
    # one statement, so one snapshot: a term ended or reinstated by a concurrent correction is
    # seen either before or after, never missed by both halves of the condition
    heads = await (BuildingHead.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), path=meeting.path,
                                       starts_on__lte=on).order_by("-id").values("id", "person_id"))
    for h in sorted(heads, key=lambda h: -h["id"]):  # the lowest term id wins for a person with two
        out[h["person_id"]] = Expected(h["person_id"], AttendeeRole.BUILDING_HEAD, h["id"])
    appointments = await (StationHeadAppointment.filter(workstation_id=meeting.workstation_id, appointed_on__lte=on)
                          .values("person_id", "ended_on"))
    for a in appointments:
        if (a["ended_on"] is None or a["ended_on"] >= on) and a["person_id"] not in out:
            out[a["person_id"]] = Expected(a["person_id"], AttendeeRole.STATION_HEAD)
    if meeting.kind == MeetingKind.BUILDING_HEADS and meeting.monthly and meeting.police_person_id \
            and meeting.police_person_id not in out:
        out[meeting.police_person_id] = Expected(meeting.police_person_id, AttendeeRole.COMMUNITY_POLICE)
    order = {AttendeeRole.STATION_HEAD: 0, AttendeeRole.BUILDING_HEAD: 1, AttendeeRole.COMMUNITY_POLICE: 2}
    return sorted(out.values(), key=lambda e: (order[e.role], e.person_id))


async def expected_at(caller: Viewer, meeting_id: int) -> list[Expected]:
    return await expected_attendees(await obtain(caller, Meeting, meeting_id, Capability.READ))


# ---------------------------------------------------------------- attendance

@dataclass(frozen=True)
class Entry:
    person_id: int
    status: AttendanceStatus
    leave_reason: str | None = None


@dataclass(frozen=True)
class AttendanceRecorded:
    meeting: Meeting
    actions: list[AbsenceAction]  # what this recording led to (new or reversed)


def _attendance_integrity(exc: IntegrityError) -> Problem:
    """A unique index refused a write another request made at once (the meeting row is locked,
    so this is a backstop): a clean typed error, never the database's text."""
    text = str(exc)  # PostgreSQL names the index (uq_absence_action_live, uq_head_change_filing_action), SQLite the table
    if "absence_action" in text:
        return Problem("ABSENCE_ACTION_RACED", ["input", "meetingId"])
    return Problem("ATTENDANCE_RACED", ["input", "meetingId"])


async def record_attendance(caller: Viewer, meeting_id: int, entries: list[Entry]) -> AttendanceRecorded:
    """A whole meeting's attendance in one unit of work. Only the people expected can be marked;
    EXCUSED needs the leave reason; a re-submission corrects (one row per meeting and person).
    Then every building-head term touched is counted over and decided on (``_apply_absences``)."""
    async with unit_of_work(caller, integrity=_attendance_integrity) as uow:
        # the meeting row is locked: recordings of one meeting run one after the other
        m = await obtain(caller, Meeting, meeting_id, Capability.MEETING_WRITE, for_update=True)
        not_future(m.held_on, ["input", "meetingId"])
        expected = {e.person_id: e for e in await expected_attendees(m)}
        problems: list[Problem] = []
        seen: set[int] = set()
        for i, e in enumerate(entries):
            number = i + 1
            if e.person_id not in expected:
                problems.append(Problem("ATTENDEE_NOT_EXPECTED", ["input", "entries", str(i), "personId"], number=number))
            elif e.person_id in seen:
                problems.append(Problem("ATTENDEE_REPEATED", ["input", "entries", str(i), "personId"], number=number))
            seen.add(e.person_id)
            if AttendanceStatus(e.status) == AttendanceStatus.EXCUSED and not (e.leave_reason or "").strip():
                problems.append(Problem("LEAVE_REASON_REQUIRED", ["input", "entries", str(i), "leaveReason"], number=number))
        if problems:
            raise Problems(problems)
        existing = {a.person_id: a for a in await Attendance.filter(meeting_id=m.id)}
        before = {str(p): _att(a) for p, a in sorted(existing.items())}
        touched: set[int] = set()
        new: list[Attendance] = []
        for e in entries:
            status = AttendanceStatus(e.status)
            reason = (e.leave_reason or "").strip() or None
            term_id = expected[e.person_id].term_id
            a = existing.get(e.person_id)
            if a is None:
                new.append(Attendance(meeting_id=m.id, person_id=e.person_id, term_id=term_id, path=m.path,
                                      status=status, leave_reason=reason))
            elif (a.status, a.leave_reason, a.term_id) != (status, reason, term_id):
                if a.term_id is not None:
                    touched.add(a.term_id)
                a.status, a.leave_reason, a.term_id = status, reason, term_id
                await a.save(update_fields=["status", "leave_reason", "term_id", "recorded_at"])
            else:
                continue
            if term_id is not None:
                touched.add(term_id)
        if new:
            await Attendance.bulk_create(new)
        m.attendance_recorded_at = now()
        await m.save(update_fields=["attendance_recorded_at"])
        after = {str(a.person_id): _att(a) for a in await Attendance.filter(meeting_id=m.id).order_by("person_id")}
        if before != after:
            await uow.audit("attendanceRecord", "Meeting", m.id, m.path, {"attendance": before}, {"attendance": after})
        actions = await _apply_absences(uow, m, sorted(touched))
    return AttendanceRecorded(m, actions)


def _att(a: Attendance) -> dict:
    return {"status": AttendanceStatus(a.status).value, "leave_reason": a.leave_reason, "term_id": a.term_id}


async def _apply_absences(uow: UnitOfWork, m: Meeting, term_ids: list[int]) -> list[AbsenceAction]:
    """Count each touched term's unexcused absences and act on ``absence_decisions``. The terms are
    locked first, in id order (two recordings touching the same terms wait for each other and
    never deadlock); the count is read after the lock, so it sees what the other committed."""
    if not term_ids:
        return []
    terms = await BuildingHead.select_for_update().filter(id__in=term_ids).order_by("id")
    counts = await _unexcused_counts([t.id for t in terms])
    live = await _live_actions([t.id for t in terms])
    values = await parameters_in_force(m.path, m.held_on)
    warning_at, limit = int(values["absence_warning_at"]), int(values["absence_limit"])  # type: ignore[call-overload]
    caller, at = uow.caller, now()
    done: list[AbsenceAction] = []
    for t in terms:
        warning, ending = live[t.id].get(AbsenceActionKind.WARNING), live[t.id].get(AbsenceActionKind.ENDING)
        d = absence_decisions(counts.get(t.id, 0), warning_at=warning_at, limit=limit,
                              warned=warning is not None, ended=ending is not None)
        if d.nothing:
            continue
        for action in (a for a, rev in ((warning, d.reverse_warning), (ending, d.reverse_ending)) if rev and a):
            before = snapshot(action)
            action.reversed_at, action.reversed_by = at, caller.label
            await action.save(update_fields=["reversed_at", "reversed_by"])
            await uow.audit("absenceActionReverse", "AbsenceAction", action.id, action.path, before, snapshot(action))
            done.append(action)
            if action.kind == AbsenceActionKind.ENDING and t.status == TermStatus.ENDED \
                    and t.end_reason == EndReason.UNEXCUSED_ABSENCES.value:
                term_before = snapshot(t)
                t.status, t.ended_on, t.end_reason = TermStatus.ACTIVE, None, None
                await t.save(update_fields=["status", "ended_on", "end_reason"])
                await HeadChangeFiling.create(term_id=t.id, path=t.path, change="REINSTATEMENT", effective_on=m.held_on,
                                              reason="UNEXCUSED_ABSENCES corrected", filed_by=caller.label,
                                              absence_action_id=action.id)
                await uow.audit("buildingHeadReinstate", "BuildingHead", t.id, t.path, term_before, snapshot(t))
        count = counts.get(t.id, 0)
        if d.warn:
            done.append(await _new_action(uow, t, m, AbsenceActionKind.WARNING, count))
        if d.end and t.status == TermStatus.ACTIVE:
            action = await _new_action(uow, t, m, AbsenceActionKind.ENDING, count)
            done.append(action)
            term_before = snapshot(t)
            t.status, t.ended_on, t.end_reason = TermStatus.ENDED, m.held_on, EndReason.UNEXCUSED_ABSENCES.value
            await t.save(update_fields=["status", "ended_on", "end_reason"])
            await HeadChangeFiling.create(term_id=t.id, path=t.path, change="END", effective_on=m.held_on,
                                          reason=f"UNEXCUSED_ABSENCES {count}", filed_by=caller.label,
                                          absence_action_id=action.id)
            await uow.audit("buildingHeadEnd", "BuildingHead", t.id, t.path, term_before, snapshot(t))
    return done


async def _new_action(uow: UnitOfWork, t: BuildingHead, m: Meeting, kind: AbsenceActionKind, count: int) -> AbsenceAction:
    """A warning (to the station head: the audit is published live on the compound, which the
    station head's ``changes`` subscription watches) or an ending."""
    a = await AbsenceAction.create(term_id=t.id, path=t.path, workstation_id=m.workstation_id, kind=kind,
                                   meeting_id=m.id, absences=count, effective_on=m.held_on)
    action = "absenceWarning" if kind == AbsenceActionKind.WARNING else "absenceEnding"
    await uow.audit(action, "AbsenceAction", a.id, a.path, None, snapshot(a))
    return a


async def _unexcused_counts(term_ids: list[int]) -> dict[int, int]:
    if not term_ids:
        return {}
    cond, ids = sql.in_ids("term_id", 2, term_ids)
    rows = await sql.fetch(f"SELECT term_id, COUNT(*) AS n FROM attendance WHERE status = $1 AND {cond} GROUP BY term_id",
                           AttendanceStatus.UNEXCUSED.value, ids)
    return {r["term_id"]: r["n"] for r in rows}


async def _live_actions(term_ids: list[int]) -> dict[int, dict[AbsenceActionKind, AbsenceAction]]:
    out: dict[int, dict[AbsenceActionKind, AbsenceAction]] = defaultdict(dict)
    for a in await AbsenceAction.filter(term_id__in=term_ids, reversed_at__isnull=True).order_by("id"):
        out[a.term_id][AbsenceActionKind(a.kind)] = a
    return out


@dataclass(frozen=True)
class AbsenceRecord:
    term: BuildingHead
    unexcused: int
    warning: AbsenceAction | None
    ending: AbsenceAction | None
    warning_at: int
    limit: int


async def absence_record(caller: Viewer, term_id: int) -> AbsenceRecord:
    """A term's unexcused absences (over the term) and its live warning and ending."""
    t = await obtain(caller, BuildingHead, term_id, Capability.READ)
    counts = await _unexcused_counts([t.id])
    live = (await _live_actions([t.id]))[t.id]
    values = await parameters_in_force(t.path, today())
    return AbsenceRecord(t, counts.get(t.id, 0), live.get(AbsenceActionKind.WARNING), live.get(AbsenceActionKind.ENDING),
                         int(values["absence_warning_at"]), int(values["absence_limit"]))  # type: ignore[call-overload]


# ---------------------------------------------------------------- concerns

async def create_concern(caller: Viewer, *, meeting_id: int, title: str, measures: str, owner: str, deadline: date,
                         public: bool, raised_on: date | None) -> Concern:
    """A residents' concern taken up at a workstation meeting, with its measures, owner and
    deadline, and whether they are made public."""
    raised_on = not_future(raised_on or today(), ["input", "raisedOn"])
    async with unit_of_work(caller) as uow:
        m = await obtain(caller, Meeting, meeting_id, Capability.MEETING_WRITE)
        problems = []
        if m.kind != MeetingKind.WORKSTATION:
            problems.append(Problem("CONCERN_NOT_WORKSTATION_MEETING", ["input", "meetingId"]))
        for value, field, label in ((title, "title", "事项"), (owner, "owner", "责任人")):
            if not value.strip():
                problems.append(Problem("REQUIRED", ["input", field], label=label))
        if deadline < raised_on:
            problems.append(Problem("INVALID_DATE_ORDER", ["input", "deadline"], later="期限", earlier="提出日期",
                                    later_en="deadline", earlier_en="raisedOn"))
        if problems:
            raise Problems(problems)
        c = await Concern.create(meeting_id=m.id, workstation_id=m.workstation_id, path=m.path, title=title.strip(),
                                 measures=measures.strip(), owner=owner.strip(), deadline=deadline, public=public,
                                 raised_on=raised_on)
        await uow.audit("concernCreate", "Concern", c.id, c.path, None, snapshot(c))
    return c


async def update_concern(caller: Viewer, concern_id: int, *, status: ConcernStatus | None = None,
                         measures: str | None = None, deadline: date | None = None, public: bool | None = None,
                         resolved_on: date | None = None) -> Concern:
    """Progress of a concern: status, measures, deadline, public flag; RESOLVED takes the date
    (default today), any other status clears it."""
    async with unit_of_work(caller) as uow:
        c = await obtain(caller, Concern, concern_id, Capability.MEETING_WRITE, for_update=True)
        before = snapshot(c)
        if measures is not None:
            c.measures = measures.strip()
        if deadline is not None:
            if deadline < c.raised_on:
                raise Problem("INVALID_DATE_ORDER", ["input", "deadline"], later="期限", earlier="提出日期",
                              later_en="deadline", earlier_en="raisedOn")
            c.deadline = deadline
        if public is not None:
            c.public = public
        if status is not None:
            c.status = ConcernStatus(status)
        if c.status == ConcernStatus.RESOLVED:
            if resolved_on is not None or c.resolved_on is None:
                on = not_future(resolved_on or today(), ["input", "resolvedOn"])
                if on < c.raised_on:
                    raise Problem("INVALID_DATE_ORDER", ["input", "resolvedOn"], later="解决日期", earlier="提出日期",
                                  later_en="resolvedOn", earlier_en="raisedOn")
                c.resolved_on = on
        else:
            if resolved_on is not None:
                raise Problem("CONCERN_NOT_RESOLVED", ["input", "resolvedOn"])
            c.resolved_on = None
        await c.save()
        await uow.audit("concernUpdate", "Concern", c.id, c.path, before, snapshot(c))
    return c


# ---------------------------------------------------------------- batches for the schema

async def attendance_by_meeting(ids: list[int]) -> list[list[Attendance]]:
    grouped: dict[int, list[Attendance]] = defaultdict(list)
    for a in await Attendance.filter(meeting_id__in=ids).order_by("person_id"):
        grouped[a.meeting_id].append(a)
    return [grouped.get(i, []) for i in ids]


async def concerns_by_meeting(ids: list[int]) -> list[list[Concern]]:
    grouped: dict[int, list[Concern]] = defaultdict(list)
    for c in await Concern.filter(meeting_id__in=ids).order_by("id"):
        grouped[c.meeting_id].append(c)
    return [grouped.get(i, []) for i in ids]


async def actions_by_meeting(ids: list[int]) -> list[list[AbsenceAction]]:
    grouped: dict[int, list[AbsenceAction]] = defaultdict(list)
    for a in await AbsenceAction.filter(meeting_id__in=ids).order_by("id"):
        grouped[a.meeting_id].append(a)
    return [grouped.get(i, []) for i in ids]


async def terms_by_id(ids: list[int]) -> list[BuildingHead | None]:
    rows = {t.id: t for t in await BuildingHead.filter(id__in=ids)}
    return [rows.get(i) for i in ids]
