"""Plain rows handed to the schema (not model instances: tortoise models are awaitable,
which makes graphql-core wrap every one in a task). A node row is a named tuple: a large tree
walk builds tens of thousands of them, and a tuple is built several times faster than a
(frozen) dataclass."""
from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from policy.kinds import Chain, NodeKind, SubdistrictKind
from resolvers.sql import as_date


class NodeRow(NamedTuple):
    id: int
    kind: NodeKind
    name: str
    code: str | None
    district_id: int | None
    parent_id: int | None
    path: str
    depth: int
    subdistrict_kind: SubdistrictKind | None
    chain: Chain | None
    households: int | None
    address: str | None
    election_cycle_ends_on: date | None
    service_area_id: int | None
    opened_on: date | None
    closed_on: date | None


NODE_FIELDS = list(NodeRow._fields)
#: the node table's columns in NodeRow's order, for hand-written SQL (resolvers/sql.py)
NODE_COLUMNS = ", ".join(NODE_FIELDS)

_KINDS = {k.value: k for k in NodeKind} | {k: k for k in NodeKind}
_SUBDISTRICT_KINDS = {k.value: k for k in SubdistrictKind} | {k: k for k in SubdistrictKind} | {None: None}
_CHAINS = {c.value: c for c in Chain} | {c: c for c in Chain} | {None: None}


def _date(value: Any) -> date | None:
    return value if value is None or type(value) is date else as_date(value)


def node_row(v: dict[str, Any]) -> NodeRow:
    """A row from the ORM's ``.values(*NODE_FIELDS)``, a model's fields or hand-written SQL
    (``NODE_COLUMNS``; on SQLite its dates arrive as text)."""
    return NodeRow(
        v["id"], _KINDS[v["kind"]], v["name"], v["code"], v["district_id"], v["parent_id"], v["path"], v["depth"],
        _SUBDISTRICT_KINDS[v["subdistrict_kind"]], _CHAINS[v["chain"]], v["households"], v["address"],
        _date(v["election_cycle_ends_on"]), v["service_area_id"], _date(v["opened_on"]), _date(v["closed_on"]),
    )


def node_rows(records: Any) -> list[NodeRow]:
    """Rows of ``SELECT NODE_COLUMNS …`` (records indexed by position) in bulk: a tree walk reads
    tens of thousands, so each is built straight from the record (dates converted only where
    the driver returns text, as SQLite's does)."""
    new, kinds, sub, chains = tuple.__new__, _KINDS, _SUBDISTRICT_KINDS, _CHAINS
    out = [new(NodeRow, (r[0], kinds[r[1]], r[2], r[3], r[4], r[5], r[6], r[7], sub[r[8]], chains[r[9]], r[10],
                         r[11], r[12], r[13], r[14], r[15])) for r in records]
    if out and any(type(v) is str for r in out for v in (r[12], r[14], r[15])):
        out = [r._replace(election_cycle_ends_on=_date(r[12]), opened_on=_date(r[14]), closed_on=_date(r[15]))
               for r in out]
    return out


def ancestor_ids(path: str) -> list[int]:
    """Ids on a path, root first: "/1/4/9/" → [1, 4, 9]."""
    return [int(p) for p in path.split("/") if p]
