"""Business dates of steps: the day a step took effect, never a day still to come."""
from __future__ import annotations

from datetime import date

from resolvers.clock import today
from resolvers.errors import Problem


def not_future(on: date, field: list[str]) -> date:
    """``on`` itself, or FUTURE_DATE naming the argument when it is after today (Asia/Shanghai)."""
    now = today()
    if on > now:
        raise Problem("FUTURE_DATE", field, zh=f"日期{on}晚于今天（{now}），不能登记尚未发生的事项",
                      en=f"the date {on} is after today ({now}): a step is recorded once it has happened")
    return on
