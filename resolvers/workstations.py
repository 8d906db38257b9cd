"""Workstations, their plans and campaigns, and station-head appointments (docs/policy.md §4).

The operations, free of GraphQL: a caller (a ``Viewer``, or ``SYSTEM`` for jobs) and plain
arguments in, models out. They authorise, load, decide (policy/workstations.py), persist and audit
in one unit of work; ``schema/workstations.py`` decodes IDs, calls them and wraps what they return."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.exceptions import IntegrityError

from models.people import Person, StaffRole
from models.recruitment import BuildingHead
from models.tree import Node
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign, WorkstationPlan
from policy.access import Capability
from policy.kinds import NodeKind, PlanStatus, PremisesKind, StaffKind, StationHeadSource, TermStatus
from policy.workstations import is_late, station_head_source_problem
from resolvers.business_dates import not_future
from resolvers.clock import now
from resolvers.errors import Problem
from resolvers.rows import ancestor_ids
from resolvers.scope import node_in_scope, obtain
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

WORKER_KINDS = [StaffKind.COMMUNITY_WORKER, StaffKind.GRID_WORKER_FULL_TIME, StaffKind.GRID_WORKER_PART_TIME]
PLAN_KINDS = (NodeKind.COMMUNITY, NodeKind.VILLAGE)  # one plan per community (or village)


# ---------------------------------------------------------------- reading

async def workstations_in_scope(caller: Viewer) -> list[Workstation]:
    """Every workstation the caller may read, by id (``SYSTEM``: all of them)."""
    caller.require_authenticated()
    return await Workstation.filter(caller.scope_q()).order_by("id").prefetch_related("campaign")


async def late_workstations(caller: Viewer, on: date) -> list[Workstation]:
    """The caller's workstations late on either deadline of their set-up campaign on day ``on``,
    by id. The ``workstations(lateOnly: true)`` field and the daily deadline job both ask here."""
    caller.require_authenticated()
    rows = await (Workstation.filter(caller.scope_q(), campaign_id__isnull=False)
                  .order_by("id").prefetch_related("campaign"))
    return [
        w for w in rows if is_late(
            premises_ready_on=w.premises_ready_on, in_use_on=w.in_use_on,
            premises_deadline=w.campaign.premises_deadline, in_use_deadline=w.campaign.in_use_deadline, today=on,
        )
    ]


def campaign_visible(caller: Viewer, campaign: WorkstationCampaign, workstation_path: str | None = None) -> bool:
    """A set-up campaign is readable where its node is in scope, or where one of the workstations
    it sets deadlines for is (``workstation_path``: such a workstation's path, known to be
    attached). node(id:) and Workstation.campaign use this one rule."""
    return caller.can_read(campaign.path) or (workstation_path is not None and caller.can_read(workstation_path))


async def readable_campaign(caller: Viewer, pk: int) -> WorkstationCampaign | None:
    """The campaign, when the caller may read it (its node, or one of its workstations, is in
    scope); None when missing or out of scope alike."""
    c = await WorkstationCampaign.get_or_none(id=pk)
    if c is None:
        return None
    if campaign_visible(caller, c):
        return c
    w = await Workstation.filter(caller.scope_q(), campaign_id=c.id).first().values("path")
    return c if w and campaign_visible(caller, c, w["path"]) else None


# ---------------------------------------------------------------- workstations and campaigns

async def update_workstation(
    caller: Viewer,
    workstation_id: int,
    *,
    premises_kind: PremisesKind | None = None,
    layout: str | None = None,
    campaign_id: int | None = None,
    campaign_ref: str | None = None,
    premises_ready_on: date | None = None,
    in_use_on: date | None = None,
    office_on: date | None = None,
    sign_on: date | None = None,
    equipment_on: date | None = None,
    rules_on: date | None = None,
) -> Workstation:
    """Record a workstation's premises, layout, campaign, set-up dates and four-haves checklist;
    arguments left None keep their value. ``campaign_ref``: how the caller named the campaign
    (shown when it is not found)."""
    changes = {
        "premises_kind": premises_kind, "layout": layout, "premises_ready_on": premises_ready_on,
        "in_use_on": in_use_on, "office_on": office_on, "sign_on": sign_on, "equipment_on": equipment_on,
        "rules_on": rules_on,
    }
    async with unit_of_work(caller) as uow:
        w = await obtain(caller, Workstation, workstation_id, Capability.WORKSTATION_WRITE, for_update=True)
        before = snapshot(w)
        for name, value in changes.items():
            if value is not None:
                setattr(w, name, value)
        if campaign_id is not None:
            c = await WorkstationCampaign.get_or_none(id=campaign_id)
            if c is None or not w.path.startswith(c.path):
                raise Problem("NOT_FOUND", ["input", "campaignId"], what=campaign_ref or campaign_id)
            w.campaign_id = c.id
        if w.premises_ready_on and w.in_use_on and w.in_use_on < w.premises_ready_on:
            raise Problem("INVALID_DATE_ORDER", ["input", "inUseOn"], later="启用日期", earlier="用房落实日期",
                          later_en="inUseOn", earlier_en="premisesReadyOn")
        await w.save()
        await uow.audit("workstationUpdate", "Workstation", w.id, w.path, before, snapshot(w))
    return w


@dataclass(frozen=True)
class CampaignCreated:
    campaign: WorkstationCampaign
    attached: int  # workstations below the node attached to it


async def create_campaign(
    caller: Viewer, *, node_id: int, name: str, premises_deadline: date, in_use_deadline: date,
    attach_workstations: bool = True,
) -> CampaignCreated:
    """Open a set-up campaign with its two deadlines at a node (district, new town or
    subdistrict), attaching every workstation below it that has no campaign yet when asked."""
    async with unit_of_work(caller) as uow:
        node = await node_in_scope(caller, node_id, Capability.CAMPAIGN_WRITE)
        if not name.strip():
            raise Problem("REQUIRED", ["input", "name"], label="名称")
        if in_use_deadline < premises_deadline:
            raise Problem("INVALID_DATE_ORDER", ["input", "inUseDeadline"], later="启用期限", earlier="用房落实期限",
                          later_en="inUseDeadline", earlier_en="premisesDeadline")
        c = await WorkstationCampaign.create(node_id=node.id, path=node.path, name=name.strip(),
                                             premises_deadline=premises_deadline, in_use_deadline=in_use_deadline)
        attached = 0
        if attach_workstations:
            attached = await Workstation.filter(path__startswith=node.path, campaign_id__isnull=True).update(campaign_id=c.id)
        await uow.audit("workstationCampaignCreate", "WorkstationCampaign", c.id, c.path, None, snapshot(c))
    return CampaignCreated(c, attached)


# ---------------------------------------------------------------- plans

async def submit_plan(caller: Viewer, *, community_id: int, description: str) -> WorkstationPlan:
    """Draft or revise a community's workstation plan (one per community); a filed plan is final."""
    async with unit_of_work(caller) as uow:
        # one plan per community: the community's row is locked, so a concurrent submission
        # waits and then revises the plan this one created
        community = await node_in_scope(caller, community_id, Capability.WORKSTATION_WRITE, PLAN_KINDS, for_update=True)
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
        await uow.audit("workstationPlanSubmit", "WorkstationPlan", plan.id, plan.path, before, snapshot(plan))
    return plan


