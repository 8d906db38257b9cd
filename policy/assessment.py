"""Monthly performance records, the annual proposal and the excellence ranking (docs/policy.md §8,
§10, §11). Pure: figures and parameters in, decisions out.

Decisions where the policy is silent:

Monthly score
- Each component is a ratio in [0, 1] taken from the month's duty figures
  (``policy.duties.DutyFigures``) and, for requests and work orders, the ones still pending:
  - inspections: weeks with an inspection ÷ weeks served;
  - visits: households of the area visited ÷ households of the area;
  - attendance: building heads' meetings attended ÷ meetings held while serving;
  - requests: resident requests handled ÷ (handled + pending), where pending are the requests of
    the head's area raised on or before the month's last day (while the head served) and not
    resolved by then;
  - hotline: 12345 work orders handled ÷ (handled + pending), counted the same way;
  - satisfaction: (average mark − 1) ÷ 4 over the residents' marks (1–5) on what was handled,
    computed on the exact average (not the two-decimal one shown).
- A zero denominator means nothing was expected of the head: full marks (1) for that component
  (no household in the area, no meeting held, no request received, no mark given).
- score = 100 × Σ weight × component ÷ Σ weights, rounded half-up to 0.01. The weights are
  parameters meant to sum to 1 (then the division changes nothing); dividing keeps the score
  within 0–100 when an override breaks the sum. All weights zero → 100.

Annual proposal
- The year's score is the plain mean of the head's monthly scores of the year (one per month
  served with a record), rounded half-up to 0.01; no record → no score and no proposed grade
  (the community grades by hand).
- Proposed grade: mean ≥ 85 EXCELLENT, ≥ 60 QUALIFIED, below 60 UNQUALIFIED (constants below).

Excellence ranking
- Candidates: the year's annual assessments whose grade (the confirmed one, else the proposed
  one) is EXCELLENT or QUALIFIED, of terms still serving.
- Order: annual score descending (no score last), then the number of preference flags held
  (party member, retired cadre, model worker: a count, each flag counting the same), then
  seniority (the earlier term start first), then the term id.
- How many: ``excellent_per_compound_small`` when the compound has fewer active heads than
  ``excellent_large_threshold`` on the year's last day, else ``excellent_per_compound_large``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from policy.duties import DutyFigures
from policy.money import Grade

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ONE = Decimal(1)

EXCELLENT_FROM = Decimal("85")  # a year's mean score at or above this proposes EXCELLENT
QUALIFIED_FROM = Decimal("60")  # at or above this QUALIFIED, below it UNQUALIFIED

WEIGHT_KEYS = ("weight_inspections", "weight_visits", "weight_attendance", "weight_requests", "weight_hotline",
               "weight_satisfaction")
COMPONENTS = ("inspections", "visits", "attendance", "requests", "hotline", "satisfaction")
MAX_NOTES = 2000


def ratio(done: int, expected: int) -> Decimal:
    """done ÷ expected clamped to [0, 1]; nothing expected → 1 (full marks)."""
    if expected <= 0:
        return ONE
    return min(ONE, max(Decimal(0), Decimal(done) / Decimal(expected)))


def satisfaction_component(marks: int, total: int) -> Decimal:
    """(average − 1) ÷ 4 on the exact average of marks 1–5; no mark → 1."""
    if marks <= 0:
        return ONE
    value = (Decimal(total) / Decimal(marks) - ONE) / Decimal(4)
    return min(ONE, max(Decimal(0), value))


@dataclass(frozen=True)
class Pending:
    """Requests and work orders of the head's area still unresolved at the month's end."""

    requests: int = 0
    work_orders: int = 0


def components(f: DutyFigures, pending: Pending = Pending()) -> dict[str, Decimal]:
    return {
        "inspections": ratio(f.weeks_inspected, f.weeks_served),
        "visits": ratio(f.households_visited, f.households),
        "attendance": ratio(f.meetings_attended, f.meetings_held),
        "requests": ratio(f.requests_handled, f.requests_handled + pending.requests),
        "hotline": ratio(f.work_orders_handled, f.work_orders_handled + pending.work_orders),
        "satisfaction": satisfaction_component(f.satisfaction_marks, f.satisfaction_total),
    }


def weights_of(values: Mapping[str, object]) -> dict[str, Decimal]:
    """The six weights (component name → weight) from the parameters in force."""
    return {c: Decimal(str(values[k])) for c, k in zip(COMPONENTS, WEIGHT_KEYS)}


def monthly_score(f: DutyFigures, weights: Mapping[str, Decimal], pending: Pending = Pending()) -> Decimal:
    """100 × Σ weight × component ÷ Σ weights, rounded half-up to 0.01."""
    total_weight = sum((Decimal(weights[c]) for c in COMPONENTS), Decimal(0))
    if total_weight <= 0:
        return HUNDRED.quantize(CENT)
    parts = components(f, pending)
    weighted = sum((Decimal(weights[c]) * parts[c] for c in COMPONENTS), Decimal(0))
    return (HUNDRED * weighted / total_weight).quantize(CENT, ROUND_HALF_UP)


def record_figures(f: DutyFigures, pending: Pending) -> dict[str, int]:
    """What a performance record keeps of the figures its score comes from (JSON)."""
    return {
        "weeksServed": f.weeks_served, "weeksInspected": f.weeks_inspected, "inspections": f.inspections,
        "households": f.households, "householdsVisited": f.households_visited, "meetingsHeld": f.meetings_held,
        "meetingsAttended": f.meetings_attended, "requestsHandled": f.requests_handled,
        "requestsPending": pending.requests, "workOrdersHandled": f.work_orders_handled,
        "workOrdersPending": pending.work_orders, "satisfactionMarks": f.satisfaction_marks,
        "satisfactionTotal": f.satisfaction_total,
    }


# ---------------------------------------------------------------- the year

def annual_score(monthly: Sequence[Decimal]) -> Decimal | None:
    """The plain mean of the year's monthly scores, half-up to 0.01; None without any."""
    if not monthly:
        return None
    return (sum((Decimal(s) for s in monthly), Decimal(0)) / len(monthly)).quantize(CENT, ROUND_HALF_UP)


