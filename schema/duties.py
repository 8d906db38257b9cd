"""GraphQL of the duties domain (docs/policy.md §6, §7): types, DutyQuery and DutyMutation mixins."""
from __future__ import annotations

import strawberry

TYPES: list[type] = []  # concrete Node types of this module, added to the schema


@strawberry.type
class DutyQuery:
    pass


@strawberry.type
class DutyMutation:
    pass
