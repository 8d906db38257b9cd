"""People, staff roles and building-head terms: the operations, free of GraphQL.

Each takes the caller and plain arguments (primary keys, plain values, a small dataclass for an
input), authorises within the caller's scope, decides, persists and audits in one unit of work,
and returns the rows it wrote. ``schema/people.py`` decodes global IDs and wraps the rows."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tortoise.exceptions import IntegrityError

from models.people import Person, StaffRole, district_of
from models.recruitment import BuildingHead, HeadChangeFiling
from models.tree import Node, ServiceArea
from policy.access import Capability
from policy.dates import term_end
from policy.idnumber import IdNumberError, mask_id_number, parse_id_number
from policy.kinds import NodeKind, StaffKind, TermStatus, Violation
from policy.tree import LEAF_KINDS, head_kind
from resolvers.business_dates import not_future
from resolvers.clock import today
from resolvers.errors import Problem
from resolvers.locks import locked, violates
from resolvers.messages import CATALOG
from resolvers.parameters import parameters_in_force
from resolvers.privacy import readable_people_q
from resolvers.scope import node_in_scope, obtain
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
PEOPLE_LIMIT = 5000  # the people list is paged in memory: at most this many rows are loaded
FLAGS = ("permanent_resident", "property_fee_paid", "party_member", "retired_cadre", "model_worker")


@dataclass
class PersonData:
    """What personCreate registers (the home node comes separately, as a primary key)."""

    name: str
    id_number: str
    phone: str | None = None
    residence_id: int | None = None
    permanent_resident: bool = False
    property_fee_paid: bool = True
    violations: list[Violation] = field(default_factory=list)
    party_member: bool = False
    retired_cadre: bool = False
    model_worker: bool = False


@dataclass
class PersonChanges:
    """What personUpdate changes; None leaves a field as it is."""

    name: str | None = None
    phone: str | None = None
    residence_id: int | None = None
    permanent_resident: bool | None = None
    property_fee_paid: bool | None = None
    violations: list[Violation] | None = None
    party_member: bool | None = None
    retired_cadre: bool | None = None
    model_worker: bool | None = None


def _texts(key: str) -> tuple[str, str]:
    """A catalogue entry's two texts, for a part of a message passed as a parameter."""
    return CATALOG[key]


async def list_people(caller: Viewer, *, name_contains: str | None = None) -> list[Person]:
    """People the caller may read (on a register in scope, or holding a role at a place in scope:
    one statement), by id; reading them masked or not is the schema's ``people_of``."""
    caller.require_authenticated()
    q = Person.filter(readable_people_q(caller))
    if name_contains:
        q = q.filter(name__contains=name_contains)
    return await q.order_by("id").limit(PEOPLE_LIMIT)


async def create_person(caller: Viewer, *, home_id: int, data: PersonData) -> Person:
    """Register a person on the register of ``home_id`` (a community or higher node)."""
    number = "".join(data.id_number.split()).upper()
    async with unit_of_work(caller, integrity=_id_integrity(number)) as uow:
        home = await node_in_scope(caller, home_id, Capability.PERSON_WRITE)
        if not data.name.strip():
            raise _name_required()
        try:
            rid = parse_id_number(data.id_number, today=today())
        except IdNumberError as e:
            raise _invalid_id_number(e) from None
        # a register record belongs to one district: the number is looked up there only
        if await Person.filter(district_id=district_of(home.path), id_number=rid.number).exists():
            raise _id_taken(rid.number)
        residence = await _residence(caller, data.residence_id)
        p = await Person.create(
            name=data.name.strip(), gender=rid.gender, id_number=rid.number, birth_date=rid.birth_date,
            phone=_phone(data.phone), home_id=home.id, path=home.path,
            residence_id=residence.id if residence else None, permanent_resident=data.permanent_resident,
            property_fee_paid=data.property_fee_paid, violations=[Violation(v).value for v in data.violations],
            party_member=data.party_member, retired_cadre=data.retired_cadre, model_worker=data.model_worker,
        )
        await uow.audit("personCreate", "Person", p.id, p.path, None, snapshot(p))
    return p


async def update_person(caller: Viewer, person_id: int, changes: PersonChanges) -> Person:
    """Change a person's contact, residence, fee status, violations or preference flags."""
    async with unit_of_work(caller) as uow:
        p = await obtain(caller, Person, person_id, Capability.PERSON_WRITE)
        before = snapshot(p)
        if changes.name is not None:
            if not changes.name.strip():
                raise _name_required()
            p.name = changes.name.strip()
        if changes.phone is not None:
            p.phone = _phone(changes.phone)
        if changes.residence_id is not None:
            p.residence_id = (await _residence(caller, changes.residence_id)).id  # type: ignore[union-attr]
        for f in FLAGS:
            if getattr(changes, f) is not None:
                setattr(p, f, getattr(changes, f))
        if changes.violations is not None:
            p.violations = [Violation(v).value for v in changes.violations]
        await p.save()
        await uow.audit("personUpdate", "Person", p.id, p.path, before, snapshot(p))
    return p


async def assign_staff_role(caller: Viewer, *, person_id: int, kind: StaffKind, node_id: int,
                            started_on: date) -> StaffRole:
    """Give a person a staff role at a node; one open role of a kind per person and node."""

    def integrity(exc: IntegrityError) -> Problem:
        if violates(exc, "uq_staff_role_open"):
            return _role_held()
        raise exc

    async with unit_of_work(caller, integrity=integrity) as uow:
        p = await obtain(caller, Person, person_id, Capability.PERSON_WRITE)
        node = await node_in_scope(caller, node_id, Capability.PERSON_WRITE)
        await locked(Person, id=p.id)  # concurrent assignments of this person queue up
        if await StaffRole.filter(person_id=p.id, kind=StaffKind(kind), node_id=node.id, ended_on__isnull=True).exists():
            raise _role_held()
        r = await StaffRole.create(person_id=p.id, kind=StaffKind(kind), node_id=node.id, path=node.path, started_on=started_on)
        await uow.audit("staffRoleAssign", "StaffRole", r.id, r.path, None, snapshot(r))
    return r


