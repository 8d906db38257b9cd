"""Business dates of steps: the day a step took effect, never a day still to come."""
from __future__ import annotations

from datetime import date

from resolvers.clock import today
from resolvers.errors import Problem


def not_future(on: date, field: list[str]) -> date:
    """``on`` itself, or FUTURE_DATE naming the argument when it is after today (Asia/Shanghai)."""
    now = today()
    if on > now:
        params = {"on": on, "now": now}
        raise Problem("FUTURE_DATE", field, message="RECRUITMENT_FUTURE_DATE", **params)
    return on
