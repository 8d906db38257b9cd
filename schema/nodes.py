"""Finding objects by global ID, always re-checking the caller's scope."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.types import Info

from resolvers.errors import Denied, Problem
from schema.common import from_global_id

# type name → async (info, pk) → object or None (None also when out of scope)
FETCHERS: dict[str, Callable[[Info, int], Awaitable[Any]]] = {}


def fetcher(*type_names: str):
    def wrap(fn):
        for t in type_names:
            FETCHERS[t] = fn
        return fn

    return wrap


def register(type_name: str, model: Any, to_type: Callable[[Any], Any],
             visible: Callable[[Info, Any], bool] | None = None) -> None:
    """node(id:) for a model with a ``path``: found and within the caller's scope, or null."""

    async def fetch(info: Info, pk: int) -> Any:
        obj = await model.get_or_none(id=pk)
        if obj is None:
            return None
        ok = visible(info, obj) if visible else info.context.viewer.can_read(obj.path)
        return to_type(obj) if ok else None

    FETCHERS[type_name] = fetch


async def resolve_node(info: Info, gid: str) -> Any:
    info.context.viewer.require_authenticated()
    try:
        type_name, pk = from_global_id(gid)
    except ValueError:
        return None
    fetch = FETCHERS.get(type_name)
    return await fetch(info, pk) if fetch else None


def decode(gid: str | None, field: list[str] | str, allowed: tuple[str, ...]) -> int:
    """The primary key inside a global ID of one of the ``allowed`` types, or a payload error."""
    if gid is None:
        raise Problem("REQUIRED", field, label=field if isinstance(field, str) else field[-1])
    try:
        type_name, pk = from_global_id(gid)
    except ValueError:
        raise Problem("NOT_FOUND", field, what=gid) from None
    if type_name not in allowed:
        raise Problem("NOT_FOUND", field, what=gid)
    return pk


__all__ = ["FETCHERS", "fetcher", "resolve_node", "decode", "Denied"]
