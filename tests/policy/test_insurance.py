from datetime import date
from decimal import Decimal

import pytest

from policy.insurance import (
    FINAL_OUTCOMES, Probation, check_due_on, insurance_outcome, probation_result, purchase_problems, serving_on,
)
from policy.money import InsuranceOutcome as O


def test_due_three_months_later_with_month_end_clamp():
    assert check_due_on(date(2026, 11, 30), 3) == date(2027, 2, 28)  # 2027 is not a leap year
    assert check_due_on(date(2027, 11, 30), 3) == date(2028, 2, 29)  # 2028 is
    assert check_due_on(date(2026, 3, 15), 3) == date(2026, 6, 15)
    assert check_due_on(date(2026, 5, 31), 1) == date(2026, 6, 30)
    with pytest.raises(ValueError):
        check_due_on(date(2026, 1, 1), -1)


def test_probation_result_from_the_assessment():
    assert probation_result("QUALIFIED", "CONFIRMED") is Probation.PASSED
    assert probation_result("EXCELLENT", "SIGNED_OFF") is Probation.PASSED
    assert probation_result("UNQUALIFIED", "SIGNED_OFF") is Probation.FAILED
    assert probation_result("UNQUALIFIED", "PROPOSED") is Probation.FAILED
    assert probation_result(None, "CONFIRMED", "QUALIFIED") is Probation.PASSED
    assert probation_result(None, "CONFIRMED", "UNQUALIFIED") is Probation.FAILED
    assert probation_result(None, "PROPOSED", "QUALIFIED") is None  # only the system's proposal: no result yet
    assert probation_result(None, None) is None


def test_outcome():
    assert insurance_outcome(True, Probation.PASSED) is O.ELIGIBLE
    assert insurance_outcome(True, "failed") is O.NOT_ELIGIBLE
    assert insurance_outcome(True, None) is O.ASSESSMENT_OVERDUE
    assert insurance_outcome(False, Probation.PASSED) is O.NOT_SERVING
    assert insurance_outcome(False, None) is O.NOT_SERVING
    assert O.ASSESSMENT_OVERDUE not in FINAL_OUTCOMES and len(FINAL_OUTCOMES) == 3
    with pytest.raises(ValueError):
        insurance_outcome(True, "maybe")


def test_serving_on_the_due_day():
    due = date(2027, 2, 28)
    assert serving_on(due, active=True, ended_on=None)
    assert serving_on(due, active=True, ended_on=date(2027, 5, 1))  # a resignation pending
    assert not serving_on(due, active=False, ended_on=date(2027, 1, 1))
    assert not serving_on(due, active=True, ended_on=date(2027, 2, 27))


def test_purchase_problems():
    ok = dict(outcome=O.ELIGIBLE, cover_from=date(2027, 3, 1), cover_to=date(2028, 2, 29), premium=Decimal("100.00"),
              insurer="平安", policy_number="P-1")
    assert purchase_problems(**ok) == []
    assert purchase_problems(**ok | {"outcome": O.ASSESSMENT_OVERDUE}) == [("NOT_ELIGIBLE_FOR_INSURANCE", "termId")]
    assert purchase_problems(**ok | {"outcome": None}) == [("NOT_ELIGIBLE_FOR_INSURANCE", "termId")]
    assert purchase_problems(**ok | {"cover_to": date(2027, 3, 1)}) == [("COVER_DATES_ORDER", "coverTo")]
    assert purchase_problems(**ok | {"premium": Decimal("-1")}) == [("PREMIUM_NEGATIVE", "premium")]
    assert purchase_problems(**ok | {"premium": Decimal("0")}) == []
    assert purchase_problems(**ok | {"premium": Decimal("1.005")}) == [("MONEY_DECIMALS", "premium")]
    assert purchase_problems(**ok | {"insurer": " ", "policy_number": ""}) == [
        ("INSURER_REQUIRED", "insurer"), ("POLICY_NUMBER_REQUIRED", "policyNumber")]
