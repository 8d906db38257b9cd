"""The workstation's ledger (台账, docs/policy.md §6 "Information reporting"): one chronological
view of its meetings, concerns, requests, work orders, inspections, household visits and incidents.

Order: business date descending, then kind (``KINDS`` order), then id descending. Keyset
pagination in SQL: the cursor is the last entry's (date, kind rank, id); every kind's subquery
walks its own index (workstation_id, date, id) from the cursor, ``ORDER BY date DESC, id DESC
LIMIT n + 1``, and one final ORDER BY / LIMIT merges them. A page costs the same whatever its
number. Summaries carry no personal data (no resident names or phones, no door numbers)."""
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.workstations import Workstation
from policy.access import Capability
from resolvers import sql
from resolvers.scope import obtain
from resolvers.viewer import Viewer

# kind → (rank, table, date column, extra condition, title SQL (alias t: the record, n: its building))
KINDS: dict[str, tuple[int, str, str, str, str]] = {
    "MEETING": (0, "meeting", "held_on", "", "t.kind"),
    "CONCERN": (1, "concern", "raised_on", "", "t.title"),
    "REQUEST": (2, "resident_request", "raised_on", "AND t.channel <> 'HOTLINE'", "t.title"),
    "WORK_ORDER": (3, "resident_request", "raised_on", "AND t.channel = 'HOTLINE'",
                   "COALESCE(t.ticket_number, '') || ' ' || t.title"),
    "INSPECTION": (4, "inspection", "inspected_on", "", "n.name"),
    "VISIT": (5, "household_visit", "visited_on", "", "n.name"),
    "INCIDENT": (6, "incident", "reported_on", "", "t.title"),
}
BY_RANK = {v[0]: k for k, v in KINDS.items()}
# the joins giving a title its building's name (inspections: the building; visits: the household's)
_JOINS = {
    "INSPECTION": "JOIN node n ON n.id = t.building_id",
    "VISIT": "JOIN household h ON h.id = t.household_id JOIN node n ON n.id = h.building_id",
}
MEETING_TITLES = {"WORKSTATION": "工作站例会", "BUILDING_HEADS": "楼栋长例会"}


@dataclass(frozen=True)
class LedgerEntry:
    kind: str
    on: date
    id: int
    title: str

    @property
    def rank(self) -> int:
        return KINDS[self.kind][0]


@dataclass(frozen=True)
class LedgerPage:
    entries: list[LedgerEntry]
    has_next_page: bool


class BadCursor(ValueError):
    pass


def encode_cursor(e: LedgerEntry) -> str:
    return base64.urlsafe_b64encode(f"l:{e.on.isoformat()}:{e.rank}:{e.id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[date, int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        m = re.fullmatch(r"l:([0-9]{4}-[0-9]{2}-[0-9]{2}):([0-6]):([1-9][0-9]{0,9})", raw)
        if not m:
            raise ValueError
        return date.fromisoformat(m.group(1)), int(m.group(2)), int(m.group(3))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor("invalid cursor") from None


def _title(kind: str, raw: Any) -> str:
    text = str(raw or "").strip()
    if kind == "MEETING":
        return MEETING_TITLES.get(text, text)
    if kind == "INSPECTION":
        return f"{text} 楼栋巡查"
    if kind == "VISIT":
        return f"{text} 入户走访"
    return text


def ledger_sql(kinds: Sequence[str], *, bounded_from: bool, bounded_to: bool,
               cursor: tuple[date, int, int] | None, sqlite: bool) -> str:
    """The statement: one subquery per kind, then the merge. Placeholders in order: per kind
    workstation, [from], [to], [cursor date, [cursor id]], limit; then the final limit."""
    parts: list[str] = []
    n = 0

    def ph() -> str:
        nonlocal n
        n += 1
        return f"${n}"

    for kind in kinds:
        rank, table, col, extra, title = KINDS[kind]
        where = [f"t.workstation_id = {ph()}"]
        if bounded_from:
            where.append(f"t.{col} >= {ph()}")
        if bounded_to:
            where.append(f"t.{col} <= {ph()}")
        if cursor is not None:
            c_rank = cursor[1]
            if rank < c_rank:
                where.append(f"t.{col} < {ph()}")
            elif rank > c_rank:
                where.append(f"t.{col} <= {ph()}")
            else:
                d, i = ph(), ph()
                where.append(f"(t.{col}, t.id) < ({d}, {i})")
        parts.append(
            f"SELECT * FROM (SELECT t.{col} AS d, {rank} AS r, t.id AS id, {title} AS title "
            f"FROM {table} t {_JOINS.get(kind, '')} WHERE {' AND '.join(where)} {extra} "
            f"ORDER BY t.{col} DESC, t.id DESC LIMIT {ph()}) AS k{rank}"
        )
    return " UNION ALL ".join(parts) + f" ORDER BY d DESC, r, id DESC LIMIT {ph()}"


def ledger_args(kinds: Sequence[str], workstation_id: int, from_: date | None, to: date | None,
                cursor: tuple[date, int, int] | None, limit: int, sqlite: bool) -> list[Any]:
    def d(v: date) -> Any:
        return v.isoformat() if sqlite else v

    args: list[Any] = []
    for kind in kinds:
        rank = KINDS[kind][0]
        args.append(workstation_id)
        if from_ is not None:
            args.append(d(from_))
        if to is not None:
            args.append(d(to))
        if cursor is not None:
            args.append(d(cursor[0]))
            if rank == cursor[1]:
                args.append(cursor[2])
        args.append(limit)
    args.append(limit)
    return args


async def read_ledger(workstation_id: int, kinds: Sequence[str], from_: date | None, to: date | None,
                      first: int, after: tuple[date, int, int] | None) -> LedgerPage:
    """The page (no scope check: for callers that checked, and the benchmark)."""
    kinds = [k for k in KINDS if k in set(kinds)]  # rank order, once each
    if not kinds or first <= 0 or (from_ is not None and to is not None and from_ > to):
        return LedgerPage([], False)
    sqlite = sql.is_sqlite()
    statement = ledger_sql(kinds, bounded_from=from_ is not None, bounded_to=to is not None, cursor=after, sqlite=sqlite)
    rows = await sql.fetch(statement, *ledger_args(kinds, workstation_id, from_, to, after, first + 1, sqlite))
    entries = []
    for row in rows[:first]:
        kind = BY_RANK[int(row["r"])]
        entries.append(LedgerEntry(kind, sql.as_date(row["d"]), int(row["id"]), _title(kind, row["title"])))
    return LedgerPage(entries, len(rows) > first)


async def ledger(caller: Viewer, workstation_id: int, *, kinds: Sequence[str] | None = None,
                 from_: date | None = None, to: date | None = None, first: int = 20,
                 after: tuple[date, int, int] | None = None) -> LedgerPage:
    """A page of the workstation's ledger: READ on its compound (out of scope is missing)."""
    await obtain(caller, Workstation, workstation_id, Capability.READ)
    return await read_ledger(workstation_id, list(kinds) if kinds else list(KINDS), from_, to, first, after)
