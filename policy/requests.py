"""Resident requests, 12345 work orders and emergencies reported level by level (docs/policy.md §6). Pure."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
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


# ---------------------------------------------------------------- personal data of a request

def mask_name(name: str) -> str:
    """A resident's name for a reader without PERSON_PII: the family name kept, the rest starred
    ("张三" → "张*", "欧阳娜娜" → "欧***"); a one-character name is starred whole."""
    text = name.strip()
    if len(text) <= 1:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 1)


# ---------------------------------------------------------------- handling a request

@dataclass(frozen=True)
class RequestFailure:
    """A rule a request update breaks: the error code, the input field and the message's params."""

    code: str
    field: str
    params: tuple[tuple[str, object], ...] = ()


SATISFACTION_MIN, SATISFACTION_MAX = 1, 5


def update_failures(
    *,
    was: RequestStatus,
    status: RequestStatus,
    resolution: str | None,
    raised_on: date,
    resolved_on: date | None,
    satisfaction: int | None,
    satisfaction_given: bool,
    dispute: bool,
    dispute_outcome_given: bool,
) -> list[RequestFailure]:
    """What is wrong with a request once an update is applied (``status`` … the values it would
    have; ``*_given``: the caller sent that field). Empty: the update may be saved."""
    failures: list[RequestFailure] = []
    if was == RequestStatus.RESOLVED and status != RequestStatus.RESOLVED:
        failures.append(RequestFailure("WRONG_STATUS", "status", (("status", was.value),)))
    if status == RequestStatus.RESOLVED and not (resolution or "").strip():
        failures.append(RequestFailure("RESOLUTION_REQUIRED", "resolution"))
    if satisfaction_given and satisfaction is not None:
        if not valid_satisfaction(satisfaction):
            failures.append(RequestFailure("SATISFACTION_OUT_OF_RANGE", "satisfaction", (
                ("value", satisfaction), ("min", SATISFACTION_MIN), ("max", SATISFACTION_MAX))))
        elif status != RequestStatus.RESOLVED:
            failures.append(RequestFailure("SATISFACTION_BEFORE_RESOLVED", "satisfaction"))
    if dispute_outcome_given and not dispute:
        failures.append(RequestFailure("NOT_A_DISPUTE", "disputeOutcome"))
    if resolved_on is not None and resolved_on < raised_on:
        failures.append(RequestFailure("INVALID_DATE_ORDER", "resolvedOn"))
    return failures


# ---------------------------------------------------------------- the ladder of an incident

def ladder(has_workstation: bool) -> tuple[EscalationLevel, ...]:
    """The levels an incident climbs, from where it is first reported to the top."""
    first = first_level(has_workstation)
    return LADDER[LADDER.index(first):]


def level_path(path: str, level: EscalationLevel) -> str:
    """The path of the ancestor of the node at ``path`` that answers at ``level`` (its depth is
    LEVEL_DEPTH[level]; the district is depth 0). ValueError when the node is not that deep."""
    ids = [p for p in path.split("/") if p]
    depth = LEVEL_DEPTH[level]
    if len(ids) <= depth:
        raise ValueError(f"{path!r} has no ancestor at depth {depth}")
    return "/" + "/".join(ids[: depth + 1]) + "/"


def is_overdue(level_due_at: datetime | None, now: datetime) -> bool:
    """Whether a level's time to acknowledge has run out (no due time: acknowledged at the top,
    or closed)."""
    return level_due_at is not None and level_due_at <= now


def passes_over(level: EscalationLevel, level_due_at: datetime | None, now: datetime) -> EscalationLevel | None:
    """The level an unacknowledged incident is passed to now, or None (not due yet, or at the top)."""
    if not is_overdue(level_due_at, now):
        return None
    return next_level(level)
