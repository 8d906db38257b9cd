"""Plain rows handed to the schema (not model instances: tortoise models are awaitable,
which makes graphql-core wrap every one in a task)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from policy.kinds import Chain, NodeKind, SubdistrictKind


@dataclass(frozen=True)
class NodeRow:
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


NODE_FIELDS = [f.name for f in fields(NodeRow)]


def node_row(values: dict[str, Any]) -> NodeRow:
    v = dict(values)
    v["kind"] = NodeKind(v["kind"])
    if v.get("subdistrict_kind") is not None:
        v["subdistrict_kind"] = SubdistrictKind(v["subdistrict_kind"])
    if v.get("chain") is not None:
        v["chain"] = Chain(v["chain"])
    return NodeRow(**{k: v.get(k) for k in NODE_FIELDS})


def ancestor_ids(path: str) -> list[int]:
    """Ids on a path, root first: "/1/4/9/" → [1, 4, 9]."""
    return [int(p) for p in path.split("/") if p]
