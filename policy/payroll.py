"""The monthly payroll's arithmetic (docs/policy.md §9, §12, §14). Pure: no I/O.

This is the reference the set-wise SQL of resolvers/payroll.py must agree with (a property test
compares both). The rules, as decided here:

- **Pro rata by calendar days.** A line pays ``Σ rate(day) ÷ days_in_month`` over the days it
  counts (both ends of a service counted), rounded half-up to the fen ONCE per line. Summing the
  per-day rate is the same as "each part at its own rate, the parts added before rounding"
  (``Σ rate_segment × days_in_segment ÷ days_in_month``) when a rate changes inside the month.
- **Rates in force on each day** (§12): each day's building-head and station-head rates are the
  values in force that day at the node the line is paid for (the term's service-area container,
  the station's compound), nearest node first (``policy.parameters.in_force_row``).
- **Building heads and village group leaders** (``HeadKind.GROUP_LEADER``) alike: one line per term
  ("BH:<term>").
- **Station heads**: one line per appointment ("SH:<appointment>"); a day on which the person holds
  an open COMMUNITY_WORKER / GRID_WORKER_FULL_TIME / GRID_WORKER_PART_TIME staff role (any node)
  is not paid (they are already paid staff).
- **Building head who is also a paid station head on a day**: that day is paid at the higher of the
  two rates, once — on the station-head line when its rate is at least the building-head rate
  (the usual 500 ≥ 300), otherwise on the building-head line; the other line does not count the
  day. A station head who is a grid worker is not *paid* as station head, so their building-head
  days are paid as usual.
- **Top-ups** (approved major-task increases of the month's building-head subsidy): the WHOLE
  amount, once per person, to every building head (or group leader) serving at least one day of
  the month in a service area under the top-up's node — not pro rata: the top-up pays for the
  task of that month, not for days. Source "TU:<top-up>:<term>" (the person's latest such term).
- **Excellence bonus**: one extra month of subsidy = the building-head rate in force on the first
  day of the payroll month at the selection's compound, paid once ever (source "EX:<selection>").
- **Adjustments**: the recorded amount, as it is (positive or negative), once ever ("ADJ:<id>").
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from policy.dates import days_in_month, month_bounds
from policy.kinds import StaffKind
from policy.money import LineKind, to_fen

__all__ = [
    "PAID_STAFF_KINDS",
    "Appointment",
    "Line",
    "StaffSpan",
    "Term",
    "TopUpGrant",
    "days_of",
    "month_lines",
    "prorata",
    "segments",
]

#: staff roles that make a station head unpaid as station head (already paid staff, §9)
PAID_STAFF_KINDS = frozenset({StaffKind.COMMUNITY_WORKER, StaffKind.GRID_WORKER_FULL_TIME,
                              StaffKind.GRID_WORKER_PART_TIME})

#: (building-head rate, station-head rate) in force on a day at a node
DayRates = Callable[[int, date], tuple[Decimal, Decimal]]


def days_of(start: date, end: date | None, month: date) -> list[date]:
    """The days of ``month`` (its first day) within [start, end] (both counted; end None: open)."""
    first, last = month_bounds(month.year, month.month)
    lo, hi = max(first, start), last if end is None else min(last, end)
    return [lo + timedelta(days=i) for i in range((hi - lo).days + 1)] if lo <= hi else []


def prorata(parts: Iterable[tuple[Decimal, int]], month: date) -> Decimal:
    """``Σ rate × days ÷ days_in_month`` over the parts (one per rate), rounded half-up to the fen
    once: 300 × 15/31 = 145.16; 300 × 15/30 + 360 × 15/30 = 330.00."""
    dim = days_in_month(month.year, month.month)
    return to_fen(sum((Decimal(rate) * days for rate, days in parts), Decimal(0)) / dim)


def segments(rates_by_day: Sequence[Decimal]) -> list[tuple[Decimal, int]]:
    """Consecutive days at one rate folded into (rate, days) parts."""
    out: list[tuple[Decimal, int]] = []
    for r in rates_by_day:
        if out and out[-1][0] == r:
            out[-1] = (r, out[-1][1] + 1)
        else:
            out.append((r, 1))
    return out


@dataclass(frozen=True)
class Term:
    id: int
    person_id: int
    community_id: int
    rate_node_id: int  # the service area's container: where the rates are looked up
    starts_on: date
    ended_on: date | None


@dataclass(frozen=True)
class Appointment:
    id: int
    person_id: int
    community_id: int
    rate_node_id: int  # the compound
    appointed_on: date
    ended_on: date | None


@dataclass(frozen=True)
class StaffSpan:
    person_id: int
    kind: StaffKind
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class TopUpGrant:
    id: int
    amount: Decimal
    covers: Callable[[Term], bool]  # the term's service area lies under the top-up's node


@dataclass(frozen=True)
class Line:
    kind: LineKind
    source: str
    person_id: int
    community_id: int
    days: int
    amount: Decimal


def month_lines(
    month: date,
    *,
    terms: Sequence[Term],
    appointments: Sequence[Appointment],
    staff: Sequence[StaffSpan],
    rates: DayRates,
    top_ups: Sequence[TopUpGrant] = (),
    bonuses: Sequence[tuple[int, Term]] = (),  # (selection id, its term), not yet paid
    adjustments: Sequence[tuple[int, int, int, Decimal]] = (),  # (id, person, community, amount)
) -> list[Line]:
    """Every line of a month's payroll from what served in it (see the module's rules)."""
    staff_days: set[tuple[int, date]] = set()
    for s in staff:
        if s.kind in PAID_STAFF_KINDS:
            staff_days.update((s.person_id, d) for d in days_of(s.started_on, s.ended_on, month))
    # days on which a person is a paid station head, with that day's station rate
    station_days: dict[tuple[int, date], Decimal] = {}
    app_days: dict[int, list[date]] = {}
    for a in appointments:
        paid = [d for d in days_of(a.appointed_on, a.ended_on, month) if (a.person_id, d) not in staff_days]
        app_days[a.id] = paid
        for d in paid:
            station_days[(a.person_id, d)] = rates(a.rate_node_id, d)[1]
    # days a building-head term wins over a station line (its rate is higher that day)
    term_wins: set[tuple[int, date]] = set()
    lines: list[Line] = []
    for t in terms:
        counted: list[Decimal] = []
        for d in days_of(t.starts_on, t.ended_on, month):
            bh = rates(t.rate_node_id, d)[0]
            sh = station_days.get((t.person_id, d))
            if sh is not None and sh >= bh:
                continue
            if sh is not None:
                term_wins.add((t.person_id, d))
            counted.append(bh)
        if counted:
            lines.append(Line(LineKind.BUILDING_HEAD, f"BH:{t.id}", t.person_id, t.community_id, len(counted),
                              prorata(segments(counted), month)))
    for a in appointments:
        counted = [rates(a.rate_node_id, d)[1] for d in app_days[a.id] if (a.person_id, d) not in term_wins]
        if counted:
            lines.append(Line(LineKind.STATION_HEAD, f"SH:{a.id}", a.person_id, a.community_id, len(counted),
                              prorata(segments(counted), month)))
    for tu in top_ups:
        latest: dict[int, Term] = {}
        for t in terms:
            if days_of(t.starts_on, t.ended_on, month) and tu.covers(t):
                if t.person_id not in latest or t.id > latest[t.person_id].id:
                    latest[t.person_id] = t
        for t in latest.values():
            lines.append(Line(LineKind.TOP_UP, f"TU:{tu.id}:{t.id}", t.person_id, t.community_id, 0, tu.amount))
    for sel_id, t in bonuses:
        lines.append(Line(LineKind.EXCELLENCE_BONUS, f"EX:{sel_id}", t.person_id, t.community_id, 0,
                          to_fen(rates(t.rate_node_id, month)[0])))
    for adj_id, person_id, community_id, amount in adjustments:
        lines.append(Line(LineKind.ADJUSTMENT, f"ADJ:{adj_id}", person_id, community_id, 0, to_fen(amount)))
    return lines


def total(lines: Iterable[Line]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def rates_from_table(table: Mapping[tuple[int, date], tuple[Decimal, Decimal]]) -> DayRates:
    return lambda node_id, day: table[(node_id, day)]
