"""Chinese working days: the calendar in force, notice windows, administrator-entered years
(docs/policy.md §5 step 5).

The calendar in force is the chinese-calendar seed overlaid with every year an
administrator entered (an entered year replaces the seed's year). A year known
to neither is refused, never guessed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from types import MappingProxyType

import strawberry
from strawberry.types import Info
from tortoise.exceptions import IntegrityError

from models.calendar import WorkingDayYear
from policy import notice as notice_rules
from models.tree import Node
from policy.kinds import NodeKind
from policy.calendar import UnknownYearError, WorkingDayCalendar, YearArrangement, seed_arrangements
from resolvers.errors import Denied, Problem, Problems
from resolvers.uow import audit, snapshot
from schema.payloads import run, to_error
from schema.calendar import (
    CalendarError, NoticeWindow as NoticeWindowType, NoticeWindowResult, WorkingDayYear as WorkingDayYearType,
    WorkingDayYearPayload, WorkingDayYearSetInput, WorkingDayYearSource,
)

__all__ = ["load_calendar", "CalendarQuery", "CalendarMutation"]

NOTE_MAX = 200  # models.calendar.WorkingDayYear.note
MAX_NOTICE_DAYS = 250  # about a year of working days: bounds the count


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


def _year_type(arr: YearArrangement, row: WorkingDayYear | None) -> WorkingDayYearType:
    return WorkingDayYearType(
        year=arr.year, holidays=sorted(arr.holidays), makeup_workdays=sorted(arr.makeup_workdays),
        source=WorkingDayYearSource.ENTERED if row is not None else WorkingDayYearSource.SEED,
        note=row.note if row is not None else "",
    )


def _unknown_year(year: int, field: list[str]) -> Problem:
    return Problem(
        "UNKNOWN_YEAR", field, year=year,
        zh=f"系统尚无{year}年的工作日安排（法定节假日和调休），不能推算；请管理员先录入{year}年的安排",
        en=f"no working-day arrangement for {year} (holidays and make-up working days): an administrator must enter it",
    )


def _check_input(input: WorkingDayYearSetInput) -> YearArrangement:
    """Every broken rule of the input, each naming its field and date; then the
    arrangement itself (YearArrangement checks the same rules once more)."""
    year = input.year
    if not 1 <= year <= 9999:
        raise Problem("INVALID_YEAR", ["input", "year"], year=year,
                      zh=f"年份{year}无效", en=f"not a valid year: {year}")
    problems: list[Problem] = []
    seen: set[tuple[str, date]] = set()

    def add(code: str, field: str, i: int, d: date, zh: str, en: str) -> None:
        if (code, d) not in seen:
            seen.add((code, d))
            problems.append(Problem(code, ["input", field, str(i)], day=d, year=year, zh=zh, en=en))

    holidays = set(input.holidays)
    for field, label, label_en, dates in (
        ("holidays", "放假日期", "holiday", input.holidays),
        ("makeupWorkdays", "调休上班日期", "make-up working day", input.makeup_workdays),
    ):
        for i, d in enumerate(dates):
            if d.year != year:
                add("DATE_OUTSIDE_YEAR", field, i, d, f"{label}{d.isoformat()}不在{year}年内",
                    f"{label_en} {d.isoformat()} is not in {year}")
    for i, d in enumerate(input.makeup_workdays):
        if d.year != year:
            continue
        if d in holidays:
            add("BOTH_HOLIDAY_AND_MAKEUP", "makeupWorkdays", i, d, f"{d.isoformat()}不能既是放假日又是调休上班日",
                f"{d.isoformat()} cannot be both a holiday and a make-up working day")
        elif d.weekday() < 5:
            add("MAKEUP_NOT_WEEKEND", "makeupWorkdays", i, d, f"调休上班日必须是星期六或星期日，{d.isoformat()}不是",
                f"make-up working days are Saturdays or Sundays; {d.isoformat()} is not")
    if len(input.note.strip()) > NOTE_MAX:
        problems.append(Problem("TOO_LONG", ["input", "note"], zh=f"备注不能超过{NOTE_MAX}个字",
                                en=f"the note may have at most {NOTE_MAX} characters"))
    if problems:
        raise Problems(problems)
    return YearArrangement(year, frozenset(input.holidays), frozenset(input.makeup_workdays))


def _conflict(_: IntegrityError) -> Problem:
    return Problem("CONFLICT", ["input", "year"], zh="该年份的安排正被同时录入，请重试",
                   en="this year's arrangement is being entered at the same time; try again")


@strawberry.type
class CalendarQuery:
    @strawberry.field(description="Every year whose working-day arrangement the system knows, ascending: "
                                  "the chinese-calendar seed and the years entered by an administrator.")
    async def working_day_years(self, info: Info) -> list[WorkingDayYearType]:
        info.context.viewer.require_authenticated()
        rows = await _stored()
        cal = _overlay(rows.values())
        return [_year_type(cal.arrangement(y), rows.get(y)) for y in cal.known_years()]

    @strawberry.field(description="The public notice window for a notice posted on postedOn (docs/policy.md §5 step 5); "
                                  "UNKNOWN_YEAR when it reaches a year whose arrangement is not known.")
    async def notice_window(
        self, info: Info, posted_on: date, min_days: int = 5, max_days: int = 7,
    ) -> NoticeWindowResult:
        ctx = info.context
        ctx.viewer.require_authenticated()
        if not 1 <= min_days <= max_days <= MAX_NOTICE_DAYS:
            bad = "maxDays" if 1 <= min_days <= MAX_NOTICE_DAYS else "minDays"
            problem = Problem("INVALID_LENGTH", [bad],
                              zh=f"公示天数须满足 1 ≤ 最少天数 ≤ 最多天数 ≤ {MAX_NOTICE_DAYS}",
                              en=f"need 1 <= minDays <= maxDays <= {MAX_NOTICE_DAYS}, got {min_days} and {max_days}")
            return NoticeWindowResult(errors=[to_error(CalendarError, problem, ctx.locale)])
        cal = await load_calendar()
        try:
            w = notice_rules.notice_window(cal, posted_on, min_days, max_days)
        except UnknownYearError as exc:
            return NoticeWindowResult(errors=[to_error(CalendarError, _unknown_year(exc.year, ["postedOn"]), ctx.locale)])
        return NoticeWindowResult(window=NoticeWindowType(
            posted_on=w.posted_on, first_day=w.first_day, min_last_day=w.min_last_day,
            max_last_day=w.max_last_day, confirmable_from=w.confirmable_from,
        ))


@strawberry.type
class CalendarMutation:
    @strawberry.mutation(description="Enter (or replace) a year's holiday arrangement, as published by the State "
                                      "Council. It replaces the seed's year. Administrators only.")
    async def working_day_year_set(self, info: Info, input: WorkingDayYearSetInput) -> WorkingDayYearPayload:
        ctx = info.context

        async def body():
            v = ctx.viewer
            v.require_authenticated()
            if not v.system_admin:  # the calendar is national: one owner for every district
                raise Denied("SYSTEM_CALENDAR_ONLY")
            arr = _check_input(input)
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
                note=input.note.strip(), entered_by_id=v.user_id,
            )
            if row is None:
                row = await WorkingDayYear.create(year=arr.year, **values)
            else:
                row.update_from_dict(values)
                await row.save()
            # one entry per district, so that every district's administrators and offices see the change
            for path in await Node.filter(kind=NodeKind.DISTRICT).order_by("id").values_list("path", flat=True):
                await audit(ctx, "workingDayYearSet", "WorkingDayYear", row.id, path, before, snapshot(row))
            return {"working_day_year": _year_type(arr, row)}

        return await run(ctx, WorkingDayYearPayload, CalendarError, body, integrity=_conflict)
