"""Live changes, published once their transaction has committed.

The operations do not know where changes go: the entry point (the web request, the worker)
says so with ``use_publisher`` (a Redis pub/sub ``Broadcaster`` in both the embedded and the
production mode). A publish never fails the operation — the change is already committed —
so a Redis fault is logged and live subscribers miss that change."""
from __future__ import annotations

import asyncio
import contextvars
import logging
from typing import Any, Protocol

from resolvers.clock import now

log = logging.getLogger("grassroots.changes")
PUBLISH_TIMEOUT = 2.0  # seconds: an unreachable Redis must not hold the answer to a committed change


class Publisher(Protocol):
    async def publish(self, messages: list[dict[str, Any]]) -> None: ...


_publisher: contextvars.ContextVar[Publisher | None] = contextvars.ContextVar("publisher", default=None)


def use_publisher(publisher: Publisher | None) -> contextvars.Token:
    """Where the changes of this task (and the tasks it starts) go."""
    return _publisher.set(publisher)


async def publish(changes: list[dict[str, Any]]) -> None:
    publisher = _publisher.get()
    if publisher is None or not changes:
        return
    at = now().isoformat()
    try:
        await asyncio.wait_for(publisher.publish([{**c, "at": at} for c in changes]), PUBLISH_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - Redis down, slow or restarting
        log.warning("live changes not published (%s: %s): %s", type(exc).__name__, exc,
                    ", ".join(f"{c['action']} {c['object_type']} {c['object_id']}" for c in changes))
