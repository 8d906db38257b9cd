"""End of service (docs/policy.md §11, §14)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.terms import EndReason, earliest_resignation_end, term_end_date


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (date(2025, 3, 15), date(2025, 5, 15)),
        (date(2024, 12, 31), date(2025, 2, 28)),  # no 31 Feb: last day of February
        (date(2023, 12, 31), date(2024, 2, 29)),  # leap year
        (date(2025, 11, 30), date(2026, 1, 30)),
    ],
)
def test_resignation_needs_two_months_notice(requested: date, expected: date) -> None:
    assert earliest_resignation_end(requested) == expected


def test_resignation_notice_is_a_parameter() -> None:
    assert earliest_resignation_end(date(2025, 11, 30), notice_months=3) == date(2026, 2, 28)
    assert earliest_resignation_end(date(2025, 11, 30), notice_months=0) == date(2025, 11, 30)
    with pytest.raises(ValueError):
        earliest_resignation_end(date(2025, 11, 30), notice_months=-1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_resignation_end_is_about_two_months_later(requested: date) -> None:
    end = earliest_resignation_end(requested)
    assert 59 <= (end - requested).days <= 62
    assert (end.year * 12 + end.month) - (requested.year * 12 + requested.month) == 2


def test_end_reasons() -> None:
    assert [r.value for r in EndReason] == [
        "RESIGNATION",
        "FAILED_ANNUAL_ASSESSMENT",
        "UNEXCUSED_ABSENCES",
        "TERM_EXPIRED",
        "REPLACED_FOR_FAILING_DUTIES",
        "DECEASED_OR_INCAPABLE",
        "PROBATION_FAILED",
    ]
    assert EndReason("TERM_EXPIRED") is EndReason.TERM_EXPIRED
    assert EndReason.RESIGNATION == "RESIGNATION"  # a str enum, stores as its name


def test_term_end_five_years_less_a_day() -> None:
    assert term_end_date(date(2025, 3, 1), 5, None) == date(2030, 2, 28)
    assert term_end_date(date(2025, 3, 15), 5, date(2031, 1, 1)) == date(2030, 3, 14)


def test_term_end_capped_by_election_cycle() -> None:
    assert term_end_date(date(2025, 3, 15), 5, date(2027, 12, 31)) == date(2027, 12, 31)


def test_term_years_must_be_positive() -> None:
    with pytest.raises(ValueError):
        term_end_date(date(2025, 3, 15), 0, None)


def test_renewal_window_and_start() -> None:
    from policy.terms import renewal_opens_on, renewed_term_start

    assert renewal_opens_on(date(2030, 5, 31)) == date(2030, 2, 28)  # last day of a shorter month
    assert renewal_opens_on(date(2030, 2, 28), 1) == date(2030, 1, 28)
    assert renewed_term_start(date(2030, 2, 28)) == date(2030, 3, 1)
    assert renewed_term_start(date(2031, 12, 31)) == date(2032, 1, 1)


def test_group_leaders_serve_rural_chain_areas() -> None:
    from policy.kinds import Chain, HeadKind, NodeKind
    from policy.tree import head_kind

    assert head_kind(NodeKind.COMPOUND, None) == HeadKind.BUILDING_HEAD
    assert head_kind(NodeKind.VILLAGE, Chain.RURAL) == HeadKind.GROUP_LEADER
    assert head_kind(NodeKind.COMMUNITY, Chain.RURAL) == HeadKind.GROUP_LEADER
