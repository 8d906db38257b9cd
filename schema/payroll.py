"""GraphQL of the payroll domain (docs/policy.md §8–§10): types, PayrollQuery and PayrollMutation mixins."""
from __future__ import annotations

import strawberry

TYPES: list[type] = []  # concrete Node types of this module, added to the schema


@strawberry.type
class PayrollQuery:
    pass


@strawberry.type
class PayrollMutation:
    pass
