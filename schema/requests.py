"""GraphQL of the requests domain (docs/policy.md §6): resident requests and disputes, 12345 hotline
work orders, incidents reported level by level; the RequestQuery and RequestMutation mixins."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from models import requests as models_rq
from policy.requests import DisputeOutcome, EscalationLevel, IncidentStatus, RequestChannel, RequestStatus
from resolvers import incidents as inc_ops
from resolvers import requests as ops
from resolvers.clock import now
from resolvers.errors import Problem, Problems
from schema.common import (
    Connection, Node, PageInfo, UserError, _cursor, _offset, check_page_args, error_codes, to_global_id,
    DEFAULT_PAGE,
)
from schema.nodes import decode, fetcher
from schema.payloads import payload_errors
from schema.tree import TREE_TYPES, TreeNode, tree_node

RequestChannelEnum = strawberry.enum(RequestChannel, name="RequestChannel")
RequestStatusEnum = strawberry.enum(RequestStatus, name="RequestStatus")
DisputeOutcomeEnum = strawberry.enum(DisputeOutcome, name="DisputeOutcome")
EscalationLevelEnum = strawberry.enum(EscalationLevel, name="EscalationLevel")
IncidentStatusEnum = strawberry.enum(IncidentStatus, name="IncidentStatus")

PLACE_TYPES = ("Building", "VillageGroup")


async def _building(info: Info, building_id: int) -> TreeNode | None:
    row = await info.context.loaders.node.load(building_id)
    return tree_node(row) if row and info.context.viewer.can_read(row.path) else None


@strawberry.type(description=(
    "A resident's request (诉求) or dispute, or a 12345 hotline work order (HotlineWorkOrder: channel HOTLINE, "
    "with the hotline's ticket number). The resident's name and phone are personal data: masked (张*, 139****5678) "
    "for a reader without the personal-data permission at the request's building."))
class ResidentRequest(Node):
    building_id: strawberry.Private[int]
    channel: RequestChannelEnum  # type: ignore[valid-type]
    ticket_number: str | None = strawberry.field(description="The 12345 hotline's ticket number (work orders only).")
    title: str
    description: str
    resident_name: str | None
    resident_phone: str | None
    personal_data_masked: bool
    raised_on: date = strawberry.field(description="The day the request was raised (a work order: received).")
    status: RequestStatusEnum  # type: ignore[valid-type]
    resolution: str | None
    resolved_on: date | None
    satisfaction: int | None = strawberry.field(description="The resident's satisfaction, 1 (low) to 5 (high).")
    dispute: bool
    dispute_outcome: DisputeOutcomeEnum | None  # type: ignore[valid-type]
    routed_to_workstation: bool = strawberry.field(description="Routed to a compound's workstation (false on the rural chain).")
    handled_by_building_head: bool = strawberry.field(description="Last handled by the building head of its service area.")
    recorded_by: str

    @classmethod
    def of(cls, info: Info, r: models_rq.ResidentRequest) -> "ResidentRequest":
        viewer = info.context.viewer
        masked = not viewer.can_pii(r.path) and bool(r.resident_name or r.resident_phone)
        return cls(
            id=to_global_id("ResidentRequest", r.id), building_id=r.building_id, channel=r.channel,
            ticket_number=r.ticket_number, title=r.title, description=r.description,
            resident_name=ops.shown_name(viewer, r.path, r.resident_name),
            resident_phone=ops.shown_phone(viewer, r.path, r.resident_phone), personal_data_masked=masked,
            raised_on=r.raised_on, status=r.status, resolution=r.resolution, resolved_on=r.resolved_on,
            satisfaction=r.satisfaction, dispute=r.dispute, dispute_outcome=r.dispute_outcome,
            routed_to_workstation=r.workstation_id is not None, handled_by_building_head=r.handled_by_term_id is not None,
            recorded_by=r.recorded_by,
        )

    @strawberry.field(description="The building (or village group) it concerns.")
    async def building(self, info: Info) -> TreeNode | None:
        return await _building(info, self.building_id)


@strawberry.type(description="One level an incident reached: when, its due time, acknowledged or passed over.")
class IncidentStep:
    level: EscalationLevelEnum  # type: ignore[valid-type]
    level_node_id: strawberry.Private[int]
    reached_at: datetime
    due_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    passed_over_at: datetime | None = strawberry.field(description="Set when the level did not acknowledge in time.")
    note: str

    @classmethod
    def of(cls, s: models_rq.IncidentStep) -> "IncidentStep":
        node_id = int(s.level_path.strip("/").split("/")[-1])
        return cls(level=s.level, level_node_id=node_id, reached_at=s.reached_at, due_at=s.due_at,
                   acknowledged_at=s.acknowledged_at, acknowledged_by=s.acknowledged_by,
                   passed_over_at=s.passed_over_at, note=s.note)

    @strawberry.field(description="The node answering at this level (compound, community, subdistrict, new town).")
    async def level_node(self, info: Info) -> TreeNode | None:
        return await _building(info, self.level_node_id)


@strawberry.type(description='An emergency or early sign of instability, reported "level by level at once" (§3.4.3).')
class Incident(Node):
    building_id: strawberry.Private[int]
    title: str
    description: str
    reported_on: date
    reported_at: datetime
    level: EscalationLevelEnum = strawberry.field(description="The level it is with now.")  # type: ignore[valid-type]
    level_due_at: datetime | None = strawberry.field(description="When that level must acknowledge; null once acknowledged at the top, or closed.")
    status: IncidentStatusEnum  # type: ignore[valid-type]
    closed_on: date | None
    recorded_by: str
    steps: list[IncidentStep]

    @classmethod
    def of(cls, row: inc_ops.IncidentRow) -> "Incident":
        i = row.incident
        return cls(id=to_global_id("Incident", i.id), building_id=i.building_id, title=i.title, description=i.description,
                   reported_on=i.reported_on, reported_at=i.reported_at, level=i.level, level_due_at=i.level_due_at,
                   status=i.status, closed_on=i.closed_on, recorded_by=i.recorded_by,
                   steps=[IncidentStep.of(s) for s in row.steps])

    @strawberry.field(description="Its level let the time to acknowledge run out (the job passes it up within a minute).")
    def overdue(self) -> bool:
        return self.level_due_at is not None and self.level_due_at <= now()

    @strawberry.field
    async def building(self, info: Info) -> TreeNode | None:
        return await _building(info, self.building_id)


@strawberry.enum
class RequestErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    INVALID_PHONE = "INVALID_PHONE"
    FUTURE_DATE = "FUTURE_DATE"
    INVALID_DATE_ORDER = "INVALID_DATE_ORDER"
    WRONG_STATUS = "WRONG_STATUS"
    ALREADY_CLOSED = "ALREADY_CLOSED"
    NOT_A_BUILDING = "NOT_A_BUILDING"
    CHANNEL_NOT_ALLOWED = "CHANNEL_NOT_ALLOWED"
    RESOLUTION_REQUIRED = "RESOLUTION_REQUIRED"
    SATISFACTION_OUT_OF_RANGE = "SATISFACTION_OUT_OF_RANGE"
    SATISFACTION_BEFORE_RESOLVED = "SATISFACTION_BEFORE_RESOLVED"
    NOT_A_DISPUTE = "NOT_A_DISPUTE"
    TICKET_TAKEN = "TICKET_TAKEN"
    NOT_AT_LEVEL = "NOT_AT_LEVEL"
    ALREADY_ACKNOWLEDGED = "ALREADY_ACKNOWLEDGED"


@error_codes(RequestErrorCode)
@strawberry.type
class RequestError(UserError):
    code: RequestErrorCode


@strawberry.input
class ResidentRequestCreateInput:
    building_id: strawberry.ID
    channel: RequestChannelEnum = strawberry.field(description="RESIDENT or BUILDING_HEAD (HOTLINE: hotlineWorkOrderIntake).")  # type: ignore[valid-type]
    title: str
    description: str = ""
    resident_name: str | None = None
    resident_phone: str | None = None
    raised_on: date | None = strawberry.field(default=None, description="Default: today (Asia/Shanghai); never a future day.")
    dispute: bool = strawberry.field(default=False, description="A family or neighbour dispute to mediate.")


@strawberry.input
class ResidentRequestUpdateInput:
    id: strawberry.ID
    status: RequestStatusEnum | None = None  # type: ignore[valid-type]
    resolution: str | None = None
    resolved_on: date | None = strawberry.field(default=None, description="Default: today, when resolving.")
    satisfaction: int | None = strawberry.field(default=strawberry.UNSET, description="1..5, once resolved (null clears it).")
    dispute_outcome: DisputeOutcomeEnum | None = None  # type: ignore[valid-type]


@strawberry.type
class ResidentRequestPayload:
    request: ResidentRequest | None = None
    errors: list[RequestError] = strawberry.field(default_factory=list)


@strawberry.input
class HotlineWorkOrderIntakeInput:
    ticket_number: str = strawberry.field(description="The hotline's own ticket number (unique per district).")
    building_id: strawberry.ID | None = None
    building_code: str | None = strawberry.field(default=None, description="The building's code (unique per district), instead of buildingId.")
    title: str
    description: str = ""
    resident_name: str | None = None
    resident_phone: str | None = None
    received_on: date | None = strawberry.field(default=None, description="Default: today; never a future day.")


@strawberry.type
class HotlineWorkOrderPayload:
    work_order: ResidentRequest | None = None
    duplicate: bool = strawberry.field(default=False, description=(
        "The ticket had been sent before: nothing new was stored and workOrder is the one it made."))
    errors: list[RequestError] = strawberry.field(default_factory=list)


@strawberry.input
class IncidentReportInput:
    building_id: strawberry.ID
    title: str
    description: str = ""
    reported_on: date | None = strawberry.field(default=None, description="Default: today; never a future day.")


@strawberry.input
class IncidentAcknowledgeInput:
    id: strawberry.ID
    note: str = ""


@strawberry.input
class IncidentCloseInput:
    id: strawberry.ID
    closed_on: date | None = None
    note: str = ""


@strawberry.type
class IncidentPayload:
    incident: Incident | None = None
    errors: list[RequestError] = strawberry.field(default_factory=list)


def _page(first: int | None, after: str | None) -> tuple[int, int]:
    check_page_args(first, None)
    a = _offset(after)
    return (a + 1 if a is not None else 0), (DEFAULT_PAGE if first is None else first)


def _connection(total: int, start: int, nodes: list) -> Connection:
    n = len(nodes)
    return Connection(
        page_info=PageInfo(has_next_page=start + n < total, has_previous_page=start > 0,
                           start_cursor=_cursor(start) if n else None, end_cursor=_cursor(start + n - 1) if n else None),
        total_count=total, nodes=nodes, start=start,
    )


@strawberry.type
class RequestQuery:
    @strawberry.field(description="Requests and 12345 work orders within a node, newest first.")
    async def resident_requests(
        self, info: Info, node_id: strawberry.ID, status: RequestStatusEnum | None = None,  # type: ignore[valid-type]
        channel: RequestChannelEnum | None = None, first: int | None = None, after: str | None = None,  # type: ignore[valid-type]
    ) -> Connection[ResidentRequest]:
        start, limit = _page(first, after)
        try:
            pk = decode(node_id, "nodeId", TREE_TYPES)
        except Problem:
            pk = None
        total, rows = await ops.requests_under(info.context.viewer, pk, status=status, channel=channel,  # type: ignore[arg-type]
                                               offset=start, limit=limit)
        return _connection(total, start, [ResidentRequest.of(info, r) for r in rows])

    @strawberry.field(description="Incidents within a node, newest first (openOnly: those not closed).")
    async def incidents(self, info: Info, node_id: strawberry.ID, open_only: bool = False, first: int | None = None,
                        after: str | None = None) -> Connection[Incident]:
        start, limit = _page(first, after)
        try:
            pk = decode(node_id, "nodeId", TREE_TYPES)
        except Problem:
            pk = None
        total, rows = await inc_ops.incidents_under(info.context.viewer, pk, open_only=open_only,  # type: ignore[arg-type]
                                                    offset=start, limit=limit)
        return _connection(total, start, [Incident.of(r) for r in rows])


def _errors(info: Info, exc: Problem | Problems) -> list[RequestError]:
    return payload_errors(RequestError, exc, info.context.locale)


@strawberry.type
class RequestMutation:
    @strawberry.mutation(description="Record a resident's request or a dispute at a building, routed to its service area.")
    async def resident_request_create(self, info: Info, input: ResidentRequestCreateInput) -> ResidentRequestPayload:
        try:
            r = await ops.create_request(
                info.context.viewer, building_id=decode(input.building_id, ["input", "buildingId"], PLACE_TYPES),
                channel=RequestChannel(input.channel), title=input.title, description=input.description,
                resident_name=input.resident_name, resident_phone=input.resident_phone, raised_on=input.raised_on,
                dispute=input.dispute)
        except (Problem, Problems) as exc:
            return ResidentRequestPayload(errors=_errors(info, exc))
        return ResidentRequestPayload(request=ResidentRequest.of(info, r))

    @strawberry.mutation(description="Handle a request: status, resolution, satisfaction (1–5), a dispute's outcome.")
    async def resident_request_update(self, info: Info, input: ResidentRequestUpdateInput) -> ResidentRequestPayload:
        kw: dict = {}
        if input.satisfaction is not strawberry.UNSET:
            kw["satisfaction"] = input.satisfaction
        if input.dispute_outcome is not None:
            kw["dispute_outcome"] = DisputeOutcome(input.dispute_outcome)
        try:
            r = await ops.update_request(
                info.context.viewer, decode(input.id, ["input", "id"], ("ResidentRequest",)),
                status=RequestStatus(input.status) if input.status else None, resolution=input.resolution,
                resolved_on=input.resolved_on, **kw)
        except (Problem, Problems) as exc:
            return ResidentRequestPayload(errors=_errors(info, exc))
        return ResidentRequestPayload(request=ResidentRequest.of(info, r))

    @strawberry.mutation(description=(
        "The 12345 hotline sends a work order in (API key with WORK_ORDER_INTAKE). Keyed on its ticket number: "
        "a ticket sent again is stored once and answered with duplicate: true and the work order it made."))
    async def hotline_work_order_intake(self, info: Info, input: HotlineWorkOrderIntakeInput) -> HotlineWorkOrderPayload:
        try:
            building_id = None
            if input.building_id is not None:
                try:
                    building_id = decode(input.building_id, ["input", "buildingId"], PLACE_TYPES)
                except Problem:
                    raise Problem("NOT_FOUND", ["input", "buildingId"], message="WORK_ORDER_UNKNOWN_BUILDING",
                                  ref=input.building_id) from None
            done = await ops.intake_work_order(
                info.context.viewer, ticket_number=input.ticket_number, building_id=building_id,
                building_code=input.building_code, title=input.title, description=input.description,
                resident_name=input.resident_name, resident_phone=input.resident_phone, received_on=input.received_on,
                building_ref=input.building_id)
        except (Problem, Problems) as exc:
            return HotlineWorkOrderPayload(errors=_errors(info, exc))
        return HotlineWorkOrderPayload(work_order=ResidentRequest.of(info, done.work_order), duplicate=done.duplicate)

    @strawberry.mutation(description="A building head reports an emergency: it goes at once to the first level.")
    async def incident_report(self, info: Info, input: IncidentReportInput) -> IncidentPayload:
        try:
            row = await inc_ops.report_incident(
                info.context.viewer, building_id=decode(input.building_id, ["input", "buildingId"], PLACE_TYPES),
                title=input.title, description=input.description, reported_on=input.reported_on)
        except (Problem, Problems) as exc:
            return IncidentPayload(errors=_errors(info, exc))
        return IncidentPayload(incident=Incident.of(row))

    @strawberry.mutation(description="The level the incident is with acknowledges it, and it is reported on up at once.")
    async def incident_acknowledge(self, info: Info, input: IncidentAcknowledgeInput) -> IncidentPayload:
        try:
            row = await inc_ops.acknowledge(info.context.viewer, decode(input.id, ["input", "id"], ("Incident",)), input.note)
        except (Problem, Problems) as exc:
            return IncidentPayload(errors=_errors(info, exc))
        return IncidentPayload(incident=Incident.of(row))

    @strawberry.mutation(description="Close an incident dealt with.")
    async def incident_close(self, info: Info, input: IncidentCloseInput) -> IncidentPayload:
        try:
            row = await inc_ops.close_incident(info.context.viewer, decode(input.id, ["input", "id"], ("Incident",)),
                                               closed_on=input.closed_on, note=input.note)
        except (Problem, Problems) as exc:
            return IncidentPayload(errors=_errors(info, exc))
        return IncidentPayload(incident=Incident.of(row))


TYPES: list[type] = [ResidentRequest, Incident]  # concrete Node types of this module, added to the schema


@fetcher("ResidentRequest")
async def fetch_request(info: Info, pk: int) -> ResidentRequest | None:
    r = await ops.readable_request(info.context.viewer, pk)
    return ResidentRequest.of(info, r) if r else None


@fetcher("Incident")
async def fetch_incident(info: Info, pk: int) -> Incident | None:
    row = await inc_ops.readable_incident(info.context.viewer, pk)
    return Incident.of(row) if row else None
