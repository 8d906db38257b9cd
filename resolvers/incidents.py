"""Emergencies and early signs of instability, reported "level by level at once" (docs/policy.md §6,
§3.4.3): building head → station head → community → subdistrict → new town.

A report reaches its first level (the station head; the community where there is no workstation).
Each level has the policy parameter ``ack_minutes_<level>`` to acknowledge; acknowledging records it
and reports on up at once, the next level starting with its own due time. A level that lets its
time run out is passed over by the every-minute job (``escalate_overdue``): recorded on its step,
and the next level reached. Every level reached is an audited change at the incident's place, so
the live ``changes`` subscription of everyone watching that subtree hears of it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from models.requests import Incident, IncidentStep
from models.workstations import Workstation
from policy.access import Capability
from policy.requests import (
    TIMEOUT_PARAMETER, EscalationLevel, IncidentStatus, due_at, first_level, level_path, next_level, passes_over,
)
from resolvers.business_dates import not_future
from resolvers.clock import now, today
from resolvers.errors import Problem
from resolvers.parameters import parameters_in_force
from resolvers.requests import building_head_term, place, text_field
from resolvers.scope import obtain
from resolvers.uow import UnitOfWork, snapshot, unit_of_work
from resolvers.viewer import Viewer


@dataclass(frozen=True)
class IncidentRow:
    """An incident with the levels it reached, in order."""

    incident: Incident
    steps: list[IncidentStep]


async def _reach(uow: UnitOfWork, incident: Incident, level: EscalationLevel, at: datetime) -> IncidentStep:
    """The incident reaches ``level`` at ``at``: its step, with the due time in force at the
    building on that day; the incident moves there. Audited (and so published live)."""
    values = await parameters_in_force(incident.path, at.date())
    minutes = int(values[TIMEOUT_PARAMETER[level]])  # type: ignore[call-overload]
    step = await IncidentStep.create(incident_id=incident.id, level=level, level_path=level_path(incident.path, level),
                                     reached_at=at, due_at=due_at(at, minutes))
    incident.level, incident.level_due_at = level, step.due_at
    await uow.audit("incidentLevelReached", "Incident", incident.id, incident.path, None,
                    {"level": level.value, "level_path": step.level_path, "due_at": step.due_at})
    return step


async def report_incident(caller: Viewer, *, building_id: int, title: str, description: str = "",
                          reported_on: date | None = None) -> IncidentRow:
    """A building head reports an emergency at a building: it goes at once to the first level."""
    async with unit_of_work(caller) as uow:
        building = await place(caller, building_id, Capability.DUTY_RECORD)
        text = text_field(title, "title", required=True, label="标题")
        on = not_future(reported_on or today(), ["input", "reportedOn"])
        ws = await Workstation.filter(compound_id=building.parent_id).first().values("id") if building.parent_id else None
        at = now()
        level = first_level(ws is not None)
        incident = await Incident.create(
            building_id=building.id, path=building.path, workstation_id=ws["id"] if ws else None,
            term_id=await building_head_term(caller, building.service_area_id), title=text,
            description=(description or "").strip(), reported_on=on, reported_at=at, level=level,
            level_due_at=at, recorded_by=caller.label,
        )
        step = await _reach(uow, incident, level, at)
        await incident.save()
        await uow.audit("incidentReport", "Incident", incident.id, incident.path, None, snapshot(incident))
    return IncidentRow(incident, [step])


async def acknowledge(caller: Viewer, incident_id: int, note: str = "") -> IncidentRow:
    """The level the incident is at acknowledges it (the caller holds INCIDENT_ACK at that level's
    node) and reports on up at once; at the top it stays, acknowledged, with no due time."""
    async with unit_of_work(caller) as uow:
        incident = await obtain(caller, Incident, incident_id, Capability.READ, for_update=True)
        if incident.status != IncidentStatus.OPEN:
            raise Problem("WRONG_STATUS", ["input", "id"], status=incident.status.value, action="确认", action_en="acknowledge")
        step = await IncidentStep.get(incident_id=incident.id, level=incident.level)
        if step.acknowledged_at is not None:
            raise Problem("ALREADY_ACKNOWLEDGED", ["input", "id"])
        if not caller.can(Capability.INCIDENT_ACK, step.level_path):
            raise Problem("NOT_AT_LEVEL", ["input", "id"], level=incident.level.value)
        before = snapshot(incident)
        at = now()
        step.acknowledged_at, step.acknowledged_by, step.note = at, caller.label, (note or "").strip()
        await step.save()
        up = next_level(incident.level)
        if up is not None:
            await _reach(uow, incident, up, at)
        else:
            incident.level_due_at = None
        await incident.save()
        await uow.audit("incidentAcknowledge", "Incident", incident.id, incident.path, before,
                        snapshot(incident) | {"acknowledged_level": step.level.value, "note": step.note})
    return await _row(incident)


async def close_incident(caller: Viewer, incident_id: int, *, closed_on: date | None = None, note: str = "") -> IncidentRow:
    """Close an incident dealt with: by anyone who may acknowledge it at its place."""
    async with unit_of_work(caller) as uow:
        incident = await obtain(caller, Incident, incident_id, Capability.INCIDENT_ACK, for_update=True)
        if incident.status != IncidentStatus.OPEN:
            raise Problem("WRONG_STATUS", ["input", "id"], status=incident.status.value, action="关闭", action_en="close")
        on = not_future(closed_on or today(), ["input", "closedOn"])
        if on < incident.reported_on:
            raise Problem("INVALID_DATE_ORDER", ["input", "closedOn"], later="关闭日期", earlier="报告日期",
                          later_en="closedOn", earlier_en="reportedOn")
        before = snapshot(incident)
        incident.status, incident.closed_on, incident.level_due_at = IncidentStatus.CLOSED, on, None
        await incident.save()
        await uow.audit("incidentClose", "Incident", incident.id, incident.path, before,
                        snapshot(incident) | {"note": (note or "").strip()})
    return await _row(incident)


async def escalate_overdue(caller: Viewer) -> int:
    """Pass every open incident whose level let its time run out up to the next level; the number
    passed. Idempotent and safe against a concurrent run: each pass is a conditional UPDATE of the
    incident (still at that level with that due time), so of two runs only one passes a level,
    and (incident, level) is unique for the steps."""
    caller.require(Capability.INCIDENT_ACK, "/")
    at = now()
    due = await Incident.filter(status=IncidentStatus.OPEN, level_due_at__lte=at).exclude(
        level=EscalationLevel.NEW_TOWN).order_by("id").values("id", "level", "level_due_at")
    passed = 0
    for d in due:
        up = passes_over(EscalationLevel(d["level"]), d["level_due_at"], at)
        if up is None:
            continue
        try:
            async with unit_of_work(caller) as uow:
                moved = await Incident.filter(id=d["id"], status=IncidentStatus.OPEN, level=d["level"],
                                              level_due_at__lte=at).update(level=up)
                if not moved:  # acknowledged, closed or passed by another run meanwhile
                    raise _Skip
                stale = await IncidentStep.filter(incident_id=d["id"], level=d["level"], acknowledged_at__isnull=True,
                                                  passed_over_at__isnull=True).update(passed_over_at=at)
                if not stale:  # its step was settled already: leave the incident as it was (rolled back)
                    raise _Skip
                incident = await Incident.get(id=d["id"])
                await _reach(uow, incident, up, at)
                await incident.save(update_fields=["level", "level_due_at"])
                await uow.audit("incidentPassedOver", "Incident", incident.id, incident.path,
                                {"level": d["level"]}, {"level": up.value, "level_due_at": incident.level_due_at})
        except _Skip:
            continue
        passed += 1
    return passed


class _Skip(Exception):
    """Another run (or an acknowledgement) settled this incident first: nothing to pass."""


# ---------------------------------------------------------------- reading

async def _row(incident: Incident) -> IncidentRow:
    return IncidentRow(incident, list(await IncidentStep.filter(incident_id=incident.id).order_by("reached_at", "id")))


async def steps_of(ids: list[int]) -> dict[int, list[IncidentStep]]:
    """The steps of many incidents in one query, in the order the levels were reached."""
    out: dict[int, list[IncidentStep]] = defaultdict(list)
    if ids:
        for s in await IncidentStep.filter(incident_id__in=ids).order_by("incident_id", "reached_at", "id"):
            out[s.incident_id].append(s)
    return out


async def incidents_under(caller: Viewer, node_id: int, *, open_only: bool = False, offset: int = 0,
                          limit: int = 20) -> tuple[int, list[IncidentRow]]:
    """Incidents within a node in the caller's scope, newest first: the total and one page."""
    from models.tree import Node

    node = await obtain(caller, Node, node_id, Capability.READ)
    q = Incident.filter(caller.scope_q(), path__startswith=node.path)
    if open_only:
        q = q.filter(status=IncidentStatus.OPEN)
    total = await q.count()
    rows = list(await q.order_by("-reported_at", "-id").offset(offset).limit(limit)) if limit > 0 else []
    steps = await steps_of([r.id for r in rows])
    return total, [IncidentRow(r, steps.get(r.id, [])) for r in rows]


async def readable_incident(caller: Viewer, pk: int) -> IncidentRow | None:
    i = await Incident.get_or_none(id=pk)
    return await _row(i) if i is not None and caller.can_read(i.path) else None


