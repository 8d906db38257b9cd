"""Policy parameters with effective dates (policy/parameters.py, docs/policy.md §12)."""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.parameters import (
    PARAMETERS,
    ParameterError,
    ParameterRow,
    default_rows,
    format_value,
    in_force_row,
    parse_value,
    value_in_force,
    values_in_force,
)

DISTRICT, SUBDISTRICT, COMMUNITY, COMPOUND = 1, 20, 300, 4000
CHAIN = [COMPOUND, COMMUNITY, SUBDISTRICT, DISTRICT]  # nearest first

EXPECTED_DEFAULTS = {
    "households_per_head": 100,
    "station_head_subsidy": Decimal("500.00"),
    "building_head_subsidy": Decimal("300.00"),
    "workstation_fund": Decimal("10000.00"),
    "age_limit": 60,
    "age_limit_outstanding": 65,
    "nomination_min_signers": 10,
    "notice_min_working_days": 5,
    "notice_max_working_days": 7,
    "term_years": 5,
    "resignation_notice_months": 2,
    "absence_limit": 3,
    "absence_warning_at": 2,
    "ack_minutes_station": 30,
    "ack_minutes_community": 60,
    "ack_minutes_subdistrict": 120,
    "ack_minutes_new_town": 240,
    "insurance_premium": Decimal("100.00"),
    "insurance_after_months": 3,
    "excellent_per_compound_small": 1,
    "excellent_per_compound_large": 2,
    "excellent_large_threshold": 6,
    "weight_inspections": Decimal("0.20"),
    "weight_visits": Decimal("0.25"),
    "weight_attendance": Decimal("0.15"),
    "weight_requests": Decimal("0.10"),
    "weight_hotline": Decimal("0.15"),
    "weight_satisfaction": Decimal("0.15"),
}


# --- definitions ---------------------------------------------------------------

def test_exactly_the_expected_parameters() -> None:
    assert set(PARAMETERS) == set(EXPECTED_DEFAULTS)
    for key, pdef in PARAMETERS.items():
        assert pdef.key == key


@pytest.mark.parametrize("key", sorted(EXPECTED_DEFAULTS))
def test_default_parses_to_expected_value_and_is_canonical(key: str) -> None:
    pdef = PARAMETERS[key]
    value = parse_value(key, pdef.default)
    assert value == EXPECTED_DEFAULTS[key]
    assert type(value) is type(EXPECTED_DEFAULTS[key])
    assert format_value(key, value) == pdef.default
    assert pdef.kind in {"int", "money", "weight"}
    assert pdef.description_zh and pdef.description_en
    assert pdef.minimum is not None and pdef.maximum is not None
    assert pdef.minimum <= Decimal(pdef.default) <= pdef.maximum


def test_kinds_and_units() -> None:
    assert PARAMETERS["station_head_subsidy"].kind == "money"
    assert PARAMETERS["station_head_subsidy"].unit == "CNY/month"
    assert PARAMETERS["workstation_fund"].unit == "CNY/year"
    assert PARAMETERS["weight_visits"].kind == "weight"
    assert PARAMETERS["households_per_head"].kind == "int"
    assert PARAMETERS["age_limit"].minimum == 18 and PARAMETERS["age_limit"].maximum == 80


def test_default_weights_sum_to_one() -> None:
    total = sum(v for k, v in EXPECTED_DEFAULTS.items() if k.startswith("weight_"))
    assert total == Decimal("1.00")


def test_definitions_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PARAMETERS["age_limit"].default = "70"  # type: ignore[misc]


# --- parse_value -----------------------------------------------------------------

