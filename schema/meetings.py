"""GraphQL of the meetings domain (docs/policy.md §6, §7): types, MeetingQuery and MeetingMutation mixins."""
from __future__ import annotations

import strawberry

TYPES: list[type] = []  # concrete Node types of this module, added to the schema


@strawberry.type
class MeetingQuery:
    pass


@strawberry.type
class MeetingMutation:
    pass