async def end_staff_role(caller: Viewer, role_id: int, *, ended_on: date) -> StaffRole:
    not_future(ended_on, ["endedOn"])
    async with unit_of_work(caller) as uow:
        r = await obtain(caller, StaffRole, role_id, Capability.PERSON_WRITE, for_update=True)
        if r.ended_on is not None:
            raise Problem("ALREADY_CLOSED", ["id"], message="STAFF_ROLE_ENDED", on=r.ended_on)
        if ended_on < r.started_on:
            raise Problem("INVALID_DATE_ORDER", ["endedOn"], later="结束日期", earlier="开始日期",
                          later_en="endedOn", earlier_en="startedOn")
        before = snapshot(r)
        r.ended_on = ended_on
        await r.save(update_fields=["ended_on"])
        await uow.audit("staffRoleEnd", "StaffRole", r.id, r.path, before, snapshot(r))
    return r


async def record_building_head(caller: Viewer, *, person_id: int, service_area_id: int, starts_on: date) -> BuildingHead:
    """A building head already serving before the system (from a paper register): the term runs
    ``term_years`` from its start, ending no later than the community's election cycle."""

    def integrity(exc: IntegrityError) -> Problem:
        if violates(exc, "uq_building_head_active"):
            return _already_serving(*_texts("THIS_PERSON"))
        raise exc

    async with unit_of_work(caller, integrity=integrity) as uow:
        p = await obtain(caller, Person, person_id)
        # the area's row is locked: concurrent records (and publications) for it queue up
        area = await obtain(caller, ServiceArea, service_area_id, Capability.BUILDING_HEAD_RECORD, for_update=True)
        if area.closed_on is not None:
            raise Problem("ALREADY_CLOSED", ["serviceAreaId"], name=area.name, on=area.closed_on)
        if starts_on > today():
            detail, detail_en = _texts("FUTURE_TERM")
            raise Problem("FUTURE_DATE", ["startsOn"], on=starts_on, detail=detail, detail_en=detail_en)
        if await BuildingHead.filter(person_id=p.id, service_area_id=area.id, status=TermStatus.ACTIVE).exists():
            raise _already_serving(p.name, p.name)
        container = await Node.get(id=area.container_id)
        chain_node = container if container.kind != NodeKind.COMPOUND else await Node.get(id=container.parent_id)
        values = await parameters_in_force(container.path, starts_on)
        ends = term_end(starts_on, int(values["term_years"]), chain_node.election_cycle_ends_on)
        t = await BuildingHead.create(
            person_id=p.id, service_area_id=area.id, path=area.path, kind=head_kind(container.kind, container.chain),
            starts_on=starts_on, ends_on=ends, recorded_from_register=True,
        )
        await uow.audit("buildingHeadRecord", "BuildingHead", t.id, t.path, None, snapshot(t))
    return t


async def filings_of_term(term_id: int) -> list[HeadChangeFiling]:
    """The changes of a term filed with the subdistrict's competent section, in order (the term
    itself is already known to be readable by whoever asks)."""
    return await HeadChangeFiling.filter(term_id=term_id).order_by("id")


async def _residence(caller: Viewer, pk: int | None) -> Node | None:
    if pk is None:
        return None
    node = await node_in_scope(caller, pk, Capability.READ)
    if node.kind not in LEAF_KINDS:
        raise Problem("NOT_A_RESIDENCE", ["input", "residenceId"])
    return node


def _phone(phone: str | None) -> str | None:
    if phone is None or not phone.strip():
        return None
    value = phone.strip().replace(" ", "")
    if not PHONE.match(value):
        raise Problem("INVALID_PHONE", ["input", "phone"], value=phone)
    return value


def _name_required() -> Problem:
    return Problem("REQUIRED", ["input", "name"], label="姓名")


def _invalid_id_number(e: IdNumberError) -> Problem:
    """The reason in Chinese from the catalogue (ID_NUMBER_<reason>); in English, the rule's own
    sentence, which names the offending part (length, region code, birth date)."""
    key = f"ID_NUMBER_{e.reason}"
    reason = CATALOG[key][0] if key in CATALOG else e.reason
    return Problem("INVALID_ID_NUMBER", ["input", "idNumber"], reason=reason, reason_en=str(e))


def _id_taken(number: str) -> Problem:
    """The same answer whether the holder is in the caller's scope or not: it names no
    person, community or district, only the (masked) number the caller sent."""
    return Problem("ID_NUMBER_TAKEN", ["input", "idNumber"], masked=mask_id_number(number))


def _id_integrity(number: str):
    def problem(exc: IntegrityError) -> Problem:
        if "id_number" in str(exc):
            return _id_taken(number)
        raise exc
    return problem


def _role_held() -> Problem:
    return Problem("STAFF_ROLE_HELD", ["kind"])


def _already_serving(person: str, person_en: str) -> Problem:
    return Problem("ALREADY_SERVING", ["personId"], person=person, person_en=person_en)


__all__ = [
    "PersonData", "PersonChanges", "list_people", "create_person", "update_person", "assign_staff_role",
    "end_staff_role", "record_building_head", "filings_of_term",
]
