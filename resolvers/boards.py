"""The public notice boards (docs/policy.md §4 "Notice boards", §7, §13 "the public"): what a
workstation's and a building's board shows, read without login, and the contact numbers the
boards publish.

A board shows the station head and the building heads (name, duties, the contact number
published for the board: ``StationHeadAppointment.public_phone`` / ``BuildingHead.public_phone``,
never the person's own phone), the service areas they serve (names) and the concerns made
public with their measures, deadline and status. Nothing else: no ID numbers, addresses,
unpublished phones or record IDs. An unknown or closed workstation or building has no board."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from models.meetings import Concern
from models.people import Person
from models.recruitment import BuildingHead
from models.tree import Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation
from policy.access import Capability
from policy.duties import BUILDING_HEAD_DUTIES, STATION_HEAD_DUTIES
from policy.kinds import NodeKind, TermStatus
from resolvers.clock import today
from resolvers.errors import Denied, Problem
from resolvers.scope import obtain
from resolvers.uow import unit_of_work
from resolvers.viewer import Viewer

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")  # as resolvers/people.py


@dataclass(frozen=True)
class BoardPerson:
    name: str
    duties: tuple[str, ...]
    phone: str | None
    service_areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoardConcern:
    title: str
    measures: str
    deadline: date
    status: str


@dataclass
class Board:
    name: str  # the workstation's or the building's
    workstation_name: str | None
    station_head: BoardPerson | None
    building_heads: list[BoardPerson] = field(default_factory=list)
    concerns: list[BoardConcern] = field(default_factory=list)


async def _heads(area_filter: dict, on: date) -> list[BoardPerson]:
    terms = await BuildingHead.filter(status=TermStatus.ACTIVE, starts_on__lte=on, **area_filter).filter(
        service_area__closed_on__isnull=True).prefetch_related("service_area").order_by("service_area_id", "id")
    terms = [t for t in terms if t.ended_on is None or t.ended_on >= on]
    names = {p.id: p.name for p in await Person.filter(id__in=list({t.person_id for t in terms}))} if terms else {}
    by_person: dict[int, list] = {}
    for t in terms:
        by_person.setdefault(t.person_id, []).append(t)
    return [BoardPerson(names.get(pid, ""), BUILDING_HEAD_DUTIES, next((t.public_phone for t in ts if t.public_phone), None),
                        tuple(t.service_area.name for t in ts)) for pid, ts in by_person.items()]


async def _station_part(ws: Workstation) -> tuple[BoardPerson | None, list[BoardConcern]]:
    a = await StationHeadAppointment.filter(active_workstation_id=ws.id).first()
    head = None
    if a is not None:
        person = await Person.get_or_none(id=a.person_id)
        head = BoardPerson(person.name if person else "", STATION_HEAD_DUTIES, a.public_phone)
    concerns = [BoardConcern(c.title, c.measures, c.deadline, str(getattr(c.status, "value", c.status)))
                for c in await Concern.filter(workstation_id=ws.id, public=True).order_by("-raised_on", "-id")]
    return head, concerns


async def workstation_board(workstation_id: int) -> Board | None:
    """The board of an open workstation (its compound open), or None. Anyone may read it."""
    ws = await Workstation.get_or_none(id=workstation_id).prefetch_related("compound")
    if ws is None or ws.compound.closed_on is not None:
        return None
    head, concerns = await _station_part(ws)
    heads = await _heads({"service_area__container_id": ws.compound_id}, today())
    return Board(ws.name, ws.name, head, heads, concerns)


async def building_board(building_id: int) -> Board | None:
    """The board of an open building (or village group): the heads of its service area, and its
    compound's station head and public concerns."""
    b = await Node.get_or_none(id=building_id)
    if b is None or b.kind not in (NodeKind.BUILDING, NodeKind.VILLAGE_GROUP) or b.closed_on is not None:
        return None
    heads = await _heads({"service_area_id": b.service_area_id}, today()) if b.service_area_id else []
    ws = await Workstation.get_or_none(compound_id=b.parent_id).prefetch_related("compound")
    if ws is None or ws.compound.closed_on is not None:
        return Board(b.name, None, None, heads, [])
    head, concerns = await _station_part(ws)
    return Board(b.name, ws.name, head, heads, concerns)


def _published_phone(phone: str | None) -> str | None:
    if phone is None or not phone.strip():
        return None
    value = phone.strip().replace(" ", "")
    if not PHONE.match(value):
        raise Problem("INVALID_PHONE", ["input", "phone"], value=phone)
    return value


async def publish_contact(caller: Viewer, *, term_id: int | None, appointment_id: int | None,
                          phone: str | None) -> tuple[str, int, str | None]:
    """Set (or clear, with None) the contact number a board shows for a building head's term or
    a station head's appointment: community staff or the station head (WORKSTATION_WRITE or
    BUILDING_HEAD_RECORD there). Returns (type, id, phone)."""
    if (term_id is None) == (appointment_id is None):
        raise Problem("ONE_CONTACT_HOLDER", ["input", "termId" if term_id is None else "appointmentId"])
    value = _published_phone(phone)
    async with unit_of_work(caller) as uow:
        if term_id is not None:
            row = await obtain(caller, BuildingHead, term_id, Capability.READ, for_update=True)
            kind = "BuildingHeadTerm"
        else:
            row = await obtain(caller, StationHeadAppointment, appointment_id, Capability.READ, for_update=True)
            kind = "StationHeadAppointment"
        if not (caller.can(Capability.WORKSTATION_WRITE, row.path) or caller.can(Capability.BUILDING_HEAD_RECORD, row.path)):
            raise Denied()
        before = row.public_phone
        if before != value:
            row.public_phone = value
            await row.save(update_fields=["public_phone"])
            await uow.audit("contactPublish", kind, row.id, row.path, {"public_phone": before}, {"public_phone": value})
    return kind, row.id, value
