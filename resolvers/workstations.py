"""Workstations, their plans and campaigns, and station-head appointments (docs/policy.md §4)."""
from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info
from tortoise.exceptions import IntegrityError

from models.people import Person, StaffRole
from models.recruitment import BuildingHead
from models.tree import Node
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign, WorkstationPlan
from policy.access import Capability
from policy.kinds import NodeKind, PlanStatus, StaffKind, StationHeadSource, TermStatus
from policy.workstations import is_late, station_head_source_problem
from resolvers.business_dates import not_future
from resolvers.context import SHANGHAI, today
from resolvers.errors import Denied, Problem
from resolvers.locks import locked
from resolvers.mutations import audit, run, snapshot
from resolvers.nodes import decode, fetcher, register
from resolvers.rows import ancestor_ids
from resolvers.tree import node_for
from schema.common import Connection, paginate
from schema.workstations import (
    StationHeadAppointInput, StationHeadAppointment as AppointmentType, StationHeadAppointmentPayload,
    Workstation as WorkstationType, WorkstationCampaign as CampaignType, WorkstationCampaignCreateInput,
    WorkstationCampaignPayload, WorkstationError, WorkstationPayload, WorkstationPlan as PlanType,
    WorkstationPlanPayload, WorkstationUpdateInput, campaign_readable,
)

WORKER_KINDS = [StaffKind.COMMUNITY_WORKER, StaffKind.GRID_WORKER_FULL_TIME, StaffKind.GRID_WORKER_PART_TIME]


register("Workstation", Workstation, WorkstationType.of)


register("StationHeadAppointment", StationHeadAppointment, AppointmentType.of)


register("WorkstationPlan", WorkstationPlan, PlanType.of)


@fetcher("WorkstationCampaign")
async def fetch_campaign(info: Info, pk: int):
    c = await WorkstationCampaign.get_or_none(id=pk)
    if c is None:
        return None
    if campaign_readable(info, c):
        return CampaignType.of(c)
    # or one of its workstations is in scope (the rule Workstation.campaign applies)
    w = await Workstation.filter(info.context.viewer.scope_q(), campaign_id=c.id).first().values("path")
    return CampaignType.of(c) if w and campaign_readable(info, c, w["path"]) else None


async def _workstation_for(info: Info, gid: str, capability: Capability) -> Workstation:
    w = await locked(Workstation, id=decode(gid, "id", ("Workstation",)))
    if w is None or not info.context.viewer.can_read(w.path):
        raise Denied()
    info.context.viewer.require(capability, w.path)
    return w


def _subdistrict_path(path: str) -> str:
    ids = ancestor_ids(path)  # district, new town, subdistrict, ...
    return "/" + "/".join(str(i) for i in ids[:3]) + "/"


def _appointment_integrity(exc: IntegrityError) -> Problem:
    text = str(exc)
    if "active_workstation_id" in text:
        return Problem("STATION_HAS_HEAD", ["input", "workstationId"])
    return Problem("STATION_HEAD_BUSY", ["input", "personId"], person="该人员")


@strawberry.type
class WorkstationQuery:
    @strawberry.field(description="Workstations within your scope; lateOnly keeps those late on either campaign deadline.")
    async def workstations(
        self, info: Info, late_only: bool = False, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None,
    ) -> Connection[WorkstationType]:
        v = info.context.viewer
        v.require_authenticated()
        rows = await Workstation.filter(v.scope_q()).order_by("id").prefetch_related("campaign")
        if late_only:
            on = today()
            rows = [
                w for w in rows if w.campaign is not None and is_late(
                    premises_ready_on=w.premises_ready_on, in_use_on=w.in_use_on,
                    premises_deadline=w.campaign.premises_deadline, in_use_deadline=w.campaign.in_use_deadline, today=on,
                )
            ]
        return paginate([WorkstationType.of(w) for w in rows], first=first, after=after, last=last, before=before)


