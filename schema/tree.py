"""The governance tree as GraphQL types (docs/policy.md §3): one type per level, all
implementing ``TreeNode``; every node answers roll-ups for its subtree."""
from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode
from strawberry.types import Info

from policy.kinds import Chain, NodeKind, SubdistrictKind
from policy.tree import LEAF_KINDS
from policy.rollup import Figures
from policy.seats import coverage_percent
from resolvers.rows import NodeRow
from schema.execution import direct
from schema.common import Connection, Node, UserError, error_codes, paginate, to_global_id

if TYPE_CHECKING:
    from schema.workstations import Workstation

NodeKindEnum = strawberry.enum(NodeKind, name="NodeKind")
SubdistrictKindEnum = strawberry.enum(SubdistrictKind, name="SubdistrictKind")
ChainEnum = strawberry.enum(Chain, name="Chain")

TYPE_NAMES: dict[NodeKind, str] = {
    NodeKind.DISTRICT: "District",
    NodeKind.NEW_TOWN: "NewTown",
    NodeKind.SUBDISTRICT: "Subdistrict",
    NodeKind.COMMUNITY: "Community",
    NodeKind.VILLAGE: "Village",
    NodeKind.COMPOUND: "Compound",
    NodeKind.VILLAGE_GROUP: "VillageGroup",
    NodeKind.BUILDING: "Building",
}
KIND_BY_TYPE_NAME = {v: k for k, v in TYPE_NAMES.items()}
TREE_TYPES = tuple(TYPE_NAMES.values())  # the global-ID type names of tree nodes


@strawberry.type(description="Figures for a node's whole subtree, summed at every level.")
class Rollup:
    households: int
    required_building_heads: int = strawberry.field(description="Seats: ceil(households / households per head) per service area.")
    active_building_heads: int
    vacancies: int
    service_areas: int
    workstations: int
    workstations_set_up: int
    workstations_late: int = strawberry.field(description="Late on either campaign deadline.")
    coverage_percent: float = strawberry.field(
        description="Active heads ÷ required heads, as a percentage with one decimal (100 when nothing is required).")

    @classmethod
    def of(cls, f: Figures) -> "Rollup":
        return cls(
            households=f.households,
            required_building_heads=f.required_heads,
            active_building_heads=f.active_heads,
            vacancies=f.vacancies,
            service_areas=f.service_areas,
            workstations=f.workstations,
            workstations_set_up=f.workstations_set_up,
            workstations_late=f.workstations_late,
            coverage_percent=coverage_percent(f.active_heads, f.required_heads),
        )


@strawberry.type
class ChainChange:
    from_chain: ChainEnum  # type: ignore[valid-type]
    to_chain: ChainEnum  # type: ignore[valid-type]
    effective_on: date
    reason: str
    closed_children: int


#: the fields that read a node's children: the levels below are planned from them (``_plan``)
CHILD_FIELDS = frozenset({"children", "newTowns", "subdistricts", "communities", "villages", "compounds",
                          "villageGroups", "buildings"})
MAX_PLAN_DEPTH = 8  # more levels than the tree has


def _walk(selection_set, fragments, seen: set[str]) -> tuple[int, bool]:
    """Levels of children read below a selection, and whether a roll-up is read anywhere in it."""
    depth, rollup = 0, False
    for sel in selection_set.selections if selection_set is not None else ():
        if isinstance(sel, FieldNode):
            name = sel.name.value
            if name == "rollup":
                rollup = True
                continue
            d, r = _walk(sel.selection_set, fragments, seen)
            depth, rollup = max(depth, d + (name in CHILD_FIELDS)), rollup or r
        elif isinstance(sel, InlineFragmentNode):
            d, r = _walk(sel.selection_set, fragments, seen)
            depth, rollup = max(depth, d), rollup or r
        elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen and sel.name.value in fragments:
            d, r = _walk(fragments[sel.name.value].selection_set, fragments, seen | {sel.name.value})
            depth, rollup = max(depth, d), rollup or r
    return depth, rollup


