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


# ---------------------------------------------------------------- records: households, visits, the register
# (pure rules of resolvers/households.py and resolvers/duties.py)

import re as _re  # noqa: E402
from collections.abc import Mapping as _Mapping, Sequence as _Sequence  # noqa: E402
from typing import Any as _Any  # noqa: E402

from policy.idnumber import mask_phone as _mask_phone  # noqa: E402

MAX_DOOR_NUMBER = 32  # characters
MAX_CONTACT_NAME = 50
MAX_OCCUPANTS = 999
MAX_FORM_TEXT = 2000  # needs, notes, help, details, descriptions
MAX_VISIT_BATCH = 200
MAX_GENERATED_HOUSEHOLDS = 2000  # door numbers one building can be given from its count
HOUSEHOLD_PII_FIELDS = ("contact_name", "contact_phone")
_PHONE = _re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def mask_name(name: str | None) -> str | None:
    """A personal name as a caller without PERSON_PII sees it: its first character, then one
    ``*`` per further character ("张三" → "张*", "欧阳娜娜" → "欧***")."""
    if not name:
        return name
    text = name.strip()
    return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else "*"


def mask_household(values: _Mapping[str, _Any], *, full: bool) -> dict[str, _Any]:
    """A household's values (fields or an audit snapshot) as a caller may see them: the contact's
    name masked like ``张*`` and the phone like ``138****5678`` unless ``full``."""
    out = dict(values)
    if full:
        return out
    if out.get("contact_name"):
        out["contact_name"] = mask_name(str(out["contact_name"]))
    if out.get("contact_phone"):
        out["contact_phone"] = _mask_phone(str(out["contact_phone"]))
    return out


def mask_vulnerable(values: _Mapping[str, _Any], *, full: bool) -> dict[str, _Any]:
    """A register entry (fields or an audit snapshot) as a caller may see it: without PERSON_PII
    the name is masked and the details (and what help was given) are null; the category, the
    building and the dates stay."""
    out = dict(values)
    if full:
        return out
    if out.get("name"):
        out["name"] = mask_name(str(out["name"]))
    for hidden in ("details", "help"):
        if hidden in out:
            out[hidden] = None
    return out


def doors_to_generate(count: int | None, existing: _Sequence[str]) -> list[str]:
    """The door numbers to create from a building's household count: "1".."count" that are not
    there yet. Only a building with no households, or with exactly the numbers "1".."M" an
    earlier generation made, gets any: a register's door numbers ("101", "2-301") are kept as they
    are, never doubled."""
    if not count or count <= 0:
        return []
    taken = set(existing)
    if taken != {str(n) for n in range(1, len(taken) + 1)}:
        return []
    return [str(n) for n in range(1, min(count, MAX_GENERATED_HOUSEHOLDS) + 1) if str(n) not in taken]


@dataclass(frozen=True)
class FormProblem:
    code: str
    field: str  # the input's field name (camelCase)
    params: tuple[tuple[str, _Any], ...] = ()


def visit_form_problems(occupants: int, vulnerable_members: int, needs: str, note: str) -> list[FormProblem]:
    """What is wrong with a visit's information form (empty when nothing)."""
    out = []
    if not 0 <= occupants <= MAX_OCCUPANTS:
        out.append(FormProblem("NUMBER_OUT_OF_RANGE", "occupants", (("min", 0), ("max", MAX_OCCUPANTS))))
    if vulnerable_members < 0 or vulnerable_members > max(occupants, 0):
        out.append(FormProblem("NUMBER_OUT_OF_RANGE", "vulnerableMembers", (("min", 0), ("max", max(occupants, 0)))))
    for text, name in ((needs, "needs"), (note, "note")):
        if len(text) > MAX_FORM_TEXT:
            out.append(FormProblem("TOO_LONG", name, (("max", MAX_FORM_TEXT),)))
    return out


def form_follows_visit(visited_on: date, form_updated_on: date | None) -> bool:
    """Whether a visit updates the household's form: not when the form was updated by a later
    visit (a visit recorded late keeps what it found in its own record only)."""
    return form_updated_on is None or visited_on >= form_updated_on


class FollowUpRefusal(str, Enum):
    FINDING_CLOSED = "FINDING_CLOSED"
    BEFORE_INSPECTION = "BEFORE_INSPECTION"


def follow_up_refusal(status: FindingStatus, inspected_on: date, on: date) -> FollowUpRefusal | None:
    """Why a follow-up of a finding is refused: it is closed already (a closed finding takes no
    more follow-ups, so it is never closed twice), or it is dated before the inspection."""
    if status == FindingStatus.CLOSED:
        return FollowUpRefusal.FINDING_CLOSED
    if on < inspected_on:
        return FollowUpRefusal.BEFORE_INSPECTION
    return None


# ---- the household register import (reading the file: resolvers.spreadsheets.read_rows)

