"""GraphQL of the ledger domain (docs/policy.md §4, §6, §7, §13): the workstation's ledger, the
monthly duty figures, the station head's weekly view, and the public notice boards."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from policy.duties import DutyFigures as DutyFiguresRow
from policy.duties import parse_month
from resolvers import boards as board_ops
from resolvers import duty_figures as figure_ops
from resolvers import ledger as ledger_ops
from resolvers import week as week_ops
from resolvers.clock import today
from resolvers.errors import Problem, Problems
from schema.common import PageInfo, UserError, check_page_args, error_codes, from_global_id, to_global_id
from schema.nodes import decode
from schema.payloads import payload_errors
from schema.people import BuildingHeadTerm, Person, people_of
from schema.tree import TYPE_NAMES, TreeNode, tree_node

TYPES: list[type] = []  # concrete Node types of this module, added to the schema

LedgerKind = strawberry.enum(Enum("LedgerKind", {k: k for k in ledger_ops.KINDS}), name="LedgerKind",
                             description="A kind of record in the ledger (台账).")
# the global ID type of each kind's record
RECORD_TYPES = {"MEETING": "Meeting", "CONCERN": "Concern", "REQUEST": "ResidentRequest",
                "WORK_ORDER": "ResidentRequest", "INSPECTION": "Inspection", "VISIT": "HouseholdVisit",
                "INCIDENT": "Incident"}


# ---------------------------------------------------------------- the ledger

@strawberry.type(description="One record in a workstation's ledger.")
class LedgerEntry:
    kind: LedgerKind  # type: ignore[valid-type]
    on: date = strawberry.field(name="date", description="Its business date (held, raised, inspected, visited, reported on).")
    title: str = strawberry.field(description="A summary line (never a resident's personal data).")
    record_id: strawberry.ID = strawberry.field(description="The record's global ID.")


@strawberry.type
class LedgerEdge:
    cursor: str
    node: LedgerEntry


@strawberry.type(description="A page of the ledger, newest first (keyset cursors: any page costs the same).")
class LedgerConnection:
    edges: list[LedgerEdge]
    nodes: list[LedgerEntry]
    page_info: PageInfo


def _ledger_connection(page: ledger_ops.LedgerPage, after: str | None) -> LedgerConnection:
    edges = [LedgerEdge(cursor=ledger_ops.encode_cursor(e),
                        node=LedgerEntry(kind=LedgerKind[e.kind], on=e.on, title=e.title,
                                         record_id=to_global_id(RECORD_TYPES[e.kind], e.id)))
             for e in page.entries]
    return LedgerConnection(edges=edges, nodes=[e.node for e in edges], page_info=PageInfo(
        has_next_page=page.has_next_page, has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


def _pk(gid: str, field: str, allowed: tuple[str, ...]) -> int:
    try:
        return decode(gid, field, allowed)
    except Problem:
        raise GraphQLError(f"`{field}` is not an ID of a {' or '.join(allowed)}",
                           extensions={"code": "BAD_USER_INPUT", "field": field}) from None


# ---------------------------------------------------------------- duty figures

@strawberry.type(description="A month's duty figures (docs/policy.md §6, §8; decisions in policy/duties.py).")
class DutyFigures:
    weeks_served: int
    weeks_inspected: int = strawberry.field(description="Weeks served with at least one inspection.")
    inspections: int
    households: int = strawberry.field(description="Open households of the service area.")
    households_visited: int
    meetings_held: int = strawberry.field(description="Building heads' meetings held while serving.")
    meetings_attended: int
    requests_handled: int
    work_orders_handled: int
    satisfaction_marks: int
    average_satisfaction: Decimal | None

    @classmethod
    def of(cls, f: DutyFiguresRow) -> "DutyFigures":
        return cls(weeks_served=f.weeks_served, weeks_inspected=f.weeks_inspected, inspections=f.inspections,
                   households=f.households, households_visited=f.households_visited, meetings_held=f.meetings_held,
                   meetings_attended=f.meetings_attended, requests_handled=f.requests_handled,
                   work_orders_handled=f.work_orders_handled, satisfaction_marks=f.satisfaction_marks,
                   average_satisfaction=f.average_satisfaction)


@strawberry.type
class HeadDutyFigures:
    term: BuildingHeadTerm
    service_area_name: str
    figures: DutyFigures


@strawberry.type(description="A month's duty figures of the building heads of a compound (or area container).")
class DutyFiguresReport:
    month: str
    node: TreeNode
    heads: list[HeadDutyFigures]
    total: DutyFigures


# ---------------------------------------------------------------- the weekly view

@strawberry.type
class WeekAttendance:
    person: Person | None
    status: str = strawberry.field(description="PRESENT, EXCUSED or UNEXCUSED.")
    leave_reason: str | None


@strawberry.type
class WeekMeeting:
    id: strawberry.ID = strawberry.field(description="The meeting's global ID.")
    kind: str = strawberry.field(description="WORKSTATION or BUILDING_HEADS.")
    held_on: date
    monthly: bool
    attendance_recorded: bool
    attendance: list[WeekAttendance]


@strawberry.type
class WeekHead:
    term: BuildingHeadTerm
    person: Person | None = strawberry.field(description="Masked as your roles require (a station head sees phones).")
    service_area_name: str
    inspections: int = strawberry.field(description="Inspections dated in the week.")
    visits: int = strawberry.field(description="Household visits dated in the week.")
    unexcused_absences: int = strawberry.field(description="Unexcused absences from meetings this term.")
    warned: bool = strawberry.field(description="A live warning (two unexcused absences) stands.")
    warning_on: date | None


@strawberry.type
class WeekConcern:
    id: strawberry.ID
    title: str
    owner: str
    deadline: date
    status: str
    public: bool
    overdue: bool


@strawberry.type
class WeekIncident:
    id: strawberry.ID
    title: str
    level: str
    reported_at: datetime
    level_due_at: datetime | None


@strawberry.type(description="The station head's view of a workstation's week.")
class WorkstationWeek:
    week_of: date = strawberry.field(description="The Monday of the week.")
    workstation_name: str
    meetings: list[WeekMeeting]
    building_heads: list[WeekHead]
    open_concerns: list[WeekConcern]
    open_incidents: list[WeekIncident]


def _v(value) -> str:
    return str(getattr(value, "value", value))


# ---------------------------------------------------------------- the public boards

@strawberry.type(description="The station head on a public board: name, duties, published contact number.")
class BoardStationHead:
    name: str
    duties: list[str]
    phone: str | None = strawberry.field(description="The number published for the board (null when none).")


@strawberry.type(description="A building head on a public board.")
class BoardBuildingHead:
    name: str
    duties: list[str]
    phone: str | None = strawberry.field(description="The number published for the board (null when none).")
    service_areas: list[str] = strawberry.field(description="The names of the service areas served.")


@strawberry.type(description="A concern made public: its measures, deadline and status.")
class BoardConcern:
    title: str
    measures: str
    deadline: date
    status: str


@strawberry.type(description="A workstation's public notice board.")
class WorkstationBoard:
    name: str
    station_head: BoardStationHead | None
    building_heads: list[BoardBuildingHead]
    concerns: list[BoardConcern]


@strawberry.type(description="A building's public notice board.")
class BuildingBoard:
    name: str
    workstation_name: str | None
    station_head: BoardStationHead | None
    building_heads: list[BoardBuildingHead]
    concerns: list[BoardConcern]


def _board_parts(b: board_ops.Board) -> dict:
    sh = b.station_head
    return dict(
        name=b.name,
        station_head=BoardStationHead(name=sh.name, duties=list(sh.duties), phone=sh.phone) if sh else None,
        building_heads=[BoardBuildingHead(name=h.name, duties=list(h.duties), phone=h.phone,
                                          service_areas=list(h.service_areas)) for h in b.building_heads],
        concerns=[BoardConcern(title=c.title, measures=c.measures, deadline=c.deadline, status=c.status)
                  for c in b.concerns],
    )


def _public_pk(gid: str, allowed: tuple[str, ...]) -> int | None:
    try:
        type_name, pk = from_global_id(gid)
    except ValueError:
        return None
    return pk if type_name in allowed else None


@strawberry.enum
class BoardErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    INVALID_PHONE = "INVALID_PHONE"
    ONE_CONTACT_HOLDER = "ONE_CONTACT_HOLDER"


@error_codes(BoardErrorCode)
@strawberry.type
class BoardError(UserError):
    code: BoardErrorCode


@strawberry.input
class ContactPublishInput:
    term_id: strawberry.ID | None = strawberry.field(default=None, description="A building head's term.")
    appointment_id: strawberry.ID | None = strawberry.field(default=None, description="A station head's appointment.")
    phone: str | None = strawberry.field(default=None, description="The number to show on the boards; null clears it.")


@strawberry.type
class ContactPublishPayload:
    holder_id: strawberry.ID | None = None
    phone: str | None = None
    errors: list[BoardError] = strawberry.field(default_factory=list)


# ---------------------------------------------------------------- root fields

@strawberry.type
class LedgerQuery:
    @strawberry.field(description=(
        "A workstation's ledger (台账): its meetings, concerns, requests, work orders, inspections, household "
        "visits and incidents, newest first (date, then kind, then newest record). Out of scope is missing."))
    async def ledger(
        self, info: Info, workstation_id: strawberry.ID, kinds: list[LedgerKind] | None = None,  # type: ignore[valid-type]
        from_: Annotated[date | None, strawberry.argument(name="from")] = None, to: date | None = None,
        first: int | None = None, after: str | None = None,
    ) -> LedgerConnection:
        check_page_args(first, None)
        try:
            cursor = ledger_ops.decode_cursor(after) if after is not None else None
        except ledger_ops.BadCursor:
            raise GraphQLError("invalid cursor: pass a pageInfo cursor unchanged",
                               extensions={"code": "BAD_USER_INPUT", "field": "after"}) from None
        page = await ledger_ops.ledger(
            info.context.viewer, _pk(workstation_id, "workstationId", ("Workstation",)),
            kinds=[k.value for k in kinds] if kinds else None, from_=from_, to=to,
            first=20 if first is None else first, after=cursor)
        return _ledger_connection(page, after)

    @strawberry.field(description=(
        "A month's duty figures (\"2026-03\") of the building heads of a compound (or a rural community or "
        "village holding service areas): per term, and the total."))
    async def duty_figures(self, info: Info, node_id: strawberry.ID, month: str) -> DutyFiguresReport:
        try:
            year, mon = parse_month(month)
        except ValueError:
            raise GraphQLError("`month` is a month like \"2026-03\"",
                               extensions={"code": "BAD_USER_INPUT", "field": "month"}) from None
        report = await figure_ops.duty_figures(info.context.viewer, _pk(node_id, "nodeId", tuple(TYPE_NAMES.values())),
                                               year, mon)
        return DutyFiguresReport(
            month=f"{year:04d}-{mon:02d}", node=tree_node(report.node), total=DutyFigures.of(report.total),
            heads=[HeadDutyFigures(term=BuildingHeadTerm.of(h.term), service_area_name=h.area_name,
                                   figures=DutyFigures.of(h.figures)) for h in report.heads])

    @strawberry.field(description=(
        "The station head's week at a workstation: meetings with attendance, the building heads serving with "
        "what they did, their unexcused absences this term and live warnings, open concerns and incidents."))
    async def workstation_week(self, info: Info, workstation_id: strawberry.ID, week_of: date | None = None) -> WorkstationWeek:
        v = await week_ops.workstation_week(info.context.viewer, _pk(workstation_id, "workstationId", ("Workstation",)),
                                            week_of or today())
        shown = {p.pk: p for p in await people_of(info, list(v.people.values()))}  # one batch for everyone
        on = today()
        return WorkstationWeek(
            week_of=v.week_of, workstation_name=v.workstation.name,
            meetings=[WeekMeeting(
                id=to_global_id("Meeting", m.id), kind=_v(m.kind), held_on=m.held_on, monthly=m.monthly,
                attendance_recorded=m.attendance_recorded_at is not None,
                attendance=[WeekAttendance(person=shown.get(a.person_id), status=_v(a.status), leave_reason=a.leave_reason)
                            for a in v.attendance[m.id]]) for m in v.meetings],
            building_heads=[WeekHead(
                term=BuildingHeadTerm.of(h.term), person=shown.get(h.term.person_id),
                service_area_name=h.term.service_area.name, inspections=h.inspections, visits=h.visits,
                unexcused_absences=h.unexcused_absences, warned=h.warned, warning_on=h.warning_on) for h in v.heads],
            open_concerns=[WeekConcern(id=to_global_id("Concern", c.id), title=c.title, owner=c.owner, deadline=c.deadline,
                                       status=_v(c.status), public=c.public, overdue=c.deadline < on)
                           for c in v.open_concerns],
            open_incidents=[WeekIncident(id=to_global_id("Incident", i.id), title=i.title, level=_v(i.level),
                                         reported_at=i.reported_at, level_due_at=i.level_due_at)
                            for i in v.open_incidents],
        )

    @strawberry.field(description="A workstation's public notice board (no login): null when unknown or closed.")
    async def workstation_board(self, workstation_id: strawberry.ID) -> WorkstationBoard | None:
        pk = _public_pk(workstation_id, ("Workstation",))
        board = await board_ops.workstation_board(pk) if pk is not None else None
        return WorkstationBoard(**_board_parts(board)) if board else None

    @strawberry.field(description="A building's (or village group's) public notice board (no login): null when unknown or closed.")
    async def building_board(self, building_id: strawberry.ID) -> BuildingBoard | None:
        pk = _public_pk(building_id, ("Building", "VillageGroup"))
        board = await board_ops.building_board(pk) if pk is not None else None
        return BuildingBoard(workstation_name=board.workstation_name, **_board_parts(board)) if board else None


@strawberry.type
class LedgerMutation:
    @strawberry.mutation(description=(
        "Publish (or clear, with a null phone) the contact number the notice boards show for a building head's "
        "term or a station head's appointment: community staff or the station head."))
    async def contact_publish(self, info: Info, input: ContactPublishInput) -> ContactPublishPayload:
        try:
            kind, pk, phone = await board_ops.publish_contact(
                info.context.viewer,
                term_id=decode(input.term_id, ["input", "termId"], ("BuildingHeadTerm",)) if input.term_id is not None else None,
                appointment_id=(decode(input.appointment_id, ["input", "appointmentId"], ("StationHeadAppointment",))
                                if input.appointment_id is not None else None),
                phone=input.phone)
        except (Problem, Problems) as exc:
            return ContactPublishPayload(errors=payload_errors(BoardError, exc, info.context.locale))
        return ContactPublishPayload(holder_id=to_global_id(kind, pk), phone=phone, errors=[])
