"""Date arithmetic (policy/dates.py, docs/policy.md §14)."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.dates import (
    add_months,
    age_on,
    days_in_month,
    days_served_in_month,
    month_bounds,
    term_end,
)

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
months = st.integers(min_value=-1200, max_value=1200)
year_months = st.tuples(st.integers(min_value=1900, max_value=2200), st.integers(min_value=1, max_value=12))


# --- days_in_month / month_bounds -----------------------------------------

@pytest.mark.parametrize(
    "year, month, days",
    [(2025, 1, 31), (2025, 2, 28), (2024, 2, 29), (2000, 2, 29), (1900, 2, 28), (2025, 4, 30), (2025, 12, 31)],
)
def test_days_in_month(year: int, month: int, days: int) -> None:
    assert days_in_month(year, month) == days


@pytest.mark.parametrize("month", [0, 13, -1])
def test_days_in_month_rejects_bad_month(month: int) -> None:
    with pytest.raises(ValueError):
        days_in_month(2025, month)


def test_month_bounds() -> None:
    assert month_bounds(2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds(2025, 12) == (date(2025, 12, 1), date(2025, 12, 31))


@given(year_months)
def test_month_bounds_property(ym: tuple[int, int]) -> None:
    first, last = month_bounds(*ym)
    assert (first.year, first.month, first.day) == (ym[0], ym[1], 1)
    assert (last.year, last.month) == ym
    assert (last + timedelta(days=1)).day == 1
    assert (last - first).days + 1 == days_in_month(*ym)


# --- add_months --------------------------------------------------------------

@pytest.mark.parametrize(
    "d, n, expected",
    [
        (date(2024, 11, 30), 3, date(2025, 2, 28)),  # §14 example
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # leap year
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 1, 31), 2, date(2025, 3, 31)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 1, 15), 0, date(2025, 1, 15)),
        (date(2025, 1, 15), 12, date(2026, 1, 15)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 31), -2, date(2024, 11, 30)),
        (date(2025, 1, 10), -13, date(2023, 12, 10)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 2, 29), -12, date(2023, 2, 28)),
    ],
)
def test_add_months(d: date, n: int, expected: date) -> None:
    assert add_months(d, n) == expected


def test_add_months_out_of_range() -> None:
    with pytest.raises(ValueError):
        add_months(date(9999, 12, 1), 1)
    with pytest.raises(ValueError):
        add_months(date(1, 1, 1), -1)


@given(dates, months)
def test_add_months_lands_on_min_day_or_month_end(d: date, n: int) -> None:
    result = add_months(d, n)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == n
    assert result.day == min(d.day, calendar.monthrange(result.year, result.month)[1])


@given(dates, months)
def test_add_months_round_trip_when_day_exists(d: date, n: int) -> None:
    if d.day <= 28:
        assert add_months(add_months(d, n), -n) == d


@given(dates, st.integers(min_value=0, max_value=600), st.integers(min_value=0, max_value=600))
def test_add_months_is_monotonic(d: date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert add_months(d, lo) <= add_months(d, hi)


# --- age_on ------------------------------------------------------------------

@pytest.mark.parametrize(
    "birth, on, age",
    [
        (date(1965, 3, 15), date(2025, 3, 14), 59),
        (date(1965, 3, 15), date(2025, 3, 15), 60),  # turns 60 on the 60th birthday
        (date(1965, 3, 15), date(2025, 3, 16), 60),
        (date(1980, 1, 1), date(1980, 1, 1), 0),
        (date(1980, 1, 1), date(1980, 12, 31), 0),
        (date(1980, 12, 31), date(2025, 1, 1), 44),
        # 29 Feb birthdays: a year older on 1 Mar in non-leap years
        (date(2000, 2, 29), date(2001, 2, 28), 0),
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2000, 2, 29), date(2004, 2, 28), 3),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(1964, 2, 29), date(2024, 2, 29), 60),
        (date(1965, 2, 28), date(2025, 2, 28), 60),
    ],
)
def test_age_on(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age


def test_age_on_before_birth_rejected() -> None:
    with pytest.raises(ValueError):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


@given(dates, st.integers(min_value=1, max_value=120))
def test_age_increments_exactly_on_birthday(birth: date, years: int) -> None:
    if birth.month == 2 and birth.day == 29:
        birth = birth.replace(day=28)
    birthday = birth.replace(year=birth.year + years)
    assert age_on(birth, birthday) == years
    assert age_on(birth, birthday - timedelta(days=1)) == years - 1


@given(dates, st.integers(min_value=0, max_value=40000), st.integers(min_value=0, max_value=40000))
def test_age_is_monotonic(birth: date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert 0 <= age_on(birth, birth + timedelta(days=lo)) <= age_on(birth, birth + timedelta(days=hi))


# --- days_served_in_month ----------------------------------------------------

@pytest.mark.parametrize(
    "start, end, year, month, days",
    [
        (date(2025, 1, 1), None, 2025, 1, 31),
        (date(2024, 6, 1), None, 2025, 2, 28),
        (date(2025, 1, 10), None, 2025, 1, 22),  # 10..31 inclusive
        (date(2025, 1, 10), date(2025, 1, 10), 2025, 1, 1),  # one day
        (date(2025, 1, 10), date(2025, 1, 20), 2025, 1, 11),
        (date(2024, 12, 20), date(2025, 1, 5), 2025, 1, 5),
        (date(2024, 12, 20), date(2025, 1, 5), 2024, 12, 12),
        (date(2024, 1, 1), date(2024, 2, 29), 2024, 2, 29),
        (date(2025, 2, 1), None, 2025, 1, 0),  # starts later
        (date(2024, 1, 1), date(2024, 12, 31), 2025, 1, 0),  # ended before
        (date(2025, 1, 31), None, 2025, 1, 1),
        (date(2024, 1, 1), date(2025, 3, 1), 2025, 3, 1),
    ],
)
def test_days_served_in_month(start: date, end: date | None, year: int, month: int, days: int) -> None:
    assert days_served_in_month(start, end, year, month) == days


@given(dates, st.one_of(st.none(), st.integers(min_value=0, max_value=800)), year_months)
def test_days_served_matches_day_by_day_count(start: date, length: int | None, ym: tuple[int, int]) -> None:
    end = None if length is None else start + timedelta(days=length)
    first, last = month_bounds(*ym)
    expected = sum(
        1
        for i in range((last - first).days + 1)
        if start <= first + timedelta(days=i) and (end is None or first + timedelta(days=i) <= end)
    )
    assert days_served_in_month(start, end, *ym) == expected


@given(dates, st.integers(min_value=0, max_value=800))
def test_days_served_sum_over_months_is_length(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    total = 0
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        total += days_served_in_month(start, end, y, m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    assert total == length + 1


# --- term_end ----------------------------------------------------------------

@pytest.mark.parametrize(
    "start, years, cycle_end, expected",
    [
        (date(2025, 3, 1), 5, None, date(2030, 2, 28)),
        (date(2024, 3, 1), 5, None, date(2029, 2, 28)),
        (date(2027, 3, 1), 5, None, date(2032, 2, 29)),
        (date(2025, 1, 1), 5, None, date(2029, 12, 31)),
        (date(2025, 6, 15), 5, date(2026, 12, 31), date(2026, 12, 31)),  # cycle ends first
        (date(2025, 6, 15), 5, date(2031, 1, 1), date(2030, 6, 14)),  # natural end first
        (date(2025, 6, 15), 5, date(2030, 6, 14), date(2030, 6, 14)),
        (date(2025, 6, 15), 1, None, date(2026, 6, 14)),
        (date(2024, 2, 29), 1, None, date(2025, 2, 27)),  # add_months(29 Feb, 12) = 28 Feb, minus a day
    ],
)
def test_term_end(start: date, years: int, cycle_end: date | None, expected: date) -> None:
    assert term_end(start, years, cycle_end) == expected


def test_term_end_rejects_non_positive_years() -> None:
    with pytest.raises(ValueError):
        term_end(date(2025, 1, 1), 0, None)


@given(dates, st.integers(min_value=1, max_value=10), st.one_of(st.none(), dates))
def test_term_end_property(start: date, years: int, cycle_end: date | None) -> None:
    result = term_end(start, years, cycle_end)
    natural = add_months(start, 12 * years) - timedelta(days=1)
    assert result <= natural
    if cycle_end is not None:
        assert result <= cycle_end
        assert result in (natural, cycle_end)
    else:
        assert result == natural
    assert result > start or (cycle_end is not None and cycle_end <= start)
