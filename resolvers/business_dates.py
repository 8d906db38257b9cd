"""Business dates of steps: the day a step took effect, never a day still to come."""
from __future__ import annotations

from datetime import date

from resolvers.clock import today
from resolvers.errors import Problem
from resolvers.messages import render


def not_future(on: date, field: list[str]) -> date:
    """``on`` itself, or FUTURE_DATE naming the argument when it is after today (Asia/Shanghai)."""
    now = today()
    if on > now:
        params = {"on": on, "now": now}
        raise Problem("FUTURE_DATE", field, zh=render("RECRUITMENT_FUTURE_DATE", "zh", params),
                      en=render("RECRUITMENT_FUTURE_DATE", "en", params))
    return on
