"""Resident requests (诉求), disputes and 12345 hotline work orders (docs/policy.md §6).

The operations, free of GraphQL: a caller and plain arguments in, rows out. A request is recorded
at its building (or village group) and routed to the building's service area, its compound's
workstation (none on the rural chain) and its district. The resident's name and phone are
personal data: masked for a reader without PERSON_PII at the request's place — in the objects
(``schema/requests.py``), in error messages, and always in audit snapshots (the log keeps no
resident's phone in clear; the row holds it for those entitled to see it)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError

from models.access import User
from models.recruitment import BuildingHead
from models.requests import ResidentRequest
from models.tree import Node
from models.workstations import Workstation
from policy.access import Capability
from policy.idnumber import mask_phone
from policy.kinds import NodeKind, TermStatus
from policy.requests import DisputeOutcome, RequestChannel, RequestStatus, mask_name, update_failures
from resolvers.business_dates import not_future
from resolvers.clock import today
from resolvers.errors import Denied, Problem, Problems
from resolvers.scope import obtain
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

PLACE_KINDS = (NodeKind.BUILDING, NodeKind.VILLAGE_GROUP)  # where a request or an incident is recorded
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
TICKET_RULE = "uq_request_ticket"
LIMITS = {"title": 200, "ticketNumber": 64, "residentName": 50}


# ---------------------------------------------------------------- personal data

def shown_name(caller: Viewer, path: str, name: str | None) -> str | None:
    return name if name is None or caller.can_pii(path) else mask_name(name)


def shown_phone(caller: Viewer, path: str, phone: str | None) -> str | None:
    return phone if phone is None or caller.can_pii(path) else mask_phone(phone)


def audit_snapshot(r: ResidentRequest) -> dict[str, Any] | None:
    """The request as the audit log keeps it: the resident's name and phone masked."""
    snap = snapshot(r)
    if snap is None:
        return None
    if snap.get("resident_name"):
        snap["resident_name"] = mask_name(snap["resident_name"])
    if snap.get("resident_phone"):
        snap["resident_phone"] = mask_phone(snap["resident_phone"])
    return snap


# ---------------------------------------------------------------- shared checks

def text_field(value: str | None, field: str, *, required: bool = False, label: str = "") -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise Problem("REQUIRED", ["input", field], label=label or field)
        return None
    limit = LIMITS.get(field)
    if limit is not None and len(text) > limit:
        raise Problem("TOO_LONG", ["input", field], label=label or field, label_en=field, max=limit)
    return text


def _phone(caller: Viewer, path: str, phone: str | None) -> str | None:
    value = (phone or "").strip().replace(" ", "")
    if not value:
        return None
    if not PHONE.match(value):
        raise Problem("INVALID_PHONE", ["input", "residentPhone"], value=shown_phone(caller, path, phone.strip()))  # type: ignore[union-attr]
    return value


@dataclass(frozen=True)
class Routing:
    district_id: int
    workstation_id: int | None
    service_area_id: int | None


async def routing(building: Node) -> Routing:
    """Where a request at ``building`` goes: its district (the path's first segment), its
    compound's workstation (none on the rural chain) and its service area."""
    district_id = int(building.path.strip("/").split("/")[0])
    ws = await Workstation.filter(compound_id=building.parent_id).first().values("id") if building.parent_id else None
    return Routing(district_id, ws["id"] if ws else None, building.service_area_id)


async def building_head_term(caller: Viewer, service_area_id: int | None) -> int | None:
    """The caller's active building-head term for the service area, when the caller is its head."""
    if caller.user_id is None or service_area_id is None:
        return None
    user = await User.get_or_none(id=caller.user_id).values("person_id")
    if not user or user["person_id"] is None:
        return None
    term = await BuildingHead.filter(person_id=user["person_id"], service_area_id=service_area_id,
                                     status=TermStatus.ACTIVE, starts_on__lte=today()).first().values("id")
    return term["id"] if term else None


async def place(caller: Viewer, building_id: int | None, capability: Capability) -> Node:
    """The building (or village group) a record is made at, within the caller's scope."""
    node = await obtain(caller, Node, building_id, capability)
    if node.kind not in PLACE_KINDS:
        raise Problem("NOT_A_BUILDING", ["input", "buildingId"])
    if node.closed_on is not None:
        raise Problem("ALREADY_CLOSED", ["input", "buildingId"], name=node.name, on=node.closed_on)
    return node


# ---------------------------------------------------------------- resident requests


