"""GraphQL of the meetings domain (docs/policy.md §6, §7): types, MeetingQuery and MeetingMutation mixins.

Each root field is a few lines around one operation of resolvers/meetings.py."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from models import meetings as models_m
from policy.access import Capability
from policy.meetings import AbsenceActionKind, AttendanceStatus, AttendeeRole, ConcernStatus, MeetingKind
from resolvers import meetings as ops
from resolvers.errors import Problem, Problems
from schema.common import Connection, Node, UserError, error_codes, paginate, to_global_id
from schema.nodes import decode, register
from schema.payloads import to_error
from schema.people import BuildingHeadTerm, Person, person_by_id

MeetingKindEnum = strawberry.enum(MeetingKind, name="MeetingKind")
AttendanceStatusEnum = strawberry.enum(AttendanceStatus, name="AttendanceStatus")
ConcernStatusEnum = strawberry.enum(ConcernStatus, name="ConcernStatus")
AbsenceActionKindEnum = strawberry.enum(AbsenceActionKind, name="AbsenceActionKind")
AttendeeRoleEnum = strawberry.enum(AttendeeRole, name="AttendeeRole")


def _loader(info: Info, name: str, load) -> DataLoader:
    """A DataLoader of this domain, created once per request (kept in the request's context)."""
    extras = info.context.extras
    found = extras.get(name)
    if found is None:
        found = extras[name] = DataLoader(load)
    return found


async def _term(info: Info, term_id: int | None) -> BuildingHeadTerm | None:
    if term_id is None:
        return None
    t = await _loader(info, "meetings.term", ops.terms_by_id).load(term_id)
    return BuildingHeadTerm.of(t) if t is not None and info.context.viewer.can_read(t.path) else None


async def _meeting(info: Info, meeting_id: int) -> "Meeting | None":
    m = await models_m.Meeting.get_or_none(id=meeting_id)
    return Meeting.of(m) if m is not None and info.context.viewer.can_read(m.path) else None


@strawberry.type(description="One person's attendance at a meeting.")
class AttendanceEntry:
    person_id: strawberry.Private[int]
    term_id: strawberry.Private[int | None]
    status: AttendanceStatusEnum  # type: ignore[valid-type]
    leave_reason: str | None = strawberry.field(description="Null unless you may record this meeting's attendance.")

    @strawberry.field
    async def person(self, info: Info) -> Person | None:
        return await person_by_id(info, self.person_id)

    @strawberry.field(description="The building-head term the person attended as (null for the station head and the police).")
    async def term(self, info: Info) -> BuildingHeadTerm | None:
        return await _term(info, self.term_id)


@strawberry.type(description="Someone expected at a meeting on the day it is held.")
class ExpectedAttendee:
    person_id: strawberry.Private[int]
    term_id: strawberry.Private[int | None]
    role: AttendeeRoleEnum  # type: ignore[valid-type]

    @strawberry.field
    async def person(self, info: Info) -> Person | None:
        return await person_by_id(info, self.person_id)

    @strawberry.field
    async def term(self, info: Info) -> BuildingHeadTerm | None:
        return await _term(info, self.term_id)


@strawberry.type(description="What unexcused absences led to in a term: the station head warned, or the service ended. "
                             "Reversed (never deleted) when a correction takes the count back below the threshold.")
class AbsenceAction(Node):
    term_id: strawberry.Private[int]
    meeting_id: strawberry.Private[int]
    kind: AbsenceActionKindEnum  # type: ignore[valid-type]
    absences: int = strawberry.field(description="Unexcused absences in the term when it was taken.")
    effective_on: date
    created_at: datetime
    reversed_at: datetime | None
    reversed_by: str | None

    @classmethod
    def of(cls, a) -> "AbsenceAction":
        return cls(id=to_global_id("AbsenceAction", a.id), term_id=a.term_id, meeting_id=a.meeting_id, kind=a.kind,
                   absences=a.absences, effective_on=a.effective_on, created_at=a.created_at,
                   reversed_at=a.reversed_at, reversed_by=a.reversed_by)

    @strawberry.field(description="Not reversed.")
    def live(self) -> bool:
        return self.reversed_at is None

    @strawberry.field
    async def term(self, info: Info) -> BuildingHeadTerm | None:
        return await _term(info, self.term_id)

    @strawberry.field(description="The meeting whose absence reached the threshold.")
    async def meeting(self, info: Info) -> "Meeting | None":
        return await _meeting(info, self.meeting_id)


@strawberry.type(description="A residents' concern taken up at a workstation meeting: owner, measures, deadline, "
                             "status, and whether measures and deadline are made public.")
class Concern(Node):
    meeting_id: strawberry.Private[int]
    title: str
    measures: str
    owner: str
    deadline: date
    status: ConcernStatusEnum  # type: ignore[valid-type]
    public: bool
    raised_on: date
    resolved_on: date | None

    @classmethod
    def of(cls, c) -> "Concern":
        return cls(id=to_global_id("Concern", c.id), meeting_id=c.meeting_id, title=c.title, measures=c.measures,
                   owner=c.owner, deadline=c.deadline, status=c.status, public=c.public, raised_on=c.raised_on,
                   resolved_on=c.resolved_on)

    @strawberry.field
    async def meeting(self, info: Info) -> "Meeting | None":
        return await _meeting(info, self.meeting_id)


@strawberry.type(description="A workstation's weekly meeting (例会): the workstation meeting, or the building heads' "
                             "meeting, whose monthly one invites the community police officer.")
class Meeting(Node):
    pk: strawberry.Private[int]
    raw: strawberry.Private[object]
    workstation_id: strawberry.Private[int]
    police_person_id: strawberry.Private[int | None]
    kind: MeetingKindEnum  # type: ignore[valid-type]
    week_of: date = strawberry.field(description="The Monday of its week.")
    held_on: date = strawberry.field(description="The planned date, then the date it was held.")
    monthly: bool = strawberry.field(description="The first building heads' meeting of a month: the police are invited.")
    agenda: str
    minutes: str
    attendance_recorded_at: datetime | None

    @classmethod
    def of(cls, m) -> "Meeting":
        return cls(id=to_global_id("Meeting", m.id), pk=m.id, raw=m, workstation_id=m.workstation_id,
                   police_person_id=m.police_person_id, kind=m.kind, week_of=m.week_of, held_on=m.held_on,
                   monthly=m.monthly, agenda=m.agenda, minutes=m.minutes, attendance_recorded_at=m.attendance_recorded_at)

    @strawberry.field
    async def workstation(self, info: Info) -> Annotated["Workstation", strawberry.lazy("schema.workstations")] | None:
        from models.workstations import Workstation as WorkstationRow
        from schema.workstations import Workstation

        w = await WorkstationRow.get_or_none(id=self.workstation_id)
        return Workstation.of(w) if w and info.context.viewer.can_read(w.path) else None

    @strawberry.field(description="The community police officer invited (monthly building heads' meeting).")
    async def invited_police(self, info: Info) -> Person | None:
        return await person_by_id(info, self.police_person_id) if self.police_person_id else None

    @strawberry.field
    async def attendance(self, info: Info) -> list[AttendanceEntry]:
        rows = await _loader(info, "meetings.attendance", ops.attendance_by_meeting).load(self.pk)
        # a leave reason may be about health: shown to those who record attendance here, not to every reader
        shown = info.context.viewer.can(Capability.MEETING_WRITE, self.raw.path)  # type: ignore[attr-defined]
        return [AttendanceEntry(person_id=a.person_id, term_id=a.term_id, status=a.status,
                                leave_reason=a.leave_reason if shown else None) for a in rows]

    @strawberry.field
    async def concerns(self, info: Info) -> list[Concern]:
        return [Concern.of(c) for c in await _loader(info, "meetings.concerns", ops.concerns_by_meeting).load(self.pk)]

    @strawberry.field(description="Who is expected: the station head, the serving building heads, the invited police.")
    async def expected_attendees(self) -> list[ExpectedAttendee]:
        return [ExpectedAttendee(person_id=e.person_id, term_id=e.term_id, role=e.role)
                for e in await ops.expected_attendees(self.raw)]  # type: ignore[arg-type]

    @strawberry.field(description="Warnings and endings this meeting's absences led to (reversed ones too).")
    async def absence_actions(self, info: Info) -> list[AbsenceAction]:
        rows = await _loader(info, "meetings.actions", ops.actions_by_meeting).load(self.pk)
        can_read = info.context.viewer.can_read
        return [AbsenceAction.of(a) for a in rows if can_read(a.path)]


@strawberry.type(description="A term's unexcused absences (counted over the term) and what they led to.")
class AbsenceRecord:
    term: BuildingHeadTerm
    unexcused: int
    warning_at: int = strawberry.field(description="The count at which the station head is warned (in force today).")
    limit: int = strawberry.field(description="The count that ends the service (in force today).")
    warning: AbsenceAction | None = strawberry.field(description="The live warning, if any.")
    ending: AbsenceAction | None = strawberry.field(description="The live ending, if any.")


@strawberry.enum
class MeetingErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    FUTURE_DATE = "FUTURE_DATE"
    INVALID_DATE_ORDER = "INVALID_DATE_ORDER"
    MEETING_EXISTS = "MEETING_EXISTS"
    MEETING_OTHER_WEEK = "MEETING_OTHER_WEEK"
    MEETING_ATTENDANCE_RECORDED = "MEETING_ATTENDANCE_RECORDED"
    ATTENDEE_NOT_EXPECTED = "ATTENDEE_NOT_EXPECTED"
    ATTENDEE_REPEATED = "ATTENDEE_REPEATED"
    LEAVE_REASON_REQUIRED = "LEAVE_REASON_REQUIRED"
    ATTENDANCE_RACED = "ATTENDANCE_RACED"
    ABSENCE_ACTION_RACED = "ABSENCE_ACTION_RACED"
    CONCERN_NOT_WORKSTATION_MEETING = "CONCERN_NOT_WORKSTATION_MEETING"
    CONCERN_NOT_RESOLVED = "CONCERN_NOT_RESOLVED"


@error_codes(MeetingErrorCode)
@strawberry.type
class MeetingError(UserError):
    code: MeetingErrorCode
    meeting_id: strawberry.ID | None = strawberry.field(
        default=None, description="MEETING_EXISTS: the week's meeting that exists (update it instead).")


def _errors(exc: Problem | Problems, locale: str) -> list[MeetingError]:
    problems = exc.problems if isinstance(exc, Problems) else [exc]
    out = []
    for p in problems:
        e = to_error(MeetingError, p, locale)
        if isinstance(p.params.get("meeting_id"), int):
            e.meeting_id = to_global_id("Meeting", p.params["meeting_id"])
        out.append(e)
    return out


@strawberry.input
class MeetingCreateInput:
    workstation_id: strawberry.ID
    kind: MeetingKindEnum  # type: ignore[valid-type]
    held_on: date | None = strawberry.field(default=None, description="Default: today (Asia/Shanghai); never in the future.")
    agenda: str = ""


@strawberry.input
class MeetingUpdateInput:
    id: strawberry.ID
    held_on: date | None = strawberry.field(default=None, description="Within the meeting's week; fixed once attendance is recorded.")
    agenda: str | None = None
    minutes: str | None = None


@strawberry.type
class MeetingPayload:
    meeting: Meeting | None = None
    errors: list[MeetingError] = strawberry.field(default_factory=list)


@strawberry.input
class AttendanceEntryInput:
    person_id: strawberry.ID
    status: AttendanceStatusEnum  # type: ignore[valid-type]
    leave_reason: str | None = strawberry.field(default=None, description="Required for EXCUSED.")


@strawberry.input
class AttendanceRecordInput:
    meeting_id: strawberry.ID
    entries: list[AttendanceEntryInput]


@strawberry.type
class AttendanceRecordPayload:
    meeting: Meeting | None = None
    absence_actions: list[AbsenceAction] = strawberry.field(
        default_factory=list, description="Warnings and endings taken, or reversed, by this recording.")
    errors: list[MeetingError] = strawberry.field(default_factory=list)


@strawberry.input
class ConcernCreateInput:
    meeting_id: strawberry.ID
    title: str
    owner: str
    deadline: date
    measures: str = ""
    public: bool = False
    raised_on: date | None = strawberry.field(default=None, description="Default: today (Asia/Shanghai).")


@strawberry.input
class ConcernUpdateInput:
    id: strawberry.ID
    status: ConcernStatusEnum | None = None  # type: ignore[valid-type]
    measures: str | None = None
    deadline: date | None = None
    public: bool | None = None
    resolved_on: date | None = strawberry.field(default=None, description="With RESOLVED; default today.")


@strawberry.type
class ConcernPayload:
    concern: Concern | None = None
    errors: list[MeetingError] = strawberry.field(default_factory=list)


TYPES: list[type] = [Meeting, Concern, AbsenceAction]  # concrete Node types of this module, added to the schema

register("Meeting", models_m.Meeting, Meeting.of)
register("Concern", models_m.Concern, Concern.of)
register("AbsenceAction", models_m.AbsenceAction, AbsenceAction.of)


@strawberry.type
class MeetingQuery:
    @strawberry.field(description="A workstation's meetings held (or planned) between from and to, newest first.")
    async def meetings(
        self, info: Info, workstation_id: strawberry.ID,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None, first: int | None = None, after: str | None = None,
    ) -> Connection[Meeting]:
        try:
            pk = decode(workstation_id, "workstationId", ("Workstation",))
        except Problem:
            return paginate([], first=first, after=after)
        rows = await ops.meetings_of(info.context.viewer, pk, from_=from_, to=to)
        return paginate(rows, first=first, after=after, wrap=Meeting.of)

    @strawberry.field(description="A building-head term's unexcused absences over the term, with its live warning and ending.")
    async def absence_record(self, info: Info, term_id: strawberry.ID) -> AbsenceRecord | None:
        try:
            pk = decode(term_id, "termId", ("BuildingHeadTerm",))
        except Problem:
            return None
        r = await ops.absence_record(info.context.viewer, pk)
        return AbsenceRecord(term=BuildingHeadTerm.of(r.term), unexcused=r.unexcused, warning_at=r.warning_at,
                             limit=r.limit, warning=AbsenceAction.of(r.warning) if r.warning else None,
                             ending=AbsenceAction.of(r.ending) if r.ending else None)


@strawberry.type
class MeetingMutation:
    @strawberry.mutation(description="A meeting entered afterwards from the paper record (one per workstation, kind and week).")
    async def meeting_create(self, info: Info, input: MeetingCreateInput) -> MeetingPayload:
        try:
            m = await ops.create_meeting(
                info.context.viewer, workstation_id=decode(input.workstation_id, ["input", "workstationId"], ("Workstation",)),
                kind=input.kind, held_on=input.held_on, agenda=input.agenda)
        except (Problem, Problems) as exc:
            return MeetingPayload(errors=_errors(exc, info.context.locale))
        return MeetingPayload(meeting=Meeting.of(m))

    @strawberry.mutation(description="The date a meeting was held (within its week), its agenda and minutes.")
    async def meeting_update(self, info: Info, input: MeetingUpdateInput) -> MeetingPayload:
        try:
            m = await ops.update_meeting(info.context.viewer, decode(input.id, ["input", "id"], ("Meeting",)),
                                         held_on=input.held_on, agenda=input.agenda, minutes=input.minutes)
        except (Problem, Problems) as exc:
            return MeetingPayload(errors=_errors(exc, info.context.locale))
        return MeetingPayload(meeting=Meeting.of(m))

    @strawberry.mutation(description=(
        "A whole meeting's attendance in one call; re-submitting corrects it. The second unexcused absence in a "
        "building head's term warns the station head, the third ends the service; a correction reverses them."
    ))
    async def attendance_record(self, info: Info, input: AttendanceRecordInput) -> AttendanceRecordPayload:
        try:
            entries = [ops.Entry(person_id=decode(e.person_id, ["input", "entries", str(i), "personId"], ("Person",)),
                                 status=AttendanceStatus(e.status.value if isinstance(e.status, Enum) else e.status),
                                 leave_reason=e.leave_reason)
                       for i, e in enumerate(input.entries)]
            done = await ops.record_attendance(
                info.context.viewer, decode(input.meeting_id, ["input", "meetingId"], ("Meeting",)), entries)
        except (Problem, Problems) as exc:
            return AttendanceRecordPayload(errors=_errors(exc, info.context.locale))
        return AttendanceRecordPayload(meeting=Meeting.of(done.meeting),
                                       absence_actions=[AbsenceAction.of(a) for a in done.actions])

    @strawberry.mutation(description="A residents' concern taken up at a workstation meeting.")
    async def concern_create(self, info: Info, input: ConcernCreateInput) -> ConcernPayload:
        try:
            c = await ops.create_concern(
                info.context.viewer, meeting_id=decode(input.meeting_id, ["input", "meetingId"], ("Meeting",)),
                title=input.title, measures=input.measures, owner=input.owner, deadline=input.deadline,
                public=input.public, raised_on=input.raised_on)
        except (Problem, Problems) as exc:
            return ConcernPayload(errors=_errors(exc, info.context.locale))
        return ConcernPayload(concern=Concern.of(c))

    @strawberry.mutation(description="Progress of a concern: status, measures, deadline, public flag, resolution date.")
    async def concern_update(self, info: Info, input: ConcernUpdateInput) -> ConcernPayload:
        try:
            c = await ops.update_concern(
                info.context.viewer, decode(input.id, ["input", "id"], ("Concern",)), status=input.status,
                measures=input.measures, deadline=input.deadline, public=input.public, resolved_on=input.resolved_on)
        except (Problem, Problems) as exc:
            return ConcernPayload(errors=_errors(exc, info.context.locale))
        return ConcernPayload(concern=Concern.of(c))
