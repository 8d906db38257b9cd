"""GraphQL of the ledger domain (docs/policy.md §6, §7): types, LedgerQuery and LedgerMutation mixins."""
from __future__ import annotations

import strawberry

TYPES: list[type] = []  # concrete Node types of this module, added to the schema


@strawberry.type
class LedgerQuery:
    pass


@strawberry.type
class LedgerMutation:
    pass