@pytest.mark.parametrize(
    "key, raw, expected",
    [
        ("households_per_head", "120", 120),
        ("households_per_head", " 80 ", 80),
        ("households_per_head", "100.0", 100),
        ("households_per_head", "1", 1),
        ("age_limit", "18", 18),
        ("age_limit", "80", 80),
        ("resignation_notice_months", "0", 0),
        ("resignation_notice_months", "-0", 0),
        ("station_head_subsidy", "600", Decimal("600.00")),
        ("station_head_subsidy", "600.5", Decimal("600.50")),
        ("station_head_subsidy", "0", Decimal("0.00")),
        ("building_head_subsidy", "350.000", Decimal("350.00")),
        ("weight_visits", "0.3", Decimal("0.30")),
        ("weight_visits", "0.125", Decimal("0.125")),
        ("weight_visits", "1", Decimal("1.00")),
        ("weight_visits", "0", Decimal("0.00")),
    ],
)
def test_parse_value_valid(key: str, raw: str, expected: int | Decimal) -> None:
    value = parse_value(key, raw)
    assert value == expected
    assert type(value) is type(expected)


def test_money_is_quantized_to_fen() -> None:
    value = parse_value("station_head_subsidy", "600.5")
    assert isinstance(value, Decimal)
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "key, raw, reason",
    [
        ("no_such_key", "1", "UNKNOWN_KEY"),
        ("households_per_head", "", "NOT_A_NUMBER"),
        ("households_per_head", "abc", "NOT_A_NUMBER"),
        ("households_per_head", "1e2", "NOT_A_NUMBER"),
        ("households_per_head", "NaN", "NOT_A_NUMBER"),
        ("households_per_head", "Infinity", "NOT_A_NUMBER"),
        ("households_per_head", "1,000", "NOT_A_NUMBER"),
        ("households_per_head", "1 000", "NOT_A_NUMBER"),
        ("households_per_head", ".5", "NOT_A_NUMBER"),
        ("households_per_head", "１００", "NOT_A_NUMBER"),  # full-width digits
        ("households_per_head", "100.5", "TOO_MANY_DECIMALS"),
        ("station_head_subsidy", "500.001", "TOO_MANY_DECIMALS"),
        ("weight_visits", "0.12345", "TOO_MANY_DECIMALS"),
        ("households_per_head", "0", "OUT_OF_RANGE"),
        ("households_per_head", "-5", "OUT_OF_RANGE"),
        ("age_limit", "17", "OUT_OF_RANGE"),
        ("age_limit", "81", "OUT_OF_RANGE"),
        ("age_limit_outstanding", "90", "OUT_OF_RANGE"),
        ("station_head_subsidy", "-0.01", "OUT_OF_RANGE"),
        ("station_head_subsidy", "9" * 40, "OUT_OF_RANGE"),
        ("weight_hotline", "1.01", "OUT_OF_RANGE"),
        ("weight_hotline", "-0.1", "OUT_OF_RANGE"),
        ("term_years", "0", "OUT_OF_RANGE"),
        ("absence_limit", "0", "OUT_OF_RANGE"),
    ],
)
def test_parse_value_invalid(key: str, raw: str, reason: str) -> None:
    with pytest.raises(ParameterError) as exc:
        parse_value(key, raw)
    assert exc.value.reason == reason
    assert str(exc.value)
    assert isinstance(exc.value, ValueError)


# --- format_value ----------------------------------------------------------------

@pytest.mark.parametrize(
    "key, value, text",
    [
        ("households_per_head", 120, "120"),
        ("households_per_head", "120.0", "120"),
        ("station_head_subsidy", Decimal("600.5"), "600.50"),
        ("station_head_subsidy", 600, "600.00"),
        ("station_head_subsidy", "0", "0.00"),
        ("station_head_subsidy", Decimal("-0"), "0.00"),
        ("weight_visits", Decimal("0.3"), "0.30"),
        ("weight_visits", Decimal("0.1250"), "0.125"),
        ("weight_visits", 1, "1.00"),
    ],
)
def test_format_value(key: str, value: int | Decimal | str, text: str) -> None:
    assert format_value(key, value) == text


@pytest.mark.parametrize(
    "key, value, reason",
    [
        ("households_per_head", 0, "OUT_OF_RANGE"),
        ("station_head_subsidy", Decimal("1.005"), "TOO_MANY_DECIMALS"),
        ("station_head_subsidy", Decimal("NaN"), "NOT_A_NUMBER"),
        ("households_per_head", True, "NOT_A_NUMBER"),
        ("nope", 1, "UNKNOWN_KEY"),
    ],
)
def test_format_value_validates(key: str, value: int | Decimal, reason: str) -> None:
    with pytest.raises(ParameterError) as exc:
        format_value(key, value)
    assert exc.value.reason == reason


