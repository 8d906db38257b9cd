"""GraphQL of the duties domain (docs/policy.md §6): households and their visits, inspections with
findings and follow-ups, the register of vulnerable people. Root fields are a few lines around one
operation of resolvers/households.py or resolvers/duties.py; lists under an object are loaded per
level through request-scoped DataLoaders (never a query per row)."""
from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from datetime import date
from enum import Enum
from functools import partial
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.file_uploads import Upload
from strawberry.types import Info

from models import duties as m
from policy.duties import FindingKind, FindingStatus, VulnerableCategory
from resolvers import duties as ops
from resolvers import households as hh
from resolvers.errors import Problem, Problems
from resolvers.messages import render
from schema.common import Connection, Node, UserError, error_codes, paginate, to_global_id
from schema.nodes import decode, fetcher, register
from schema.payloads import payload_errors
from schema.tree import TYPE_NAMES, TreeNode, tree_node

FindingKindEnum = strawberry.enum(FindingKind, name="FindingKind")
FindingStatusEnum = strawberry.enum(FindingStatus, name="FindingStatus")
VulnerableCategoryEnum = strawberry.enum(VulnerableCategory, name="VulnerableCategory")

TREE_TYPES = tuple(TYPE_NAMES.values())
LEAF_TYPES = ("Building", "VillageGroup")
CONTAINER_TYPES = ("Compound", "Community", "Village")
REGISTER_TYPES = ("Community", "Village")


def _loader(info: Info, name: str, batch: Callable[..., Awaitable[list[Any]]]) -> DataLoader:
    """A DataLoader of this request (kept in the context's extras: never shared between requests)."""
    extras = info.context.extras
    if name not in extras:
        extras[name] = DataLoader(partial(batch, info.context.viewer))
    return extras[name]


async def _building(info: Info, building_id: int) -> TreeNode | None:
    row = await info.context.loaders.node.load(building_id)
    return tree_node(row) if row and info.context.viewer.can_read(row.path) else None


# ---------------------------------------------------------------- types

@strawberry.type(description="A household's information form (入户信息表), as the last visit left it.")
class HouseholdForm:
    occupants: int
    vulnerable_members: int
    needs: str
    updated_on: date | None


@strawberry.type(description="A visit to a household, with the form as found that day.")
class HouseholdVisit(Node):
    household_id: strawberry.Private[int]
    visited_on: date
    occupants: int
    vulnerable_members: int
    needs: str
    note: str
    recorded_by: str
    by_building_head: bool = strawberry.field(description="Recorded by the building head serving the building.")

    @classmethod
    def of(cls, v: m.HouseholdVisit) -> "HouseholdVisit":
        return cls(id=to_global_id("HouseholdVisit", v.id), household_id=v.household_id, visited_on=v.visited_on,
                   occupants=v.occupants, vulnerable_members=v.vulnerable_members, needs=v.needs, note=v.note,
                   recorded_by=v.recorded_by, by_building_head=v.term_id is not None)

    @strawberry.field
    async def household(self, info: Info) -> "Household | None":
        return await _household_by_id(info, self.household_id)


@strawberry.type(description="A household (户) of a building or village group. The contact is personal data: "
                             "masked (张*, 138****5678) without PERSON_PII at the building.")