def _request_values(caller: Viewer, path: str, title: str, resident_name: str | None, resident_phone: str | None,
                    raised_on: date | None, date_field: str) -> dict[str, Any]:
    """A request's or work order's fields checked together: every problem at once, or the values."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, check in (
        ("title", lambda: text_field(title, "title", required=True, label="标题")),
        ("resident_name", lambda: text_field(resident_name, "residentName")),
        ("resident_phone", lambda: _phone(caller, path, resident_phone)),
        ("raised_on", lambda: not_future(raised_on or today(), ["input", date_field])),
    ):
        try:
            values[key] = check()
        except Problem as p:
            problems.append(p)
    if problems:
        raise Problems(problems)
    return values


async def create_request(
    caller: Viewer, *, building_id: int, channel: RequestChannel, title: str, description: str = "",
    resident_name: str | None = None, resident_phone: str | None = None, raised_on: date | None = None,
    dispute: bool = False,
) -> ResidentRequest:
    """Record a resident's request (or a dispute to mediate) at a building, routed to its service
    area and workstation."""
    async with unit_of_work(caller) as uow:
        building = await place(caller, building_id, Capability.DUTY_RECORD)
        if channel == RequestChannel.HOTLINE:
            raise Problem("CHANNEL_NOT_ALLOWED", ["input", "channel"])
        values = _request_values(caller, building.path, title, resident_name, resident_phone,
                                 raised_on, "raisedOn")
        route = await routing(building)
        r = await ResidentRequest.create(
            building_id=building.id, path=building.path, district_id=route.district_id,
            workstation_id=route.workstation_id, service_area_id=route.service_area_id, channel=channel,
            description=(description or "").strip(), dispute=dispute, recorded_by=caller.label, **values,
        )
        await uow.audit("residentRequestCreate", "ResidentRequest", r.id, r.path, None, audit_snapshot(r))
    return r


_UNSET: Any = object()


async def update_request(
    caller: Viewer, request_id: int, *, status: RequestStatus | None = None, resolution: str | None = None,
    resolved_on: date | None = None, satisfaction: int | None = _UNSET,
    dispute_outcome: DisputeOutcome | None = _UNSET,
) -> ResidentRequest:
    """Handle a request: its status, resolution (required to resolve), the day it was resolved
    (default today), the resident's satisfaction (1–5, only once resolved) and, for a dispute,
    the outcome of the mediation. Arguments left unset keep their value."""
    async with unit_of_work(caller) as uow:
        r = await obtain(caller, ResidentRequest, request_id, Capability.REQUEST_HANDLE, for_update=True)
        before = audit_snapshot(r)
        was = r.status
        new_status = status or r.status
        if resolution is not None:
            r.resolution = resolution.strip() or None
        problems: list[Problem] = []
        if resolved_on is not None:
            try:
                not_future(resolved_on, ["input", "resolvedOn"])
            except Problem as p:
                problems.append(p)
        if new_status == RequestStatus.RESOLVED:
            r.resolved_on = resolved_on or r.resolved_on or today()
        sat_given = satisfaction is not _UNSET
        outcome_given = dispute_outcome is not _UNSET and dispute_outcome is not None
        for f in update_failures(
            was=was, status=new_status, resolution=r.resolution, raised_on=r.raised_on,
            resolved_on=r.resolved_on if new_status == RequestStatus.RESOLVED else None,
            satisfaction=satisfaction if sat_given else None, satisfaction_given=sat_given,
            dispute=r.dispute, dispute_outcome_given=outcome_given,
        ):
            params = dict(f.params)
            if f.code == "WRONG_STATUS":
                params |= {"action": "重新打开", "action_en": "reopen"}
            elif f.code == "INVALID_DATE_ORDER":
                params |= {"later": "办结日期", "earlier": "提出日期", "later_en": "resolvedOn", "earlier_en": "raisedOn"}
            problems.append(Problem(f.code, ["input", f.field], **params))
        if problems:
            raise Problems(problems)
        r.status = new_status
        if sat_given:
            r.satisfaction = satisfaction
        if outcome_given:
            r.dispute_outcome = dispute_outcome
        if r.status != RequestStatus.OPEN or resolution is not None:
            term = await building_head_term(caller, r.service_area_id)
            if term is not None:
                r.handled_by_term_id = term
        await r.save()
        await uow.audit("residentRequestUpdate", "ResidentRequest", r.id, r.path, before, audit_snapshot(r))
    return r


# ---------------------------------------------------------------- 12345 work orders

@dataclass(frozen=True)
class Intake:
    work_order: ResidentRequest
    duplicate: bool  # the ticket was already stored: this is the work order it made


async def _building_for_intake(caller: Viewer, building_id: int | None, building_code: str | None,
                               building_ref: str | None) -> Node:
    """The building a ticket names, by id or by code (unique per district); one outside the key's
    scope is answered exactly like one that does not exist."""
    field = ["input", "buildingId" if building_id is not None else "buildingCode"]
    ref = building_code if building_id is None else (building_ref or str(building_id))
    if building_id is None and not (building_code or "").strip():
        raise Problem("REQUIRED", ["input", "buildingId"], label="buildingId / buildingCode")
    node = None
    if building_id is not None:
        node = await Node.get_or_none(id=building_id)
    else:
        districts = {int(p.strip("/").split("/")[0]) for p in caller.scope_paths(Capability.WORK_ORDER_INTAKE) if p != "/"}
        q = Node.filter(code=building_code.strip(), kind__in=list(PLACE_KINDS))  # type: ignore[union-attr]
        if not caller.system:
            q = q.filter(district_id__in=list(districts))
        candidates = [n for n in await q if caller.can(Capability.WORK_ORDER_INTAKE, n.path)]
        node = candidates[0] if len(candidates) == 1 else None
    if (node is None or node.kind not in PLACE_KINDS or node.closed_on is not None
            or not caller.can(Capability.WORK_ORDER_INTAKE, node.path) or not caller.can_read(node.path)):
        raise Problem("NOT_FOUND", field, message="WORK_ORDER_UNKNOWN_BUILDING", ref=ref)
    return node


async def _existing(caller: Viewer, district_id: int, ticket: str) -> Intake | None:
    row = await ResidentRequest.get_or_none(district_id=district_id, ticket_number=ticket)
    if row is None:
        return None
    if not caller.can_read(row.path):  # a ticket of this number stored elsewhere: say no more
        raise Problem("TICKET_TAKEN", ["input", "ticketNumber"], ticket=ticket)
    return Intake(row, True)


async def intake_work_order(
    caller: Viewer, *, ticket_number: str, building_id: int | None = None, building_code: str | None = None,
    title: str, description: str = "", resident_name: str | None = None, resident_phone: str | None = None,
    received_on: date | None = None, building_ref: str | None = None,
) -> Intake:
    """Store a 12345 work order sent by the hotline, once: keyed on the hotline's ticket number
    (unique per district). A ticket sent again — one after the other, or many copies at once —
    answers with the work order already stored and ``duplicate``. ``building_ref``: the building's
    global ID as sent (named in the error when it is unknown or out of scope alike)."""
    caller.require_authenticated()
    if not caller.scope_paths(Capability.WORK_ORDER_INTAKE):
        raise Denied()
    ticket = text_field(ticket_number, "ticketNumber", required=True, label="工单编号")
    assert ticket is not None
    district_id = 0
    try:
        async with unit_of_work(caller) as uow:
            building = await _building_for_intake(caller, building_id, building_code, building_ref)
            route = await routing(building)
            district_id = route.district_id
            if (found := await _existing(caller, district_id, ticket)) is not None:
                return found
            values = _request_values(caller, building.path, title, resident_name, resident_phone,
                                     received_on, "receivedOn")
            r = await ResidentRequest.create(
                building_id=building.id, path=building.path, district_id=route.district_id,
                workstation_id=route.workstation_id, service_area_id=route.service_area_id,
                channel=RequestChannel.HOTLINE, ticket_number=ticket, description=(description or "").strip(),
                recorded_by=caller.label, **values,
            )
            await uow.audit("hotlineWorkOrderIntake", "ResidentRequest", r.id, r.path, None, audit_snapshot(r))
        return Intake(r, False)
    except IntegrityError as exc:
        # another copy of the same ticket won the race: answer as a sequential copy would be
        if district_id and _is_ticket_race(exc):
            found = await _existing(caller, district_id, ticket)
            if found is not None:
                return found
        raise


def _is_ticket_race(exc: IntegrityError) -> bool:
    text = str(exc)
    return TICKET_RULE in text or "resident_request.district_id, resident_request.ticket_number" in text


# ---------------------------------------------------------------- reading

async def requests_under(caller: Viewer, node_id: int, *, status: RequestStatus | None = None,
                         channel: RequestChannel | None = None, offset: int = 0, limit: int = 20
                         ) -> tuple[int, list[ResidentRequest]]:
    """The requests and work orders within a node in the caller's scope, newest first: the total
    and one page (``offset``, ``limit``)."""
    node = await obtain(caller, Node, node_id, Capability.READ)
    q = ResidentRequest.filter(caller.scope_q(), path__startswith=node.path)
    if status is not None:
        q = q.filter(status=status)
    if channel is not None:
        q = q.filter(channel=channel)
    total = await q.count()
    rows = await q.order_by("-raised_on", "-id").offset(offset).limit(limit) if limit > 0 else []
    return total, list(rows)


async def readable_request(caller: Viewer, pk: int) -> ResidentRequest | None:
    r = await ResidentRequest.get_or_none(id=pk)
    return r if r is not None and caller.can_read(r.path) else None