@strawberry.type
class WorkstationMutation:
    @strawberry.mutation(description="Record a workstation's premises, layout, campaign, set-up dates and four-haves checklist.")
    async def workstation_update(self, info: Info, input: WorkstationUpdateInput) -> WorkstationPayload:
        ctx = info.context

        async def body():
            w = await _workstation_for(info, input.id, Capability.WORKSTATION_WRITE)
            before = snapshot(w)
            for f in ("premises_kind", "layout", "premises_ready_on", "in_use_on", "office_on", "sign_on", "equipment_on", "rules_on"):
                if getattr(input, f) is not None:
                    setattr(w, f, getattr(input, f))
            if input.campaign_id is not None:
                c = await WorkstationCampaign.get_or_none(id=decode(input.campaign_id, ["input", "campaignId"], ("WorkstationCampaign",)))
                if c is None or not w.path.startswith(c.path):
                    raise Problem("NOT_FOUND", ["input", "campaignId"], what=input.campaign_id)
                w.campaign_id = c.id
            if w.premises_ready_on and w.in_use_on and w.in_use_on < w.premises_ready_on:
                raise Problem("INVALID_DATE_ORDER", ["input", "inUseOn"], later="启用日期", earlier="用房落实日期",
                              later_en="inUseOn", earlier_en="premisesReadyOn")
            await w.save()
            await audit(ctx, "workstationUpdate", "Workstation", w.id, w.path, before, snapshot(w))
            return {"workstation": WorkstationType.of(w)}

        return await run(ctx, WorkstationPayload, WorkstationError, body)

    @strawberry.mutation(description="Open a set-up campaign with its two deadlines.")
    async def workstation_campaign_create(self, info: Info, input: WorkstationCampaignCreateInput) -> WorkstationCampaignPayload:
        ctx = info.context

        async def body():
            node = await node_for(info, input.node_id, "nodeId", Capability.CAMPAIGN_WRITE)
            if not input.name.strip():
                raise Problem("REQUIRED", ["input", "name"], label="名称")
            if input.in_use_deadline < input.premises_deadline:
                raise Problem("INVALID_DATE_ORDER", ["input", "inUseDeadline"], later="启用期限", earlier="用房落实期限",
                              later_en="inUseDeadline", earlier_en="premisesDeadline")
            c = await WorkstationCampaign.create(node_id=node.id, path=node.path, name=input.name.strip(),
                                                 premises_deadline=input.premises_deadline, in_use_deadline=input.in_use_deadline)
            attached = 0
            if input.attach_workstations:
                attached = await Workstation.filter(path__startswith=node.path, campaign_id__isnull=True).update(campaign_id=c.id)
            await audit(ctx, "workstationCampaignCreate", "WorkstationCampaign", c.id, c.path, None, snapshot(c))
            return {"campaign": CampaignType.of(c), "attached": attached}

        return await run(ctx, WorkstationCampaignPayload, WorkstationError, body)

    @strawberry.mutation(description="Draft or revise a community's workstation plan (one per community).")
    async def workstation_plan_submit(self, info: Info, community_id: strawberry.ID, description: str) -> WorkstationPlanPayload:
        ctx = info.context

        async def body():
            community = await node_for(info, community_id, "communityId", Capability.WORKSTATION_WRITE, ("Community", "Village"))
            # one plan per community: the community's row is locked, so a concurrent submission
            # waits and then revises the plan this one created
            await locked(Node, id=community.id)
            plan = await WorkstationPlan.get_or_none(community_id=community.id)
            before = snapshot(plan)
            if plan is None:
                plan = await WorkstationPlan.create(community_id=community.id, path=community.path, description=description)
            else:
                if plan.status == PlanStatus.FILED:
                    raise Problem("WRONG_STATUS", ["communityId"], status=plan.status.value, action="修改", action_en="revise")
                plan.description, plan.status = description, PlanStatus.DRAFT
                plan.approved_at = plan.approved_by_id = None
                await plan.save()
            await audit(ctx, "workstationPlanSubmit", "WorkstationPlan", plan.id, plan.path, before, snapshot(plan))
            return {"plan": PlanType.of(plan)}

        return await run(ctx, WorkstationPlanPayload, WorkstationError, body)

    @strawberry.mutation(description="The subdistrict approves a community's plan.")
    async def workstation_plan_approve(self, info: Info, id: strawberry.ID) -> WorkstationPlanPayload:
        return await _plan_step(info, id, Capability.PLAN_APPROVE, PlanStatus.DRAFT, PlanStatus.APPROVED, None)

    @strawberry.mutation(description="The new-town office records (files) an approved plan.")
    async def workstation_plan_file(self, info: Info, id: strawberry.ID, filing_reference: str) -> WorkstationPlanPayload:
        return await _plan_step(info, id, Capability.PLAN_FILE, PlanStatus.APPROVED, PlanStatus.FILED, filing_reference)

    @strawberry.mutation(description=(
        "The subdistrict appoints a station head with an appointment letter, after the list was filed with the "
        "new-town office. One person heads at most one station at a time (enforced by the database)."
    ))
    async def station_head_appoint(self, info: Info, input: StationHeadAppointInput) -> StationHeadAppointmentPayload:
        ctx = info.context

        async def body():
            w = await locked(Workstation, id=decode(input.workstation_id, ["input", "workstationId"], ("Workstation",)))
            if w is None or not ctx.viewer.can_read(w.path):
                raise Denied()
            ctx.viewer.require(Capability.STATION_HEAD_APPOINT, w.path)
            person = await locked(Person, id=decode(input.person_id, ["input", "personId"], ("Person",)))
            if person is None or not ctx.viewer.can_read(person.path):
                raise Denied()
            for f, label in (("letter_number", "聘书编号"), ("filing_reference", "备案号")):
                if not getattr(input, f).strip():
                    raise Problem("REQUIRED", ["input", "letterNumber" if f == "letter_number" else "filingReference"], label=label)
            if await StationHeadAppointment.filter(active_person_id=person.id).exists():
                raise Problem("STATION_HEAD_BUSY", ["input", "personId"], person=person.name)
            if await StationHeadAppointment.filter(active_workstation_id=w.id).exists():
                raise Problem("STATION_HAS_HEAD", ["input", "workstationId"])
            sub = _subdistrict_path(w.path)
            source = StationHeadSource(input.source)
            has_worker_role = await StaffRole.filter(
                person_id=person.id, kind__in=WORKER_KINDS, ended_on__isnull=True, path__startswith=sub).exists()
            is_head = await BuildingHead.filter(person_id=person.id, status=TermStatus.ACTIVE, path__startswith=sub).exists()
            workers = len(set(await StaffRole.filter(kind__in=WORKER_KINDS, ended_on__isnull=True, path__startswith=sub)
                              .values_list("person_id", flat=True)))
            compounds = await Node.filter(kind=NodeKind.COMPOUND, closed_on__isnull=True, path__startswith=sub).count()
            problem = station_head_source_problem(
                source=source.value, has_worker_role=has_worker_role, is_active_building_head=is_head,
                workers_in_subdistrict=workers, compounds_in_subdistrict=compounds,
            )
            if problem:
                raise Problem(problem, ["input", "source"], person=person.name, workers=workers, compounds=compounds)
            a = await StationHeadAppointment.create(
                workstation_id=w.id, person_id=person.id, path=w.path, source=source,
                letter_number=input.letter_number.strip(), filing_reference=input.filing_reference.strip(),
                appointed_on=input.appointed_on, appointed_by_id=ctx.viewer.user_id,
                active_person_id=person.id, active_workstation_id=w.id,
            )
            await audit(ctx, "stationHeadAppoint", "StationHeadAppointment", a.id, a.path, None, snapshot(a))
            return {"appointment": AppointmentType.of(a)}

        return await run(ctx, StationHeadAppointmentPayload, WorkstationError, body, integrity=_appointment_integrity)

    @strawberry.mutation(description="End a station head's appointment.")
    async def station_head_end(self, info: Info, id: strawberry.ID, ended_on: date, reason: str) -> StationHeadAppointmentPayload:
        ctx = info.context

        async def body():
            not_future(ended_on, ["endedOn"])
            a = await locked(StationHeadAppointment, id=decode(id, "id", ("StationHeadAppointment",)))
            if a is None or not ctx.viewer.can_read(a.path):
                raise Denied()
            ctx.viewer.require(Capability.STATION_HEAD_APPOINT, a.path)
            if a.ended_on is not None:
                raise Problem("NOT_APPOINTED", ["id"])
            if ended_on < a.appointed_on:
                raise Problem("INVALID_DATE_ORDER", ["endedOn"], later="结束日期", earlier="任命日期", later_en="endedOn", earlier_en="appointedOn")
            before = snapshot(a)
            a.ended_on, a.end_reason = ended_on, reason.strip() or None
            a.active_person_id = a.active_workstation_id = None
            await a.save()
            await audit(ctx, "stationHeadEnd", "StationHeadAppointment", a.id, a.path, before, snapshot(a))
            return {"appointment": AppointmentType.of(a)}

        return await run(ctx, StationHeadAppointmentPayload, WorkstationError, body)


