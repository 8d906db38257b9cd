"""Live changes within a node's subtree: what a watcher may follow and which messages it gets
(the stream itself is the ``changes`` subscription in schema/changes.py)."""
from __future__ import annotations

from typing import Any

from models.tree import Node
from policy.access import Capability
from resolvers.scope import node_in_scope
from resolvers.viewer import Viewer


async def watched_node(caller: Viewer, node_id: int) -> Node:
    """The node whose subtree the caller asks to watch: within its READ scope (else Denied)."""
    return await node_in_scope(caller, node_id, Capability.READ)


def concerns(watched_path: str, caller: Viewer, message: dict[str, Any]) -> bool:
    """Whether a published change belongs to the watched subtree and the caller (its current
    grants) may read it."""
    return message["path"].startswith(watched_path) and caller.can_read(message["path"])
