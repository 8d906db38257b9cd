"""Chinese working days and public-notice windows (docs/policy.md §5 step 5)."""
from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from resolvers import calendar
from resolvers.errors import Problem, Problems
from schema.common import UserError, error_codes
from schema.payloads import payload_errors


@strawberry.enum(description="Where a year's arrangement comes from.")
class WorkingDayYearSource(Enum):
    SEED = "SEED"  # the chinese-calendar package shipped with the system
    ENTERED = "ENTERED"  # entered by an administrator (replaces the seed's year)


@strawberry.type(description="One year's State Council holiday arrangement (法定节假日与调休).")
class WorkingDayYear:
    year: int
    holidays: list[date] = strawberry.field(description="Official days off, ascending (may include weekend days).")
    makeup_workdays: list[date] = strawberry.field(description="Weekend days that are working days (调休上班), ascending.")
    source: WorkingDayYearSource
    note: str


@strawberry.type(description="Key dates of a public notice of 5 to 7 Chinese working days (docs/policy.md §5 step 5).")
class NoticeWindow:
    posted_on: date
    first_day: date = strawberry.field(description="The notice's first working day: the posting day when it is one.")
    min_last_day: date = strawberry.field(description="The minDays-th working day: the shortest notice's last day.")
    max_last_day: date = strawberry.field(description="The maxDays-th working day: objections are possible until then.")
    confirmable_from: date = strawberry.field(description="The day after minLastDay: confirmation is possible from then.")


@strawberry.enum
class CalendarErrorCode(Enum):
    UNKNOWN_YEAR = "UNKNOWN_YEAR"
    INVALID_LENGTH = "INVALID_LENGTH"
    INVALID_YEAR = "INVALID_YEAR"
    DATE_OUTSIDE_YEAR = "DATE_OUTSIDE_YEAR"
    BOTH_HOLIDAY_AND_MAKEUP = "BOTH_HOLIDAY_AND_MAKEUP"
    MAKEUP_NOT_WEEKEND = "MAKEUP_NOT_WEEKEND"
    TOO_LONG = "TOO_LONG"
    CONFLICT = "CONFLICT"


@error_codes(CalendarErrorCode)
@strawberry.type
class CalendarError(UserError):
    code: CalendarErrorCode
    year: int | None = strawberry.field(default=None, description="The year concerned (UNKNOWN_YEAR, DATE_OUTSIDE_YEAR).")
    day: date | None = strawberry.field(default=None, description="The offending date, when one is.")


CalendarError._extra_fields = ("year", "day")  # type: ignore[attr-defined]


@strawberry.type
class NoticeWindowResult:
    window: NoticeWindow | None = None
    errors: list[CalendarError] = strawberry.field(default_factory=list)


@strawberry.input(description="A whole year's arrangement; it replaces what the system knew for that year.")
class WorkingDayYearSetInput:
    year: int
    holidays: list[date] = strawberry.field(description="Official days off of that year.")
    makeup_workdays: list[date] = strawberry.field(description="Saturdays or Sundays of that year that are working days.")
    note: str = strawberry.field(default="", description="E.g. the State Council notice's number (国办发明电〔2026〕x号).")


@strawberry.type
class WorkingDayYearPayload:
    working_day_year: WorkingDayYear | None = None
    errors: list[CalendarError] = strawberry.field(default_factory=list)


def working_day_year(known: calendar.KnownYear) -> WorkingDayYear:
    arr, row = known.arrangement, known.row
    return WorkingDayYear(
        year=arr.year, holidays=sorted(arr.holidays), makeup_workdays=sorted(arr.makeup_workdays),
        source=WorkingDayYearSource.ENTERED if row is not None else WorkingDayYearSource.SEED,
        note=row.note if row is not None else "",
    )


@strawberry.type
class CalendarQuery:
    @strawberry.field(description="Every year whose working-day arrangement the system knows, ascending: "
                                  "the chinese-calendar seed and the years entered by an administrator.")
    async def working_day_years(self, info: Info) -> list[WorkingDayYear]:
        return [working_day_year(y) for y in await calendar.working_day_years(info.context.viewer)]

    @strawberry.field(description="The public notice window for a notice posted on postedOn (docs/policy.md §5 step 5); "
                                  "UNKNOWN_YEAR when it reaches a year whose arrangement is not known.")
    async def notice_window(
        self, info: Info, posted_on: date, min_days: int = 5, max_days: int = 7,
    ) -> NoticeWindowResult:
        try:
            w = await calendar.notice_window(info.context.viewer, posted_on=posted_on, min_days=min_days,
                                             max_days=max_days)
        except (Problem, Problems) as exc:
            return NoticeWindowResult(errors=payload_errors(CalendarError, exc, info.context.locale))
        return NoticeWindowResult(window=NoticeWindow(
            posted_on=w.posted_on, first_day=w.first_day, min_last_day=w.min_last_day,
            max_last_day=w.max_last_day, confirmable_from=w.confirmable_from,
        ))


@strawberry.type
class CalendarMutation:
    @strawberry.mutation(description="Enter (or replace) a year's holiday arrangement, as published by the State "
                                      "Council. It replaces the seed's year. Administrators only.")
    async def working_day_year_set(self, info: Info, input: WorkingDayYearSetInput) -> WorkingDayYearPayload:
        try:
            known = await calendar.set_working_day_year(
                info.context.viewer, year=input.year, holidays=input.holidays,
                makeup_workdays=input.makeup_workdays, note=input.note,
            )
        except (Problem, Problems) as exc:
            return WorkingDayYearPayload(errors=payload_errors(CalendarError, exc, info.context.locale))
        return WorkingDayYearPayload(working_day_year=working_day_year(known), errors=[])
