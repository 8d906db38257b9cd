"""Policy parameters with effective dates, set per district and overridable
lower in the tree (docs/policy.md §12). Pure: no I/O.

Values are stored as canonical text (:func:`format_value`) and parsed with
:func:`parse_value`: ``int`` parameters give an ``int``, ``money`` ones a
``Decimal`` with two decimals (CNY, §14) and ``weight`` ones a ``Decimal``
between 0 and 1.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = [
    "ParameterDef",
    "ParameterError",
    "ParameterRow",
    "PARAMETERS",
    "KINDS",
    "parse_value",
    "format_value",
    "in_force_row",
    "value_in_force",
    "values_in_force",
    "default_rows",
]

KINDS = frozenset({"int", "money", "weight"})
_MAX_DECIMALS = {"int": 0, "money": 2, "weight": 4}
_CENT = Decimal("0.01")
_NUMBER = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")


@dataclass(frozen=True)
class ParameterDef:
    """Definition of one policy parameter: its kind, default (canonical text) and bounds."""

    key: str
    kind: str  # "int" | "money" | "weight"
    default: str
    unit: str
    description_zh: str
    description_en: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None


def _int(key: str, default: str, unit: str, zh: str, en: str, lo: int, hi: int) -> ParameterDef:
    return ParameterDef(key, "int", default, unit, zh, en, Decimal(lo), Decimal(hi))


def _money(key: str, default: str, unit: str, zh: str, en: str, hi: str) -> ParameterDef:
    return ParameterDef(key, "money", default, unit, zh, en, Decimal("0.00"), Decimal(hi))


def _weight(key: str, default: str, zh: str, en: str) -> ParameterDef:
    return ParameterDef(key, "weight", default, "", zh, en, Decimal("0"), Decimal("1"))


_DEFS: tuple[ParameterDef, ...] = (
    # §5 seats and eligibility
    _int("households_per_head", "100", "households", "每名楼栋长服务户数",
         "Households per building head (seats = ceil(households / this))", 1, 10_000),
    # §9 money
    _money("station_head_subsidy", "500.00", "CNY/month", "站长每月补贴",
           "Monthly subsidy of a station head", "100000.00"),
    _money("building_head_subsidy", "300.00", "CNY/month", "楼栋长每月补贴",
           "Monthly subsidy of a building head or village group leader", "100000.00"),
    _money("workstation_fund", "10000.00", "CNY/year", "工作站每年运行经费",
           "Yearly operating fund per workstation", "10000000.00"),
    # §5 eligibility
    _int("age_limit", "60", "years", "楼栋长年龄上限（不满）",
         "Applicants must be under this age", 18, 80),
    _int("age_limit_outstanding", "65", "years", "优秀人选年龄上限（不满）",
         "Outstanding applicants (waiver) must be under this age", 18, 80),
    _int("nomination_min_signers", "10", "residents", "居民联名推荐最少人数",
         "Minimum residents of the building signing a nomination", 1, 1_000),
    _int("notice_min_working_days", "5", "working days", "公示最少工作日",
         "Minimum length of the public notice", 1, 60),
    _int("notice_max_working_days", "7", "working days", "公示最多工作日",
         "Maximum length of the public notice", 1, 60),
    # §11 end of service
    _int("term_years", "5", "years", "任期年数", "Length of a term of service", 1, 10),
    _int("resignation_notice_months", "2", "months", "辞职提前告知月数",
         "Notice a resignation needs", 0, 24),
    # §7 meetings
    _int("absence_limit", "3", "absences", "无故缺席终止服务次数",
         "Unexcused meeting absences in a term that end the service", 1, 100),
    _int("absence_warning_at", "2", "absences", "无故缺席预警次数",
         "Unexcused absences after which the station head is warned", 1, 100),
    # §6 emergencies reported level by level: each level's time to acknowledge before it is passed up
    _int("ack_minutes_station", "30", "minutes", "站长确认时限", "Minutes the station head has to acknowledge an incident", 1, 10_080),
    _int("ack_minutes_community", "60", "minutes", "社区确认时限", "Minutes the community has to acknowledge an incident", 1, 10_080),
    _int("ack_minutes_subdistrict", "120", "minutes", "镇街确认时限", "Minutes the subdistrict has to acknowledge an incident", 1, 10_080),
    _int("ack_minutes_new_town", "240", "minutes", "新城确认时限", "Minutes the new town has to acknowledge an incident", 1, 10_080),
    # §10 insurance
    _int("insurance_after_months", "3", "months", "上岗后保险核查月数",
         "Months after the start date when insurance eligibility is checked", 1, 24),
    _money("insurance_premium", "100.00", "CNY/year", "人身意外保险年保费",
           "Yearly premium of a building head's accident insurance (for budgets)", "100000.00"),
    # §8 excellence
    _int("excellent_per_compound_small", "1", "heads", "小规模小区优秀名额",
         "Excellent building heads per compound with few active heads", 0, 100),
    _int("excellent_per_compound_large", "2", "heads", "大规模小区优秀名额",
         "Excellent building heads per compound with many active heads", 0, 100),
    _int("excellent_large_threshold", "6", "heads", "优秀名额分界在岗人数",
         "A compound with fewer active heads than this gets the small number", 1, 10_000),
    # §8 monthly record weights
    _weight("weight_inspections", "0.20", "每周巡查权重", "Weight of weekly inspections done"),
    _weight("weight_visits", "0.25", "入户走访权重", "Weight of the share of households visited"),
    _weight("weight_attendance", "0.15", "会议出勤权重", "Weight of meeting attendance"),
    _weight("weight_requests", "0.10", "居民诉求办理权重", "Weight of resident requests handled"),
    _weight("weight_hotline", "0.15", "12345工单权重", "Weight of 12345 hotline work orders"),
    _weight("weight_satisfaction", "0.15", "居民满意度权重", "Weight of residents' satisfaction"),
)

PARAMETERS: dict[str, ParameterDef] = {d.key: d for d in _DEFS}


class ParameterError(ValueError):
    """A parameter key or value that cannot be used.

    ``reason`` is one of "UNKNOWN_KEY", "NOT_A_NUMBER", "OUT_OF_RANGE", "TOO_MANY_DECIMALS".
    """

    def __init__(self, reason: str, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.key = key


def _definition(key: str) -> ParameterDef:
    try:
        return PARAMETERS[key]
    except KeyError:
        raise ParameterError("UNKNOWN_KEY", f"There is no policy parameter called {key!r}.", key) from None


def _canonical_decimal(value: Decimal, kind: str) -> Decimal:
    if value.is_zero():
        value = value.copy_abs()  # no "-0.00"
    if kind == "money":
        return value.quantize(_CENT)
    # weight: at least two decimals, no trailing zeros beyond that
    text = format(value.quantize(Decimal(1).scaleb(-_MAX_DECIMALS[kind])), "f").rstrip("0")
    whole, _, frac = text.partition(".")
    return Decimal(f"{whole}.{frac.ljust(2, '0')}")


def parse_value(key: str, raw: str) -> int | Decimal:
    """Parse a parameter value given as text (surrounding whitespace ignored).

    Plain decimal notation only (no exponent, no separators). Trailing zeros
    do not count as decimals ("100.0" is a valid int). Raises
    :class:`ParameterError`.
    """
    pdef = _definition(key)
    text = raw.strip() if isinstance(raw, str) else str(raw)
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise ParameterError("NOT_A_NUMBER", f"{text!r} is not a number (parameter {key}).", key)
    decimals = (match.group(3) or "").rstrip("0")
    allowed = _MAX_DECIMALS[pdef.kind]
    if len(decimals) > allowed:
        what = "a whole number" if allowed == 0 else f"at most {allowed} decimals"
        raise ParameterError(
            "TOO_MANY_DECIMALS", f"{key} takes {what}; got {text!r}.", key
        )
    value = Decimal(text)
    if (pdef.minimum is not None and value < pdef.minimum) or (
        pdef.maximum is not None and value > pdef.maximum
    ):
        raise ParameterError(
            "OUT_OF_RANGE",
            f"{key} must be between {pdef.minimum} and {pdef.maximum}; got {text!r}.",
            key,
        )
    if pdef.kind == "int":
        return int(value)
    return _canonical_decimal(value, pdef.kind)


def format_value(key: str, value: int | Decimal | str) -> str:
    """Canonical text to store for a value (validated like :func:`parse_value`):
    "100" for ints, "500.00" for money, "0.20" / "0.125" for weights.
    """
    if isinstance(value, bool):
        raise ParameterError("NOT_A_NUMBER", f"{value!r} is not a number (parameter {key}).", key)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ParameterError("NOT_A_NUMBER", f"{value!r} is not a number (parameter {key}).", key)
        text = format(value, "f")
    else:
        text = str(value)
    parsed = parse_value(key, text)
    if isinstance(parsed, int):
        return str(parsed)
    return format(parsed, "f")


@dataclass(frozen=True)
class ParameterRow:
    """One stored setting: ``key`` = ``value`` at tree node ``node_id`` from ``effective_from`` on."""

    node_id: int
    key: str
    value: str
    effective_from: date


def in_force_row(
    key: str, ancestor_ids: Sequence[int], rows: Iterable[ParameterRow], on: date
) -> ParameterRow | None:
    """The row that sets ``key`` on date ``on`` for the first node of ``ancestor_ids``
    (that node, then its ancestors, nearest first; the district last), or None.

    The nearest node having a row with ``effective_from <= on`` wins, with its
    latest such row; a lower node's setting therefore applies only from its
    own effective date (docs/policy.md §12). Rows of other nodes or keys are
    ignored. If one node has two rows for the same date, the later one in
    ``rows`` wins.
    """
    _definition(key)
    rank: dict[int, int] = {}
    for i, node_id in enumerate(ancestor_ids):
        rank.setdefault(node_id, i)
    best: ParameterRow | None = None
    best_rank = len(rank)
    for row in rows:
        if row.key != key or row.effective_from > on:
            continue
        r = rank.get(row.node_id)
        if r is None or r > best_rank:
            continue
        if best is None or r < best_rank or row.effective_from >= best.effective_from:
            best, best_rank = row, r
    return best


def value_in_force(
    key: str, ancestor_ids: Sequence[int], rows: Iterable[ParameterRow], on: date
) -> int | Decimal:
    """Parsed value of ``key`` in force on ``on`` (see :func:`in_force_row`),
    or the parameter's default when no node in the chain sets it (docs/policy.md §12).
    """
    row = in_force_row(key, ancestor_ids, rows, on)
    return parse_value(key, PARAMETERS[key].default if row is None else row.value)


def values_in_force(
    ancestor_ids: Sequence[int], rows: Iterable[ParameterRow], on: date
) -> dict[str, int | Decimal]:
    """Every parameter's value in force on ``on`` for the first node of ``ancestor_ids``."""
    materialised = list(rows)
    return {key: value_in_force(key, ancestor_ids, materialised, on) for key in PARAMETERS}


def default_rows(node_id: int, effective_from: date) -> list[ParameterRow]:
    """One row per parameter holding its default, for a newly created district (docs/policy.md §12)."""
    return [ParameterRow(node_id, d.key, d.default, effective_from) for d in _DEFS]
