"""The one clock of the operations and the jobs: business dates are Asia/Shanghai dates.

Everything that asks "what day is it" asks here (never ``date.today()``), so that a test can
set the day (``clock.set_today``) and the API and the jobs agree on it."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_fixed: date | None = None


def today() -> date:
    """The business date, in Asia/Shanghai (or the day a test set)."""
    return _fixed if _fixed is not None else datetime.now(SHANGHAI).date()


def now() -> datetime:
    """The current time, timezone-aware (Asia/Shanghai); on a set day, that day at the current time."""
    current = datetime.now(SHANGHAI)
    if _fixed is None:
        return current
    return datetime.combine(_fixed, time(current.hour, current.minute, current.second), SHANGHAI)


def set_today(day: date | None) -> None:
    """Fix the business date (``None`` goes back to the real one). For tests and demos."""
    global _fixed
    _fixed = day


@contextlib.contextmanager
def fixed_today(day: date) -> Iterator[None]:
    previous = _fixed
    set_today(day)
    try:
        yield
    finally:
        set_today(previous)
