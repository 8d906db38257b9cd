"""People, staff roles and building-head terms (docs/policy.md §2, §4, §5)."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from models.people import StaffRole as StaffRoleRow
from models.recruitment import BuildingHead as BuildingHeadRow
from policy.dates import age_on
from policy.privacy import PersonAccess, mask_person
from policy.kinds import Gender, HeadKind, StaffKind, TermStatus, Violation
from resolvers import people as ops
from resolvers.clock import today
from resolvers.errors import Problem, Problems
from resolvers.privacy import access_for
from schema.common import Connection, Node, UserError, check_search, error_codes, paginate, to_global_id
from schema.nodes import decode, fetcher, register
from schema.payloads import payload_errors
from schema.tree import TYPE_NAMES, TreeNode, tree_node

TREE_TYPES = tuple(TYPE_NAMES.values())

GenderEnum = strawberry.enum(Gender, name="Gender")
ViolationEnum = strawberry.enum(Violation, name="Violation")
StaffKindEnum = strawberry.enum(StaffKind, name="StaffKind")
HeadKindEnum = strawberry.enum(HeadKind, name="HeadKind")
TermStatusEnum = strawberry.enum(TermStatus, name="TermStatus")


async def _node(info: Info, node_id: int | None) -> TreeNode | None:
    if node_id is None:
        return None
    row = await info.context.loaders.node.load(node_id)
    if row is None or not info.context.viewer.can_read(row.path):
        return None
    return tree_node(row)


@strawberry.type(description=(
    "A person on a community's register. Readable where your scope covers their register or a place where they "
    "now hold a role (building-head term, station-head appointment, staff role). Without the personal-data "
    "permission there, ID number and phone are masked and birth date, gender and residence are null (age is given)."
))
class Person(Node):
    pk: strawberry.Private[int]
    home_id: strawberry.Private[int]
    residence_id: strawberry.Private[int | None]
    born: strawberry.Private[date]
    name: str
    gender: GenderEnum | None = strawberry.field(description="Null when personal data is masked.")  # type: ignore[valid-type]
    birth_date: date | None = strawberry.field(description="Null when personal data is masked (see age).")
    id_number: str = strawberry.field(description="Masked (110***********123X) when personal data is masked.")
    phone: str | None = strawberry.field(description="Masked (139****5678) when personal data is masked.")
    permanent_resident: bool
    property_fee_paid: bool
    violations: list[ViolationEnum]  # type: ignore[valid-type]
    party_member: bool
    retired_cadre: bool
    model_worker: bool
    personal_data_masked: bool

    @classmethod
    def of(cls, p, access: PersonAccess) -> "Person":
        v = mask_person({f: getattr(p, f) for f in ("id_number", "phone", "birth_date", "gender", "residence_id")},
                        full=access.full, on=today(), contact=access.contact)
        return cls(
            id=to_global_id("Person", p.id), pk=p.id, home_id=p.home_id, born=p.birth_date,
            residence_id=v["residence_id"], name=p.name, gender=v["gender"], birth_date=v["birth_date"],
            id_number=v["id_number"], phone=v["phone"] or None,
            permanent_resident=p.permanent_resident, property_fee_paid=p.property_fee_paid,
            violations=[Violation(x) for x in p.violations or []], party_member=p.party_member,
            retired_cadre=p.retired_cadre, model_worker=p.model_worker, personal_data_masked=access.masked,
        )

    @strawberry.field(description="Completed years today (given to every reader, also when personal data is masked).")
    def age(self) -> int:
        return age_on(self.born, today())

    @strawberry.field(description="The register (community) the person belongs to.")
    async def home(self, info: Info) -> TreeNode | None:
        return await _node(info, self.home_id)

    @strawberry.field(description="The building or village group lived in (null when personal data is masked).")
    async def residence(self, info: Info) -> TreeNode | None:
        return await _node(info, self.residence_id)

    @strawberry.field(description="Staff roles within your scope.")
    async def staff_roles(self, info: Info) -> list["StaffRole"]:
        can_read = info.context.viewer.can_read
        return [StaffRole.of(r) for r in await info.context.loaders.staff_roles_by_person.load(self.pk) if can_read(r.path)]

    @strawberry.field(description="Terms of service as building head or group leader, within your scope.")
    async def building_head_terms(self, info: Info) -> list["BuildingHeadTerm"]:
        can_read = info.context.viewer.can_read
        return [BuildingHeadTerm.of(t) for t in await info.context.loaders.terms_by_person.load(self.pk) if can_read(t.path)]

    @strawberry.field(description="Station-head appointments within your scope.")
    async def station_head_appointments(self, info: Info) -> list[Annotated["StationHeadAppointment", strawberry.lazy("schema.workstations")]]:
        from schema.workstations import StationHeadAppointment

        can_read = info.context.viewer.can_read
        return [StationHeadAppointment.of(a) for a in await info.context.loaders.appointments_by_person.load(self.pk)
                if can_read(a.path)]


async def people_of(info: Info, rows: list) -> list[Person]:
    """The people among ``rows`` the caller may read, each masked as the caller's roles require
    (the same rule as node(id:) and every nested person edge)."""
    accesses = await access_for(info.context.viewer, info.context.loaders, rows)
    return [Person.of(p, a) for p, a in zip(rows, accesses) if a.readable]


async def person_by_id(info: Info, pk: int, row=None) -> Person | None:
    """node(id:) and every nested person edge: readable and masked by one rule, or null."""
    p = row if row is not None else await info.context.loaders.person.load(pk)
    if p is None:
        return None
    found = await people_of(info, [p])
    return found[0] if found else None


@strawberry.type
class StaffRole(Node):
    node_id: strawberry.Private[int]
    kind: StaffKindEnum  # type: ignore[valid-type]
    started_on: date
    ended_on: date | None

    @classmethod
    def of(cls, r) -> "StaffRole":
        return cls(id=to_global_id("StaffRole", r.id), node_id=r.node_id, kind=r.kind, started_on=r.started_on, ended_on=r.ended_on)

    @strawberry.field(description="The community (or higher node) served.")
    async def node(self, info: Info) -> TreeNode | None:
        return await _node(info, self.node_id)


@strawberry.type(description="A change of building heads filed with the subdistrict's competent section (§11).")
class HeadChangeFiling:
    change: str = strawberry.field(description="START, END, RENEWAL or RESIGNATION.")
    effective_on: date
    reason: str
    filed_by: str
    filed_at: datetime


@strawberry.type(description="A term of service of a building head (楼栋长) or village group leader.")
class BuildingHeadTerm(Node):
    pk: strawberry.Private[int]
    person_id: strawberry.Private[int]
    service_area_id: strawberry.Private[int]
    kind: HeadKindEnum  # type: ignore[valid-type]
    status: TermStatusEnum  # type: ignore[valid-type]
    starts_on: date
    ends_on: date
    ended_on: date | None
    end_reason: str | None
    recorded_from_register: bool

    @classmethod
    def of(cls, t) -> "BuildingHeadTerm":
        return cls(
            id=to_global_id("BuildingHeadTerm", t.id), pk=t.id, person_id=t.person_id, service_area_id=t.service_area_id,
            kind=t.kind, status=t.status, starts_on=t.starts_on, ends_on=t.ends_on, ended_on=t.ended_on,
            end_reason=t.end_reason, recorded_from_register=t.recorded_from_register,
        )

    @strawberry.field
    async def person(self, info: Info) -> Person | None:
        return await person_by_id(info, self.person_id)

    @strawberry.field(description="Changes of this term filed with the subdistrict's competent section.")
    async def filings(self) -> list["HeadChangeFiling"]:
        return [HeadChangeFiling(change=f.change, effective_on=f.effective_on, reason=f.reason, filed_by=f.filed_by, filed_at=f.filed_at)
                for f in await ops.filings_of_term(self.pk)]

    @strawberry.field
    async def service_area(self, info: Info) -> Annotated["ServiceArea", strawberry.lazy("schema.tree")] | None:
        from schema.tree import ServiceArea

        a = await info.context.loaders.area.load(self.service_area_id)
        return ServiceArea.of(a) if a and info.context.viewer.can_read(a.path) else None


@strawberry.enum
class PersonErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER"
    ID_NUMBER_TAKEN = "ID_NUMBER_TAKEN"
    INVALID_PHONE = "INVALID_PHONE"
    NOT_A_RESIDENCE = "NOT_A_RESIDENCE"
    INVALID_DATE_ORDER = "INVALID_DATE_ORDER"
    NOT_AN_AREA_CONTAINER = "NOT_AN_AREA_CONTAINER"
    ALREADY_CLOSED = "ALREADY_CLOSED"
    ALREADY_SERVING = "ALREADY_SERVING"
    STAFF_ROLE_HELD = "STAFF_ROLE_HELD"
    FUTURE_DATE = "FUTURE_DATE"


@error_codes(PersonErrorCode)
@strawberry.type
class PersonError(UserError):
    code: PersonErrorCode


@strawberry.input
class PersonCreateInput:
    home_id: strawberry.ID = strawberry.field(description="The community (or higher node) whose register holds the person.")
    name: str
    id_number: str = strawberry.field(description="18-character resident ID number (GB 11643); birth date and gender come from it.")
    phone: str | None = None
    residence_id: strawberry.ID | None = strawberry.field(default=None, description="A building or village group.")
    permanent_resident: bool = False
    property_fee_paid: bool = True
    violations: list[ViolationEnum] = strawberry.field(default_factory=list)  # type: ignore[valid-type]
    party_member: bool = False
    retired_cadre: bool = False
    model_worker: bool = False


@strawberry.input
class PersonUpdateInput:
    id: strawberry.ID
    name: str | None = None
    phone: str | None = None
    residence_id: strawberry.ID | None = None
    permanent_resident: bool | None = None
    property_fee_paid: bool | None = None
    violations: list[ViolationEnum] | None = None  # type: ignore[valid-type]
    party_member: bool | None = None
    retired_cadre: bool | None = None
    model_worker: bool | None = None


@strawberry.type
class PersonPayload:
    person: Person | None = None
    errors: list[PersonError] = strawberry.field(default_factory=list)


@strawberry.type
class StaffRolePayload:
    staff_role: StaffRole | None = None
    errors: list[PersonError] = strawberry.field(default_factory=list)


@strawberry.type
class BuildingHeadTermPayload:
    term: BuildingHeadTerm | None = None
    errors: list[PersonError] = strawberry.field(default_factory=list)


@fetcher("Person")
async def fetch_person(info: Info, pk: int) -> Person | None:
    return await person_by_id(info, pk)


register("BuildingHeadTerm", BuildingHeadRow, BuildingHeadTerm.of)
register("StaffRole", StaffRoleRow, StaffRole.of)


@strawberry.type
class PeopleQuery:
    @strawberry.field(description="People on the registers within your scope.")
    async def people(
        self, info: Info, name_contains: str | None = None, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None,
    ) -> Connection[Person]:
        info.context.viewer.require_authenticated()
        rows = await ops.list_people(info.context.viewer, name_contains=check_search(name_contains, "nameContains"))
        page = paginate(rows, first=first, after=after, last=last, before=before)
        views = {p.pk: p for p in await people_of(info, page.nodes)}
        return page.map(lambda row: views.get(row.id))


def _residence_id(gid: strawberry.ID | None) -> int | None:
    return decode(gid, "residenceId", TREE_TYPES) if gid is not None else None


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(description="Register a person. The ID number is checked against its GB 11643 check digit.")
    async def person_create(self, info: Info, input: PersonCreateInput) -> PersonPayload:
        ctx = info.context
        try:
            home_id = decode(input.home_id, "homeId", TREE_TYPES)
            data = ops.PersonData(
                name=input.name, id_number=input.id_number, phone=input.phone, residence_id=_residence_id(input.residence_id),
                permanent_resident=input.permanent_resident, property_fee_paid=input.property_fee_paid,
                violations=list(input.violations), party_member=input.party_member, retired_cadre=input.retired_cadre,
                model_worker=input.model_worker,
            )
            p = await ops.create_person(ctx.viewer, home_id=home_id, data=data)
        except (Problem, Problems) as exc:
            return PersonPayload(errors=payload_errors(PersonError, exc, ctx.locale))
        return PersonPayload(person=await person_by_id(info, p.id, p), errors=[])

    @strawberry.mutation(description="Change a person's contact, residence, fee status, violations or preference flags.")
    async def person_update(self, info: Info, input: PersonUpdateInput) -> PersonPayload:
        ctx = info.context
        try:
            pk = decode(input.id, "id", ("Person",))
            changes = ops.PersonChanges(
                name=input.name, phone=input.phone, residence_id=_residence_id(input.residence_id),
                permanent_resident=input.permanent_resident, property_fee_paid=input.property_fee_paid,
                violations=list(input.violations) if input.violations is not None else None,
                party_member=input.party_member, retired_cadre=input.retired_cadre, model_worker=input.model_worker,
            )
            p = await ops.update_person(ctx.viewer, pk, changes)
        except (Problem, Problems) as exc:
            return PersonPayload(errors=payload_errors(PersonError, exc, ctx.locale))
        return PersonPayload(person=await person_by_id(info, p.id, p), errors=[])

    @strawberry.mutation(description="Give a person a staff role (community worker, grid worker, community police) at a node.")
    async def staff_role_assign(self, info: Info, person_id: strawberry.ID, kind: StaffKindEnum,  # type: ignore[valid-type]
                                node_id: strawberry.ID, started_on: date) -> StaffRolePayload:
        ctx = info.context
        try:
            r = await ops.assign_staff_role(
                ctx.viewer, person_id=decode(person_id, "personId", ("Person",)), kind=StaffKind(kind),
                node_id=decode(node_id, "nodeId", TREE_TYPES), started_on=started_on,
            )
        except (Problem, Problems) as exc:
            return StaffRolePayload(errors=payload_errors(PersonError, exc, ctx.locale))
        return StaffRolePayload(staff_role=StaffRole.of(r), errors=[])

    @strawberry.mutation(description="End a staff role.")
    async def staff_role_end(self, info: Info, id: strawberry.ID, ended_on: date) -> StaffRolePayload:
        ctx = info.context
        try:
            r = await ops.end_staff_role(ctx.viewer, decode(id, "id", ("StaffRole",)), ended_on=ended_on)
        except (Problem, Problems) as exc:
            return StaffRolePayload(errors=payload_errors(PersonError, exc, ctx.locale))
        return StaffRolePayload(staff_role=StaffRole.of(r), errors=[])

    @strawberry.mutation(description=(
        "Record a building head already serving before the system (from a paper register): "
        "their term runs five years from its start, ending no later than the community's election cycle."
    ))
    async def building_head_record(self, info: Info, person_id: strawberry.ID, service_area_id: strawberry.ID,
                                   starts_on: date) -> BuildingHeadTermPayload:
        ctx = info.context
        try:
            t = await ops.record_building_head(
                ctx.viewer, person_id=decode(person_id, "personId", ("Person",)),
                service_area_id=decode(service_area_id, "serviceAreaId", ("ServiceArea",)), starts_on=starts_on,
            )
        except (Problem, Problems) as exc:
            return BuildingHeadTermPayload(errors=payload_errors(PersonError, exc, ctx.locale))
        return BuildingHeadTermPayload(term=BuildingHeadTerm.of(t), errors=[])
