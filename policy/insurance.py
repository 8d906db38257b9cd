"""Accident insurance at three months (docs/policy.md §10, §14). Pure: no I/O.

At ``insurance_after_months`` months after a term's start (month-end clamp: 30 Nov + 3 months =
28 Feb, or 29 Feb in a leap year) every head is checked: probation passed and still serving →
ELIGIBLE (a purchase is due); no probation result yet → ASSESSMENT_OVERDUE (raised to the
community, checked again on the next run); failed → NOT_ELIGIBLE (the service ends); the term
ended before the check → NOT_SERVING. Only ASSESSMENT_OVERDUE is ever re-evaluated."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum

from policy.dates import add_months
from policy.money import AssessmentStatus, Grade, InsuranceOutcome

__all__ = [
    "Probation", "FINAL_OUTCOMES", "check_due_on", "probation_result", "insurance_outcome", "serving_on",
    "purchase_problems",
]


class Probation(str, Enum):
    PASSED = "passed"
    FAILED = "failed"


#: outcomes never changed once recorded (ASSESSMENT_OVERDUE is re-checked by the next run)
FINAL_OUTCOMES = frozenset({InsuranceOutcome.ELIGIBLE, InsuranceOutcome.NOT_ELIGIBLE, InsuranceOutcome.NOT_SERVING})


def check_due_on(starts_on: date, months: int) -> date:
    """The day of the insurance check: ``months`` months after the start, clamped to the month's end."""
    if months < 0:
        raise ValueError(f"months cannot be negative, got {months}")
    return add_months(starts_on, months)


def _value(v: object) -> str | None:
    return None if v is None else getattr(v, "value", v)  # type: ignore[return-value]


def probation_result(grade: object, status: object, proposed_grade: object = None) -> Probation | None:
    """The probation assessment's result: the confirmed grade decides (UNQUALIFIED fails, any other
    passes); an assessment confirmed or signed off without a confirmed grade goes by its proposed
    grade; one merely proposed by the system is no result yet (None)."""
    g = _value(grade)
    if g is None and _value(status) in (AssessmentStatus.CONFIRMED.value, AssessmentStatus.SIGNED_OFF.value):
        g = _value(proposed_grade) or Grade.QUALIFIED.value
    if g is None:
        return None
    return Probation.FAILED if g == Grade.UNQUALIFIED.value else Probation.PASSED


def serving_on(due_on: date, *, active: bool, ended_on: date | None) -> bool:
    """Still serving for the check: the term is active and did not end before the due day."""
    return active and (ended_on is None or ended_on >= due_on)


def insurance_outcome(serving: bool, probation: Probation | str | None) -> InsuranceOutcome:
    """The check's outcome (§10): not serving first, then the probation result."""
    if not serving:
        return InsuranceOutcome.NOT_SERVING
    p = _value(probation)
    if p is None:
        return InsuranceOutcome.ASSESSMENT_OVERDUE
    if p == Probation.FAILED.value:
        return InsuranceOutcome.NOT_ELIGIBLE
    if p == Probation.PASSED.value:
        return InsuranceOutcome.ELIGIBLE
    raise ValueError(f"unknown probation result {probation!r}")


def purchase_problems(*, outcome: InsuranceOutcome | None, cover_from: date, cover_to: date,
                      premium: Decimal, insurer: str, policy_number: str) -> list[tuple[str, str]]:
    """What is wrong with a purchase to record, as (code, input field) pairs (empty: fine)."""
    found: list[tuple[str, str]] = []
    if outcome != InsuranceOutcome.ELIGIBLE:
        found.append(("NOT_ELIGIBLE_FOR_INSURANCE", "termId"))
    if not insurer.strip():
        found.append(("INSURER_REQUIRED", "insurer"))
    if not policy_number.strip():
        found.append(("POLICY_NUMBER_REQUIRED", "policyNumber"))
    if cover_to <= cover_from:
        found.append(("COVER_DATES_ORDER", "coverTo"))
    if not premium.is_finite() or premium < 0:
        found.append(("PREMIUM_NEGATIVE", "premium"))
    elif premium != premium.quantize(Decimal("0.01")):
        found.append(("MONEY_DECIMALS", "premium"))
    return found
