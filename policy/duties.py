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


# ---------------------------------------------------------------- monthly duty figures of a term
# Decisions for the figures (dutyFigures), in addition to those of the module docstring:
# - The month is given as "YYYY-MM" (``parse_month``).
# - Households of an area: the Household records of the buildings now in the service area
#   (Node.service_area_id) not closed by the end of the month (closed_on NULL or after it).
# - Households visited: of those, the ones the head (HouseholdVisit.term_id = the term) visited
#   at least once on a day of the month the term covers.
# - Meetings held: the building heads' meetings of the compound's workstation whose attendance was
#   recorded (attendance_recorded_at set: a planned meeting nobody recorded was not held), dated
#   (held_on) on a day of the month the term covers; attended: those where the head's attendance
#   is PRESENT.
# - Requests (channel RESIDENT or BUILDING_HEAD) and work orders (channel HOTLINE) handled:
#   RESOLVED, resolved_on on a day of the month the term covers, and either recorded as handled by
#   the term (handled_by_term_id), or recorded without a handling term and routed to the term's
#   service area (service_area_id): the area's head on the day it was resolved handled it. A
#   request recorded as handled by another term never counts for this one.
# - Satisfaction: the residents' marks (1-5) on those requests and work orders.
# - The compound total adds the heads' figures, except the households and the households visited,
#   which count each household once (an area whose head changed in the month has two heads).


def parse_month(text: str) -> tuple[int, int]:
    """"2026-03" → (2026, 3); ValueError for anything else."""
    import re

    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text.strip() if isinstance(text, str) else "")
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise ValueError(f"not a month: {text!r}")
    return int(m.group(1)), int(m.group(2))


def month_span(year: int, month: int) -> tuple[date, date]:
    """The days whose records can count for the month: from its first day to the Sunday of its
    last week (a week starting on the 30th runs into the next month and belongs to this one)."""
    first, last = month_bounds(year, month)
    weeks = weeks_of_month(year, month)
    return first, max(last, weeks[-1] + timedelta(days=6)) if weeks else last


@dataclass(frozen=True)
class HandledRequest:
    """A resolved request or work order, as the figures need it."""

    channel: str  # policy.requests.RequestChannel value
    resolved_on: date
    handled_by_term_id: int | None
    service_area_id: int | None
    satisfaction: int | None


def request_counts_for(r: HandledRequest, term_id: int, service_area_id: int, served: tuple[date, date]) -> bool:
    """Whether a resolved request counts for the term (see the decisions above)."""
    if not served[0] <= r.resolved_on <= served[1]:
        return False
    if r.handled_by_term_id is not None:
        return r.handled_by_term_id == term_id
    return r.service_area_id == service_area_id


def term_figures(
    *, term_id: int, service_area_id: int, starts_on: date, ended_on: date | None, year: int, month: int,
    inspection_dates: list[date], households: set[int], visits: list[tuple[int, date]],
    meetings: list[tuple[int, date]], attended: set[int], requests: list[HandledRequest],
) -> tuple[DutyFigures, set[int]]:
    """A term's figures for the month, and the households it visited: ``inspection_dates`` and
    ``visits`` (household id, date) are the term's own records, ``households`` the open
    households of its area, ``meetings`` (id, held_on) the workstation's building heads'
    meetings held, ``attended`` the meetings where the head was PRESENT, ``requests`` the
    resolved requests that may count."""
    served = served_interval(starts_on, ended_on, year, month)
    if served is None:
        return ZERO, set()
    weeks = weeks_served(starts_on, ended_on, year, month)
    weeks_inspected, inspections = inspection_figures(weeks, inspection_dates)
    visited = {h for h, d in visits if h in households and served[0] <= d <= served[1]}
    held = {m for m, d in meetings if served[0] <= d <= served[1]}
    mine = [r for r in requests if request_counts_for(r, term_id, service_area_id, served)]
    marks = [r.satisfaction for r in mine if r.satisfaction is not None]
    return DutyFigures(
        weeks_served=len(weeks), weeks_inspected=weeks_inspected, inspections=inspections,
        households=len(households), households_visited=len(visited),
        meetings_held=len(held), meetings_attended=len(held & attended),
        requests_handled=sum(1 for r in mine if r.channel != "HOTLINE"),
        work_orders_handled=sum(1 for r in mine if r.channel == "HOTLINE"),
        satisfaction_marks=len(marks), satisfaction_total=sum(marks),
    ), visited


# ---------------------------------------------------------------- the public notice boards
# What a board shows of the people on it (docs/policy.md §4 "Notice boards", §6): fixed texts.
STATION_HEAD_DUTIES = (
    "负责工作站日常运行",
    "主持工作站例会和楼栋长例会",
    "向社区居委会报告工作",
    "管理和考核楼栋长，定期报告其履职情况",
)
BUILDING_HEAD_DUTIES = (
    "每周至少巡查一次楼栋（环境卫生、安全隐患，督促居民遵守规约、物业履职）",
    "每月至少走访一次服务范围内每户居民，更新住户信息表",
    "协助收集居民诉求、宣传政策",
    "协助做好平安法治工作：调解家庭和邻里纠纷，服务特殊群体，发现不稳定苗头和突发事件第一时间报告",
    "协助做好困难群体帮扶：低保户、残疾人、独居老人、困境儿童",
    "协助做好其他重点工作（文明城市创建、大走访等）",
)