@given(st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False))
def test_money_round_trip(amount: Decimal) -> None:
    text = format_value("building_head_subsidy", amount)
    assert parse_value("building_head_subsidy", text) == amount
    assert format_value("building_head_subsidy", text) == text
    assert len(text.split(".")[1]) == 2


@given(st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False))
def test_weight_round_trip(weight: Decimal) -> None:
    text = format_value("weight_satisfaction", weight)
    assert parse_value("weight_satisfaction", text) == weight
    assert format_value("weight_satisfaction", text) == text


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_int_range_enforced(n: int) -> None:
    if 1 <= n <= 10_000:
        assert parse_value("households_per_head", str(n)) == n
        assert format_value("households_per_head", n) == str(n)
    else:
        with pytest.raises(ParameterError) as exc:
            parse_value("households_per_head", str(n))
        assert exc.value.reason == "OUT_OF_RANGE"


# --- value_in_force ----------------------------------------------------------------

def row(node: int, key: str, value: str, day: date) -> ParameterRow:
    return ParameterRow(node_id=node, key=key, value=value, effective_from=day)


D0 = date(2024, 1, 1)


def test_default_when_no_rows() -> None:
    assert value_in_force("building_head_subsidy", CHAIN, [], date(2025, 1, 1)) == Decimal("300.00")
    assert in_force_row("building_head_subsidy", CHAIN, [], date(2025, 1, 1)) is None


def test_district_row_applies_from_its_date() -> None:
    rows = [row(DISTRICT, "building_head_subsidy", "300.00", D0), row(DISTRICT, "building_head_subsidy", "350.00", date(2025, 3, 1))]
    assert value_in_force("building_head_subsidy", CHAIN, rows, date(2025, 2, 28)) == Decimal("300.00")
    assert value_in_force("building_head_subsidy", CHAIN, rows, date(2025, 3, 1)) == Decimal("350.00")
    assert value_in_force("building_head_subsidy", CHAIN, rows, date(2030, 1, 1)) == Decimal("350.00")


def test_before_any_row_the_default_applies() -> None:
    rows = [row(DISTRICT, "households_per_head", "120", D0)]
    assert value_in_force("households_per_head", CHAIN, rows, D0 - timedelta(days=1)) == 100
    assert value_in_force("households_per_head", CHAIN, rows, D0) == 120


def test_lower_override_only_from_its_effective_date() -> None:
    rows = [
        row(DISTRICT, "building_head_subsidy", "300.00", D0),
        row(SUBDISTRICT, "building_head_subsidy", "400.00", date(2025, 7, 1)),
    ]
    assert value_in_force("building_head_subsidy", CHAIN, rows, date(2025, 6, 30)) == Decimal("300.00")
    assert value_in_force("building_head_subsidy", CHAIN, rows, date(2025, 7, 1)) == Decimal("400.00")
    # the subdistrict itself, and a sibling chain that does not include it
    assert value_in_force("building_head_subsidy", [SUBDISTRICT, DISTRICT], rows, date(2025, 8, 1)) == Decimal("400.00")
    assert value_in_force("building_head_subsidy", [21, DISTRICT], rows, date(2025, 8, 1)) == Decimal("300.00")


def test_nearest_node_wins_even_with_older_date() -> None:
    rows = [
        row(COMMUNITY, "age_limit", "58", date(2024, 1, 1)),
        row(DISTRICT, "age_limit", "62", date(2025, 1, 1)),  # newer, but higher up
    ]
    assert value_in_force("age_limit", CHAIN, rows, date(2025, 6, 1)) == 58
    found = in_force_row("age_limit", CHAIN, rows, date(2025, 6, 1))
    assert found == rows[0]