async def approve_plan(caller: Viewer, plan_id: int) -> WorkstationPlan:
    """The subdistrict approves a community's draft plan."""
    return await _plan_step(caller, plan_id, PlanStatus.APPROVED, None)


async def file_plan(caller: Viewer, plan_id: int, filing_reference: str) -> WorkstationPlan:
    """The new-town office records (files) an approved plan under its filing reference."""
    return await _plan_step(caller, plan_id, PlanStatus.FILED, filing_reference)


_PLAN_STEPS = {  # to status → (capability, from status, audited action)
    PlanStatus.APPROVED: (Capability.PLAN_APPROVE, PlanStatus.DRAFT, "workstationPlanApprove"),
    PlanStatus.FILED: (Capability.PLAN_FILE, PlanStatus.APPROVED, "workstationPlanFile"),
}


async def _plan_step(caller: Viewer, plan_id: int, to_status: PlanStatus, filing_reference: str | None) -> WorkstationPlan:
    capability, from_status, action = _PLAN_STEPS[to_status]
    async with unit_of_work(caller) as uow:
        plan = await obtain(caller, WorkstationPlan, plan_id, capability, for_update=True)
        if plan.status != from_status:
            raise Problem("WRONG_STATUS", ["id"], status=plan.status.value, action="办理", action_en=to_status.value.lower())
        before = snapshot(plan)
        at = now()
        if to_status == PlanStatus.APPROVED:
            plan.approved_at, plan.approved_by_id = at, caller.user_id
        else:
            if not (filing_reference or "").strip():
                raise Problem("REQUIRED", ["filingReference"], label="备案号")
            plan.filed_at, plan.filed_by_id, plan.filing_reference = at, caller.user_id, filing_reference.strip()  # type: ignore[union-attr]
        plan.status = to_status
        await plan.save()
        await uow.audit(action, "WorkstationPlan", plan.id, plan.path, before, snapshot(plan))
    return plan


