"""The recruitment process of building heads (docs/policy.md §5), as a state machine.

Each step may only follow the step before it; a step out of order is refused with
the step that is missing. Pure: no I/O.
"""
from __future__ import annotations

from enum import Enum


class Channel(str, Enum):
    SELF = "SELF"  # 自荐
    RESIDENT = "RESIDENT"  # 居民推荐 (≥10 residents of the same building)
    ORGANISATION = "ORGANISATION"  # 组织推荐


class Organisation(str, Enum):
    PARTY_ORGANISATION = "PARTY_ORGANISATION"  # 社区党组织
    RESIDENTS_COMMITTEE = "RESIDENTS_COMMITTEE"  # 居委会
    PROPERTY_COMPANY = "PROPERTY_COMPANY"  # 物业企业
    OWNERS_COMMITTEE = "OWNERS_COMMITTEE"  # 业委会


class ObjectionStatus(str, Enum):
    OPEN = "OPEN"
    UPHELD = "UPHELD"  # the candidate is withdrawn
    DISMISSED = "DISMISSED"


class ApplicationStatus(str, Enum):
    APPLIED = "APPLIED"
    ELIGIBLE = "ELIGIBLE"
    INELIGIBLE = "INELIGIBLE"
    INTERVIEWED = "INTERVIEWED"
    SHORTLISTED = "SHORTLISTED"
    ON_NOTICE = "ON_NOTICE"
    CONFIRMED = "CONFIRMED"
    FILED = "FILED"
    AGREEMENT_SIGNED = "AGREEMENT_SIGNED"
    TRAINED = "TRAINED"
    PUBLISHED = "PUBLISHED"  # the term of service has begun
    WITHDRAWN = "WITHDRAWN"


S = ApplicationStatus
# step name → (the status it needs, the status it leads to)
STEPS: dict[str, tuple[ApplicationStatus, ApplicationStatus]] = {
    "REVIEW": (S.APPLIED, S.ELIGIBLE),  # or INELIGIBLE
    "INTERVIEW": (S.ELIGIBLE, S.INTERVIEWED),
    "SHORTLIST": (S.INTERVIEWED, S.SHORTLISTED),
    "NOTICE": (S.SHORTLISTED, S.ON_NOTICE),
    "CONFIRM": (S.ON_NOTICE, S.CONFIRMED),
    "FILE": (S.CONFIRMED, S.FILED),
    "AGREEMENT": (S.FILED, S.AGREEMENT_SIGNED),
    "TRAINING": (S.AGREEMENT_SIGNED, S.TRAINED),
    "PUBLISH": (S.TRAINED, S.PUBLISHED),
}
ORDER = list(STEPS)
# the step that brings an application into a status
STEP_INTO = {to: step for step, (_, to) in STEPS.items()}
STEP_INTO[S.INELIGIBLE] = "REVIEW"

STEP_ZH = {
    "REVIEW": "资格审查", "POLICE_OPINION": "社区民警意见", "INTERVIEW": "面谈考察", "SHORTLIST": "确定人选",
    "NOTICE": "公示", "CONFIRM": "确认", "FILE": "报镇街备案", "AGREEMENT": "签订志愿服务责任书",
    "TRAINING": "岗前培训", "PUBLISH": "公布上岗",
}


class StepError(ValueError):
    """A step taken out of order: ``missing`` is the step that must come first
    (None when the application is in a final state: withdrawn, ineligible or published)."""

    def __init__(self, step: str, status: ApplicationStatus, missing: str | None) -> None:
        self.step, self.status, self.missing = step, status, missing
        super().__init__(f"{step} is not possible in status {status.value}" + (f": {missing} must come first" if missing else ""))


FINAL = frozenset({S.WITHDRAWN, S.INELIGIBLE, S.PUBLISHED})


def check_step(step: str, status: ApplicationStatus) -> ApplicationStatus:
    """The status ``step`` leads to from ``status``; StepError names the missing step."""
    needed, to = STEPS[step]
    if status == needed:
        return to
    if status in FINAL:
        raise StepError(step, status, None)
    idx = ORDER.index(step)
    done = ORDER.index(STEP_INTO[status]) if status in STEP_INTO else -1
    if done >= idx:  # already past this step
        raise StepError(step, status, None)
    return_missing = ORDER[done + 1]
    raise StepError(step, status, return_missing)


def next_step(status: ApplicationStatus) -> str | None:
    if status in FINAL:
        return None
    if status == S.APPLIED:
        return "REVIEW"
    idx = ORDER.index(STEP_INTO[status])
    return ORDER[idx + 1] if idx + 1 < len(ORDER) else None
