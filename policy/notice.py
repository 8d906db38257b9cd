"""Public notice of a shortlisted building-head candidate (docs/policy.md §5 step 5). Pure: no I/O.

The notice runs 5 to 7 Chinese working days. The posting day counts as the
first working day when it is one (otherwise the first working day after it
does); the minimum notice ends on its 5th working day and confirmation is
possible from the next calendar day. Objections may be raised from the
posting day to the last day of the longest notice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from policy.calendar import WorkingDayCalendar

__all__ = ["NoticeWindow", "notice_window", "can_confirm", "objection_window_open"]


@dataclass(frozen=True)
class NoticeWindow:
    """Key dates of one public notice (docs/policy.md §5 step 5 Decision)."""

    posted_on: date
    first_day: date  # first working day of the notice
    min_last_day: date  # min_days-th working day
    max_last_day: date  # max_days-th working day
    confirmable_from: date  # the day after min_last_day

    def __post_init__(self) -> None:
        if not (self.posted_on <= self.first_day <= self.min_last_day <= self.max_last_day):
            raise ValueError("notice dates out of order")
        if self.confirmable_from != self.min_last_day + timedelta(days=1):
            raise ValueError("confirmable_from must be the day after min_last_day")


def notice_window(
    calendar: WorkingDayCalendar, posted_on: date, min_days: int = 5, max_days: int = 7
) -> NoticeWindow:
    """The notice window for a notice posted on ``posted_on`` (docs/policy.md §5 step 5).

    Raises ValueError unless 1 ≤ min_days ≤ max_days, and UnknownYearError when
    the window reaches a year the calendar does not know.
    """
    if not 1 <= min_days <= max_days:
        raise ValueError(f"need 1 <= min_days <= max_days, got {min_days} and {max_days}")
    min_last = calendar.nth_working_day_from(posted_on, min_days)
    return NoticeWindow(
        posted_on=posted_on,
        first_day=calendar.nth_working_day_from(posted_on, 1),
        min_last_day=min_last,
        max_last_day=calendar.nth_working_day_from(posted_on, max_days),
        confirmable_from=min_last + timedelta(days=1),
    )


def can_confirm(window: NoticeWindow, on: date) -> bool:
    """Whether the notice has run its minimum length by ``on`` (docs/policy.md §5 step 5).

    Open objections are checked elsewhere; this is only the time condition.
    """
    return on >= window.confirmable_from


def objection_window_open(window: NoticeWindow, on: date) -> bool:
    """Whether residents may object on ``on``: posting day to max_last_day inclusive."""
    return window.posted_on <= on <= window.max_last_day
