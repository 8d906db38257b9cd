"""Periods of the scheduled jobs and what is due (policy/periods.py)."""
from __future__ import annotations

from datetime import date

import pytest

from policy.periods import (
    Cadence, PeriodError, cadence_of, due_periods, first_day, format_period, last_day, may_start, parse_period,
    previous,
)

D, M, Y = Cadence.DAILY, Cadence.MONTHLY, Cadence.YEARLY


@pytest.mark.parametrize("cadence,text,start", [
    (D, "2026-11-05", date(2026, 11, 5)), (D, "2028-02-29", date(2028, 2, 29)),
    (M, "2026-11", date(2026, 11, 1)), (M, " 2026-01 ", date(2026, 1, 1)), (Y, "2026", date(2026, 1, 1)),
])
def test_a_period_is_parsed_to_its_first_day_and_written_back(cadence, text, start):
    assert parse_period(cadence, text) == start
    assert format_period(cadence, start) == text.strip()
    assert cadence_of(text) is cadence


@pytest.mark.parametrize("cadence,text", [
    (D, "2026-11"), (D, "2026-02-30"), (D, "2027-02-29"), (D, "26-11-05"), (D, "2026/11/05"), (D, ""),
    (M, "2026-13"), (M, "2026-00"), (M, "2026-11-05"), (M, "2026-1"), (Y, "2026-11"), (Y, "1999"), (Y, "abcd"),
])
def test_a_text_that_is_not_a_period_of_that_cadence_is_refused(cadence, text):
    with pytest.raises(PeriodError):
        parse_period(cadence, text)


def test_period_arithmetic_across_month_and_year_ends():
    assert previous(D, date(2026, 3, 1)) == date(2026, 2, 28)
    assert previous(M, date(2026, 1, 1)) == date(2025, 12, 1)
    assert previous(Y, date(2026, 1, 1)) == date(2025, 1, 1)
    assert first_day(M, date(2026, 11, 30)) == date(2026, 11, 1)
    assert first_day(Y, date(2026, 11, 30)) == date(2026, 1, 1)
    assert last_day(M, date(2028, 2, 1)) == date(2028, 2, 29)
    assert last_day(M, date(2026, 12, 1)) == date(2026, 12, 31)
    assert last_day(Y, date(2026, 1, 1)) == date(2026, 12, 31)


def test_daily_jobs_are_due_for_today_only():
    assert due_periods(D, date(2026, 11, 5)) == ["2026-11-05"]
    assert due_periods(D, date(2026, 11, 5), {"2026-11-05"}) == []


def test_monthly_jobs_are_due_for_the_month_just_ended_and_catch_up_two_more():
    assert due_periods(M, date(2026, 1, 1)) == ["2025-12", "2025-11", "2025-10"]
    assert due_periods(M, date(2026, 1, 31), {"2025-12", "2025-10"}) == ["2025-11"]
    assert due_periods(M, date(2026, 3, 15), {"2026-02", "2026-01", "2025-12"}) == []


def test_yearly_jobs_are_due_for_the_year_just_ended_and_catch_up_one_more():
    assert due_periods(Y, date(2027, 1, 1)) == ["2026", "2025"]
    assert due_periods(Y, date(2027, 6, 30), {"2026"}) == ["2025"]


def test_the_catch_up_is_bounded_and_can_be_set():
    assert due_periods(D, date(2026, 3, 2), lag=0, catch_up=3) == ["2026-03-02", "2026-03-01", "2026-02-28"]
    assert len(due_periods(M, date(2026, 3, 2), catch_up=12)) == 12


def test_a_period_may_be_started_by_hand_once_it_has_begun():
    assert may_start(M, date(2026, 11, 1), date(2026, 11, 1))
    assert may_start(Y, date(2026, 1, 1), date(2026, 11, 5))
    assert not may_start(D, date(2026, 11, 6), date(2026, 11, 5))
    assert not may_start(M, date(2026, 12, 1), date(2026, 11, 30))
