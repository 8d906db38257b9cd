"""Regular meetings and attendance (docs/policy.md §7). Pure.

Weeks run Monday to Sunday in Asia/Shanghai business dates. Each workstation has, every week,
one workstation meeting and one building heads' meeting, planned for the Monday. The first
building heads' meeting of a month (the one planned for the month's first Monday) is the
monthly one: it invites the community police officer serving the community.

Unexcused absences are counted over the building head's current term. When the count reaches
``absence_warning_at`` (2) the station head is warned; when it reaches ``absence_limit`` (3) the
service ends (reason UNEXCUSED_ABSENCES). A correction that takes the count back below a
threshold reverses what it led to (``absence_decisions``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum


class MeetingKind(str, Enum):
    WORKSTATION = "WORKSTATION"  # 工作站例会
    BUILDING_HEADS = "BUILDING_HEADS"  # 楼栋长例会


class AttendanceStatus(str, Enum):
    PRESENT = "PRESENT"
    EXCUSED = "EXCUSED"  # leave asked for
    UNEXCUSED = "UNEXCUSED"


class ConcernStatus(str, Enum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"


class AbsenceActionKind(str, Enum):
    WARNING = "WARNING"  # the station head is warned
    ENDING = "ENDING"  # the building head's service ends


class AttendeeRole(str, Enum):
    STATION_HEAD = "STATION_HEAD"
    BUILDING_HEAD = "BUILDING_HEAD"
    COMMUNITY_POLICE = "COMMUNITY_POLICE"


def week_of(day: date) -> date:
    """The Monday of the week ``day`` is in."""
    return day - timedelta(days=day.weekday())


def is_monthly(kind: MeetingKind, planned_on: date) -> bool:
    """The first building heads' meeting of a month (planned for its first Monday) is the monthly one."""
    return kind == MeetingKind.BUILDING_HEADS and planned_on.day <= 7


def weeks_between(first: date, last: date) -> list[date]:
    """The Mondays of every week from the one holding ``first`` to the one holding ``last``."""
    monday, out = week_of(first), []
    while monday <= last:
        out.append(monday)
        monday += timedelta(days=7)
    return out


@dataclass(frozen=True)
class AbsenceDecision:
    warn: bool = False  # record a warning (none is live)
    end: bool = False  # end the service (no ending is live)
    reverse_warning: bool = False
    reverse_ending: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.warn or self.end or self.reverse_warning or self.reverse_ending)


def absence_decisions(unexcused: int, *, warning_at: int, limit: int, warned: bool, ended: bool) -> AbsenceDecision:
    """What a term's count of unexcused absences (after a recording or a correction) calls for,
    given whether a warning and an ending are live. Idempotent: applying the decision and asking
    again with the same count gives ``nothing``."""
    want_warning = unexcused >= warning_at
    want_ending = unexcused >= limit
    return AbsenceDecision(
        warn=want_warning and not warned,
        end=want_ending and not ended,
        reverse_warning=warned and not want_warning,
        reverse_ending=ended and not want_ending,
    )
