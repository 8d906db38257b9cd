"""The building heads' duties and their monthly figures (docs/policy.md §6, §8). Pure.

Decisions where the policy is silent:
- A week (Monday to Sunday) belongs to the month of its Monday: a month has four or five
  weeks. A head "served" a week when their term covers at least one day of it.
- Inspections: the duty is one a week, so a month's figure is the weeks served that had at
  least one inspection, against the weeks served (inspections dated in those weeks).
- Visits: every household of the area once a month; the figure is the households of the area
  visited at least once in the month (while serving) against the households of the area.
- Meetings: building heads' meetings held in the month while the head served, against those
  the head attended (PRESENT).
- Requests and work orders handled: resolved in the month by the head's area; satisfaction is
  the average of the residents' marks (1–5) on those, when any was given.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum


class FindingKind(str, Enum):
    HYGIENE = "HYGIENE"  # 环境卫生
    SAFETY_HAZARD = "SAFETY_HAZARD"  # 安全隐患
    RULE_BREACH = "RULE_BREACH"  # 违反管理规约
    PROPERTY_FAILING = "PROPERTY_FAILING"  # 物业服务不到位


class FindingStatus(str, Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class VulnerableCategory(str, Enum):
    LOW_INCOME = "LOW_INCOME"  # 低保户
    DISABLED = "DISABLED"  # 残疾人
    ELDERLY_ALONE = "ELDERLY_ALONE"  # 独居老人
    CHILD_IN_DIFFICULTY = "CHILD_IN_DIFFICULTY"  # 困境儿童


def finding_status(kind: FindingKind) -> FindingStatus:
    """A safety hazard stays open until closed by a follow-up; the other findings are recorded closed."""
    return FindingStatus.OPEN if kind == FindingKind.SAFETY_HAZARD else FindingStatus.CLOSED


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def weeks_of_month(year: int, month: int) -> list[date]:
    """The Mondays falling in the month: its weeks (four or five)."""
    first, last = month_bounds(year, month)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    out = []
    while monday <= last:
        out.append(monday)
        monday += timedelta(days=7)
    return out


def served_interval(starts_on: date, ended_on: date | None, year: int, month: int) -> tuple[date, date] | None:
    """The days of the month a term covers (both ends counted), or None."""
    first, last = month_bounds(year, month)
    lo, hi = max(first, starts_on), min(last, ended_on) if ended_on else last
    return (lo, hi) if lo <= hi else None


def weeks_served(starts_on: date, ended_on: date | None, year: int, month: int) -> list[date]:
    """The month's weeks (Mondays) in which the term covers at least one day."""
    end = ended_on or date.max
    return [m for m in weeks_of_month(year, month) if starts_on <= m + timedelta(days=6) and m <= end]


@dataclass(frozen=True)
class DutyFigures:
    weeks_served: int
    weeks_inspected: int
    inspections: int
    households: int
    households_visited: int
    meetings_held: int
    meetings_attended: int
    requests_handled: int
    work_orders_handled: int
    satisfaction_marks: int
    satisfaction_total: int

    @property
    def average_satisfaction(self) -> Decimal | None:
        if not self.satisfaction_marks:
            return None
        return (Decimal(self.satisfaction_total) / self.satisfaction_marks).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def __add__(self, other: "DutyFigures") -> "DutyFigures":
        return DutyFigures(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple())))

    def as_tuple(self) -> tuple[int, ...]:
        return (self.weeks_served, self.weeks_inspected, self.inspections, self.households, self.households_visited,
                self.meetings_held, self.meetings_attended, self.requests_handled, self.work_orders_handled,
                self.satisfaction_marks, self.satisfaction_total)


ZERO = DutyFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def inspection_figures(weeks: list[date], inspection_dates: list[date]) -> tuple[int, int]:
    """(weeks with at least one inspection, inspections) for the weeks served."""
    wanted = set(weeks)
    counted = [d - timedelta(days=d.weekday()) for d in inspection_dates]
    counted = [m for m in counted if m in wanted]
    return len(set(counted)), len(counted)
