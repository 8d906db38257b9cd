"""Loading what an operation acts on, within the caller's scope.

Out of scope is the same as missing: an object the caller cannot read is refused with the same
``Denied`` as one that does not exist, so scope boundaries leak nothing. Operations take primary
keys (``schema/`` decodes global IDs); these helpers load, check READ, then the capability asked."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from tortoise.models import Model

from models.tree import Node
from policy.access import Capability
from policy.kinds import NodeKind
from resolvers.errors import Denied
from resolvers.viewer import Viewer

M = TypeVar("M", bound=Model)


async def obtain(caller: Viewer, model: type[M], pk: int | None, capability: Capability = Capability.READ,
                 *, for_update: bool = False, **filters: Any) -> M:
    """The ``model`` row ``pk`` (it must have a ``path``), readable by the caller and within the
    scope of ``capability``; ``for_update`` locks it until the end of the unit of work."""
    caller.require_authenticated()
    query = model.select_for_update() if for_update else model
    row = await query.get_or_none(id=pk, **filters) if pk is not None else None
    if row is None or not caller.can_read(row.path):
        raise Denied()
    caller.require(capability, row.path)
    return row


async def node_in_scope(caller: Viewer, pk: int | None, capability: Capability = Capability.READ,
                        kinds: Iterable[NodeKind] | None = None, *, for_update: bool = False) -> Node:
    """A tree node by primary key, within the caller's scope for ``capability`` (and of one of
    ``kinds`` when given: a node of another kind is as missing as one out of scope)."""
    node = await obtain(caller, Node, pk, capability, for_update=for_update)
    if kinds is not None and node.kind not in set(kinds):
        raise Denied()
    return node
