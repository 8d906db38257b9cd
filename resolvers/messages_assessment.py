"""Message catalogue of the assessment domain (merged into resolvers/messages.py CATALOG): code → (zh, en)."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "PERFORMANCE_RECORD_FROZEN": ("{month}的履职记录已考核封存，不能修改",
                                  "the performance record of {month} is frozen (the month is assessed)"),
    "PERFORMANCE_MONTH_NOT_OVER": ("{month}尚未结束，不能封存该月的履职记录",
                                   "{month} is not over yet: its records cannot be frozen"),
    "PROBATION_ALREADY_ASSESSED": ("该楼栋长的试用期考核已经登记，不能重复考核",
                                   "this term's probation assessment is already recorded"),
    "ASSESSMENT_ALREADY_CONFIRMED": ("已经确认，不能再次确认", "already confirmed"),
    "ASSESSMENT_BEFORE_YEAR": ("考核日期不能早于{year}年", "an assessment of {year} is made in {year} or later"),
    "ASSESSMENT_NOT_ANNUAL": ("只有年度考核需要签署", "only annual assessments are signed off"),
    "ASSESSMENT_NOT_CONFIRMED": ("社区尚未确认，不能签署", "the community has not confirmed it yet: it cannot be signed"),
    "ASSESSMENT_ALREADY_SIGNED": ("已经签署", "already signed"),
    "INVALID_MONTH": ("月份格式应为“2026-03”", "a month is written like \"2026-03\""),
}