def _plan(info: Info) -> tuple[int, bool]:
    """How many levels of children this children field reads (itself included) and whether
    roll-ups are read below it: the first batch then reads them all at once. Planned once per
    field of the document and request."""
    raw = info._raw_info
    plans = info.context.extras.setdefault("tree_plans", {})
    key = id(raw.field_nodes[0])
    plan = plans.get(key)
    if plan is None:
        depth, rollup = 0, False
        for node in raw.field_nodes:
            d, r = _walk(node.selection_set, raw.fragments, set())
            depth, rollup = max(depth, d), rollup or r
        plan = plans[key] = (min(1 + depth, MAX_PLAN_DEPTH), rollup)
    return plan


def _children_page(info: Info, row: NodeRow, kinds: frozenset[NodeKind] | None, include_closed: bool,
                   first, after, last, before):
    """A page of the node's children: at once when this request has read them (a level above
    read the whole subtree the query asks for), else the batched load, awaited."""
    rows = info.context.loaders.batches.children_of.get(row.id)
    if rows is None:
        return _children_page_later(info, row, kinds, include_closed, first, after, last, before)
    if kinds is not None or not include_closed:
        rows = [r for r in rows if (kinds is None or r.kind in kinds) and (include_closed or r.closed_on is None)]
    return paginate(rows, first=first, after=after, last=last, before=before, wrap=tree_node)


async def _children_page_later(info: Info, row: NodeRow, kinds, include_closed, first, after, last, before):
    depth, rollups = _plan(info)
    info.context.loaders.batches.plan(row.id, depth, rollups)
    await info.context.loaders.children.load(row)
    return _children_page(info, row, kinds, include_closed, first, after, last, before)


async def _rollup_later(info: Info, row: NodeRow) -> Rollup:
    return Rollup.of(await info.context.loaders.rollup.load(row))


@strawberry.interface(description="A node of the governance tree.")
class TreeNode(Node):
    row: strawberry.Private[NodeRow]
    kind: NodeKindEnum  # type: ignore[valid-type]
    name: str
    code: str | None
    address: str | None
    opened_on: date | None
    closed_on: date | None

    @strawberry.field(description="The node one level up, when it is within your scope.")
    async def parent(self, info: Info) -> TreeNode | None:
        if self.row.parent_id is None:
            return None
        parent = await info.context.loaders.node.load(self.row.parent_id)
        if parent is None or not info.context.viewer.can_read(parent.path):
            return None
        return tree_node(parent)

    @strawberry.field(description="Roll-ups of the whole subtree (open nodes only).")
    @direct
    def rollup(self, info: Info) -> Rollup:
        figures = info.context.loaders.batches.figures_now(self.row)
        return Rollup.of(figures) if figures is not None else _rollup_later(info, self.row)  # type: ignore[return-value]

    @strawberry.field(description="Direct children of any kind.")
    @direct
    def children(
        self, info: Info, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None, include_closed: bool = False,
    ) -> Connection[TreeNode]:
        return _children_page(info, self.row, None, include_closed, first, after, last, before)


def _kind_field(kind: NodeKind, type_name: str, description: str):
    kinds = frozenset({kind})

    @direct
    def resolver(
        self, info: Info, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None, include_closed: bool = False,
    ):
        return _children_page(info, self.row, kinds, include_closed, first, after, last, before)

    resolver.__annotations__["return"] = f"Connection[{type_name}]"
    return strawberry.field(resolver=resolver, description=description)


@strawberry.type(description="新区: the root of a deployment's tree.")
class District(TreeNode):
    new_towns = _kind_field(NodeKind.NEW_TOWN, "NewTown", "新城 under this district.")


