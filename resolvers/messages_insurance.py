"""Message catalogue of the insurance domain (merged into resolvers/messages.py CATALOG): code → (zh, en).
Insurance (§10), budgets and the workstation fund (§9), and the payroll exports."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "INSURANCE_ALREADY_PURCHASED": ("该楼栋长的意外保险已登记，不能重复登记",
                                    "the accident insurance of this term is already recorded"),
    "NOT_ELIGIBLE_FOR_INSURANCE": ("该楼栋长未经保险核查确认符合投保条件（试用期考核合格且仍在任）",
                                   "this head was not found eligible for insurance by the three-month check"),
    "INSURER_REQUIRED": ("保险公司不能为空", "the insurer is required"),
    "POLICY_NUMBER_REQUIRED": ("保单号不能为空", "the policy number is required"),
    "COVER_DATES_ORDER": ("保险止期必须晚于起期", "the cover must end after it starts"),
    "PREMIUM_NEGATIVE": ("保费不能为负数", "the premium cannot be negative"),
    "MONEY_DECIMALS": ("金额最多保留两位小数", "an amount has at most two decimals"),
    "AMOUNT_NOT_POSITIVE": ("金额必须大于零", "the amount must be greater than zero"),
    "FUND_DESCRIPTION_REQUIRED": ("用途说明不能为空", "the description is required"),
    "FUND_DESCRIPTION_TOO_LONG": ("用途说明不能超过{limit}个字", "the description may have at most {limit} characters"),
    "FUND_EXCEEDED": ("超出{year}年工作站运行经费余额（剩余{remaining}元）",
                      "more than what remains of the {year} workstation fund ({remaining} CNY)"),
    "YEAR_OUT_OF_RANGE": ("年份{year}不在2000至2100之间", "the year {year} is not between 2000 and 2100"),
}
