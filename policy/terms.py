"""End of a building head's service (docs/policy.md §11, §14). Pure: no I/O."""
from __future__ import annotations

from datetime import date, timedelta
from enum import Enum

from policy.dates import add_months, term_end

__all__ = [
    "EndReason", "earliest_resignation_end", "term_end_date", "renewal_opens_on", "renewed_term_start",
    "RENEWAL_WINDOW_MONTHS",
]

# Decision: a term is renewed in its last three months, after the end-of-term assessment
RENEWAL_WINDOW_MONTHS = 3


class EndReason(str, Enum):
    """Why a term of service ended (docs/policy.md §11, §7, §8)."""

    RESIGNATION = "RESIGNATION"  # 辞职, 2 months' notice
    FAILED_ANNUAL_ASSESSMENT = "FAILED_ANNUAL_ASSESSMENT"  # 年度考核不合格
    UNEXCUSED_ABSENCES = "UNEXCUSED_ABSENCES"  # 无故缺席例会3次
    TERM_EXPIRED = "TERM_EXPIRED"  # 任期届满未续聘
    REPLACED_FOR_FAILING_DUTIES = "REPLACED_FOR_FAILING_DUTIES"  # 不能履职被替换
    DECEASED_OR_INCAPABLE = "DECEASED_OR_INCAPABLE"  # not in the policy text; needed in practice
    PROBATION_FAILED = "PROBATION_FAILED"  # 试用期考核不合格 (§10: found by the insurance check)


def earliest_resignation_end(requested_on: date, notice_months: int = 2) -> date:
    """Earliest end date of a resignation requested on ``requested_on``:
    ``notice_months`` months later (docs/policy.md §11, month arithmetic §14).
    """
    if notice_months < 0:
        raise ValueError(f"notice_months cannot be negative, got {notice_months}")
    return add_months(requested_on, notice_months)


def term_end_date(start: date, term_years: int, cycle_end: date | None) -> date:
    """Last day of a term: the earlier of start + term_years years − 1 day and
    the election-cycle end (docs/policy.md §11, §14).
    """
    return term_end(start, term_years, cycle_end)


def renewal_opens_on(ends_on: date, window_months: int = RENEWAL_WINDOW_MONTHS) -> date:
    """First day a term ending on ``ends_on`` may be renewed (docs/policy.md §11 Decision)."""
    return add_months(ends_on, -window_months)


def renewed_term_start(ends_on: date) -> date:
    """A renewed term starts the day after the old one ends: no gap, no overlap."""
    return ends_on + timedelta(days=1)