# ---------------------------------------------------------------- station heads

def _subdistrict_path(path: str) -> str:
    ids = ancestor_ids(path)  # district, new town, subdistrict, ...
    return "/" + "/".join(str(i) for i in ids[:3]) + "/"


def _appointment_integrity(exc: IntegrityError) -> Problem:
    """A concurrent appointment won the unique index: the error a sequential request gets."""
    if "active_workstation_id" in str(exc):
        return Problem("STATION_HAS_HEAD", ["input", "workstationId"])
    return Problem("STATION_HEAD_BUSY", ["input", "personId"], person="该人员")


async def appoint_station_head(
    caller: Viewer, *, workstation_id: int, person_id: int, source: StationHeadSource, letter_number: str,
    filing_reference: str, appointed_on: date,
) -> StationHeadAppointment:
    """The subdistrict appoints a station head with an appointment letter, after the list was
    filed with the new-town office (§3.1.1: a worker; a building head only where workers are
    short). One person heads at most one station at a time, and a station has one head (both
    also held by unique indexes)."""
    async with unit_of_work(caller, integrity=_appointment_integrity) as uow:
        w = await obtain(caller, Workstation, workstation_id, Capability.STATION_HEAD_APPOINT, for_update=True)
        person = await obtain(caller, Person, person_id, Capability.READ, for_update=True)
        for value, field, label in ((letter_number, "letterNumber", "聘书编号"), (filing_reference, "filingReference", "备案号")):
            if not value.strip():
                raise Problem("REQUIRED", ["input", field], label=label)
        if await StationHeadAppointment.filter(active_person_id=person.id).exists():
            raise Problem("STATION_HEAD_BUSY", ["input", "personId"], person=person.name)
        if await StationHeadAppointment.filter(active_workstation_id=w.id).exists():
            raise Problem("STATION_HAS_HEAD", ["input", "workstationId"])
        sub = _subdistrict_path(w.path)
        source = StationHeadSource(source)
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
            letter_number=letter_number.strip(), filing_reference=filing_reference.strip(),
            appointed_on=appointed_on, appointed_by_id=caller.user_id,
            active_person_id=person.id, active_workstation_id=w.id,
        )
        await uow.audit("stationHeadAppoint", "StationHeadAppointment", a.id, a.path, None, snapshot(a))
    return a


async def end_station_head(caller: Viewer, appointment_id: int, *, ended_on: date, reason: str) -> StationHeadAppointment:
    """End a station head's appointment (once); the person and the station are free again."""
    not_future(ended_on, ["endedOn"])
    async with unit_of_work(caller) as uow:
        a = await obtain(caller, StationHeadAppointment, appointment_id, Capability.STATION_HEAD_APPOINT, for_update=True)
        if a.ended_on is not None:
            raise Problem("NOT_APPOINTED", ["id"])
        if ended_on < a.appointed_on:
            raise Problem("INVALID_DATE_ORDER", ["endedOn"], later="结束日期", earlier="任命日期",
                          later_en="endedOn", earlier_en="appointedOn")
        before = snapshot(a)
        a.ended_on, a.end_reason = ended_on, reason.strip() or None
        a.active_person_id = a.active_workstation_id = None
        await a.save()
        await uow.audit("stationHeadEnd", "StationHeadAppointment", a.id, a.path, before, snapshot(a))
    return a
