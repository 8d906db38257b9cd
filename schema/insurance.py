"""GraphQL of the insurance domain (docs/policy.md §8–§10): types, InsuranceQuery and InsuranceMutation mixins."""
from __future__ import annotations

import strawberry

TYPES: list[type] = []  # concrete Node types of this module, added to the schema


@strawberry.type
class InsuranceQuery:
    pass


@strawberry.type
class InsuranceMutation:
    pass
