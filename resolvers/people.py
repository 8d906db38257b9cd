"""Queries and mutations for people, staff roles and building-head terms."""
from __future__ import annotations

import re
from datetime import date

import strawberry
from strawberry.types import Info
from tortoise.exceptions import IntegrityError

from models.people import Person, StaffRole, district_of
from models.recruitment import BuildingHead
from models.tree import Node, ServiceArea
from policy import parameters as params
from policy.access import Capability
from policy.dates import term_end
from policy.idnumber import IdNumberError, mask_id_number, parse_id_number
from policy.kinds import NodeKind, StaffKind, TermStatus
from policy.tree import LEAF_KINDS, head_kind
from resolvers.business_dates import not_future
from resolvers.context import today
from resolvers.errors import Denied, Problem
from resolvers.locks import locked, violates
from resolvers.mutations import audit, run, snapshot
from resolvers.nodes import decode, fetcher, register
from resolvers.parameters import parameters_in_force
from resolvers.tree import TREE_TYPES, node_for
from schema.common import Connection, Edge, check_search, paginate
from schema.people import (
    BuildingHeadTerm, BuildingHeadTermPayload, Person as PersonType, PersonCreateInput, PersonError, PersonPayload,
    PersonUpdateInput, StaffKindEnum, StaffRole as StaffRoleType, StaffRolePayload, people_of, person_by_id,
)
from resolvers.privacy import readable_people_q

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
ID_REASONS_ZH = {"LENGTH": "长度应为18位", "CHARACTERS": "含有非法字符", "REGION": "地区码不存在", "BIRTH_DATE": "出生日期无效", "CHECK_DIGIT": "校验码不正确"}


@fetcher("Person")
async def fetch_person(info: Info, pk: int):
    return await person_by_id(info, pk)


register("BuildingHeadTerm", BuildingHead, BuildingHeadTerm.of)
register("StaffRole", StaffRole, StaffRoleType.of)


async def _person_for(info: Info, gid: str, field: str = "id") -> Person:
    pk = decode(gid, field, ("Person",))
    p = await Person.get_or_none(id=pk)
    if p is None or not info.context.viewer.can_read(p.path):
        raise Denied()
    info.context.viewer.require(Capability.PERSON_WRITE, p.path)
    return p


async def _residence(info: Info, gid: str | None) -> Node | None:
    if gid is None:
        return None
    node = await node_for(info, gid, "residenceId", Capability.READ)
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