async def _plan_step(info: Info, gid: str, capability: Capability, from_status: PlanStatus, to_status: PlanStatus,
                     filing_reference: str | None) -> WorkstationPlanPayload:
    ctx = info.context

    async def body():
        plan = await locked(WorkstationPlan, id=decode(gid, "id", ("WorkstationPlan",)))
        if plan is None or not ctx.viewer.can_read(plan.path):
            raise Denied()
        ctx.viewer.require(capability, plan.path)
        if plan.status != from_status:
            raise Problem("WRONG_STATUS", ["id"], status=plan.status.value, action="办理", action_en=to_status.value.lower())
        before = snapshot(plan)
        now = datetime.now(SHANGHAI)
        if to_status == PlanStatus.APPROVED:
            plan.approved_at, plan.approved_by_id = now, ctx.viewer.user_id
        else:
            if not (filing_reference or "").strip():
                raise Problem("REQUIRED", ["filingReference"], label="备案号")
            plan.filed_at, plan.filed_by_id, plan.filing_reference = now, ctx.viewer.user_id, filing_reference.strip()  # type: ignore[union-attr]
        plan.status = to_status
        await plan.save()
        await audit(ctx, f"workstationPlan{'Approve' if to_status == PlanStatus.APPROVED else 'File'}", "WorkstationPlan",
                    plan.id, plan.path, before, snapshot(plan))
        return {"plan": PlanType.of(plan)}

    return await run(ctx, WorkstationPlanPayload, WorkstationError, body)
