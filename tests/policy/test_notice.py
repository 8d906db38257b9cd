"""Public notice window (docs/policy.md §5 step 5)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.calendar import UnknownYearError, YearArrangement, default_calendar
from policy.notice import NoticeWindow, can_confirm, notice_window, objection_window_open

CAL = default_calendar()


def d(s: str) -> date:
    return date.fromisoformat(s)


def test_domain_example_spring_festival_2025() -> None:
    # Fri 24 Jan, Sun 26 Jan (make-up), Mon 27 Jan, 5 Feb, 6 Feb → confirmable 7 Feb
    w = notice_window(CAL, d("2025-01-24"))
    assert w.posted_on == d("2025-01-24")
    assert w.first_day == d("2025-01-24")
    assert w.min_last_day == d("2025-02-06")
    assert w.confirmable_from == d("2025-02-07")
    # 6th: Fri 7 Feb, 7th: Sat 8 Feb (make-up working day)
    assert w.max_last_day == d("2025-02-08")
    assert not can_confirm(w, d("2025-02-06"))
    assert can_confirm(w, d("2025-02-07"))
    assert can_confirm(w, d("2025-03-01"))


def test_objection_window_runs_posting_day_to_max_last_day() -> None:
    w = notice_window(CAL, d("2025-01-24"))
    assert not objection_window_open(w, d("2025-01-23"))
    assert objection_window_open(w, d("2025-01-24"))
    assert objection_window_open(w, d("2025-01-30"))  # a holiday inside the notice
    assert objection_window_open(w, d("2025-02-08"))
    assert not objection_window_open(w, d("2025-02-09"))


def test_posted_on_a_holiday_starts_on_next_working_day() -> None:
    # Sat 1 Feb 2025 is inside the Spring Festival: 5, 6, 7, Sat 8 (make-up), 10 Feb
    w = notice_window(CAL, d("2025-02-01"))
    assert w.first_day == d("2025-02-05")
    assert w.min_last_day == d("2025-02-10")
    assert w.confirmable_from == d("2025-02-11")
    assert w.max_last_day == d("2025-02-12")
    assert objection_window_open(w, d("2025-02-01"))  # posted day itself


def test_national_day_2024() -> None:
    # Mon 30 Sep, 8, 9, 10, 11 Oct; then Sat 12 Oct (make-up), Mon 14 Oct
    w = notice_window(CAL, d("2024-09-30"))
    assert w.min_last_day == d("2024-10-11")
    assert w.confirmable_from == d("2024-10-12")
    assert w.max_last_day == d("2024-10-14")


def test_national_day_2019_posted_on_make_up_sunday() -> None:
    # Sun 29 Sep is a working day: 29, 30 Sep, 8, 9, 10 Oct
    w = notice_window(CAL, d("2019-09-29"))
    assert w.first_day == d("2019-09-29")
    assert w.min_last_day == d("2019-10-10")
    assert w.max_last_day == d("2019-10-12")


def test_ordinary_week() -> None:
    w = notice_window(CAL, d("2025-03-03"))  # Monday
    assert w.min_last_day == d("2025-03-07")
    assert w.confirmable_from == d("2025-03-08")
    assert w.max_last_day == d("2025-03-11")


def test_custom_lengths() -> None:
    w = notice_window(CAL, d("2025-03-08"), min_days=1, max_days=1)  # a Saturday
    assert w.first_day == w.min_last_day == w.max_last_day == d("2025-03-10")
    assert w.confirmable_from == d("2025-03-11")
    w10 = notice_window(CAL, d("2025-03-03"), min_days=10, max_days=15)
    assert w10.min_last_day == d("2025-03-14")
    assert w10.max_last_day == d("2025-03-21")


@pytest.mark.parametrize(("lo", "hi"), [(0, 7), (6, 5), (-1, 3)])
def test_bad_lengths_refused(lo: int, hi: int) -> None:
    with pytest.raises(ValueError):
        notice_window(CAL, d("2025-03-03"), min_days=lo, max_days=hi)


def test_notice_into_unknown_year_refused() -> None:
    last = max(CAL.known_years())
    with pytest.raises(UnknownYearError):
        notice_window(CAL, date(last, 12, 29))


def test_notice_with_administrator_entered_year() -> None:
    # 2026: Spring Festival 15–23 Feb, Sat 14 Feb and Sat 28 Feb worked
    arr = YearArrangement(
        2026,
        frozenset(date(2026, 2, 15) + timedelta(days=i) for i in range(9)),
        frozenset({d("2026-02-14"), d("2026-02-28")}),
    )
    cal = CAL.with_year(arr)
    w = notice_window(cal, d("2026-02-13"))  # Fri 13, Sat 14, 24, 25, 26 Feb
    assert w.min_last_day == d("2026-02-26")
    assert w.confirmable_from == d("2026-02-27")
    assert w.max_last_day == d("2026-02-28")  # Fri 27, Sat 28 (make-up)


def test_window_validates_its_dates() -> None:
    with pytest.raises(ValueError):
        NoticeWindow(d("2025-03-03"), d("2025-03-03"), d("2025-03-07"), d("2025-03-11"), d("2025-03-07"))
    with pytest.raises(ValueError):
        NoticeWindow(d("2025-03-03"), d("2025-03-03"), d("2025-03-12"), d("2025-03-11"), d("2025-03-13"))


@settings(max_examples=150, deadline=None)
@given(
    posted=st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 12, 1)),
    on_offset=st.integers(min_value=-3, max_value=25),
)
def test_window_properties(posted: date, on_offset: int) -> None:
    w = notice_window(CAL, posted)
    assert posted <= w.first_day <= w.min_last_day < w.max_last_day
    assert CAL.working_days_between(posted, w.min_last_day) == 5
    assert CAL.working_days_between(posted, w.max_last_day) == 7
    assert CAL.is_working_day(w.min_last_day) and CAL.is_working_day(w.max_last_day)
    on = posted + timedelta(days=on_offset)
    assert can_confirm(w, on) == (on > w.min_last_day)
    if can_confirm(w, on):
        # confirmation never comes before five working days have passed
        assert CAL.working_days_between(posted, on - timedelta(days=1)) >= 5
    assert objection_window_open(w, on) == (posted <= on <= w.max_last_day)