def test_latest_row_of_nearest_node_wins() -> None:
    rows = [
        row(COMPOUND, "term_years", "3", date(2025, 5, 1)),
        row(COMPOUND, "term_years", "4", date(2024, 1, 1)),
        row(COMPOUND, "term_years", "2", date(2026, 1, 1)),  # future
        row(DISTRICT, "term_years", "5", D0),
    ]
    assert value_in_force("term_years", CHAIN, rows, date(2025, 4, 30)) == 4
    assert value_in_force("term_years", CHAIN, rows, date(2025, 5, 1)) == 3
    assert value_in_force("term_years", CHAIN, rows, date(2025, 12, 31)) == 3
    assert value_in_force("term_years", CHAIN, rows, date(2026, 1, 1)) == 2
    assert value_in_force("term_years", CHAIN, rows, date(2023, 12, 31)) == 5  # default


def test_other_keys_and_nodes_ignored() -> None:
    rows = [
        row(COMPOUND, "age_limit", "55", D0),
        row(999, "term_years", "9", D0),
    ]
    assert value_in_force("term_years", CHAIN, rows, date(2025, 1, 1)) == 5


def test_same_date_duplicate_last_wins() -> None:
    rows = [row(DISTRICT, "absence_limit", "4", D0), row(DISTRICT, "absence_limit", "6", D0)]
    assert value_in_force("absence_limit", CHAIN, rows, D0) == 6


def test_rows_may_be_a_one_shot_iterator() -> None:
    rows = iter([row(DISTRICT, "absence_limit", "4", D0)])
    assert value_in_force("absence_limit", CHAIN, rows, D0) == 4


def test_unknown_key_raises() -> None:
    with pytest.raises(ParameterError) as exc:
        value_in_force("nope", CHAIN, [], D0)
    assert exc.value.reason == "UNKNOWN_KEY"


def test_bad_stored_value_raises() -> None:
    with pytest.raises(ParameterError) as exc:
        value_in_force("age_limit", CHAIN, [row(DISTRICT, "age_limit", "old", D0)], D0)
    assert exc.value.reason == "NOT_A_NUMBER"


def test_values_in_force_and_default_rows() -> None:
    rows = default_rows(DISTRICT, D0)
    assert len(rows) == len(PARAMETERS)
    assert {r.key for r in rows} == set(PARAMETERS)
    assert all(r.node_id == DISTRICT and r.effective_from == D0 for r in rows)
    assert all(r.value == PARAMETERS[r.key].default for r in rows)
    rows.append(row(COMMUNITY, "building_head_subsidy", "320.00", date(2025, 1, 1)))
    values = values_in_force(CHAIN, iter(rows), date(2025, 1, 1))
    assert values == {**EXPECTED_DEFAULTS, "building_head_subsidy": Decimal("320.00")}


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(CHAIN[:-1]),
    st.integers(min_value=1, max_value=10_000),
    st.integers(min_value=1, max_value=10_000),
)
def test_override_applies_exactly_from_its_date(
    district_from: date, override_from: date, on: date, node: int, district_value: int, override_value: int
) -> None:
    rows = [
        row(DISTRICT, "households_per_head", str(district_value), district_from),
        row(node, "households_per_head", str(override_value), override_from),
    ]
    if on >= override_from:
        expected = override_value
    elif on >= district_from:
        expected = district_value
    else:
        expected = 100
    assert value_in_force("households_per_head", CHAIN, rows, on) == expected
    assert value_in_force("households_per_head", CHAIN, list(reversed(rows)), on) == expected


@given(
    st.lists(
        st.tuples(
            st.sampled_from(CHAIN + [77]),
            st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
            st.integers(min_value=18, max_value=80),
        ),
        max_size=12,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
)
def test_value_in_force_matches_reference(entries: list[tuple[int, date, int]], on: date) -> None:
    rows = [row(n, "age_limit", str(v), d) for n, d, v in entries]
    expected: int = 60
    for node in CHAIN:
        applicable = [(d, v) for n, d, v in entries if n == node and d <= on]
        if applicable:
            expected = max(applicable)[1]
            break
    assert value_in_force("age_limit", CHAIN, rows, on) == expected
    assert value_in_force("age_limit", CHAIN, list(reversed(rows)), on) == expected
