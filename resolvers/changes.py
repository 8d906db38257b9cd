"""Subscriptions: every committed, audited change within a node's subtree, live."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from policy.access import Capability
from resolvers.errors import Denied, Unauthenticated
from resolvers.tree import node_for
from schema.changes import Change

# A quiet stream re-checks its credential this often; a busy one before every message it sends.
RECHECK_SECONDS = 30.0



@strawberry.type
class Subscription:
    @strawberry.subscription(description=(
        "Every change committed within the subtree of a node in your scope — e.g. a station head watching "
        "their compound sees appointments, set-up dates, applications, objections and terms as they happen. "
        "The stream ends with an UNAUTHENTICATED error once its credential is revoked or expires."
    ))
    async def changes(self, info: Info, node_id: strawberry.ID) -> AsyncGenerator[Change, None]:
        ctx = info.context
        node = await node_for(info, node_id, "nodeId", Capability.READ)
        if ctx.broadcaster is None:
            return
        stream = ctx.broadcaster.listen(node.path).__aiter__()
        pending: asyncio.Future | None = None
        try:
            while True:
                if pending is None:
                    pending = asyncio.ensure_future(stream.__anext__())
                done, _ = await asyncio.wait({pending}, timeout=RECHECK_SECONDS)
                try:
                    viewer = await ctx.recheck_websocket()  # the token, the user, the key, the grants
                except Denied:
                    raise Unauthenticated("CREDENTIAL_ENDED") from None
                if not done:
                    continue
                try:
                    m = pending.result()
                except StopAsyncIteration:
                    return
                pending = None
                if m["path"].startswith(node.path) and viewer.can_read(m["path"]):
                    yield Change(action=m["action"], object_type=m["object_type"],
                                 object_id=str(m["object_id"]) if m.get("object_id") is not None else None,
                                 actor=m["actor"], at=datetime.fromisoformat(m["at"]))
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await pending
            await stream.aclose()