@strawberry.type
class PeopleQuery:
    @strawberry.field(description="People on the registers within your scope.")
    async def people(
        self, info: Info, name_contains: str | None = None, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None,
    ) -> Connection[PersonType]:
        v = info.context.viewer
        v.require_authenticated()
        # on a register in scope, or holding a role at a place in scope: one statement
        q = Person.filter(readable_people_q(v))
        if check_search(name_contains, "nameContains"):
            q = q.filter(name__contains=name_contains)
        rows = await q.order_by("id").limit(5000)
        page = paginate(rows, first=first, after=after, last=last, before=before)
        views = {p.pk: p for p in await people_of(info, [e.node for e in page.edges])}
        page.edges = [Edge(cursor=e.cursor, node=views[e.node.id]) for e in page.edges if e.node.id in views]
        return page


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(description="Register a person. The ID number is checked against its GB 11643 check digit.")
    async def person_create(self, info: Info, input: PersonCreateInput) -> PersonPayload:
        ctx = info.context

        async def body():
            home = await node_for(info, input.home_id, "homeId", Capability.PERSON_WRITE)
            if not input.name.strip():
                raise Problem("REQUIRED", ["input", "name"], label="姓名")
            try:
                rid = parse_id_number(input.id_number, today=today())
            except IdNumberError as e:
                raise Problem("INVALID_ID_NUMBER", ["input", "idNumber"], reason=ID_REASONS_ZH.get(e.reason, e.reason),
                              reason_en=str(e)) from None
            # a register record belongs to one district: the number is looked up there only
            if await Person.filter(district_id=district_of(home.path), id_number=rid.number).exists():
                raise _id_taken(rid.number)
            residence = await _residence(info, input.residence_id)
            p = await Person.create(
                name=input.name.strip(), gender=rid.gender, id_number=rid.number, birth_date=rid.birth_date,
                phone=_phone(input.phone), home_id=home.id, path=home.path,
                residence_id=residence.id if residence else None, permanent_resident=input.permanent_resident,
                property_fee_paid=input.property_fee_paid, violations=[v.value for v in input.violations],
                party_member=input.party_member, retired_cadre=input.retired_cadre, model_worker=input.model_worker,
            )
            await audit(ctx, "personCreate", "Person", p.id, p.path, None, snapshot(p))
            return {"person": await person_by_id(info, p.id, p)}

        number = "".join(input.id_number.split()).upper()
        return await run(ctx, PersonPayload, PersonError, body, integrity=_id_integrity(number))

    @strawberry.mutation(description="Change a person's contact, residence, fee status, violations or preference flags.")
    async def person_update(self, info: Info, input: PersonUpdateInput) -> PersonPayload:
        ctx = info.context

        async def body():
            p = await _person_for(info, input.id)
            before = snapshot(p)
            if input.name is not None:
                if not input.name.strip():
                    raise Problem("REQUIRED", ["input", "name"], label="姓名")
                p.name = input.name.strip()
            if input.phone is not None:
                p.phone = _phone(input.phone)
            if input.residence_id is not None:
                p.residence_id = (await _residence(info, input.residence_id)).id  # type: ignore[union-attr]
            for f in ("permanent_resident", "property_fee_paid", "party_member", "retired_cadre", "model_worker"):
                if getattr(input, f) is not None:
                    setattr(p, f, getattr(input, f))
            if input.violations is not None:
                p.violations = [v.value for v in input.violations]
            await p.save()
            await audit(ctx, "personUpdate", "Person", p.id, p.path, before, snapshot(p))
            return {"person": await person_by_id(info, p.id, p)}

        return await run(ctx, PersonPayload, PersonError, body)

    @strawberry.mutation(description="Give a person a staff role (community worker, grid worker, community police) at a node.")
    async def staff_role_assign(self, info: Info, person_id: strawberry.ID, kind: StaffKindEnum,  # type: ignore[valid-type]
                                node_id: strawberry.ID, started_on: date) -> StaffRolePayload:
        ctx = info.context

        async def body():
            p = await _person_for(info, person_id, "personId")
            node = await node_for(info, node_id, "nodeId", Capability.PERSON_WRITE)
            await locked(Person, id=p.id)  # concurrent assignments of this person queue up
            if await StaffRole.filter(person_id=p.id, kind=StaffKind(kind), node_id=node.id, ended_on__isnull=True).exists():
                raise _role_held()
            r = await StaffRole.create(person_id=p.id, kind=StaffKind(kind), node_id=node.id, path=node.path, started_on=started_on)
            await audit(ctx, "staffRoleAssign", "StaffRole", r.id, r.path, None, snapshot(r))
            return {"staff_role": StaffRoleType.of(r)}

        def integrity(exc: IntegrityError) -> Problem:
            if violates(exc, "uq_staff_role_open"):
                return _role_held()
            raise exc

        return await run(ctx, StaffRolePayload, PersonError, body, integrity=integrity)

    @strawberry.mutation(description="End a staff role.")
    async def staff_role_end(self, info: Info, id: strawberry.ID, ended_on: date) -> StaffRolePayload:
        ctx = info.context

        async def body():
            not_future(ended_on, ["endedOn"])
            pk = decode(id, "id", ("StaffRole",))
            r = await locked(StaffRole, id=pk)
            if r is None or not ctx.viewer.can_read(r.path):
                raise Denied()
            ctx.viewer.require(Capability.PERSON_WRITE, r.path)
            if r.ended_on is not None:
                raise Problem("ALREADY_CLOSED", ["id"])
            if ended_on < r.started_on:
                raise Problem("INVALID_DATE_ORDER", ["endedOn"], later="结束日期", earlier="开始日期", later_en="endedOn", earlier_en="startedOn")
            before = snapshot(r)
            r.ended_on = ended_on
            await r.save(update_fields=["ended_on"])
            await audit(ctx, "staffRoleEnd", "StaffRole", r.id, r.path, before, snapshot(r))
            return {"staff_role": StaffRoleType.of(r)}

        return await run(ctx, StaffRolePayload, PersonError, body)

    @strawberry.mutation(description=(
        "Record a building head already serving before the system (from a paper register): "
        "their term runs five years from its start, ending no later than the community's election cycle."
    ))
    async def building_head_record(self, info: Info, person_id: strawberry.ID, service_area_id: strawberry.ID,
                                   starts_on: date) -> BuildingHeadTermPayload:
        ctx = info.context

        async def body():
            pk = decode(person_id, "personId", ("Person",))
            p = await Person.get_or_none(id=pk)
            if p is None or not ctx.viewer.can_read(p.path):
                raise Denied()
            apk = decode(service_area_id, "serviceAreaId", ("ServiceArea",))
            # the area's row is locked: concurrent records (and publications) for it queue up
            area = await locked(ServiceArea, id=apk)
            if area is None or not ctx.viewer.can_read(area.path):
                raise Denied()
            ctx.viewer.require(Capability.BUILDING_HEAD_RECORD, area.path)
            if area.closed_on is not None:
                raise Problem("ALREADY_CLOSED", ["serviceAreaId"])
            if starts_on > today():
                raise Problem("FUTURE_DATE", ["startsOn"], zh=f"日期{starts_on}晚于今天，不能登记尚未开始的任期",
                              en=f"the date {starts_on} is after today: a term is recorded once it has begun")
            if await BuildingHead.filter(person_id=p.id, service_area_id=area.id, status=TermStatus.ACTIVE).exists():
                raise Problem("ALREADY_SERVING", ["personId"], zh=f"{p.name}已在该片区任职", en=f"{p.name} already serves this area")
            container = await Node.get(id=area.container_id)
            chain_node = container if container.kind != NodeKind.COMPOUND else await Node.get(id=container.parent_id)
            values = await parameters_in_force(container.path, starts_on)
            ends = term_end(starts_on, int(values["term_years"]), chain_node.election_cycle_ends_on)
            kind = head_kind(container.kind, container.chain)
            t = await BuildingHead.create(
                person_id=p.id, service_area_id=area.id, path=area.path, kind=kind, starts_on=starts_on,
                ends_on=ends, recorded_from_register=True,
            )
            await audit(ctx, "buildingHeadRecord", "BuildingHead", t.id, t.path, None, snapshot(t))
            return {"term": BuildingHeadTerm.of(t)}

        def integrity(exc: IntegrityError) -> Problem:
            if violates(exc, "uq_building_head_active"):
                return Problem("ALREADY_SERVING", ["personId"], zh="该人员已在该片区任职", en="this person already serves this area")
            raise exc

        return await run(ctx, BuildingHeadTermPayload, PersonError, body, integrity=integrity)


def _role_held() -> Problem:
    return Problem("STAFF_ROLE_HELD", ["kind"], zh="该人员在此已担任该职务（未结束）",
                   en="this person already holds this role here (not ended)")


__all__ = ["PeopleQuery", "PeopleMutation", "TREE_TYPES", "params"]
