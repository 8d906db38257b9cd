"""GraphQL of the runs domain (docs/policy.md §8–§10): types, RunQuery and RunMutation mixins."""
from __future__ import annotations

import strawberry

TYPES: list[type] = []  # concrete Node types of this module, added to the schema


@strawberry.type
class RunQuery:
    pass


@strawberry.type
class RunMutation:
    pass
