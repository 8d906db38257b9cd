"""GraphQL of the requests domain (docs/policy.md §6, §7): types, RequestQuery and RequestMutation mixins."""
from __future__ import annotations

import strawberry

TYPES: list[type] = []  # concrete Node types of this module, added to the schema


@strawberry.type
class RequestQuery:
    pass


@strawberry.type
class RequestMutation:
    pass
