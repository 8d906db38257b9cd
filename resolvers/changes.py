"""Subscriptions: every committed, audited change within a node's subtree, live."""
from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from policy.access import Capability
from resolvers.tree import node_for
from schema.changes import Change


@strawberry.type
class Subscription:
    @strawberry.subscription(description=(
        "Every change committed within the subtree of a node in your scope — e.g. a station head watching "
        "their compound sees appointments, set-up dates, applications, objections and terms as they happen."
    ))
    async def changes(self, info: Info, node_id: strawberry.ID) -> AsyncGenerator[Change, None]:
        ctx = info.context
        node = await node_for(info, node_id, "nodeId", Capability.READ)
        if ctx.broadcaster is None:
            return
        async for m in ctx.broadcaster.listen(node.path):
            if m["path"].startswith(node.path) and ctx.viewer.can_read(m["path"]):
                yield Change(action=m["action"], object_type=m["object_type"],
                             object_id=str(m["object_id"]) if m.get("object_id") is not None else None,
                             actor=m["actor"], at=datetime.fromisoformat(m["at"]))
