"""Live changes pushed to subscribers (station heads watching their compound, offices their subtree)."""
from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.type(description="A change just committed within the watched subtree: what was done, to what, by whom.")
class Change:
    action: str = strawberry.field(description="The mutation, e.g. applicationNoticePost, stationHeadAppoint.")
    object_type: str
    object_id: str | None = strawberry.field(description="The changed object's database id (look it up with the matching query).")
    actor: str
    at: datetime
