"""GraphQL of the assessment domain (docs/policy.md §8–§10): types, AssessmentQuery and AssessmentMutation mixins."""
from __future__ import annotations

import strawberry

TYPES: list[type] = []  # concrete Node types of this module, added to the schema


@strawberry.type
class AssessmentQuery:
    pass


@strawberry.type
class AssessmentMutation:
    pass