@strawberry.type(description="新城: reviews and records lists and plans.")
class NewTown(TreeNode):
    subdistricts = _kind_field(NodeKind.SUBDISTRICT, "Subdistrict", "镇街 under this new town.")


@strawberry.type(description="镇街: a town (镇) or a street (街道).")
class Subdistrict(TreeNode):
    subdistrict_kind: SubdistrictKindEnum  # type: ignore[valid-type]
    communities = _kind_field(NodeKind.COMMUNITY, "Community", "社区 under this subdistrict.")
    villages = _kind_field(NodeKind.VILLAGE, "Village", "行政村 under this subdistrict.")


@strawberry.interface(description="A community or a village: follows the urban or the rural chain.")
class ChainNode(TreeNode):
    chain: ChainEnum  # type: ignore[valid-type]
    election_cycle_ends_on: date | None
    compounds = _kind_field(NodeKind.COMPOUND, "Compound", "小区 (urban chain).")
    village_groups = _kind_field(NodeKind.VILLAGE_GROUP, "VillageGroup", "村民小组 (rural chain).")

    @strawberry.field(description="Every switch between the urban and rural chains, oldest first.")
    async def chain_history(self, info: Info) -> list[ChainChange]:
        rows = await info.context.loaders.chain_changes.load(self.row.id)
        return [ChainChange(from_chain=c.from_chain, to_chain=c.to_chain, effective_on=c.effective_on,
                            reason=c.reason, closed_children=c.closed_children) for c in rows]

    @strawberry.field(description="Service areas of a rural-chain community or village.")
    async def service_areas(self, info: Info, include_closed: bool = False) -> list[ServiceArea]:
        return await _service_areas(info, self.row.id, include_closed)


@strawberry.type(description="社区.")
class Community(ChainNode):
    pass


@strawberry.type(description="行政村.")
class Village(ChainNode):
    pass


@strawberry.type(description="小区: has exactly one workstation.")
class Compound(TreeNode):
    buildings = _kind_field(NodeKind.BUILDING, "Building", "楼栋 of this compound.")

    @strawberry.field(description="The compound's workstation, once set up.")
    async def workstation(self, info: Info) -> Annotated["Workstation", strawberry.lazy("schema.workstations")] | None:
        from schema.workstations import Workstation

        w = await info.context.loaders.workstation_by_compound.load(self.row.id)
        return Workstation.of(w) if w and info.context.viewer.can_read(w.path) else None

    @strawberry.field(description="Named service areas (seats) of this compound.")
    async def service_areas(self, info: Info, include_closed: bool = False) -> list[ServiceArea]:
        return await _service_areas(info, self.row.id, include_closed)


@strawberry.interface(description="A building or a village group: has households.")
class HouseholdUnit(TreeNode):
    households: int

    @strawberry.field
    async def service_area(self, info: Info) -> ServiceArea | None:
        if self.row.service_area_id is None:
            return None
        a = await info.context.loaders.area.load(self.row.service_area_id)
        return ServiceArea.of(a) if a and info.context.viewer.can_read(a.path) else None


@strawberry.type(description="楼栋.")
class Building(HouseholdUnit):
    pass


@strawberry.type(description="村民小组.")
class VillageGroup(HouseholdUnit):
    pass