class Household(Node):
    pk: strawberry.Private[int]
    building_id: strawberry.Private[int]
    door_number: str
    contact_name: str | None
    contact_phone: str | None
    personal_data_masked: bool
    form: HouseholdForm
    closed_on: date | None

    @classmethod
    def of(cls, s: hh.ShownHousehold) -> "Household":
        h = s.household
        return cls(id=to_global_id("Household", h.id), pk=h.id, building_id=h.building_id, door_number=h.door_number,
                   contact_name=s.contact_name, contact_phone=s.contact_phone, personal_data_masked=s.masked,
                   form=HouseholdForm(occupants=h.occupants, vulnerable_members=h.vulnerable_members, needs=h.needs,
                                      updated_on=h.form_updated_on),
                   closed_on=h.closed_on)

    @strawberry.field
    async def building(self, info: Info) -> TreeNode | None:
        return await _building(info, self.building_id)

    @strawberry.field(description="Visits, newest first.")
    async def visits(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[HouseholdVisit]:
        rows = await _loader(info, "duty_visits", hh.visits_by_household).load(self.pk)
        return paginate(rows, first=first, after=after, wrap=HouseholdVisit.of)


def _household(info: Info, h: m.Household) -> Household:
    return Household.of(hh.shown_household(info.context.viewer, h))


async def _household_by_id(info: Info, pk: int) -> Household | None:
    h = await m.Household.get_or_none(id=pk)
    return _household(info, h) if h and info.context.viewer.can_read(h.path) else None


@strawberry.type
class FindingFollowUp:
    on: date
    note: str
    closes: bool
    recorded_by: str


@strawberry.type(description="What an inspection found; a safety hazard stays OPEN until a follow-up closes it.")
class Finding(Node):
    pk: strawberry.Private[int]
    inspection_id: strawberry.Private[int]
    kind: FindingKindEnum  # type: ignore[valid-type]
    description: str
    status: FindingStatusEnum  # type: ignore[valid-type]
    closed_on: date | None

    @classmethod
    def of(cls, f: m.Finding) -> "Finding":
        return cls(id=to_global_id("Finding", f.id), pk=f.id, inspection_id=f.inspection_id, kind=f.kind,
                   description=f.description, status=f.status, closed_on=f.closed_on)

    @strawberry.field(description="Follow-ups, oldest first.")
    async def follow_ups(self, info: Info) -> list[FindingFollowUp]:
        rows = await _loader(info, "duty_follow_ups", ops.follow_ups_by_finding).load(self.pk)
        return [FindingFollowUp(on=r.on, note=r.note, closes=r.closes, recorded_by=r.recorded_by) for r in rows]

    @strawberry.field
    async def inspection(self, info: Info) -> "Inspection | None":
        i = await _loader(info, "duty_inspections", ops.inspections_by_id).load(self.inspection_id)
        return Inspection.of(i) if i else None


@strawberry.type(description="An inspection of a building (at least one a week).")
class Inspection(Node):
    pk: strawberry.Private[int]
    building_id: strawberry.Private[int]
    inspected_on: date
    note: str
    recorded_by: str
    by_building_head: bool

    @classmethod
    def of(cls, i: m.Inspection) -> "Inspection":
        return cls(id=to_global_id("Inspection", i.id), pk=i.id, building_id=i.building_id, inspected_on=i.inspected_on,
                   note=i.note, recorded_by=i.recorded_by, by_building_head=i.term_id is not None)

    @strawberry.field
    async def building(self, info: Info) -> TreeNode | None:
        return await _building(info, self.building_id)

    @strawberry.field
    async def findings(self, info: Info) -> list[Finding]:
        return [Finding.of(f) for f in await _loader(info, "duty_findings", ops.findings_by_inspection).load(self.pk)]


@strawberry.type
class HelpGiven:
    helped_on: date
    help: str | None = strawberry.field(description="What was done; null without PERSON_PII.")
    recorded_by: str


@strawberry.type(description="A person on the register of vulnerable people (§6.5). Without PERSON_PII at the "
                             "building the name is masked and the details null (personalDataMasked).")
class VulnerablePerson(Node):
    pk: strawberry.Private[int]
    building_id: strawberry.Private[int]
    household_id: strawberry.Private[int | None]
    category: VulnerableCategoryEnum  # type: ignore[valid-type]
    name: str | None
    details: str | None
    personal_data_masked: bool
    registered_on: date
    ended_on: date | None

    @classmethod
    def of(cls, s: ops.ShownVulnerable) -> "VulnerablePerson":
        p = s.person
        return cls(id=to_global_id("VulnerablePerson", p.id), pk=p.id, building_id=p.building_id,
                   household_id=p.household_id, category=p.category, name=s.name, details=s.details,
                   personal_data_masked=s.masked, registered_on=p.registered_on, ended_on=p.ended_on)

    @strawberry.field
    async def building(self, info: Info) -> TreeNode | None:
        return await _building(info, self.building_id)

    @strawberry.field(description="Help given, newest first.")
    async def help(self, info: Info) -> list[HelpGiven]:
        rows = await _loader(info, "duty_help", ops.help_by_person).load(self.pk)
        return [HelpGiven(helped_on=r.helped_on, help=None if self.personal_data_masked else r.help,
                          recorded_by=r.recorded_by) for r in rows]


def _vulnerable(info: Info, p: m.VulnerablePerson) -> VulnerablePerson:
    return VulnerablePerson.of(ops.shown_vulnerable(info.context.viewer, p))


TYPES: list[type] = [Household, HouseholdVisit, Inspection, Finding, VulnerablePerson]

register("HouseholdVisit", m.HouseholdVisit, HouseholdVisit.of)
register("Inspection", m.Inspection, Inspection.of)
register("Finding", m.Finding, Finding.of)


@fetcher("Household")
async def fetch_household(info: Info, pk: int) -> Household | None:
    return await _household_by_id(info, pk)


@fetcher("VulnerablePerson")
async def fetch_vulnerable(info: Info, pk: int) -> VulnerablePerson | None:
    p = await m.VulnerablePerson.get_or_none(id=pk)
    return _vulnerable(info, p) if p and info.context.viewer.can_read(p.path) else None


# ---------------------------------------------------------------- errors, inputs, payloads

@strawberry.enum
class DutyErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    NUMBER_OUT_OF_RANGE = "NUMBER_OUT_OF_RANGE"
    TOO_MANY_ENTRIES = "TOO_MANY_ENTRIES"
    FUTURE_DATE = "FUTURE_DATE"
    INVALID_DATE_ORDER = "INVALID_DATE_ORDER"
    DOOR_NUMBER_TAKEN = "DOOR_NUMBER_TAKEN"
    FINDING_CLOSED = "FINDING_CLOSED"
    BEFORE_INSPECTION = "BEFORE_INSPECTION"
    ALREADY_ENDED = "ALREADY_ENDED"
    NOT_ON_REGISTER = "NOT_ON_REGISTER"


@error_codes(DutyErrorCode)
@strawberry.type
class DutyError(UserError):
    code: DutyErrorCode


@strawberry.enum
class HouseholdImportErrorCode(Enum):
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    BUILDING_NOT_FOUND = "BUILDING_NOT_FOUND"
    BUILDING_AMBIGUOUS = "BUILDING_AMBIGUOUS"
    PHONE_INVALID = "PHONE_INVALID"
    OCCUPANTS_INVALID = "OCCUPANTS_INVALID"
    DUPLICATE_DOOR = "DUPLICATE_DOOR"
    DOOR_NUMBER_TAKEN = "DOOR_NUMBER_TAKEN"
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
    EMPTY_FILE = "EMPTY_FILE"
    MISSING_COLUMN = "MISSING_COLUMN"
    UNKNOWN_COLUMN = "UNKNOWN_COLUMN"
    DUPLICATE_COLUMN = "DUPLICATE_COLUMN"
    UNREADABLE = "UNREADABLE"
    TOO_LARGE = "TOO_LARGE"
    TOO_MANY_ROWS = "TOO_MANY_ROWS"
    TOO_MANY_COLUMNS = "TOO_MANY_COLUMNS"
    NOT_FOUND = "NOT_FOUND"


@error_codes(HouseholdImportErrorCode)
@strawberry.type
class HouseholdImportError(UserError):
    code: HouseholdImportErrorCode
    row: int | None = strawberry.field(default=None, description="Spreadsheet row number (the header is row 1).")
    column: str | None = strawberry.field(default=None, description="The column's key, e.g. door_number (门牌号).")


HouseholdImportError._extra_fields = ("row", "column")  # type: ignore[attr-defined]


def _import_errors(exc: Problem | Problems, locale: str) -> list[HouseholdImportError]:
    problems = exc.problems if isinstance(exc, Problems) else [exc]
    return [
        HouseholdImportError(code=HouseholdImportErrorCode(p.params.get("error", p.code)), field=p.field,
                             message=render(p.code, locale, p.params), row=p.params.get("row"),  # type: ignore[arg-type]
                             column=p.params.get("column"))  # type: ignore[arg-type]
        for p in problems
    ]


@strawberry.input
class HouseholdsGenerateInput:
    building_id: strawberry.ID
    count: int | None = strawberry.field(default=None, description="Door numbers 1..count; default: the building's household count.")


@strawberry.type
class HouseholdsPayload:
    created: int = 0
    updated: int = 0
    households: list[Household] = strawberry.field(default_factory=list, description="The first 100 created or updated.")
    errors: list[DutyError] = strawberry.field(default_factory=list)


@strawberry.input
class HouseholdsImportInput:
    community_id: strawberry.ID
    file: Upload | None = strawberry.field(default=None, description="The register, as a multipart upload.")
    content: str | None = strawberry.field(default=None, description="Or the file's bytes in base64.")
    file_name: str | None = strawberry.field(default=None, description="With content: its name (.csv or .xlsx).")


@strawberry.type
class HouseholdsImportPayload:
    created: int = 0
    updated: int = 0
    households: list[Household] = strawberry.field(default_factory=list, description="The first 100 created or updated.")
    errors: list[HouseholdImportError] = strawberry.field(default_factory=list)


@strawberry.input
class HouseholdVisitInput:
    household_id: strawberry.ID
    visited_on: date | None = strawberry.field(default=None, description="Default: today (Asia/Shanghai).")
    occupants: int = 0
    vulnerable_members: int = 0
    needs: str = ""
    note: str = ""


@strawberry.input
class HouseholdVisitsInput:
    entries: list[HouseholdVisitInput]


@strawberry.type
class HouseholdVisitPayload:
    visit: HouseholdVisit | None = None
    household: Household | None = None
    errors: list[DutyError] = strawberry.field(default_factory=list)


@strawberry.type
class HouseholdVisitsPayload:
    visits: list[HouseholdVisit] = strawberry.field(default_factory=list)
    errors: list[DutyError] = strawberry.field(default_factory=list)


@strawberry.input
class FindingInput:
    kind: FindingKindEnum  # type: ignore[valid-type]
    description: str


@strawberry.input
class InspectionRecordInput:
    building_id: strawberry.ID
    inspected_on: date | None = None
    note: str = ""
    findings: list[FindingInput] = strawberry.field(default_factory=list)


@strawberry.type
class InspectionPayload:
    inspection: Inspection | None = None
    errors: list[DutyError] = strawberry.field(default_factory=list)


@strawberry.input
class FindingFollowUpInput:
    finding_id: strawberry.ID
    on: date | None = None
    note: str
    closes: bool = False


@strawberry.type
class FindingPayload:
    finding: Finding | None = None
    errors: list[DutyError] = strawberry.field(default_factory=list)


@strawberry.input
class VulnerablePersonRegisterInput:
    building_id: strawberry.ID
    household_id: strawberry.ID | None = None
    name: str
    category: VulnerableCategoryEnum  # type: ignore[valid-type]
    details: str = ""
    registered_on: date | None = None


@strawberry.input
class VulnerablePersonEndInput:
    id: strawberry.ID
    ended_on: date | None = None


@strawberry.input
class HelpGivenInput:
    vulnerable_person_id: strawberry.ID
    helped_on: date | None = None
    help: str


@strawberry.type
class VulnerablePersonPayload:
    vulnerable_person: VulnerablePerson | None = None
    errors: list[DutyError] = strawberry.field(default_factory=list)


def _content(input: HouseholdsImportInput) -> tuple[str | None, bytes | None]:
    if input.content is None:
        return None, None
    try:
        return input.file_name or "upload.csv", base64.b64decode(input.content, validate=True)
    except (binascii.Error, ValueError):
        raise Problem("UNREADABLE", ["input", "content"], error="UNREADABLE") from None


def _visit(e: HouseholdVisitInput, field: list[str]) -> hh.VisitEntry:
    return hh.VisitEntry(household_id=decode(e.household_id, [*field, "householdId"], ("Household",)),
                         visited_on=e.visited_on, occupants=e.occupants, vulnerable_members=e.vulnerable_members,
                         needs=e.needs, note=e.note)


def _one_node(building_id, service_area_id, compound_id, node_id) -> dict[str, int]:
    given = {k: v for k, v in (("buildingId", building_id), ("serviceAreaId", service_area_id),
                                ("compoundId", compound_id), ("nodeId", node_id)) if v is not None}
    if len(given) != 1:
        raise Problem("ONE_NODE_ARGUMENT", list(given) or ["buildingId"], names="buildingId、serviceAreaId、compoundId、nodeId",
                      names_en="buildingId, serviceAreaId, compoundId, nodeId")
    (name, gid), = given.items()
    allowed = {"buildingId": LEAF_TYPES, "serviceAreaId": ("ServiceArea",), "compoundId": CONTAINER_TYPES,
               "nodeId": TREE_TYPES}[name]
    return {name: decode(gid, name, allowed)}


# ---------------------------------------------------------------- root fields

@strawberry.type
class DutyQuery:
    @strawberry.field(description="Households of a building, a service area, a compound (or rural community/village) "
                                  "or any node, within your scope; by building, then door number.")
    async def households(
        self, info: Info, building_id: strawberry.ID | None = None, service_area_id: strawberry.ID | None = None,
        compound_id: strawberry.ID | None = None, node_id: strawberry.ID | None = None, include_closed: bool = False,
        first: int | None = None, after: str | None = None,
    ) -> Connection[Household]:
        which = _one_node(building_id, service_area_id, compound_id, node_id)
        rows = await hh.households_of(
            info.context.viewer, building_id=which.get("buildingId"), service_area_id=which.get("serviceAreaId"),
            node_id=which.get("compoundId", which.get("nodeId")), include_closed=include_closed,
        )
        return paginate(rows, first=first, after=after, wrap=lambda h: _household(info, h))

    @strawberry.field(description="Inspections below a node within your scope, newest first.")
    async def inspections(self, info: Info, node_id: strawberry.ID, since: date | None = None, until: date | None = None,
                          first: int | None = None, after: str | None = None) -> Connection[Inspection]:
        rows = await ops.inspections_below(info.context.viewer, decode(node_id, "nodeId", TREE_TYPES), since=since, until=until)
        return paginate(rows, first=first, after=after, wrap=Inspection.of)

    @strawberry.field(description="Safety hazards still open below a node within your scope, oldest first.")
    async def open_hazards(self, info: Info, node_id: strawberry.ID, first: int | None = None,
                           after: str | None = None) -> Connection[Finding]:
        rows = await ops.open_hazards(info.context.viewer, decode(node_id, "nodeId", TREE_TYPES))
        return paginate(rows, first=first, after=after, wrap=Finding.of)

    @strawberry.field(description="The register of vulnerable people below a node within your scope.")
    async def vulnerable_people(
        self, info: Info, node_id: strawberry.ID, category: VulnerableCategoryEnum | None = None,  # type: ignore[valid-type]
        include_ended: bool = False, first: int | None = None, after: str | None = None,
    ) -> Connection[VulnerablePerson]:
        rows = await ops.vulnerable_people(info.context.viewer, decode(node_id, "nodeId", TREE_TYPES),
                                           category=category, include_ended=include_ended)
        return paginate(rows, first=first, after=after, wrap=lambda p: _vulnerable(info, p))


@strawberry.type
class DutyMutation:
    @strawberry.mutation(description="Create a building's door numbers 1..N from its household count (those it lacks; "
                                     "none for a building whose households came from a register).")
    async def households_generate(self, info: Info, input: HouseholdsGenerateInput) -> HouseholdsPayload:
        try:
            done = await hh.generate_households(info.context.viewer, decode(input.building_id, ["input", "buildingId"], LEAF_TYPES),
                                                input.count)
        except (Problem, Problems) as exc:
            return HouseholdsPayload(errors=payload_errors(DutyError, exc, info.context.locale))
        return HouseholdsPayload(created=done.created, households=[_household(info, h) for h in done.households])

    @strawberry.mutation(description=(
        "Import a community's household register, CSV or XLSX with Chinese headers (楼栋, 门牌号, 联系人, 联系电话, "
        "居住人数; 小区 optional). Buildings are matched by name or code in the community. All or nothing: every "
        "bad row is reported with its row and column. A door number the building has is updated."
    ))
    async def households_import(self, info: Info, input: HouseholdsImportInput) -> HouseholdsImportPayload:
        try:
            pk = decode(input.community_id, ["input", "communityId"], REGISTER_TYPES)
            name, content = _content(input)
            if content is None:
                if input.file is None:
                    raise Problem("REQUIRED", ["input", "file"], error="REQUIRED", label="file")
                content = await input.file.read()  # type: ignore[attr-defined]
                name = getattr(input.file, "filename", None)
            done = await hh.import_households(info.context.viewer, pk, name, content)  # type: ignore[arg-type]
        except (Problem, Problems) as exc:
            return HouseholdsImportPayload(errors=_import_errors(exc, info.context.locale))
        return HouseholdsImportPayload(created=done.created, updated=done.updated,
                                       households=[_household(info, h) for h in done.households])

    @strawberry.mutation(description="Record a visit to a household: the form as found, which updates the household's form.")
    async def household_visit_record(self, info: Info, input: HouseholdVisitInput) -> HouseholdVisitPayload:
        try:
            visits = await hh.record_visits(info.context.viewer, [_visit(input, ["input"])])
        except (Problem, Problems) as exc:
            return HouseholdVisitPayload(errors=payload_errors(DutyError, exc, info.context.locale))
        return HouseholdVisitPayload(visit=HouseholdVisit.of(visits[0]),
                                     household=await _household_by_id(info, visits[0].household_id))

    @strawberry.mutation(description="Record up to 200 visits at once: all or nothing.")
    async def household_visits_record(self, info: Info, input: HouseholdVisitsInput) -> HouseholdVisitsPayload:
        try:
            entries = [_visit(e, ["input", "entries", str(i)]) for i, e in enumerate(input.entries)]
            visits = await hh.record_visits(info.context.viewer, entries, batch=True)
        except (Problem, Problems) as exc:
            return HouseholdVisitsPayload(errors=payload_errors(DutyError, exc, info.context.locale))
        return HouseholdVisitsPayload(visits=[HouseholdVisit.of(v) for v in visits])

    @strawberry.mutation(description="Record an inspection of a building with its findings; a safety hazard stays open.")
    async def inspection_record(self, info: Info, input: InspectionRecordInput) -> InspectionPayload:
        try:
            i = await ops.record_inspection(
                info.context.viewer, building_id=decode(input.building_id, ["input", "buildingId"], LEAF_TYPES),
                inspected_on=input.inspected_on, note=input.note,
                findings=[ops.FindingInput(FindingKind(f.kind.value if isinstance(f.kind, Enum) else f.kind), f.description)
                          for f in input.findings],
            )
        except (Problem, Problems) as exc:
            return InspectionPayload(errors=payload_errors(DutyError, exc, info.context.locale))
        return InspectionPayload(inspection=Inspection.of(i))

    @strawberry.mutation(description="Follow up an open finding; closes: true closes it on that day (once).")
    async def finding_follow_up(self, info: Info, input: FindingFollowUpInput) -> FindingPayload:
        try:
            f = await ops.follow_up_finding(info.context.viewer, decode(input.finding_id, ["input", "findingId"], ("Finding",)),
                                            on=input.on, note=input.note, closes=input.closes)
        except (Problem, Problems) as exc:
            return FindingPayload(errors=payload_errors(DutyError, exc, info.context.locale))
        return FindingPayload(finding=Finding.of(f))

    @strawberry.mutation(description="Enter a person on a building's register of vulnerable people.")
    async def vulnerable_person_register(self, info: Info, input: VulnerablePersonRegisterInput) -> VulnerablePersonPayload:
        try:
            p = await ops.register_vulnerable(
                info.context.viewer, building_id=decode(input.building_id, ["input", "buildingId"], LEAF_TYPES),
                household_id=(decode(input.household_id, ["input", "householdId"], ("Household",))
                              if input.household_id is not None else None),
                name=input.name, category=input.category, details=input.details, registered_on=input.registered_on,
            )
        except (Problem, Problems) as exc:
            return VulnerablePersonPayload(errors=payload_errors(DutyError, exc, info.context.locale))
        return VulnerablePersonPayload(vulnerable_person=_vulnerable(info, p))

    @strawberry.mutation(description="Take a person off the register of vulnerable people.")
    async def vulnerable_person_end(self, info: Info, input: VulnerablePersonEndInput) -> VulnerablePersonPayload:
        try:
            p = await ops.end_vulnerable(info.context.viewer, decode(input.id, ["input", "id"], ("VulnerablePerson",)),
                                         ended_on=input.ended_on)
        except (Problem, Problems) as exc:
            return VulnerablePersonPayload(errors=payload_errors(DutyError, exc, info.context.locale))
        return VulnerablePersonPayload(vulnerable_person=_vulnerable(info, p))

    @strawberry.mutation(description="Record help given to a person on the register.")
    async def help_given_record(self, info: Info, input: HelpGivenInput) -> VulnerablePersonPayload:
        try:
            pk = decode(input.vulnerable_person_id, ["input", "vulnerablePersonId"], ("VulnerablePerson",))
            await ops.record_help(info.context.viewer, pk, helped_on=input.helped_on, help_text=input.help)
        except (Problem, Problems) as exc:
            return VulnerablePersonPayload(errors=payload_errors(DutyError, exc, info.context.locale))
        p = await m.VulnerablePerson.get(id=pk)
        return VulnerablePersonPayload(vulnerable_person=_vulnerable(info, p))
