"""Money and the background work's enumerations (docs/policy.md §8–§10, §14). Pure.

The arithmetic itself lives with its rule (policy/payroll.py, policy/assessment.py,
policy/insurance.py); this module holds what several of them and the models share."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> Decimal:
    """Rounded half-up to the fen (once per line, §14)."""
    return amount.quantize(FEN, ROUND_HALF_UP)


class JobStatus(str, Enum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class PayrollStatus(str, Enum):
    DRAFT = "DRAFT"
    APPROVED = "APPROVED"  # by the subdistrict; never edited again
    PAID = "PAID"


class LineKind(str, Enum):
    BUILDING_HEAD = "BUILDING_HEAD"  # 300/month (village group leaders too), pro rata
    STATION_HEAD = "STATION_HEAD"  # 500/month unless a community or grid worker, pro rata
    TOP_UP = "TOP_UP"  # an approved major-task top-up of the month
    EXCELLENCE_BONUS = "EXCELLENCE_BONUS"  # one extra month of subsidy, once
    ADJUSTMENT = "ADJUSTMENT"  # a correction of an approved payroll


class AssessmentKind(str, Enum):
    PROBATION = "PROBATION"  # within three months of taking up the post (§10)
    ANNUAL = "ANNUAL"


class Grade(str, Enum):
    EXCELLENT = "EXCELLENT"
    QUALIFIED = "QUALIFIED"
    UNQUALIFIED = "UNQUALIFIED"


class AssessmentStatus(str, Enum):
    PROPOSED = "PROPOSED"  # computed by the system from the records
    CONFIRMED = "CONFIRMED"  # by the community
    SIGNED_OFF = "SIGNED_OFF"  # by the police officer and the units: final


class InsuranceOutcome(str, Enum):
    ELIGIBLE = "ELIGIBLE"  # probation passed, still serving: a purchase is due
    ASSESSMENT_OVERDUE = "ASSESSMENT_OVERDUE"  # no probation assessment yet: raised to the community
    NOT_ELIGIBLE = "NOT_ELIGIBLE"  # failed: the service ends
    NOT_SERVING = "NOT_SERVING"  # the term ended before the check
