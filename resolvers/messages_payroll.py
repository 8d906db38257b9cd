"""Message catalogue of the payroll domain (merged into resolvers/messages.py CATALOG): code → (zh, en)."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "PAYROLL_NOT_DRAFT": ("该月补贴发放表已审批（状态{status}），不能再修改；更正请在以后月份登记调整",
                          "the payroll is already {status} and is never edited; record a correction as an adjustment"),
    "PAYROLL_NOT_COMPUTED": ("补贴发放表尚未计算，不能审批", "the payroll has not been computed yet"),
    "PAYROLL_NOT_APPROVED": ("补贴发放表未处于已审批状态（当前{status}），不能标记为已发放",
                             "only an approved payroll can be marked paid (it is {status})"),
    "PAYROLL_PAID_BEFORE_MONTH": ("发放日期不能早于{month}月", "the payment date cannot be before the month {month}"),
    "TOP_UP_NODE_KIND": ("补助只能针对镇街、社区、村或小区登记", "a top-up is recorded for a subdistrict, community, village or compound"),
    "MONEY_NOT_POSITIVE": ("金额应为大于零的元，最多两位小数", "the amount must be positive, in yuan with at most two decimals"),
    "REASON_REQUIRED": ("请填写事由（不超过{max}字）", "give a reason (at most {max} characters)"),
    "ADJUSTMENT_OF_DRAFT": ("草稿发放表请直接重新计算，调整只能针对已审批或已发放的发放表",
                            "a draft is recomputed, not adjusted: adjustments correct an approved or paid payroll"),
    "ADJUSTMENT_AMOUNT": ("调整金额不能为零，最多两位小数", "the adjustment must not be zero and has at most two decimals"),
    "ADJUSTMENT_PERSON_NOT_ON_PAYROLL": ("该人员不在这张发放表上", "the person has no line on this payroll"),
    "PAYROLL_CONCURRENT": ("同一发放表正在被同时计算，请重试", "the payroll was being computed at the same time; try again"),
}
