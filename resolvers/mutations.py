"""One way every mutation runs: in a transaction, audited, with typed payload errors.

A resolver hands ``run`` an async body that returns the payload's result fields.
A ``Problem`` (or ``Problems``) raised anywhere inside rolls the transaction back,
so nothing half-written is left behind, and becomes the payload's ``errors``.
"""
from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.audit import AuditEntry
from resolvers.context import SHANGHAI, Context
from resolvers.errors import Problem, Problems
from schema.messages import render

P = TypeVar("P")
log = logging.getLogger("grassroots.changes")
PUBLISH_TIMEOUT = 2.0  # seconds: an unreachable Redis must not hold the answer to a committed mutation


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


async def audit(
    ctx: Context,
    action: str,
    object_type: str,
    object_id: int | None,
    path: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    live: bool = True,
) -> None:
    """Record a mutation in the audit log (same transaction) and, unless ``live`` is off,
    queue it for the subscribers of its subtree (published after the commit)."""
    v = ctx.viewer
    if live:
        ctx.changes.append({"action": action, "object_type": object_type, "object_id": object_id, "path": path,
                            "actor": v.label})
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


def to_error(error_type: Callable[..., Any], problem: Problem, locale: str) -> Any:
    if locale == "en" and problem.en:
        message = problem.en
    elif locale != "en" and problem.zh:
        message = problem.zh
    else:
        message = render(problem.code, locale, problem.params)
    codes = getattr(error_type, "_codes", None)
    code = codes(problem.code) if codes is not None else problem.code
    extra = {k: v for k, v in problem.params.items() if k in getattr(error_type, "_extra_fields", ())}
    return error_type(code=code, field=problem.field, message=message, **extra)


async def run(
    ctx: Context,
    payload: Callable[..., P],
    error_type: Callable[..., Any],
    body: Callable[[], Awaitable[dict[str, Any]]],
    *,
    integrity: Callable[[IntegrityError], Problem] | None = None,
) -> P:
    ctx.changes.clear()
    try:
        async with in_transaction():
            result = await body()
    except Problems as many:
        return payload(errors=[to_error(error_type, p, ctx.locale) for p in many.problems])
    except Problem as one:
        return payload(errors=[to_error(error_type, one, ctx.locale)])
    except IntegrityError as exc:
        if integrity is None:
            raise
        return payload(errors=[to_error(error_type, integrity(exc), ctx.locale)])
    await publish_changes(ctx)
    return payload(errors=[], **result)


async def publish_changes(ctx: Context) -> None:
    """After the commit (never before: a subscriber must find what it is told about). The change
    is committed whatever happens here, so a Redis fault never fails the request: it is logged
    (with the error) and live subscribers miss that change."""
    changes = list(ctx.changes)
    ctx.changes.clear()
    if ctx.broadcaster is None or not changes:
        return
    now = datetime.now(SHANGHAI).isoformat()
    try:
        await asyncio.wait_for(ctx.broadcaster.publish([{**c, "at": now} for c in changes]), PUBLISH_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - Redis down, slow or restarting
        log.warning("live changes not published (%s: %s): %s", type(exc).__name__, exc,
                    ", ".join(f"{c['action']} {c['object_type']} {c['object_id']}" for c in changes))
