"""Workstations, plans, campaigns and station heads (docs/policy.md §4)."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from models import workstations as models_ws
from policy.kinds import PlanStatus, PremisesKind, StationHeadSource
from policy.workstations import set_up_status
from resolvers import workstations as ops
from resolvers.clock import today
from resolvers.errors import Problem, Problems
from schema.common import Connection, Node, UserError, error_codes, paginate, to_global_id
from schema.nodes import decode, fetcher, register
from schema.payloads import payload_errors
from schema.people import Person, person_by_id
from schema.tree import TYPE_NAMES, TreeNode, tree_node

PremisesKindEnum = strawberry.enum(PremisesKind, name="PremisesKind")
PlanStatusEnum = strawberry.enum(PlanStatus, name="PlanStatus")
StationHeadSourceEnum = strawberry.enum(StationHeadSource, name="StationHeadSource")


@strawberry.type(description='The "four haves" (四有): the date each was in place.')
class FourHaves:
    office_on: date | None
    sign_on: date | None
    equipment_on: date | None
    rules_on: date | None
    complete: bool


@strawberry.type
class SetUpStatus:
    set_up: bool = strawberry.field(description="In use on or before today.")
    premises_late: bool
    in_use_late: bool
    late: bool


@strawberry.type(description="A set-up campaign with its deadlines: premises in place, station in use.")
class WorkstationCampaign(Node):
    name: str
    premises_deadline: date
    in_use_deadline: date

    @classmethod
    def of(cls, c) -> "WorkstationCampaign":
        return cls(id=to_global_id("WorkstationCampaign", c.id), name=c.name,
                   premises_deadline=c.premises_deadline, in_use_deadline=c.in_use_deadline)


@strawberry.type(description='小区（网格）工作站: "<compound>小区网格工作站".')
class Workstation(Node):
    pk: strawberry.Private[int]
    compound_id: strawberry.Private[int]
    campaign_id: strawberry.Private[int | None]
    raw: strawberry.Private[object]
    name: str
    premises_kind: PremisesKindEnum | None  # type: ignore[valid-type]
    layout: str
    premises_ready_on: date | None
    in_use_on: date | None

    @classmethod
    def of(cls, w) -> "Workstation":
        return cls(id=to_global_id("Workstation", w.id), pk=w.id, compound_id=w.compound_id, campaign_id=w.campaign_id,
                   raw=w, name=w.name, premises_kind=w.premises_kind, layout=w.layout,
                   premises_ready_on=w.premises_ready_on, in_use_on=w.in_use_on)

    @strawberry.field
    def four_haves(self) -> FourHaves:
        w = self.raw
        on = today()
        dates = (w.office_on, w.sign_on, w.equipment_on, w.rules_on)  # type: ignore[attr-defined]
        return FourHaves(office_on=dates[0], sign_on=dates[1], equipment_on=dates[2], rules_on=dates[3],
                         complete=all(d is not None and d <= on for d in dates))

    @strawberry.field
    async def status(self, info: Info) -> SetUpStatus:
        w = self.raw
        c = await info.context.loaders.campaign.load(self.campaign_id) if self.campaign_id else None
        st = set_up_status(
            premises_ready_on=w.premises_ready_on, in_use_on=w.in_use_on,  # type: ignore[attr-defined]
            premises_deadline=c.premises_deadline if c else None, in_use_deadline=c.in_use_deadline if c else None,
            four_haves=(w.office_on, w.sign_on, w.equipment_on, w.rules_on), today=today(),  # type: ignore[attr-defined]
        )
        return SetUpStatus(set_up=st.set_up, premises_late=st.premises_late, in_use_late=st.in_use_late, late=st.late)

    @strawberry.field(description="The set-up campaign whose deadlines this station must meet.")
    async def campaign(self, info: Info) -> WorkstationCampaign | None:
        c = await info.context.loaders.campaign.load(self.campaign_id) if self.campaign_id else None
        # readable like node(id:): its node is in scope, or (as here) a workstation attached to it is
        return WorkstationCampaign.of(c) if c and ops.campaign_visible(info.context.viewer, c, self.raw.path) else None  # type: ignore[attr-defined]

    @strawberry.field
    async def compound(self, info: Info) -> TreeNode | None:
        row = await info.context.loaders.node.load(self.compound_id)
        return tree_node(row) if row and info.context.viewer.can_read(row.path) else None

    @strawberry.field(description="The station head now appointed, if any.")
    async def station_head(self, info: Info) -> "StationHeadAppointment | None":
        a = await info.context.loaders.station_head.load(self.pk)
        return StationHeadAppointment.of(a) if a and info.context.viewer.can_read(a.path) else None


@strawberry.type(description="A station head's appointment by the subdistrict (聘书).")
class StationHeadAppointment(Node):
    person_id: strawberry.Private[int]
    workstation_id: strawberry.Private[int]
    source: StationHeadSourceEnum  # type: ignore[valid-type]
    letter_number: str
    filing_reference: str
    appointed_on: date
    ended_on: date | None
    end_reason: str | None

    @classmethod
    def of(cls, a) -> "StationHeadAppointment":
        return cls(id=to_global_id("StationHeadAppointment", a.id), person_id=a.person_id, workstation_id=a.workstation_id,
                   source=a.source, letter_number=a.letter_number, filing_reference=a.filing_reference,
                   appointed_on=a.appointed_on, ended_on=a.ended_on, end_reason=a.end_reason)

    @strawberry.field
    def active(self) -> bool:
        return self.ended_on is None

    @strawberry.field
    async def person(self, info: Info) -> Person | None:
        return await person_by_id(info, self.person_id)


@strawberry.type(description='"One community, one plan" for its workstations.')
class WorkstationPlan(Node):
    community_id: strawberry.Private[int]
    description: str
    status: PlanStatusEnum  # type: ignore[valid-type]
    approved_at: datetime | None
    filed_at: datetime | None
    filing_reference: str | None

    @classmethod
    def of(cls, p) -> "WorkstationPlan":
        return cls(id=to_global_id("WorkstationPlan", p.id), community_id=p.community_id, description=p.description,
                   status=p.status, approved_at=p.approved_at, filed_at=p.filed_at, filing_reference=p.filing_reference)

    @strawberry.field
    async def community(self, info: Info) -> TreeNode | None:
        row = await info.context.loaders.node.load(self.community_id)
        return tree_node(row) if row and info.context.viewer.can_read(row.path) else None


@strawberry.enum
class WorkstationErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    NOT_A_COMPOUND = "NOT_A_COMPOUND"
    STATION_HEAD_BUSY = "STATION_HEAD_BUSY"
    STATION_HAS_HEAD = "STATION_HAS_HEAD"
    NOT_A_WORKER = "NOT_A_WORKER"
    NOT_A_BUILDING_HEAD = "NOT_A_BUILDING_HEAD"
    ENOUGH_WORKERS = "ENOUGH_WORKERS"
    NOT_APPOINTED = "NOT_APPOINTED"
    WRONG_STATUS = "WRONG_STATUS"
    INVALID_DATE_ORDER = "INVALID_DATE_ORDER"
    FUTURE_DATE = "FUTURE_DATE"


@error_codes(WorkstationErrorCode)
@strawberry.type
class WorkstationError(UserError):
    code: WorkstationErrorCode


@strawberry.input
class WorkstationUpdateInput:
    id: strawberry.ID
    premises_kind: PremisesKindEnum | None = None  # type: ignore[valid-type]
    layout: str | None = None
    campaign_id: strawberry.ID | None = None
    premises_ready_on: date | None = None
    in_use_on: date | None = None
    office_on: date | None = None
    sign_on: date | None = None
    equipment_on: date | None = None
    rules_on: date | None = None


@strawberry.type
class WorkstationPayload:
    workstation: Workstation | None = None
    errors: list[WorkstationError] = strawberry.field(default_factory=list)


@strawberry.input
class WorkstationCampaignCreateInput:
    node_id: strawberry.ID = strawberry.field(description="The district, new town or subdistrict running the campaign.")
    name: str
    premises_deadline: date
    in_use_deadline: date
    attach_workstations: bool = strawberry.field(default=True, description="Attach every workstation below the node that has no campaign yet.")


@strawberry.type
class WorkstationCampaignPayload:
    campaign: WorkstationCampaign | None = None
    attached: int = 0
    errors: list[WorkstationError] = strawberry.field(default_factory=list)


@strawberry.type
class WorkstationPlanPayload:
    plan: WorkstationPlan | None = None
    errors: list[WorkstationError] = strawberry.field(default_factory=list)


@strawberry.input
class StationHeadAppointInput:
    workstation_id: strawberry.ID
    person_id: strawberry.ID
    source: StationHeadSourceEnum  # type: ignore[valid-type]
    letter_number: str = strawberry.field(description="The appointment letter's number (聘书编号).")
    filing_reference: str = strawberry.field(description="The new-town office's record of the reviewed list (备案号).")
    appointed_on: date


@strawberry.type
class StationHeadAppointmentPayload:
    appointment: StationHeadAppointment | None = None
    errors: list[WorkstationError] = strawberry.field(default_factory=list)


# ---------------------------------------------------------------- node(id:)

TREE_TYPES = tuple(TYPE_NAMES.values())
COMMUNITY_TYPES = ("Community", "Village")

register("Workstation", models_ws.Workstation, Workstation.of)
register("StationHeadAppointment", models_ws.StationHeadAppointment, StationHeadAppointment.of)
register("WorkstationPlan", models_ws.WorkstationPlan, WorkstationPlan.of)


@fetcher("WorkstationCampaign")
async def fetch_campaign(info: Info, pk: int) -> WorkstationCampaign | None:
    c = await ops.readable_campaign(info.context.viewer, pk)
    return WorkstationCampaign.of(c) if c else None


# ---------------------------------------------------------------- root fields

@strawberry.type
class WorkstationQuery:
    @strawberry.field(description="Workstations within your scope; lateOnly keeps those late on either campaign deadline.")
    async def workstations(
        self, info: Info, late_only: bool = False, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None,
    ) -> Connection[Workstation]:
        v = info.context.viewer
        found = await ops.late_workstations(v, today()) if late_only else await ops.workstations_in_scope(v)
        return paginate([Workstation.of(w) for w in found], first=first, after=after, last=last, before=before)


@strawberry.type
class WorkstationMutation:
    @strawberry.mutation(description="Record a workstation's premises, layout, campaign, set-up dates and four-haves checklist.")
    async def workstation_update(self, info: Info, input: WorkstationUpdateInput) -> WorkstationPayload:
        try:
            w = await ops.update_workstation(
                info.context.viewer, decode(input.id, "id", ("Workstation",)),
                campaign_id=(decode(input.campaign_id, ["input", "campaignId"], ("WorkstationCampaign",))
                             if input.campaign_id is not None else None),
                campaign_ref=input.campaign_id, premises_kind=input.premises_kind, layout=input.layout,
                premises_ready_on=input.premises_ready_on, in_use_on=input.in_use_on, office_on=input.office_on,
                sign_on=input.sign_on, equipment_on=input.equipment_on, rules_on=input.rules_on,
            )
        except (Problem, Problems) as exc:
            return WorkstationPayload(errors=payload_errors(WorkstationError, exc, info.context.locale))
        return WorkstationPayload(workstation=Workstation.of(w), errors=[])

    @strawberry.mutation(description="Open a set-up campaign with its two deadlines.")
    async def workstation_campaign_create(self, info: Info, input: WorkstationCampaignCreateInput) -> WorkstationCampaignPayload:
        try:
            done = await ops.create_campaign(
                info.context.viewer, node_id=decode(input.node_id, "nodeId", TREE_TYPES), name=input.name,
                premises_deadline=input.premises_deadline, in_use_deadline=input.in_use_deadline,
                attach_workstations=input.attach_workstations,
            )
        except (Problem, Problems) as exc:
            return WorkstationCampaignPayload(errors=payload_errors(WorkstationError, exc, info.context.locale))
        return WorkstationCampaignPayload(campaign=WorkstationCampaign.of(done.campaign), attached=done.attached, errors=[])

    @strawberry.mutation(description="Draft or revise a community's workstation plan (one per community).")
    async def workstation_plan_submit(self, info: Info, community_id: strawberry.ID, description: str) -> WorkstationPlanPayload:
        try:
            plan = await ops.submit_plan(info.context.viewer, community_id=decode(community_id, "communityId", COMMUNITY_TYPES),
                                         description=description)
        except (Problem, Problems) as exc:
            return WorkstationPlanPayload(errors=payload_errors(WorkstationError, exc, info.context.locale))
        return WorkstationPlanPayload(plan=WorkstationPlan.of(plan), errors=[])

    @strawberry.mutation(description="The subdistrict approves a community's plan.")
    async def workstation_plan_approve(self, info: Info, id: strawberry.ID) -> WorkstationPlanPayload:
        try:
            plan = await ops.approve_plan(info.context.viewer, decode(id, "id", ("WorkstationPlan",)))
        except (Problem, Problems) as exc:
            return WorkstationPlanPayload(errors=payload_errors(WorkstationError, exc, info.context.locale))
        return WorkstationPlanPayload(plan=WorkstationPlan.of(plan), errors=[])

    @strawberry.mutation(description="The new-town office records (files) an approved plan.")
    async def workstation_plan_file(self, info: Info, id: strawberry.ID, filing_reference: str) -> WorkstationPlanPayload:
        try:
            plan = await ops.file_plan(info.context.viewer, decode(id, "id", ("WorkstationPlan",)), filing_reference)
        except (Problem, Problems) as exc:
            return WorkstationPlanPayload(errors=payload_errors(WorkstationError, exc, info.context.locale))
        return WorkstationPlanPayload(plan=WorkstationPlan.of(plan), errors=[])

    @strawberry.mutation(description=(
        "The subdistrict appoints a station head with an appointment letter, after the list was filed with the "
        "new-town office. One person heads at most one station at a time (enforced by the database)."
    ))
    async def station_head_appoint(self, info: Info, input: StationHeadAppointInput) -> StationHeadAppointmentPayload:
        try:
            a = await ops.appoint_station_head(
                info.context.viewer,
                workstation_id=decode(input.workstation_id, ["input", "workstationId"], ("Workstation",)),
                person_id=decode(input.person_id, ["input", "personId"], ("Person",)),
                source=input.source, letter_number=input.letter_number, filing_reference=input.filing_reference,
                appointed_on=input.appointed_on,
            )
        except (Problem, Problems) as exc:
            return StationHeadAppointmentPayload(errors=payload_errors(WorkstationError, exc, info.context.locale))
        return StationHeadAppointmentPayload(appointment=StationHeadAppointment.of(a), errors=[])

    @strawberry.mutation(description="End a station head's appointment.")
    async def station_head_end(self, info: Info, id: strawberry.ID, ended_on: date, reason: str) -> StationHeadAppointmentPayload:
        try:
            a = await ops.end_station_head(info.context.viewer, decode(id, "id", ("StationHeadAppointment",)),
                                           ended_on=ended_on, reason=reason)
        except (Problem, Problems) as exc:
            return StationHeadAppointmentPayload(errors=payload_errors(WorkstationError, exc, info.context.locale))
        return StationHeadAppointmentPayload(appointment=StationHeadAppointment.of(a), errors=[])
