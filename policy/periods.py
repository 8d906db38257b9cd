"""Periods of the scheduled jobs and which of them are due (docs/policy.md §14: business dates are
Asia/Shanghai dates). Pure.

A period is written as text: "2026-11-05" (a day), "2026-11" (a month), "2026" (a year); a job is
run for one period and gets the period's first day.

What is due (decided here, documented in README "Jobs"):
- DAILY jobs: today only. Every daily operation is cumulative — it acts on everything due up to
  the day it is given (terms whose end date has passed, levels whose time ran out, this week's
  meetings) — so a missed day is covered by the next day's run; running a past day again would
  only do late what today's run does anyway (and a past Sunday would plan last week's meetings).
- MONTHLY jobs: the month just ended, from the 1st of the next month (a month's performance and
  its draft payroll are computed once the month is complete; a later correction before approval
  is an officer's rerun). Catch-up: the two months before it as well, if not yet SUCCEEDED.
- YEARLY jobs: the year just ended, from 1 January; catch-up: the year before it as well.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from enum import Enum


class Cadence(str, Enum):
    DAILY = "DAILY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"


#: periods behind the current one that a job is due for (the one just ended for monthly and yearly)
LAG = {Cadence.DAILY: 0, Cadence.MONTHLY: 1, Cadence.YEARLY: 1}
#: how many periods in all the scheduler looks at (the due one and the earlier ones it catches up)
CATCH_UP = {Cadence.DAILY: 1, Cadence.MONTHLY: 3, Cadence.YEARLY: 2}

_FORMS = {
    Cadence.DAILY: re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
    Cadence.MONTHLY: re.compile(r"(\d{4})-(\d{2})"),
    Cadence.YEARLY: re.compile(r"(\d{4})"),
}
EXAMPLES = {Cadence.DAILY: "2026-11-05", Cadence.MONTHLY: "2026-11", Cadence.YEARLY: "2026"}
MIN_YEAR = 2000


class PeriodError(ValueError):
    """Not a period of that cadence (the message names the form expected)."""


def parse_period(cadence: Cadence, text: str) -> date:
    """The first day of the period written ``text``; PeriodError when it is not one of ``cadence``."""
    m = _FORMS[cadence].fullmatch((text or "").strip())
    if m is None:
        raise PeriodError(f"expected a period like {EXAMPLES[cadence]}")
    parts = [int(g) for g in m.groups()] + [1] * (3 - len(m.groups()))
    if parts[0] < MIN_YEAR:
        raise PeriodError(f"expected a year from {MIN_YEAR}")
    try:
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        raise PeriodError(f"no such day: expected a period like {EXAMPLES[cadence]}") from None


def format_period(cadence: Cadence, day: date) -> str:
    """The period of ``cadence`` that contains ``day``, as text."""
    if cadence is Cadence.DAILY:
        return day.isoformat()
    if cadence is Cadence.MONTHLY:
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}"


def first_day(cadence: Cadence, day: date) -> date:
    """The first day of the period of ``cadence`` that contains ``day``."""
    if cadence is Cadence.DAILY:
        return day
    if cadence is Cadence.MONTHLY:
        return day.replace(day=1)
    return date(day.year, 1, 1)


def previous(cadence: Cadence, start: date) -> date:
    """The first day of the period before the one starting on ``start``."""
    if cadence is Cadence.DAILY:
        return start - timedelta(days=1)
    if cadence is Cadence.MONTHLY:
        return (start.replace(day=1) - timedelta(days=1)).replace(day=1)
    return date(start.year - 1, 1, 1)


def last_day(cadence: Cadence, start: date) -> date:
    """The last day of the period starting on ``start``."""
    if cadence is Cadence.DAILY:
        return start
    if cadence is Cadence.MONTHLY:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return date(start.year, 12, 31)


def due_periods(cadence: Cadence, today: date, done: frozenset[str] | set[str] = frozenset(), *,
                lag: int | None = None, catch_up: int | None = None) -> list[str]:
    """The periods a job of ``cadence`` is due for on ``today``, newest first: the period ``lag``
    behind the current one and the ``catch_up - 1`` before it, without those already ``done``
    (SUCCEEDED). Bounded: a job is never due for more than ``catch_up`` periods."""
    lag = LAG[cadence] if lag is None else lag
    catch_up = CATCH_UP[cadence] if catch_up is None else catch_up
    start = first_day(cadence, today)
    for _ in range(lag):
        start = previous(cadence, start)
    out: list[str] = []
    for _ in range(catch_up):
        text = format_period(cadence, start)
        if text not in done:
            out.append(text)
        start = previous(cadence, start)
    return out


def may_start(cadence: Cadence, start: date, today: date) -> bool:
    """Whether a run for the period starting on ``start`` may be started on ``today`` by hand: a
    period that has begun (the current month's draft payroll may be computed early; a future
    period may not, its records do not exist yet)."""
    return start <= today


def cadence_of(text: str) -> Cadence | None:
    """The cadence a period's text is written in, or None."""
    for cadence, form in _FORMS.items():
        if form.fullmatch((text or "").strip()):
            return cadence
    return None
