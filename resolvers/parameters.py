"""Policy parameters: "the value in force for this node on this date" (docs/policy.md §12)."""
from __future__ import annotations

from datetime import date

from models.parameters import PolicyParameter
from policy import parameters as params
from resolvers.rows import ancestor_ids


async def parameter_rows_for(path: str) -> list[params.ParameterRow]:
    ids = ancestor_ids(path)
    rows = await PolicyParameter.filter(node_id__in=ids).values("node_id", "key", "value", "effective_from")
    return [params.ParameterRow(r["node_id"], r["key"], r["value"], r["effective_from"]) for r in rows]


async def parameters_in_force(path: str, on: date) -> dict[str, int | object]:
    """Every parameter's value in force at the node with ``path`` on ``on`` (one query)."""
    rows = await parameter_rows_for(path)
    return params.values_in_force(list(reversed(ancestor_ids(path))), rows, on)