HOUSEHOLD_COLUMNS: tuple[str, ...] = ("compound", "building", "door_number", "contact_name", "contact_phone", "occupants")
HOUSEHOLD_REQUIRED: tuple[str, ...] = ("building", "door_number")
HOUSEHOLD_LABELS: dict[str, str] = {
    "compound": "小区", "building": "楼栋", "door_number": "门牌号", "contact_name": "联系人",
    "contact_phone": "联系电话", "occupants": "居住人数",
}
HOUSEHOLD_HEADERS: dict[str, str] = {
    "小区": "compound", "小区名称": "compound", "村组": "compound", "compound": "compound",
    "楼栋": "building", "楼栋名称": "building", "楼栋编码": "building", "楼号": "building", "楼栋号": "building",
    "村民小组": "building", "building": "building",
    "门牌号": "door_number", "门牌": "door_number", "房号": "door_number", "户号": "door_number", "室号": "door_number",
    "door_number": "door_number", "door": "door_number",
    "联系人": "contact_name", "户主": "contact_name", "户主姓名": "contact_name", "联系人姓名": "contact_name",
    "contact_name": "contact_name", "contact": "contact_name",
    "联系电话": "contact_phone", "电话": "contact_phone", "手机": "contact_phone", "手机号": "contact_phone",
    "联系方式": "contact_phone", "contact_phone": "contact_phone", "phone": "contact_phone",
    "居住人数": "occupants", "人数": "occupants", "常住人数": "occupants", "人口数": "occupants",
    "occupants": "occupants",
}


@dataclass(frozen=True)
class BuildingRef:
    """A building (or village group) of the community, as an import row may name it."""

    id: int
    name: str
    code: str | None
    container_name: str  # its compound (or village, community) name


@dataclass(frozen=True)
class HouseholdSpec:
    row: int
    building_id: int
    door_number: str
    contact_name: str | None
    contact_phone: str | None
    occupants: int | None


@dataclass(frozen=True)
class HouseholdRowError:
    row: int
    column: str
    code: str  # REQUIRED, BUILDING_NOT_FOUND, BUILDING_AMBIGUOUS, TOO_LONG, PHONE_INVALID, OCCUPANTS_INVALID, DUPLICATE_DOOR
    value: str = ""
    earlier: int | None = None  # DUPLICATE_DOOR: the row it repeats


def _compact(text: str) -> str:
    return _re.sub(r"[\s/\\\-—_·]+", "", text)


def match_building(text: str, compound: str, buildings: _Sequence[BuildingRef]) -> list[BuildingRef]:
    """The buildings a row names: by code, else by name (narrowed by the compound column when
    given), else by compound and building name written together ("翠苑一区1栋", "翠苑一区/1栋")."""
    by_code = [b for b in buildings if b.code and b.code == text]
    if by_code:
        return by_code
    wanted = _compact(text)
    named = [b for b in buildings if _compact(b.name) == wanted]
    if compound:
        named = [b for b in named if _compact(b.container_name) == _compact(compound)]
    if named:
        return named
    return [b for b in buildings if _compact(b.container_name + b.name) == wanted
            and (not compound or _compact(b.container_name) == _compact(compound))]


def _whole_number(text: str) -> int | None:
    value = text.replace(",", "").replace("，", "").removesuffix("人").strip()
    if _re.fullmatch(r"\d+(\.0+)?", value):
        return int(float(value))
    return None


def validate_household_rows(
    rows: _Sequence[tuple[int, _Mapping[str, str]]], buildings: _Sequence[BuildingRef],
) -> tuple[list[HouseholdSpec], list[HouseholdRowError]]:
    """Every row checked; the specs are to be written only when the error list is empty."""
    specs: list[HouseholdSpec] = []
    errors: list[HouseholdRowError] = []
    seen: dict[tuple[int, str], int] = {}
    for number, cells in rows:
        row_errors: list[HouseholdRowError] = []
        building_text, door = cells.get("building", ""), cells.get("door_number", "")
        building: BuildingRef | None = None
        if not building_text:
            row_errors.append(HouseholdRowError(number, "building", "REQUIRED"))
        else:
            found = match_building(building_text, cells.get("compound", ""), buildings)
            if not found:
                row_errors.append(HouseholdRowError(number, "building", "BUILDING_NOT_FOUND", building_text))
            elif len(found) > 1:
                row_errors.append(HouseholdRowError(number, "building", "BUILDING_AMBIGUOUS", building_text))
            else:
                building = found[0]
        if not door:
            row_errors.append(HouseholdRowError(number, "door_number", "REQUIRED"))
        elif len(door) > MAX_DOOR_NUMBER:
            row_errors.append(HouseholdRowError(number, "door_number", "TOO_LONG", door))
        elif building is not None:
            key = (building.id, door)
            if key in seen:
                row_errors.append(HouseholdRowError(number, "door_number", "DUPLICATE_DOOR", door, seen[key]))
            else:
                seen[key] = number
        name = cells.get("contact_name", "")
        if len(name) > MAX_CONTACT_NAME:
            row_errors.append(HouseholdRowError(number, "contact_name", "TOO_LONG", name))
        phone = cells.get("contact_phone", "").replace(" ", "")
        if phone and not _PHONE.match(phone):
            row_errors.append(HouseholdRowError(number, "contact_phone", "PHONE_INVALID", cells.get("contact_phone", "")))
        occupants_text = cells.get("occupants", "")
        occupants = _whole_number(occupants_text) if occupants_text else None
        if occupants_text and (occupants is None or occupants > MAX_OCCUPANTS):
            row_errors.append(HouseholdRowError(number, "occupants", "OCCUPANTS_INVALID", occupants_text))
        if row_errors:
            errors.extend(row_errors)
        elif building is not None:
            specs.append(HouseholdSpec(number, building.id, door, name or None, phone or None, occupants))
    return specs, errors


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
