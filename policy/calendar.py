"""Chinese working days (docs/policy.md §5 step 5). Pure: no I/O.

A working day is a Monday–Friday that is not an official holiday, or a
weekend day declared a make-up working day (调休上班). Arrangements are
published year by year; a year the calendar does not know is refused
(``UnknownYearError``), never guessed.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = [
    "YearArrangement",
    "UnknownYearError",
    "WorkingDayCalendar",
    "arrangement_from_package",
    "seed_arrangements",
    "default_calendar",
]

_ONE_DAY = timedelta(days=1)


def _check_date(d: object, what: str) -> date:
    # datetime is a subclass of date but never equal to one: refuse it rather
    # than silently miss holidays (business dates are Asia/Shanghai dates, §14).
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"{what} must be a datetime.date, got {type(d).__name__}")
    return d


@dataclass(frozen=True)
class YearArrangement:
    """One calendar year's official arrangement (docs/policy.md §5 step 5).

    ``holidays``: official days off (may include weekend days inside a
    holiday period). ``makeup_workdays``: weekend days that are working days.
    Every date lies in ``year``; no date is both.
    """

    year: int
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year out of range: {self.year}")
        # Accept any iterable of dates but store frozensets.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "makeup_workdays", frozenset(self.makeup_workdays))
        for label, dates in (("holiday", self.holidays), ("make-up working day", self.makeup_workdays)):
            for d in sorted(dates):
                _check_date(d, label)
                if d.year != self.year:
                    raise ValueError(f"{label} {d.isoformat()} is not in {self.year}")
        both = self.holidays & self.makeup_workdays
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"dates both holiday and make-up working day in {self.year}: {listed}")
        weekdays = sorted(d for d in self.makeup_workdays if d.weekday() < 5)
        if weekdays:
            listed = ", ".join(d.isoformat() for d in weekdays)
            raise ValueError(f"make-up working days must be Saturdays or Sundays; not: {listed}")


class UnknownYearError(LookupError):
    """The calendar has no arrangement for ``year``; an administrator must enter it."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(f"no working-day arrangement for {year}: an administrator must enter it")


class WorkingDayCalendar:
    """Working days over the years whose arrangement is known (docs/policy.md §5 step 5). Immutable."""

    __slots__ = ("_years",)

    def __init__(self, arrangements: Mapping[int, YearArrangement]) -> None:
        years: dict[int, YearArrangement] = {}
        for key, arr in arrangements.items():
            if not isinstance(arr, YearArrangement):
                raise TypeError(f"arrangement for {key} must be a YearArrangement")
            if key != arr.year:
                raise ValueError(f"arrangement for {arr.year} filed under key {key}")
            years[key] = arr
        self._years: Mapping[int, YearArrangement] = years

    def __repr__(self) -> str:
        return f"WorkingDayCalendar(years={self.known_years()!r})"

    def known_years(self) -> list[int]:
        """Years with an arrangement, ascending."""
        return sorted(self._years)

    def arrangement(self, year: int) -> YearArrangement:
        """The arrangement for ``year``; UnknownYearError if there is none."""
        try:
            return self._years[year]
        except KeyError:
            raise UnknownYearError(year) from None

    def with_year(self, arrangement: YearArrangement) -> WorkingDayCalendar:
        """A new calendar with ``arrangement`` added (or replacing that year's)."""
        return WorkingDayCalendar({**self._years, arrangement.year: arrangement})

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day; UnknownYearError for an unknown year."""
        _check_date(d, "d")
        arr = self.arrangement(d.year)
        if d in arr.makeup_workdays:
            return True
        if d in arr.holidays:
            return False
        return d.weekday() < 5

    def nth_working_day_from(self, start: date, n: int) -> date:
        """The ``n``-th working day counting ``start`` as the first when it is one
        (otherwise the first working day after it), n ≥ 1 (docs/policy.md §5 step 5).
        """
        _check_date(start, "start")
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        d = start
        seen = 0
        while True:
            if self.is_working_day(d):
                seen += 1
                if seen == n:
                    return d
            d += _ONE_DAY

    def working_days_between(self, start: date, end: date) -> int:
        """Working days from ``start`` to ``end``, both inclusive; ValueError if end < start."""
        _check_date(start, "start")
        _check_date(end, "end")
        if end < start:
            raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
        count = 0
        d = start
        while d <= end:
            count += self.is_working_day(d)
            d += _ONE_DAY
        return count


def _package_data() -> tuple[dict[date, str], dict[date, str]]:
    from chinese_calendar import constants

    return constants.holidays, constants.workdays


def arrangement_from_package(year: int) -> YearArrangement:
    """``year`` as recorded by the chinese_calendar package (for an administrator to adopt).

    Raises UnknownYearError when the package has nothing for that year. Note
    that the package's last year may lack late-December days that belong to
    the next year's New Year arrangement (see ``seed_arrangements``).
    """
    holidays, workdays = _package_data()
    covered = {d.year for d in holidays}
    if year not in covered:
        raise UnknownYearError(year)
    return YearArrangement(
        year=year,
        holidays=frozenset(d for d in holidays if d.year == year),
        makeup_workdays=frozenset(d for d in workdays if d.year == year),
    )


def seed_arrangements() -> dict[int, YearArrangement]:
    """Arrangements for every year chinese_calendar covers, its last year included
    (with chinese-calendar 1.11: 2004–2026).

    Caveat: the next year's New Year days off and make-up working days may fall
    in late December (e.g. 29–31 Dec 2018 belong to the 2019 New Year notice),
    and they are only known once the next year's arrangement is published. So
    the package's last year may lack a few late-December days until then. Its
    last year is seeded anyway, because notices posted during that year must be
    countable; when the next year's arrangement is published, an administrator
    entering it may re-enter the current year too (with those December days) —
    an entered year replaces the seed's year.
    """
    holidays, _ = _package_data()
    covered = sorted({d.year for d in holidays})
    return {y: arrangement_from_package(y) for y in covered}


def default_calendar() -> WorkingDayCalendar:
    """A calendar seeded from chinese_calendar (see ``seed_arrangements``)."""
    return WorkingDayCalendar(seed_arrangements())
