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


def ancestor_ids(path: str) -> list[int]:
    """Ids on a path, root first: "/1/4/9/" → [1, 4, 9]."""
    return [int(p) for p in path.split("/") if p]
