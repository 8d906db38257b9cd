"""Chinese working days: the calendar in force, notice windows, administrator-entered years
(docs/policy.md §5 step 5).

The calendar in force is the chinese-calendar seed overlaid with every year an
administrator entered (an entered year replaces the seed's year). A year known
to neither is refused, never guessed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import MappingProxyType

from tortoise.exceptions import IntegrityError

from models.calendar import WorkingDayYear
from models.tree import Node
from policy import notice as notice_rules
from policy.calendar import UnknownYearError, WorkingDayCalendar, YearArrangement, seed_arrangements
from policy.kinds import NodeKind
from resolvers.errors import Denied, Problem, Problems
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

__all__ = ["load_calendar", "KnownYear", "working_day_years", "notice_window", "set_working_day_year"]

NOTE_MAX = 200  # models.calendar.WorkingDayYear.note
MAX_NOTICE_DAYS = 250  # about a year of working days: bounds the count


@dataclass(frozen=True)
class KnownYear:
    """A year's arrangement in force, and the stored row when an administrator entered it
    (None: the seed's)."""

    arrangement: YearArrangement
    row: WorkingDayYear | None


@cache
def _seed() -> Mapping[int, YearArrangement]:
    """The package's arrangements, computed once (they are immutable)."""
    return MappingProxyType(seed_arrangements())


def _dates(values: Iterable[str]) -> frozenset[date]:
    return frozenset(date.fromisoformat(v) for v in values)


def _arrangement(row: WorkingDayYear) -> YearArrangement:
    return YearArrangement(row.year, _dates(row.holidays), _dates(row.makeup_workdays))


async def _stored() -> dict[int, WorkingDayYear]:
    return {row.year: row for row in await WorkingDayYear.all()}


def _overlay(rows: Iterable[WorkingDayYear]) -> WorkingDayCalendar:
    return WorkingDayCalendar({**_seed(), **{row.year: _arrangement(row) for row in rows}})


async def load_calendar() -> WorkingDayCalendar:
    """The working-day calendar in force: the seed overlaid with every stored
    WorkingDayYear (a stored year replaces the seed's year). One query."""
    return _overlay(await WorkingDayYear.all())


def _unknown_year(year: int, field: list[str]) -> Problem:
    return Problem("UNKNOWN_YEAR", field, year=year)


def _check_input(year: int, holidays: Sequence[date], makeup_workdays: Sequence[date], note: str) -> YearArrangement:
    """Every broken rule of the input, each naming its field and date; then the
    arrangement itself (YearArrangement checks the same rules once more)."""
    if not 1 <= year <= 9999:
        raise Problem("INVALID_YEAR", ["input", "year"], year=year)
    problems: list[Problem] = []
    seen: set[tuple[str, date]] = set()

    def add(code: str, field: str, i: int, d: date, **params: object) -> None:
        if (code, d) not in seen:
            seen.add((code, d))
            problems.append(Problem(code, ["input", field, str(i)], day=d, year=year, **params))

    holiday_set = set(holidays)
    for field, label, label_en, dates in (
        ("holidays", "放假日期", "holiday", holidays),
        ("makeupWorkdays", "调休上班日期", "make-up working day", makeup_workdays),
    ):
        for i, d in enumerate(dates):
            if d.year != year:
                add("DATE_OUTSIDE_YEAR", field, i, d, label=label, label_en=label_en)
    for i, d in enumerate(makeup_workdays):
        if d.year != year:
            continue
        if d in holiday_set:
            add("BOTH_HOLIDAY_AND_MAKEUP", "makeupWorkdays", i, d)
        elif d.weekday() < 5:
            add("MAKEUP_NOT_WEEKEND", "makeupWorkdays", i, d)
    if len(note.strip()) > NOTE_MAX:
        problems.append(Problem("TOO_LONG", ["input", "note"], max=NOTE_MAX, label="备注", label_en="note"))
    if problems:
        raise Problems(problems)
    return YearArrangement(year, frozenset(holidays), frozenset(makeup_workdays))


def _conflict(_: IntegrityError) -> Problem:
    return Problem("CONFLICT", ["input", "year"])


async def working_day_years(caller: Viewer) -> list[KnownYear]:
    """Every year whose arrangement the system knows, ascending: the seed's and the entered ones."""
    caller.require_authenticated()
    rows = await _stored()
    cal = _overlay(rows.values())
    return [KnownYear(cal.arrangement(y), rows.get(y)) for y in cal.known_years()]


async def notice_window(caller: Viewer, *, posted_on: date, min_days: int = 5,
                        max_days: int = 7) -> notice_rules.NoticeWindow:
    """The public notice window of a notice posted on ``posted_on`` (docs/policy.md §5 step 5);
    INVALID_LENGTH for impossible lengths, UNKNOWN_YEAR when it reaches an unknown year."""
    caller.require_authenticated()
    if not 1 <= min_days <= max_days <= MAX_NOTICE_DAYS:
        bad = "maxDays" if 1 <= min_days <= MAX_NOTICE_DAYS else "minDays"
        raise Problem("INVALID_LENGTH", [bad], max=MAX_NOTICE_DAYS, min_days=min_days, max_days=max_days)
    cal = await load_calendar()
    try:
        return notice_rules.notice_window(cal, posted_on, min_days, max_days)
    except UnknownYearError as exc:
        raise _unknown_year(exc.year, ["postedOn"]) from None


async def set_working_day_year(caller: Viewer, *, year: int, holidays: Sequence[date],
                               makeup_workdays: Sequence[date], note: str = "") -> KnownYear:
    """Enter (or replace) a year's arrangement; it replaces the seed's year. The calendar is
    national: only the system administrator enters it. Audited once per district."""
    async with unit_of_work(caller, integrity=_conflict) as uow:
        caller.require_authenticated()
        if not caller.system_admin and not caller.system:  # one owner for every district
            raise Denied("SYSTEM_CALENDAR_ONLY")
        arr = _check_input(year, holidays, makeup_workdays, note)
        row = await WorkingDayYear.get_or_none(year=arr.year)
        if row is not None:
            before = snapshot(row)
        elif arr.year in _seed():
            seeded = _seed()[arr.year]
            before = {"year": arr.year, "holidays": sorted(seeded.holidays),
                      "makeup_workdays": sorted(seeded.makeup_workdays), "source": "SEED"}
        else:
            before = None
        values = dict(
            holidays=[d.isoformat() for d in sorted(arr.holidays)],
            makeup_workdays=[d.isoformat() for d in sorted(arr.makeup_workdays)],
            note=note.strip(), entered_by_id=caller.user_id,
        )
        if row is None:
            row = await WorkingDayYear.create(year=arr.year, **values)
        else:
            row.update_from_dict(values)
            await row.save()
        # one entry per district, so that every district's administrators and offices see the change
        for path in await Node.filter(kind=NodeKind.DISTRICT).order_by("id").values_list("path", flat=True):
            await uow.audit("workingDayYearSet", "WorkingDayYear", row.id, path, before, snapshot(row))
    return KnownYear(arr, row)
