"""Message catalogue of the runs domain (merged into resolvers/messages.py CATALOG): code → (zh, en)."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "UNKNOWN_JOB": ("没有名为“{job}”的定时任务（可选：{known}）", "no scheduled job is called \"{job}\" (known: {known})"),
    "INVALID_PERIOD": ("“{period}”不是该任务的周期，应写作如 {example}",
                       "\"{period}\" is not a period of that job: write it like {example}"),
    "PERIOD_NOT_BEGUN": ("周期 {period} 尚未开始，不能运行", "the period {period} has not begun: it cannot be run yet"),
    "JOB_FAILED": ("任务运行失败", "the job failed"),
}
