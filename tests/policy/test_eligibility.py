"""Automatic eligibility checks and shortlist ranking (docs/policy.md §5, A3-§2)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from policy.eligibility import Applicant, Failure, check_eligibility, tie_break_key
from policy.kinds import Violation

APPLIED = date(2025, 3, 10)


def applicant(birth: date = date(1970, 6, 1), **kw: object) -> Applicant:
    base = Applicant(
        birth_date=birth,
        resides_in_compound=True,
        permanent_resident=True,
        property_fee_paid=True,
        violations=frozenset(),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def codes(failures: list[Failure]) -> list[str]:
    return [f.code for f in failures]


def test_clean_applicant_passes() -> None:
    assert check_eligibility(applicant(), APPLIED) == []


def test_age_limit_on_the_60th_birthday() -> None:
    born = date(1965, 3, 10)
    assert check_eligibility(applicant(born), date(2025, 3, 9)) == []  # still 59
    [f] = check_eligibility(applicant(born), date(2025, 3, 10))  # turns 60
    assert f.code == "AGE_OVER_LIMIT"
    assert "60" in f.message_zh and "60" in f.message_en
    assert f.message_en == "aged 60 on the application date; the limit is under 60"


def test_age_message_names_the_actual_age() -> None:
    [f] = check_eligibility(applicant(date(1963, 12, 1)), APPLIED)  # 61
    assert f.code == "AGE_OVER_LIMIT"
    assert f.message_en == "aged 61 on the application date; the limit is under 60"
    assert "年满61周岁" in f.message_zh and "未满60周岁" in f.message_zh


def test_waiver_allows_up_to_under_65() -> None:
    born = date(1960, 3, 10)
    reason = "市级优秀志愿者"
    assert check_eligibility(applicant(born), date(2025, 3, 9), outstanding_waiver_reason=reason) == []  # 64
    [f] = check_eligibility(applicant(born), date(2025, 3, 10), outstanding_waiver_reason=reason)  # 65
    assert f.code == "AGE_OVER_WAIVER_LIMIT"
    assert "65" in f.message_en and "65" in f.message_zh
    assert "年满65周岁" in f.message_zh


def test_no_waiver_at_70_is_the_plain_limit() -> None:
    fs = check_eligibility(applicant(date(1955, 1, 1)), APPLIED)
    assert codes(fs) == ["AGE_OVER_LIMIT"]
    assert "aged 70" in fs[0].message_en


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_blank_waiver_reason_is_required(blank: str) -> None:
    # under 60: only the missing reason
    assert codes(check_eligibility(applicant(), APPLIED, outstanding_waiver_reason=blank)) == [
        "WAIVER_REASON_REQUIRED"
    ]
    # 62: the waiver does not apply without a reason
    fs = check_eligibility(applicant(date(1963, 1, 1)), APPLIED, outstanding_waiver_reason=blank)
    assert codes(fs) == ["WAIVER_REASON_REQUIRED", "AGE_OVER_LIMIT"]
    assert "65" in fs[0].message_en and "65" in fs[0].message_zh
    # 66: even a reason would not help, so say so at once
    fs = check_eligibility(applicant(date(1959, 1, 1)), APPLIED, outstanding_waiver_reason=blank)
    assert codes(fs) == ["WAIVER_REASON_REQUIRED", "AGE_OVER_WAIVER_LIMIT"]


def test_custom_limits_appear_in_messages() -> None:
    [f] = check_eligibility(applicant(date(1969, 1, 1)), APPLIED, age_limit=55, age_limit_outstanding=58)
    assert f.message_en == "aged 56 on the application date; the limit is under 55"
    assert "年满56周岁" in f.message_zh and "未满55周岁" in f.message_zh
    [g] = check_eligibility(
        applicant(date(1966, 1, 1)), APPLIED, age_limit=55, age_limit_outstanding=58,
        outstanding_waiver_reason="表现突出",
    )
    assert g.code == "AGE_OVER_WAIVER_LIMIT" and "under 58" in g.message_en and "aged 59" in g.message_en


@pytest.mark.parametrize(("lo", "hi"), [(65, 60), (0, 65)])
def test_inconsistent_limits_refused(lo: int, hi: int) -> None:
    with pytest.raises(ValueError):
        check_eligibility(applicant(), APPLIED, age_limit=lo, age_limit_outstanding=hi)


def test_birth_after_application_refused() -> None:
    with pytest.raises(ValueError):
        check_eligibility(applicant(date(2026, 1, 1)), APPLIED)


def test_leap_day_birthday() -> None:
    born = date(1964, 2, 29)
    assert check_eligibility(applicant(born), date(2024, 2, 28)) == []
    assert codes(check_eligibility(applicant(born), date(2024, 2, 29))) == ["AGE_OVER_LIMIT"]


def test_residency_fee_and_violations_each_give_a_reason() -> None:
    a = applicant(
        resides_in_compound=False,
        permanent_resident=False,
        property_fee_paid=False,
        violations=frozenset({"RULE_BREACH", "LOAD_BEARING_DAMAGE", "ILLEGAL_CONSTRUCTION"}),
    )
    fs = check_eligibility(a, APPLIED)
    assert codes(fs) == [
        "NOT_RESIDENT_OF_COMPOUND",
        "NOT_PERMANENT_RESIDENT",
        "PROPERTY_FEE_UNPAID",
        "VIOLATION_LOAD_BEARING_DAMAGE",
        "VIOLATION_ILLEGAL_CONSTRUCTION",
        "VIOLATION_RULE_BREACH",
    ]
    for f in fs:
        assert f.message_zh.strip() and f.message_en.strip()
    assert len({f.message_en for f in fs}) == len(fs)
    assert "承重" in fs[3].message_zh and "违章" in fs[4].message_zh


@pytest.mark.parametrize("flag", ["resides_in_compound", "permanent_resident", "property_fee_paid"])
def test_single_flag_failures(flag: str) -> None:
    expected = {
        "resides_in_compound": "NOT_RESIDENT_OF_COMPOUND",
        "permanent_resident": "NOT_PERMANENT_RESIDENT",
        "property_fee_paid": "PROPERTY_FEE_UNPAID",
    }[flag]
    assert codes(check_eligibility(applicant(**{flag: False}), APPLIED)) == [expected]


def test_violation_enum_members_accepted_and_unknown_refused() -> None:
    a = applicant(violations=frozenset({Violation.ILLEGAL_CONSTRUCTION}))
    assert codes(check_eligibility(a, APPLIED)) == ["VIOLATION_ILLEGAL_CONSTRUCTION"]
    with pytest.raises(ValueError, match="NOISE"):
        check_eligibility(applicant(violations=frozenset({"NOISE"})), APPLIED)


def test_all_failures_reported_together() -> None:
    a = applicant(date(1950, 1, 1), property_fee_paid=False, violations=frozenset({"RULE_BREACH"}))
    assert codes(check_eligibility(a, APPLIED)) == ["AGE_OVER_LIMIT", "PROPERTY_FEE_UNPAID", "VIOLATION_RULE_BREACH"]


# --- properties around the age boundaries -------------------------------------------------------

births = st.dates(min_value=date(1930, 1, 1), max_value=date(1990, 12, 31)).filter(
    lambda b: (b.month, b.day) != (2, 29)
)


@settings(max_examples=150, deadline=None)
@given(born=births, delta=st.integers(min_value=-3, max_value=3))
def test_age_60_boundary_without_waiver(born: date, delta: int) -> None:
    on = born.replace(year=born.year + 60) + timedelta(days=delta)
    fs = codes(check_eligibility(applicant(born), on))
    assert fs == (["AGE_OVER_LIMIT"] if delta >= 0 else [])


@settings(max_examples=150, deadline=None)
@given(born=births, delta=st.integers(min_value=-3, max_value=3))
def test_age_65_boundary_with_waiver(born: date, delta: int) -> None:
    on = born.replace(year=born.year + 65) + timedelta(days=delta)
    fs = codes(check_eligibility(applicant(born), on, outstanding_waiver_reason="优秀"))
    assert fs == (["AGE_OVER_WAIVER_LIMIT"] if delta >= 0 else [])


# --- shortlist ranking ---------------------------------------------------------------------------


def test_tie_break_order() -> None:
    day = date(2025, 3, 1)
    cands = {
        "high_score": tie_break_key(False, False, False, Decimal("92.5"), day + timedelta(days=9)),
        "mid_3flags_late": tie_break_key(True, True, True, Decimal("88"), day + timedelta(days=5)),
        "mid_1flag_early": tie_break_key(True, False, False, Decimal("88"), day),
        "mid_1flag_late": tie_break_key(False, False, True, Decimal("88.0"), day + timedelta(days=1)),
        "mid_0flag": tie_break_key(False, False, False, Decimal("88"), day),
        "no_score": tie_break_key(True, True, True, None, day),
    }
    ranked = sorted(cands, key=cands.__getitem__)
    assert ranked == ["high_score", "mid_3flags_late", "mid_1flag_early", "mid_1flag_late", "mid_0flag", "no_score"]


def test_tie_break_accepts_datetimes() -> None:
    early = tie_break_key(False, False, False, Decimal(80), datetime(2025, 3, 1, 9, 0))
    late = tie_break_key(False, False, False, Decimal(80), datetime(2025, 3, 1, 9, 1))
    assert early < late


def test_tie_break_refuses_nan() -> None:
    with pytest.raises(ValueError):
        tie_break_key(False, False, False, Decimal("NaN"), date(2025, 3, 1))


scores = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
flags = st.tuples(st.booleans(), st.booleans(), st.booleans())
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31))


@settings(max_examples=150, deadline=None)
@given(s1=scores, s2=scores, f1=flags, f2=flags, d1=days, d2=days)
def test_tie_break_property(
    s1: Decimal, s2: Decimal, f1: tuple[bool, bool, bool], f2: tuple[bool, bool, bool], d1: date, d2: date
) -> None:
    k1, k2 = tie_break_key(*f1, s1, d1), tie_break_key(*f2, s2, d2)
    if s1 != s2:
        assert (k1 < k2) == (s1 > s2)
    elif sum(f1) != sum(f2):
        assert (k1 < k2) == (sum(f1) > sum(f2))
    else:
        assume(d1 != d2)
        assert (k1 < k2) == (d1 < d2)
    # an unscored candidate always ranks after a scored one
    assert k1 < tie_break_key(*f1, None, d1)
