"""The unit of work: one owner of the transaction for every operation, API call or job alike.

    async with unit_of_work(caller) as uow:       # one transaction
        ...                                       # authorise, load, decide (policy/), persist
        await uow.audit("treeNodeCreate", "Node", node.id, node.path, None, snapshot(node))
    # committed; the changes are then published to live subscribers (never failing the caller)

A ``Problem`` (or anything else) raised inside rolls everything back, so nothing half-written is
left behind, and propagates to the caller. An ``IntegrityError`` (a unique index refusing a
write another request won) is rolled back and, with ``integrity=``, turned into the typed
``Problem`` a sequential request would have got. A unit of work opened inside another joins it.
"""
from __future__ import annotations

import contextlib
import contextvars
import enum
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.audit import AuditEntry
from resolvers import events
from resolvers.errors import Problem
from resolvers.viewer import Viewer


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any] | None:
    """A JSON-able picture of a model instance for the audit log."""
    if obj is None:
        return None
    names = fields or [f for f in obj._meta.db_fields]
    return {n: _plain(getattr(obj, n, None)) for n in names}


@dataclass
class UnitOfWork:
    caller: Viewer
    changes: list[dict[str, Any]] = field(default_factory=list)

    async def audit(
        self,
        action: str,
        object_type: str,
        object_id: int | None,
        path: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        *,
        live: bool = True,
        actor: Viewer | None = None,
    ) -> None:
        """Record the change in the audit log (same transaction) and, unless ``live`` is off,
        queue it for the subscribers of its subtree (published after the commit). ``actor``: who
        it is recorded for when that is not the caller (a login is the user who just logged in)."""
        v = actor or self.caller
        if live:
            self.changes.append({"action": action, "object_type": object_type, "object_id": object_id,
                                 "path": path, "actor": v.label})
        await AuditEntry.create(
            actor_user_id=v.user_id,
            actor_api_key_id=v.api_key_id,
            actor_label=v.label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            path=path,
            before=_plain(before) if before is not None else None,
            after=_plain(after) if after is not None else None,
        )


_current: contextvars.ContextVar[UnitOfWork | None] = contextvars.ContextVar("unit_of_work", default=None)


def current() -> UnitOfWork:
    uow = _current.get()
    if uow is None:
        raise RuntimeError("no unit of work is open: call this inside `async with unit_of_work(...)`")
    return uow


@contextlib.asynccontextmanager
async def unit_of_work(
    caller: Viewer, *, integrity: Callable[[IntegrityError], Problem] | None = None
) -> AsyncIterator[UnitOfWork]:
    outer = _current.get()
    if outer is not None:  # an operation called by another joins its transaction
        yield outer
        return
    uow = UnitOfWork(caller)
    token = _current.set(uow)
    try:
        try:
            async with in_transaction():
                yield uow
        except IntegrityError as exc:
            if integrity is None:
                raise
            raise integrity(exc) from None
    finally:
        _current.reset(token)
    await events.publish(uow.changes)


async def audit(_ctx: Any, action: str, object_type: str, object_id: int | None, path: str,
                before: dict[str, Any] | None, after: dict[str, Any] | None, *, live: bool = True) -> None:
    """The open unit of work's ``audit`` (older call sites pass the request context first)."""
    actor = getattr(_ctx, "viewer", None)
    await current().audit(action, object_type, object_id, path, before, after, live=live, actor=actor)
