"""Row locks for the rules a unique index cannot hold.

A rule that is a count (the seats of a service area) or a state change of one row
(an application's next step, an objection's resolution, a term's end) is checked
after locking the row it is about: on PostgreSQL ``SELECT ... FOR UPDATE`` makes a
concurrent request wait until the first one commits, and its check then sees the
committed state and fails as it would have one request later. SQLite serialises
writers anyway (tortoise drops FOR UPDATE there). Call these inside the mutation's
unit of work only (``resolvers.uow.unit_of_work``).

The "at most one" rules that a unique index can hold are in
models/migrations/0003_integrity.py; ``violates`` tells which one refused a write.
"""
from __future__ import annotations

from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model

M = TypeVar("M", bound=Model)

# index name → (table, columns): how PostgreSQL and SQLite name a refused write
UNIQUE_RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "uq_application_person_campaign": ("application", ("campaign_id", "person_id")),
    "uq_building_head_active": ("building_head", ("person_id", "service_area_id")),
    "uq_building_head_application": ("building_head", ("application_id",)),
    "uq_building_head_renewed_from": ("building_head", ("renewed_from_id",)),
    "uq_head_change_filing_term_change": ("head_change_filing", ("term_id", "change")),
    "uq_staff_role_open": ("staff_role", ("person_id", "kind", "node_id")),
    "uq_node_open_sibling_name": ("node", ("parent_id", "name")),
}


async def locked(model: type[M], **filters: Any) -> M | None:
    """The row, locked until the end of the current transaction (None if missing)."""
    return await model.select_for_update().get_or_none(**filters)


def violates(exc: IntegrityError, rule: str) -> bool:
    """Whether ``exc`` is the refusal of the unique rule ``rule`` (an index name)."""
    text = str(exc)
    if rule in text:  # PostgreSQL names the index
        return True
    table, columns = UNIQUE_RULES[rule]
    return ("UNIQUE constraint failed: " + ", ".join(f"{table}.{c}" for c in columns)) in text  # SQLite names columns
