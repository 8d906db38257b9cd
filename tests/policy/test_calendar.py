"""Chinese working days (docs/policy.md §5 step 5)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from chinese_calendar import constants as cc_data
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from policy.calendar import (
    UnknownYearError,
    WorkingDayCalendar,
    YearArrangement,
    arrangement_from_package,
    default_calendar,
    seed_arrangements,
)

CAL = default_calendar()
PKG_FIRST = min(d.year for d in cc_data.holidays)
PKG_LAST = max(d.year for d in cc_data.holidays)


def d(s: str) -> date:
    return date.fromisoformat(s)


# --- seed ----------------------------------------------------------------------------------


def test_seed_covers_every_package_year_including_the_last() -> None:
    # The package's last year may still get late-December days from the next
    # year's New Year notice, but notices posted during it must be countable,
    # so it is seeded (an administrator may re-enter it later).
    assert CAL.known_years() == list(range(PKG_FIRST, PKG_LAST + 1))
    assert {2019, 2020, 2023, 2024, 2025, 2026} <= set(CAL.known_years())
    assert PKG_LAST in seed_arrangements()
    assert seed_arrangements()[PKG_LAST] == arrangement_from_package(PKG_LAST)


def test_a_notice_posted_today_can_be_counted() -> None:
    # 2026-11-25 (the package's last year): Wed 25, Thu 26, Fri 27, Mon 30 Nov, Tue 1 Dec
    assert CAL.nth_working_day_from(d("2026-11-25"), 5) == d("2026-12-01")
    assert CAL.nth_working_day_from(d("2026-11-25"), 7) == d("2026-12-03")


def test_late_december_days_of_next_new_year_are_in_the_seed() -> None:
    # 2019 New Year: 30 Dec 2018 – 1 Jan 2019 off, Sat 29 Dec 2018 worked.
    arr = seed_arrangements()[2018]
    assert d("2018-12-29") in arr.makeup_workdays
    assert d("2018-12-31") in arr.holidays
    assert CAL.is_working_day(d("2018-12-29"))
    assert not CAL.is_working_day(d("2018-12-31"))  # a Monday


def test_seed_agrees_with_chinese_calendar_on_every_day() -> None:
    day, last = date(PKG_FIRST, 1, 1), date(PKG_LAST, 12, 31)
    mismatches = []
    while day <= last:
        if CAL.is_working_day(day) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += timedelta(days=1)
    assert mismatches == []


# --- Spring Festival and National Day, several years -----------------------------------------

# (date, working?) facts from the State Council notices.
DAYS = [
    # 2019 Spring Festival 4–10 Feb, Sat 2 & Sun 3 Feb worked
    ("2019-02-01", True), ("2019-02-02", True), ("2019-02-03", True), ("2019-02-04", False),
    ("2019-02-08", False), ("2019-02-10", False), ("2019-02-11", True),
    # 2019 National Day 1–7 Oct, Sun 29 Sep & Sat 12 Oct worked
    ("2019-09-28", False), ("2019-09-29", True), ("2019-10-07", False), ("2019-10-12", True),
    ("2019-10-13", False),
    # 2020 Spring Festival 24 Jan – 2 Feb (extended), Sun 19 Jan worked
    ("2020-01-19", True), ("2020-01-23", True), ("2020-01-31", False), ("2020-02-02", False),
    ("2020-02-03", True),
    # 2020 National Day + Mid-Autumn 1–8 Oct, Sun 27 Sep & Sat 10 Oct worked
    ("2020-09-27", True), ("2020-10-08", False), ("2020-10-09", True), ("2020-10-10", True),
    # 2023 Spring Festival 21–27 Jan, Sat 28 & Sun 29 Jan worked
    ("2023-01-20", True), ("2023-01-27", False), ("2023-01-28", True), ("2023-01-29", True),
    # 2023 Mid-Autumn + National Day 29 Sep – 6 Oct, Sat 7 & Sun 8 Oct worked
    ("2023-09-28", True), ("2023-09-29", False), ("2023-10-06", False), ("2023-10-07", True),
    ("2023-10-08", True),
    # 2024 Spring Festival 10–17 Feb, Sun 4 & Sun 18 Feb worked
    ("2024-02-04", True), ("2024-02-09", True), ("2024-02-16", False), ("2024-02-18", True),
    # 2024 National Day 1–7 Oct, Sun 29 Sep & Sat 12 Oct worked
    ("2024-09-29", True), ("2024-10-04", False), ("2024-10-08", True), ("2024-10-12", True),
    # 2025 Spring Festival 28 Jan – 4 Feb, Sun 26 Jan & Sat 8 Feb worked
    ("2025-01-25", False), ("2025-01-26", True), ("2025-01-28", False), ("2025-02-04", False),
    ("2025-02-05", True), ("2025-02-08", True), ("2025-02-09", False),
    # 2025 National Day + Mid-Autumn 1–8 Oct, Sun 28 Sep & Sat 11 Oct worked
    ("2025-09-28", True), ("2025-10-08", False), ("2025-10-09", True), ("2025-10-11", True),
    # 2026 Spring Festival 15–23 Feb, Sat 14 & Sat 28 Feb worked
    ("2026-02-13", True), ("2026-02-14", True), ("2026-02-16", False), ("2026-02-23", False),
    ("2026-02-24", True), ("2026-02-28", True),
    # ordinary weekend and weekday
    ("2025-03-08", False), ("2025-03-10", True),
]


@pytest.mark.parametrize(("day", "working"), DAYS)
def test_is_working_day(day: str, working: bool) -> None:
    assert CAL.is_working_day(d(day)) is working


NTH = [
    # start, n, expected
    ("2019-02-01", 2, "2019-02-02"),
    ("2019-02-01", 4, "2019-02-11"),
    ("2019-09-27", 4, "2019-10-08"),  # 27 Sep, Sun 29, 30 Sep, 8 Oct
    ("2019-09-27", 8, "2019-10-12"),  # ... 9, 10, 11, Sat 12 Oct
    ("2020-01-17", 3, "2020-01-20"),  # Fri 17, Sun 19 (make-up), Mon 20
    ("2020-01-23", 2, "2020-02-03"),
    ("2020-09-30", 2, "2020-10-09"),
    ("2020-09-30", 3, "2020-10-10"),
    ("2023-01-20", 2, "2023-01-28"),
    ("2023-09-28", 2, "2023-10-07"),
    ("2023-09-28", 4, "2023-10-09"),
    ("2024-02-09", 2, "2024-02-18"),
    ("2024-02-10", 1, "2024-02-18"),  # a holiday start: first working day after it
    ("2024-09-28", 1, "2024-09-29"),  # a Saturday start, Sunday make-up day
    ("2024-09-30", 2, "2024-10-08"),
    ("2025-01-24", 5, "2025-02-06"),  # docs/policy.md §5 example
    ("2025-09-30", 2, "2025-10-09"),
    ("2025-03-10", 1, "2025-03-10"),  # a working start counts itself
]


@pytest.mark.parametrize(("start", "n", "expected"), NTH)
def test_nth_working_day_from(start: str, n: int, expected: str) -> None:
    assert CAL.nth_working_day_from(d(start), n) == d(expected)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2025-01-24", "2025-02-06", 5),  # docs/policy.md §5 example
        ("2025-01-27", "2025-02-07", 4),  # 27 Jan, 5, 6, 7 Feb
        ("2019-10-01", "2019-10-07", 0),
        ("2019-09-29", "2019-10-12", 7),  # Sun 29, 30 Sep, 8–11 Oct, Sat 12 Oct
        ("2024-02-04", "2024-02-18", 7),  # Sun 4, 5–9 Feb, Sun 18 Feb
        # 260 weekdays − 18 weekday holidays + 7 make-up days
        ("2023-01-01", "2023-12-31", 249),
        # 261 weekdays − 18 weekday holidays + 5 make-up days
        ("2025-01-01", "2025-12-31", 248),
        ("2025-03-10", "2025-03-10", 1),
        ("2025-03-09", "2025-03-09", 0),
    ],
)
def test_working_days_between(start: str, end: str, count: int) -> None:
    assert CAL.working_days_between(d(start), d(end)) == count


def test_working_days_between_refuses_reversed_range() -> None:
    with pytest.raises(ValueError, match="before start"):
        CAL.working_days_between(d("2025-03-10"), d("2025-03-09"))


def test_n_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CAL.nth_working_day_from(d("2025-03-10"), 0)


def test_datetime_is_refused() -> None:
    # datetime(2025, 1, 28) would never match the holiday date 2025-01-28.
    with pytest.raises(TypeError):
        CAL.is_working_day(datetime(2025, 1, 28, 9, 0))


# --- unknown and administrator-entered years ----------------------------------------------------


def test_unknown_year_is_refused_not_guessed() -> None:
    with pytest.raises(UnknownYearError) as err:
        CAL.is_working_day(d("2031-03-03"))  # an ordinary Monday, but unknown
    assert err.value.year == 2031
    assert str(err.value) == "no working-day arrangement for 2031: an administrator must enter it"
    assert isinstance(err.value, LookupError)


def test_counting_into_an_unknown_year_is_refused() -> None:
    last = max(CAL.known_years())
    with pytest.raises(UnknownYearError) as err:
        CAL.nth_working_day_from(date(last, 12, 29), 5)
    assert err.value.year == last + 1
    with pytest.raises(UnknownYearError):
        CAL.working_days_between(date(last, 12, 1), date(last + 1, 1, 5))


ARR_2031 = YearArrangement(
    year=2031,
    holidays=frozenset({d("2031-01-01"), d("2031-01-22"), d("2031-01-23"), d("2031-01-24")}),
    makeup_workdays=frozenset({d("2031-01-26")}),  # a Sunday
)


def test_administrator_entered_year_is_used() -> None:
    cal = CAL.with_year(ARR_2031)
    assert 2031 in cal.known_years()
    assert not cal.is_working_day(d("2031-01-22"))  # Wednesday holiday
    assert cal.is_working_day(d("2031-01-26"))  # Sunday make-up
    assert cal.is_working_day(d("2031-01-27"))  # ordinary Monday
    assert not cal.is_working_day(d("2031-02-01"))  # ordinary Saturday
    # Tue 21, Sun 26, Mon 27
    assert cal.nth_working_day_from(d("2031-01-21"), 3) == d("2031-01-27")
    # Mon 20, Tue 21, Sun 26, 27–31 Jan
    assert cal.working_days_between(d("2031-01-20"), d("2031-01-31")) == 8
    # the original calendar is unchanged
    with pytest.raises(UnknownYearError):
        CAL.is_working_day(d("2031-01-27"))


def test_with_year_can_replace_a_year() -> None:
    # a district-wide extra day off on Monday 10 Mar 2025
    old = CAL.arrangement(2025)
    new = YearArrangement(2025, old.holidays | {d("2025-03-10")}, old.makeup_workdays)
    cal = CAL.with_year(new)
    assert not cal.is_working_day(d("2025-03-10"))
    assert CAL.is_working_day(d("2025-03-10"))
    assert cal.known_years() == CAL.known_years()


def test_package_last_year_can_be_adopted_explicitly() -> None:
    arr = arrangement_from_package(PKG_LAST)
    cal = CAL.with_year(arr)
    assert PKG_LAST in cal.known_years()
    assert cal.known_years() == CAL.known_years()  # already seeded: adopting it again changes nothing
    with pytest.raises(UnknownYearError):
        arrangement_from_package(PKG_LAST + 5)


def test_calendar_key_must_match_arrangement_year() -> None:
    with pytest.raises(ValueError, match="key 2030"):
        WorkingDayCalendar({2030: ARR_2031})


# --- YearArrangement validation ----------------------------------------------------------------


def test_arrangement_dates_must_lie_in_its_year() -> None:
    with pytest.raises(ValueError, match="not in 2025"):
        YearArrangement(2025, frozenset({d("2024-12-31")}), frozenset())
    with pytest.raises(ValueError, match="not in 2025"):
        YearArrangement(2025, frozenset(), frozenset({d("2026-01-04")}))


def test_arrangement_date_cannot_be_both() -> None:
    with pytest.raises(ValueError, match="2025-01-26"):
        YearArrangement(2025, frozenset({d("2025-01-26")}), frozenset({d("2025-01-26")}))


def test_makeup_day_must_be_a_weekend_day() -> None:
    with pytest.raises(ValueError, match="2025-01-27"):
        YearArrangement(2025, frozenset(), frozenset({d("2025-01-27")}))


def test_arrangement_is_frozen() -> None:
    with pytest.raises(AttributeError):
        ARR_2031.year = 2032  # type: ignore[misc]


# --- properties ---------------------------------------------------------------------------------

known_days = st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 10, 31))


@settings(max_examples=150, deadline=None)
@given(start=known_days, n=st.integers(min_value=1, max_value=25))
def test_nth_working_day_is_monotone_and_counts_right(start: date, n: int) -> None:
    day = CAL.nth_working_day_from(start, n)
    nxt = CAL.nth_working_day_from(start, n + 1)
    assert start <= day < nxt
    assert CAL.is_working_day(day)
    assert CAL.working_days_between(start, day) == n
    # a later start never gives an earlier n-th working day
    assert CAL.nth_working_day_from(start + timedelta(days=1), n) >= day


@settings(max_examples=100, deadline=None)
@given(start=known_days, length=st.integers(min_value=0, max_value=40))
def test_working_days_between_is_additive(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    assume(end.year in CAL.known_years())
    whole = CAL.working_days_between(start, end)
    first = 1 if CAL.is_working_day(start) else 0
    rest = CAL.working_days_between(start + timedelta(days=1), end) if length else 0
    assert whole == first + rest
    assert 0 <= whole <= length + 1
