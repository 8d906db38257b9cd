"""Live changes pushed to subscribers (station heads watching their compound, offices their subtree)."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from resolvers import changes
from resolvers.errors import Denied, Unauthenticated
from schema.nodes import decode
from schema.tree import TREE_TYPES

# A quiet stream re-checks its credential this often; a busy one before every message it sends.
RECHECK_SECONDS = 30.0


@strawberry.type(description="A change just committed within the watched subtree: what was done, to what, by whom.")
class Change:
    action: str = strawberry.field(description="The mutation, e.g. applicationNoticePost, stationHeadAppoint.")
    object_type: str
    object_id: str | None = strawberry.field(description="The changed object's database id (look it up with the matching query).")
    actor: str
    at: datetime


@strawberry.type
class Subscription:
    @strawberry.subscription(description=(
        "Every change committed within the subtree of a node in your scope — e.g. a station head watching "
        "their compound sees appointments, set-up dates, applications, objections and terms as they happen. "
        "The stream ends with an UNAUTHENTICATED error once its credential is revoked or expires."
    ))
    async def changes(self, info: Info, node_id: strawberry.ID) -> AsyncGenerator[Change, None]:
        ctx = info.context
        node = await changes.watched_node(ctx.viewer, decode(node_id, "nodeId", TREE_TYPES))
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
                if changes.concerns(node.path, viewer, m):
                    yield Change(action=m["action"], object_type=m["object_type"],
                                 object_id=str(m["object_id"]) if m.get("object_id") is not None else None,
                                 actor=m["actor"], at=datetime.fromisoformat(m["at"]))
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await pending
            await stream.aclose()