def proposed_grade(score: Decimal | None) -> Grade | None:
    if score is None:
        return None
    if score >= EXCELLENT_FROM:
        return Grade.EXCELLENT
    if score >= QUALIFIED_FROM:
        return Grade.QUALIFIED
    return Grade.UNQUALIFIED


def effective_grade(grade: Grade | str | None, proposed: Grade | str | None) -> Grade | None:
    """The confirmed grade when there is one, else the proposed one."""
    value = grade or proposed
    return Grade(value) if value else None


def passes(grade: Grade | str | None) -> bool:
    return grade is not None and Grade(grade) in (Grade.EXCELLENT, Grade.QUALIFIED)


# ---------------------------------------------------------------- sign-off

class SignRole(str, Enum):
    POLICE = "POLICE"
    UNITS = "UNITS"


def signed_off(police_signed: bool, units_signed: bool) -> bool:
    """An annual assessment is final once the police officer and the units have both signed."""
    return police_signed and units_signed


def ends_service(kind: str, grade: Grade | str | None, final: bool) -> bool:
    """A signed-off UNQUALIFIED annual assessment ends the service (§11)."""
    return final and kind == "ANNUAL" and grade is not None and Grade(grade) == Grade.UNQUALIFIED


# ---------------------------------------------------------------- excellence

@dataclass(frozen=True)
class Candidate:
    term_id: int
    score: Decimal | None
    party_member: bool
    retired_cadre: bool
    model_worker: bool
    starts_on: date

    @property
    def flags(self) -> int:
        return int(self.party_member) + int(self.retired_cadre) + int(self.model_worker)


def rank_key(c: Candidate) -> tuple:
    has_score = c.score is not None
    return (0 if has_score else 1, -(c.score or Decimal(0)), -c.flags, c.starts_on, c.term_id)


def rank(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Score descending (none last), then preference flags (more first), then seniority, then id."""
    return sorted(candidates, key=rank_key)


def excellent_places(active_heads: int, small: int, large: int, threshold: int) -> int:
    """How many excellent heads a compound selects: ``small`` below ``threshold`` active heads."""
    return small if active_heads < threshold else large


def select_excellent(candidates: Sequence[Candidate], active_heads: int, small: int, large: int,
                     threshold: int) -> list[Candidate]:
    """The ranked selection: the first places of the ranking."""
    return rank(candidates)[:max(0, excellent_places(active_heads, small, large, threshold))]
