"""Reading the tree: the caller's scope roots, its districts, a search by kind and name."""
from __future__ import annotations

from models.tree import Node
from policy.kinds import NodeKind
from resolvers.batches import load_node_rows
from resolvers.rows import NODE_FIELDS, NodeRow, node_row
from resolvers.viewer import Viewer

MAX_SEARCH_ROWS = 5000  # a search reads at most this many nodes (then pages through them)


async def scope_roots(caller: Viewer) -> list[NodeRow]:
    """The nodes the caller's roles are held at, by id."""
    caller.require_authenticated()
    ids = sorted({g.node_id for g in caller.grants})
    found = await load_node_rows(ids)
    return [found[i] for i in ids if i in found]


async def districts(caller: Viewer) -> list[NodeRow]:
    """The districts within the caller's scope."""
    rows = await Node.filter(caller.scope_q(), kind=NodeKind.DISTRICT).order_by("id").values(*NODE_FIELDS)
    return [node_row(r) for r in rows]


async def tree_nodes(caller: Viewer, *, kind: NodeKind | None = None, name_contains: str | None = None,
                     include_closed: bool = False) -> list[NodeRow]:
    """Nodes within the caller's scope, by id, of one ``kind`` and/or whose name contains
    ``name_contains`` (its length checked by the caller), open ones unless ``include_closed``."""
    caller.require_authenticated()
    q = Node.filter(caller.scope_q())
    if kind is not None:
        q = q.filter(kind=kind)
    if name_contains:
        q = q.filter(name__contains=name_contains)
    if not include_closed:
        q = q.filter(closed_on__isnull=True)
    rows = await q.order_by("id").limit(MAX_SEARCH_ROWS).values(*NODE_FIELDS)
    return [node_row(r) for r in rows]
