"""Hand-written SQL for the hot read paths (the tree walk, roll-ups, credentials, node reads).

The ORM's query builder costs more CPU than the database does on these small, frequent reads
(it was half of a ``node(id:)`` request), so the statements here are written once, as text,
and sent through the connection tortoise holds for the current context — inside a unit of work
that is its transaction — and logged by it like every other statement (``tortoise.db_client``).

Placeholders are written ``$1, $2, …`` (PostgreSQL's), each used once and in order; on SQLite they
become ``?``. A list of ids is one ``= ANY($n)`` array parameter on PostgreSQL and expanded
placeholders on SQLite (``in_ids``). Values come back as the driver returns them: on SQLite
dates are ISO strings (``as_date``) and booleans integers.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from tortoise import connections

_PLACEHOLDER = re.compile(r"\$\d+")


def client() -> Any:
    return connections.get("default")


def is_sqlite(conn: Any | None = None) -> bool:
    return (conn or client()).capabilities.dialect == "sqlite"


async def fetch(sql: str, *args: Any) -> Sequence[Any]:
    """Rows of one statement, as the driver's records (read by column name: ``row["id"]``)."""
    conn = client()
    if conn.capabilities.dialect == "sqlite":
        sql = _PLACEHOLDER.sub("?", sql)
        flat: list[Any] = []
        for a in args:
            flat.extend(a.values if isinstance(a, _Ids) else (a,))
        return (await conn.execute_query(sql, flat))[1]
    return (await conn.execute_query(sql, [list(a.values) if isinstance(a, _Ids) else a for a in args]))[1]


class _Ids:
    __slots__ = ("values",)

    def __init__(self, values: Sequence[int]) -> None:
        self.values = list(values)


def in_ids(column: str, n: int, ids: Sequence[int]) -> tuple[str, _Ids]:
    """``column`` in ``ids`` as the SQL text for placeholder ``$n`` and its argument: one array
    parameter on PostgreSQL (one statement text whatever the number of ids), one placeholder
    per id on SQLite (``fetch`` expands the argument)."""
    if is_sqlite():
        marks = ", ".join("$0" for _ in ids) or "NULL"
        return f"{column} IN ({marks})", _Ids(ids)
    return f"{column} = ANY(${n}::bigint[])", _Ids(ids)


def as_date(value: Any) -> date | None:
    """A DATE column's value on either backend."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime | None:
    """A timestamp column's value on either backend (SQLite keeps ISO text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def like_prefix(prefix: str) -> str:
    """The LIKE pattern of every path under ``prefix`` (paths hold only digits and '/')."""
    if not re.fullmatch(r"[0-9/]+", prefix):
        raise ValueError(f"not a tree path: {prefix!r}")
    return prefix + "%"
