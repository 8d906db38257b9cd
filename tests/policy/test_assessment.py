"""The assessment rules (policy/assessment.py), hand-computed."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from policy import assessment as rules
from policy.duties import ZERO, DutyFigures
from policy.money import Grade
from policy.parameters import PARAMETERS

DEFAULT = rules.weights_of({k: PARAMETERS[k].default for k in rules.WEIGHT_KEYS})


def figures(ws=0, wi=0, h=0, hv=0, mh=0, ma=0, rh=0, wo=0, sm=0, st=0) -> DutyFigures:
    return DutyFigures(weeks_served=ws, weeks_inspected=wi, inspections=wi, households=h, households_visited=hv,
                       meetings_held=mh, meetings_attended=ma, requests_handled=rh, work_orders_handled=wo,
                       satisfaction_marks=sm, satisfaction_total=st)


def test_default_weights_sum_to_one():
    assert DEFAULT == {"inspections": Decimal("0.20"), "visits": Decimal("0.25"), "attendance": Decimal("0.15"),
                       "requests": Decimal("0.10"), "hotline": Decimal("0.15"), "satisfaction": Decimal("0.15")}
    assert sum(DEFAULT.values()) == 1


def test_monthly_score_hand_computed():
    f = figures(ws=5, wi=3, h=3, hv=2, mh=4, ma=2, rh=2, wo=1, sm=2, st=9)
    parts = rules.components(f, rules.Pending(requests=0, work_orders=1))
    assert parts == {"inspections": Decimal("0.6"), "visits": Decimal(2) / Decimal(3), "attendance": Decimal("0.5"),
                     "requests": 1, "hotline": Decimal("0.5"), "satisfaction": Decimal("0.875")}
    # 0.20×0.6 + 0.25×2/3 + 0.15×0.5 + 0.10×1 + 0.15×0.5 + 0.15×0.875
    # = 0.12 + 0.1666… + 0.075 + 0.10 + 0.075 + 0.13125 = 0.667916… → 66.79
    assert rules.monthly_score(f, DEFAULT, rules.Pending(requests=0, work_orders=1)) == Decimal("66.79")
    # the same without the pending work order: hotline 1/1 → + 0.15 × 0.5 = 0.075 → 74.29
    assert rules.monthly_score(f, DEFAULT) == Decimal("74.29")


def test_zero_denominators_give_full_marks():
    assert rules.components(ZERO) == {c: 1 for c in rules.COMPONENTS}
    assert rules.monthly_score(ZERO, DEFAULT) == Decimal("100.00")
    assert rules.ratio(0, 0) == 1 and rules.ratio(3, 0) == 1
    assert rules.satisfaction_component(0, 0) == 1
    # a head who did nothing that was expected: 0 everywhere except the empty parts
    idle = figures(ws=4, h=10, mh=4, sm=1, st=1)
    assert rules.components(idle, rules.Pending(requests=3, work_orders=2)) == {
        "inspections": 0, "visits": 0, "attendance": 0, "requests": 0, "hotline": 0, "satisfaction": 0}
    assert rules.monthly_score(idle, DEFAULT, rules.Pending(3, 2)) == Decimal("0.00")


def test_ratios_are_clamped_and_satisfaction_uses_the_exact_average():
    assert rules.ratio(7, 5) == 1
    assert rules.satisfaction_component(3, 13) == (Decimal(13) / 3 - 1) / 4  # 4.333… not 4.33
    assert rules.satisfaction_component(1, 5) == 1 and rules.satisfaction_component(2, 2) == 0


def test_rounding_is_half_up_and_weights_are_normalised():
    w = {c: Decimal(0) for c in rules.COMPONENTS} | {"visits": Decimal("0.1"), "inspections": Decimal("0.9")}
    # 100 × (0.9 × 0 + 0.1 × 1/16) / 1.0 = 0.625 → 0.63 (half-up; half-even would give 0.62)
    assert rules.monthly_score(figures(ws=4, h=16, hv=1), w) == Decimal("0.63")
    # weights summing to 2 give the same score as the same proportions summing to 1
    doubled = {c: v * 2 for c, v in DEFAULT.items()}
    f = figures(ws=5, wi=3, h=3, hv=2, mh=4, ma=2, rh=2, wo=1, sm=2, st=9)
    assert rules.monthly_score(f, doubled) == rules.monthly_score(f, DEFAULT)
    assert rules.monthly_score(f, {c: Decimal(0) for c in rules.COMPONENTS}) == Decimal("100.00")


def test_record_figures_keep_what_the_score_came_from():
    out = rules.record_figures(figures(ws=5, wi=3, rh=2, wo=1), rules.Pending(2, 0))
    assert out["weeksServed"] == 5 and out["requestsPending"] == 2 and out["workOrdersPending"] == 0


def test_annual_score_and_proposed_grade():
    assert rules.annual_score([]) is None
    # (80 + 90 + 85.50) / 3 = 85.1666… → 85.17
    assert rules.annual_score([Decimal("80"), Decimal("90"), Decimal("85.50")]) == Decimal("85.17")
    assert rules.annual_score([Decimal("60.005")]) == Decimal("60.01")
    assert rules.proposed_grade(None) is None
    assert rules.proposed_grade(Decimal("85.00")) == Grade.EXCELLENT
    assert rules.proposed_grade(Decimal("84.99")) == Grade.QUALIFIED
    assert rules.proposed_grade(Decimal("60.00")) == Grade.QUALIFIED
    assert rules.proposed_grade(Decimal("59.99")) == Grade.UNQUALIFIED


def test_effective_grade_and_passing():
    assert rules.effective_grade(None, "EXCELLENT") == Grade.EXCELLENT
    assert rules.effective_grade("UNQUALIFIED", "EXCELLENT") == Grade.UNQUALIFIED
    assert rules.effective_grade(None, None) is None
    assert rules.passes(Grade.QUALIFIED) and rules.passes("EXCELLENT")
    assert not rules.passes(Grade.UNQUALIFIED) and not rules.passes(None)


def test_sign_off_needs_both_and_only_unqualified_annual_ends_the_service():
    assert rules.signed_off(True, True)
    assert not rules.signed_off(True, False) and not rules.signed_off(False, True)
    assert rules.ends_service("ANNUAL", Grade.UNQUALIFIED, True)
    assert not rules.ends_service("ANNUAL", Grade.UNQUALIFIED, False)
    assert not rules.ends_service("ANNUAL", Grade.QUALIFIED, True)
    assert not rules.ends_service("PROBATION", Grade.UNQUALIFIED, True)


def _c(term_id, score, flags=0, starts_on=date(2024, 1, 1)):
    return rules.Candidate(term_id, Decimal(score) if score is not None else None, flags >= 1, flags >= 2,
                           flags >= 3, starts_on)


def test_excellence_places():
    assert rules.excellent_places(5, 1, 2, 6) == 1
    assert rules.excellent_places(6, 1, 2, 6) == 2
    assert rules.excellent_places(0, 1, 2, 6) == 1


def test_ranking_score_then_flags_then_seniority_then_id():
    ranked = rules.rank([
        _c(1, "80"), _c(2, "90", flags=1), _c(3, "90", flags=2), _c(4, None, flags=3),
        _c(5, "80", starts_on=date(2023, 5, 1)), _c(6, "80", starts_on=date(2023, 5, 1)),
    ])
    # 90s first (more flags first), then the 80s by seniority (5 and 6 started earlier: id breaks their tie), no score last
    assert [c.term_id for c in ranked] == [3, 2, 5, 6, 1, 4]
    assert _c(9, "1", flags=3).flags == 3


def test_select_excellent_takes_the_first_places():
    cands = [_c(1, "70"), _c(2, "95"), _c(3, "88")]
    assert [c.term_id for c in rules.select_excellent(cands, 5, 1, 2, 6)] == [2]
    assert [c.term_id for c in rules.select_excellent(cands, 6, 1, 2, 6)] == [2, 3]
    assert rules.select_excellent(cands, 6, 1, 0, 6) == []
    assert rules.select_excellent([], 9, 1, 2, 6) == []
