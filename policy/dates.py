"""Calendar arithmetic for terms, notice periods and pro-rata pay (docs/policy.md §14). Pure: no I/O."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

__all__ = [
    "add_months",
    "age_on",
    "days_in_month",
    "days_served_in_month",
    "term_end",
    "month_bounds",
]


def days_in_month(year: int, month: int) -> int:
    """Number of days in the given month (28–31)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return calendar.monthrange(year, month)[1]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of the month, both inclusive."""
    return date(year, month, 1), date(year, month, days_in_month(year, month))


def add_months(d: date, months: int) -> date:
    """``months`` months after ``d`` (negative: before), docs/policy.md §14.

    The same day number in the target month, or that month's last day when it
    has no such day: 30 Nov + 3 months = 28 Feb (29 Feb in a leap year).
    Raises ValueError when the result falls outside years 1..9999.
    """
    year, month0 = divmod(d.year * 12 + (d.month - 1) + months, 12)
    month = month0 + 1
    if not 1 <= year <= 9999:
        raise ValueError(f"{d.isoformat()} + {months} months is outside the supported date range")
    return date(year, month, min(d.day, days_in_month(year, month)))


def age_on(birth_date: date, on: date) -> int:
    """Age in completed years on ``on`` (docs/policy.md §14: one turns 60 on the 60th birthday).

    A person born on 29 February turns a year older on 1 March in non-leap
    years (28 February is still the day before their birthday).
    Raises ValueError if ``on`` is before ``birth_date``.
    """
    if on < birth_date:
        raise ValueError(f"{on.isoformat()} is before the birth date {birth_date.isoformat()}")
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)


def days_served_in_month(start: date, end: date | None, year: int, month: int) -> int:
    """Calendar days of service falling in the month, counting both the first
    and the last day of service (docs/policy.md §14). ``end`` None means still
    serving. 0 when the service does not overlap the month.
    """
    first, last = month_bounds(year, month)
    lo = max(start, first)
    hi = last if end is None else min(end, last)
    return max(0, (hi - lo).days + 1)


def term_end(start: date, years: int, cycle_end: date | None) -> date:
    """Last day of a term (docs/policy.md §11, §14): the earlier of
    start + ``years`` years − 1 day and the community's election-cycle end.
    """
    if years < 1:
        raise ValueError(f"a term lasts at least one year, got {years}")
    natural = add_months(start, 12 * years) - timedelta(days=1)
    if cycle_end is None:
        return natural
    return min(natural, cycle_end)
