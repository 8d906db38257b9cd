"""The pure rules of meetings: weeks, the monthly meeting, and what a count of unexcused absences
calls for (policy/meetings.py)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from policy.meetings import AbsenceDecision, MeetingKind, absence_decisions, is_monthly, week_of, weeks_between


@pytest.mark.parametrize("day, monday", [
    (date(2026, 3, 2), date(2026, 3, 2)),  # a Monday is its own week
    (date(2026, 3, 8), date(2026, 3, 2)),  # Sunday ends the week
    (date(2026, 3, 9), date(2026, 3, 9)),
    (date(2026, 1, 1), date(2025, 12, 29)),  # a week across the year's end
    (date(2024, 3, 1), date(2024, 2, 26)),  # and across a leap February
])
def test_week_of(day, monday):
    assert week_of(day) == monday


@given(st.dates(min_value=date(2000, 1, 3), max_value=date(2100, 12, 31)))
def test_week_of_is_the_monday_at_most_six_days_before(day):
    m = week_of(day)
    assert m.weekday() == 0 and timedelta(0) <= day - m <= timedelta(days=6) and week_of(m) == m


def test_the_first_building_heads_meeting_of_a_month_is_the_monthly_one():
    assert is_monthly(MeetingKind.BUILDING_HEADS, date(2026, 3, 2))
    assert is_monthly(MeetingKind.BUILDING_HEADS, date(2026, 6, 1))
    assert is_monthly(MeetingKind.BUILDING_HEADS, date(2026, 9, 7))  # the 7th is still the first Monday
    assert not is_monthly(MeetingKind.BUILDING_HEADS, date(2026, 3, 9))
    assert not is_monthly(MeetingKind.WORKSTATION, date(2026, 3, 2))  # workstation meetings invite no police


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 1)))
def test_each_month_has_exactly_one_monthly_meeting(day):
    first = day.replace(day=1)
    mondays = [m for m in weeks_between(first, first + timedelta(days=40)) if m.month == first.month and m >= first]
    assert sum(is_monthly(MeetingKind.BUILDING_HEADS, m) for m in mondays) == 1


def test_weeks_between():
    assert weeks_between(date(2026, 3, 4), date(2026, 3, 16)) == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert weeks_between(date(2026, 3, 4), date(2026, 3, 1)) == []


def decide(n, warned=False, ended=False, warning_at=2, limit=3):
    return absence_decisions(n, warning_at=warning_at, limit=limit, warned=warned, ended=ended)


def test_the_second_warns_the_third_ends():
    assert decide(0).nothing and decide(1).nothing
    assert decide(2) == AbsenceDecision(warn=True)
    assert decide(3, warned=True) == AbsenceDecision(end=True)
    assert decide(3) == AbsenceDecision(warn=True, end=True)  # both at once (a sheet entered late)
    assert decide(4, warned=True, ended=True).nothing


def test_a_correction_reverses_what_falls_below_its_threshold():
    assert decide(2, warned=True, ended=True) == AbsenceDecision(reverse_ending=True)
    assert decide(1, warned=True, ended=True) == AbsenceDecision(reverse_warning=True, reverse_ending=True)
    assert decide(1, warned=True) == AbsenceDecision(reverse_warning=True)


def test_parameters_in_force_are_used():
    assert decide(3, warning_at=3, limit=5) == AbsenceDecision(warn=True)
    assert decide(5, warned=True, warning_at=3, limit=5) == AbsenceDecision(end=True)


@given(st.integers(0, 20), st.booleans(), st.booleans(), st.integers(1, 6), st.integers(0, 6))
def test_applying_the_decision_then_asking_again_gives_nothing(n, warned, ended, warning_at, extra):
    limit = warning_at + extra
    d = decide(n, warned, ended, warning_at, limit)
    warned_after = (warned or d.warn) and not d.reverse_warning
    ended_after = (ended or d.end) and not d.reverse_ending
    assert decide(n, warned_after, ended_after, warning_at, limit).nothing
    assert warned_after == (n >= warning_at) and ended_after == (n >= limit)
