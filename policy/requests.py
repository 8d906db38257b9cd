"""Resident requests, 12345 work orders and emergencies reported level by level (docs/policy.md §6). Pure."""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum


class RequestChannel(str, Enum):
    RESIDENT = "RESIDENT"  # raised by a resident
    BUILDING_HEAD = "BUILDING_HEAD"  # recorded by a building head
    HOTLINE = "HOTLINE"  # a 12345 work order


class RequestStatus(str, Enum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"


class DisputeOutcome(str, Enum):
    SETTLED = "SETTLED"  # mediated to an agreement
    NOT_SETTLED = "NOT_SETTLED"
    REFERRED = "REFERRED"  # passed to the community / mediation committee / police


class IncidentStatus(str, Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class EscalationLevel(str, Enum):
    """Building head → station head → community → subdistrict → new town (§3.4.3)."""

    STATION = "STATION"
    COMMUNITY = "COMMUNITY"
    SUBDISTRICT = "SUBDISTRICT"
    NEW_TOWN = "NEW_TOWN"


LADDER = (EscalationLevel.STATION, EscalationLevel.COMMUNITY, EscalationLevel.SUBDISTRICT, EscalationLevel.NEW_TOWN)
# the policy parameter holding each level's time to acknowledge, in minutes
TIMEOUT_PARAMETER = {
    EscalationLevel.STATION: "ack_minutes_station",
    EscalationLevel.COMMUNITY: "ack_minutes_community",
    EscalationLevel.SUBDISTRICT: "ack_minutes_subdistrict",
    EscalationLevel.NEW_TOWN: "ack_minutes_new_town",
}
# the depth of the tree node answering at each level (district 0, new town 1, subdistrict 2,
# community 3, compound 4)
LEVEL_DEPTH = {
    EscalationLevel.NEW_TOWN: 1, EscalationLevel.SUBDISTRICT: 2, EscalationLevel.COMMUNITY: 3,
    EscalationLevel.STATION: 4,
}


def next_level(level: EscalationLevel) -> EscalationLevel | None:
    i = LADDER.index(level)
    return LADDER[i + 1] if i + 1 < len(LADDER) else None


def first_level(has_workstation: bool) -> EscalationLevel:
    """Where a report goes first: the station head, or the community where there is no station
    (a village group on the rural chain)."""
    return EscalationLevel.STATION if has_workstation else EscalationLevel.COMMUNITY


def due_at(reached_at: datetime, minutes: int) -> datetime:
    return reached_at + timedelta(minutes=minutes)


def valid_satisfaction(value: int) -> bool:
    return 1 <= value <= 5
