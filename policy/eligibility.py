"""Automatic eligibility checks for a building-head applicant (docs/policy.md §5, A3-§2). Pure: no I/O.

Only the mechanical checks live here (age, residency, fees, violations); the
judgements (reliability, standing, health) are recorded by reviewers. Every
failure carries a reason in Chinese and English naming the actual numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from policy.dates import age_on
from policy.kinds import Violation

__all__ = ["Applicant", "Failure", "check_eligibility", "tie_break_key", "TieBreakKey"]

_VIOLATION_ZH: dict[Violation, str] = {
    Violation.LOAD_BEARING_DAMAGE: "存在破坏房屋承重结构的行为",
    Violation.ILLEGAL_CONSTRUCTION: "存在违章搭建",
    Violation.RULE_BREACH: "不遵守小区管理规约",
}
_VIOLATION_EN: dict[Violation, str] = {
    Violation.LOAD_BEARING_DAMAGE: "has damaged load-bearing structures",
    Violation.ILLEGAL_CONSTRUCTION: "has illegal construction",
    Violation.RULE_BREACH: "does not follow the compound's rules",
}


@dataclass(frozen=True)
class Applicant:
    """Facts the automatic checks need (docs/policy.md §5 eligibility 2–4).

    ``violations`` holds names of policy.kinds.Violation members.
    """

    birth_date: date
    resides_in_compound: bool
    permanent_resident: bool
    property_fee_paid: bool
    violations: frozenset[str]


@dataclass(frozen=True)
class Failure:
    """One failed automatic check, with its reason."""

    code: str
    message_zh: str
    message_en: str


def _violations(names: frozenset[str]) -> list[Violation]:
    found: list[Violation] = []
    for name in names:
        try:
            found.append(Violation(name))
        except ValueError:
            raise ValueError(f"unknown violation {name!r}") from None
    order = list(Violation)
    return sorted(set(found), key=order.index)


def check_eligibility(
    applicant: Applicant,
    applied_on: date,
    age_limit: int = 60,
    age_limit_outstanding: int = 65,
    outstanding_waiver_reason: str | None = None,
) -> list[Failure]:
    """Failed automatic checks (empty: passes), docs/policy.md §5 eligibility, §14 age.

    Age is completed years on ``applied_on``. Without a waiver the applicant
    must be under ``age_limit``; ``outstanding_waiver_reason`` (not None)
    claims the outstanding-candidate waiver, allowing up to under
    ``age_limit_outstanding``; a blank reason is WAIVER_REASON_REQUIRED and
    the waiver then does not apply. Raises ValueError for inconsistent limits,
    a birth date after ``applied_on`` or an unknown violation name.
    """
    if not 0 < age_limit <= age_limit_outstanding:
        raise ValueError(f"need 0 < age_limit <= age_limit_outstanding, got {age_limit} and {age_limit_outstanding}")
    age = age_on(applicant.birth_date, applied_on)
    failures: list[Failure] = []

    waiver_claimed = outstanding_waiver_reason is not None
    waiver_valid = waiver_claimed and bool((outstanding_waiver_reason or "").strip())
    if waiver_claimed and not waiver_valid:
        failures.append(Failure(
            "WAIVER_REASON_REQUIRED",
            f"按优秀人选放宽年龄至未满{age_limit_outstanding}周岁，须写明理由",
            f"the outstanding-candidate waiver (up to under {age_limit_outstanding}) needs a reason",
        ))
    if waiver_claimed and age >= age_limit_outstanding:
        failures.append(Failure(
            "AGE_OVER_WAIVER_LIMIT",
            f"申请之日年满{age}周岁，即使作为优秀人选也不符合未满{age_limit_outstanding}周岁的要求",
            f"aged {age} on the application date; even for an outstanding candidate "
            f"the limit is under {age_limit_outstanding}",
        ))
    elif not waiver_valid and age >= age_limit:
        failures.append(Failure(
            "AGE_OVER_LIMIT",
            f"申请之日年满{age}周岁，不符合未满{age_limit}周岁的要求",
            f"aged {age} on the application date; the limit is under {age_limit}",
        ))

    if not applicant.resides_in_compound:
        failures.append(Failure(
            "NOT_RESIDENT_OF_COMPOUND", "不是本小区居民", "does not live in this compound",
        ))
    if not applicant.permanent_resident:
        failures.append(Failure(
            "NOT_PERMANENT_RESIDENT", "不是本小区常住居民", "is not a permanent resident of the compound",
        ))
    if not applicant.property_fee_paid:
        failures.append(Failure(
            "PROPERTY_FEE_UNPAID", "未按时缴纳物业费", "has not paid the property fees",
        ))
    for v in _violations(applicant.violations):
        failures.append(Failure(f"VIOLATION_{v.value}", _VIOLATION_ZH[v], _VIOLATION_EN[v]))
    return failures


TieBreakKey = tuple[bool, Decimal, int, date]


def tie_break_key(
    party_member: bool,
    retired_cadre: bool,
    model_worker: bool,
    score: Decimal | None,
    applied_at: date,
) -> TieBreakKey:
    """Ascending sort key for the shortlist (docs/policy.md §5 eligibility 1, step 4).

    Higher interview score first (no score after every score), then more
    preference flags (party member, retired cadre, model worker), then the
    earlier application. ``applied_at`` may be a date or a datetime, but use
    one kind for all candidates compared. ValueError for a NaN/infinite score.
    """
    if score is not None and not score.is_finite():
        raise ValueError(f"interview score must be a finite number, got {score}")
    flags = int(party_member) + int(retired_cadre) + int(model_worker)
    return (score is None, -score if score is not None else Decimal(0), -flags, applied_at)