@strawberry.type(description="A seat's service area: named buildings or village groups served by building heads.")
class ServiceArea(Node):
    pk: strawberry.Private[int]
    container_id: strawberry.Private[int]
    name: str
    closed_on: date | None

    @classmethod
    def of(cls, a) -> "ServiceArea":
        return cls(id=to_global_id("ServiceArea", a.id), pk=a.id, container_id=a.container_id, name=a.name, closed_on=a.closed_on)

    @strawberry.field
    async def members(self, info: Info) -> list[TreeNode]:
        container = await info.context.loaders.node.load(self.container_id)
        rows = await info.context.loaders.children.load(container) if container is not None else []
        can_read = info.context.viewer.can_read
        return [tree_node(r) for r in rows if r.service_area_id == self.pk and r.closed_on is None and can_read(r.path)]

    @strawberry.field(description="Households, required and active heads and vacancies of this area.")
    async def rollup(self, info: Info) -> Rollup:
        container = await info.context.loaders.node.load(self.container_id)
        figures = await info.context.loaders.area_rollup.load((self.pk, container.path))
        return Rollup.of(figures)

    @strawberry.field(description="Building heads serving this area now.")
    async def active_building_heads(self, info: Info) -> list[Annotated["BuildingHeadTerm", strawberry.lazy("schema.people")]]:
        from schema.people import BuildingHeadTerm

        can_read = info.context.viewer.can_read
        return [BuildingHeadTerm.of(t) for t in await info.context.loaders.active_terms_by_area.load(self.pk) if can_read(t.path)]


async def _service_areas(info: Info, container_id: int, include_closed: bool) -> list[ServiceArea]:
    rows = await info.context.loaders.areas_by_container.load(container_id)
    can_read = info.context.viewer.can_read
    return [ServiceArea.of(a) for a in rows if (include_closed or a.closed_on is None) and can_read(a.path)]


_CLASSES: dict[NodeKind, type] = {
    NodeKind.DISTRICT: District,
    NodeKind.NEW_TOWN: NewTown,
    NodeKind.SUBDISTRICT: Subdistrict,
    NodeKind.COMMUNITY: Community,
    NodeKind.VILLAGE: Village,
    NodeKind.COMPOUND: Compound,
    NodeKind.VILLAGE_GROUP: VillageGroup,
    NodeKind.BUILDING: Building,
}


_EXTRA_FIELDS: dict[NodeKind, tuple[str, ...]] = {
    NodeKind.SUBDISTRICT: ("subdistrict_kind",),
    NodeKind.COMMUNITY: ("chain", "election_cycle_ends_on"),
    NodeKind.VILLAGE: ("chain", "election_cycle_ends_on"),
}


def tree_node(row: NodeRow) -> TreeNode:
    """The schema object of a node row. Built without the dataclass constructor (a tree walk
    builds tens of thousands): the same attributes the constructor would set, straight in."""
    kind = row.kind
    cls = _CLASSES[kind]
    obj = object.__new__(cls)
    d = obj.__dict__
    d["id"] = to_global_id(TYPE_NAMES[kind], row.id)
    d["row"] = row
    d["kind"] = kind
    d["name"] = row.name
    d["code"] = row.code
    d["address"] = row.address
    d["opened_on"] = row.opened_on
    d["closed_on"] = row.closed_on
    if kind in LEAF_KINDS:
        d["households"] = row.households or 0
    else:
        for f in _EXTRA_FIELDS.get(kind, ()):
            d[f] = getattr(row, f)
    return obj


def _check_tree_node_fields() -> None:
    """Every field of every tree type is set by tree_node (a new field must be added there)."""
    import dataclasses

    for kind, cls in _CLASSES.items():
        wanted = {f.name for f in dataclasses.fields(cls) if f.init}
        given = {"id", "row", "kind", "name", "code", "address", "opened_on", "closed_on",
                 *(("households",) if kind in LEAF_KINDS else _EXTRA_FIELDS.get(kind, ()))}
        if wanted != given:
            raise AssertionError(f"tree_node sets {sorted(given)} for {cls.__name__}, which has {sorted(wanted)}")


_check_tree_node_fields()


# ---- inputs, errors, payloads ------------------------------------------------------


