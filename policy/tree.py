"""Shape rules of the governance tree (docs/policy.md §3). Pure: no I/O."""
from __future__ import annotations

from policy.kinds import Chain, HeadKind, NodeKind

# Which kinds may hang below which. Community and village children depend on
# the chain the node follows, see ``allowed_child_kinds``.
_FIXED_CHILDREN: dict[NodeKind, frozenset[NodeKind]] = {
    NodeKind.DISTRICT: frozenset({NodeKind.NEW_TOWN}),
    NodeKind.NEW_TOWN: frozenset({NodeKind.SUBDISTRICT}),
    NodeKind.SUBDISTRICT: frozenset({NodeKind.COMMUNITY, NodeKind.VILLAGE}),
    NodeKind.COMPOUND: frozenset({NodeKind.BUILDING}),
    NodeKind.BUILDING: frozenset(),
    NodeKind.VILLAGE_GROUP: frozenset(),
}

CHAIN_NODES = frozenset({NodeKind.COMMUNITY, NodeKind.VILLAGE})
LEAF_KINDS = frozenset({NodeKind.BUILDING, NodeKind.VILLAGE_GROUP})  # carry households
AREA_CONTAINER_KINDS = frozenset({NodeKind.COMPOUND, NodeKind.COMMUNITY, NodeKind.VILLAGE})


def default_chain(kind: NodeKind) -> Chain | None:
    """A community follows the urban chain, a village the rural one, unless changed."""
    if kind == NodeKind.COMMUNITY:
        return Chain.URBAN
    if kind == NodeKind.VILLAGE:
        return Chain.RURAL
    return None


def chain_children(chain: Chain) -> frozenset[NodeKind]:
    return frozenset({NodeKind.COMPOUND}) if chain == Chain.URBAN else frozenset({NodeKind.VILLAGE_GROUP})


def allowed_child_kinds(parent_kind: NodeKind, parent_chain: Chain | None = None) -> frozenset[NodeKind]:
    if parent_kind in CHAIN_NODES:
        return chain_children(parent_chain or default_chain(parent_kind))  # type: ignore[arg-type]
    return _FIXED_CHILDREN[parent_kind]


def can_hold(parent_kind: NodeKind, parent_chain: Chain | None, child_kind: NodeKind) -> bool:
    return child_kind in allowed_child_kinds(parent_kind, parent_chain)


def is_area_container(kind: NodeKind, chain: Chain | None) -> bool:
    """Where service areas (seats) live: a compound, or a community/village on the rural chain."""
    if kind == NodeKind.COMPOUND:
        return True
    return kind in CHAIN_NODES and chain == Chain.RURAL


def workstation_name(compound_name: str) -> str:
    """Official name of a compound's workstation (§3.3.2): "<compound>小区网格工作站"."""
    base = compound_name.strip()
    if base.endswith("小区"):
        base = base[: -len("小区")]
    return f"{base}小区网格工作站"


def head_kind(container_kind: NodeKind, container_chain: Chain | None) -> HeadKind:
    """A head serving village groups (a rural-chain community or village) is a group leader,
    treated exactly like a building head (§4, last paragraphs); otherwise a building head."""
    if container_kind != NodeKind.COMPOUND and container_chain == Chain.RURAL:
        return HeadKind.GROUP_LEADER
    return HeadKind.BUILDING_HEAD