@strawberry.enum
class TreeErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    WRONG_PARENT_KIND = "WRONG_PARENT_KIND"
    CODE_TAKEN = "CODE_TAKEN"
    NEGATIVE_HOUSEHOLDS = "NEGATIVE_HOUSEHOLDS"
    HOUSEHOLDS_NOT_ALLOWED = "HOUSEHOLDS_NOT_ALLOWED"
    HAS_OPEN_CHILDREN = "HAS_OPEN_CHILDREN"
    ALREADY_CLOSED = "ALREADY_CLOSED"
    MOVE_INTO_SELF = "MOVE_INTO_SELF"
    SAME_CHAIN = "SAME_CHAIN"
    OLD_CHAIN_CHILDREN = "OLD_CHAIN_CHILDREN"
    NOT_A_CHAIN_NODE = "NOT_A_CHAIN_NODE"
    NOT_AN_AREA_CONTAINER = "NOT_AN_AREA_CONTAINER"
    NOT_IN_CONTAINER = "NOT_IN_CONTAINER"
    AREA_HAS_HEADS = "AREA_HAS_HEADS"
    INVALID_DATE_ORDER = "INVALID_DATE_ORDER"
    NAME_TAKEN = "NAME_TAKEN"
    ID_NUMBER_TAKEN = "ID_NUMBER_TAKEN"  # a cross-district move meeting a number registered there


@error_codes(TreeErrorCode)
@strawberry.type
class TreeError(UserError):
    code: TreeErrorCode


@strawberry.input
class TreeNodeCreateInput:
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="Omit only when creating a district.")
    kind: NodeKindEnum  # type: ignore[valid-type]
    name: str
    code: str | None = None
    address: str | None = None
    subdistrict_kind: SubdistrictKindEnum | None = None  # type: ignore[valid-type]
    households: int | None = None
    election_cycle_ends_on: date | None = None
    opened_on: date | None = None


@strawberry.input
class TreeNodeUpdateInput:
    id: strawberry.ID
    name: str | None = None
    code: str | None = None
    address: str | None = None
    subdistrict_kind: SubdistrictKindEnum | None = None  # type: ignore[valid-type]
    households: int | None = None
    election_cycle_ends_on: date | None = None


@strawberry.type
class TreeNodePayload:
    node: TreeNode | None = None
    errors: list[TreeError] = strawberry.field(default_factory=list)


@strawberry.input
class ChainChangeInput:
    id: strawberry.ID
    chain: ChainEnum  # type: ignore[valid-type]
    effective_on: date
    reason: str
    close_children: bool = False


@strawberry.input
class ServiceAreaInput:
    container_id: strawberry.ID
    name: str
    member_ids: list[strawberry.ID]


@strawberry.type
class ServiceAreaPayload:
    service_area: ServiceArea | None = None
    errors: list[TreeError] = strawberry.field(default_factory=list)


@strawberry.enum
class TreeImportErrorCode(Enum):
    REQUIRED = "REQUIRED"
    UNKNOWN_KIND = "UNKNOWN_KIND"
    DUPLICATE_CODE = "DUPLICATE_CODE"
    CODE_EXISTS = "CODE_EXISTS"
    PARENT_NOT_FOUND = "PARENT_NOT_FOUND"
    PARENT_CANNOT_HOLD = "PARENT_CANNOT_HOLD"
    HOUSEHOLDS_INVALID = "HOUSEHOLDS_INVALID"
    HOUSEHOLDS_NOT_ALLOWED = "HOUSEHOLDS_NOT_ALLOWED"
    NAME_TOO_LONG = "NAME_TOO_LONG"
    CYCLE = "CYCLE"
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
    NAME_TAKEN = "NAME_TAKEN"


@error_codes(TreeImportErrorCode)
@strawberry.type
class TreeImportError(UserError):
    code: TreeImportErrorCode
    row: int | None = strawberry.field(default=None, description="Spreadsheet row number (the header is row 1).")
    column: str | None = None


TreeImportError._extra_fields = ("row", "column")  # type: ignore[attr-defined]


@strawberry.type
class TreeImportPayload:
    created: int = 0
    nodes: list[TreeNode] = strawberry.field(default_factory=list)
    errors: list[TreeImportError] = strawberry.field(default_factory=list)
