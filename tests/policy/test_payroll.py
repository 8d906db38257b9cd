"""The payroll's arithmetic by hand (docs/policy.md §9, §14)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from policy.kinds import StaffKind
from policy.money import LineKind
from policy.payroll import Appointment, StaffSpan, Term, TopUpGrant, month_lines, prorata, segments

D = Decimal


def flat(bh: str = "300.00", sh: str = "500.00"):
    return lambda node, day: (D(bh), D(sh))


def term(tid=1, person=10, start=date(2020, 1, 1), end=None):
    return Term(tid, person, 100, 1000, start, end)


def amounts(lines):
    return {ln.source: (ln.kind, ln.days, ln.amount) for ln in lines}


def test_start_on_the_17th_of_march():
    # March 2026 has 31 days; 17th..31st = 15 days: 300 × 15 / 31 = 145.1612… → 145.16
    lines = month_lines(date(2026, 3, 1), terms=[term(start=date(2026, 3, 17))], appointments=[], staff=[], rates=flat())
    assert amounts(lines) == {"BH:1": (LineKind.BUILDING_HEAD, 15, D("145.16"))}


def test_full_month_and_both_ends_counted():
    # ended on the 10th of April (30 days): 1..10 = 10 days: 300 × 10 / 30 = 100.00
    lines = month_lines(date(2026, 4, 1), terms=[term(end=date(2026, 4, 10)), term(2, 11)], appointments=[],
                        staff=[], rates=flat())
    assert amounts(lines) == {"BH:1": (LineKind.BUILDING_HEAD, 10, D("100.00")),
                              "BH:2": (LineKind.BUILDING_HEAD, 30, D("300.00"))}


def test_rate_change_mid_month_in_parts_added_before_rounding():
    # April 2026 (30 days): 300 until the 15th, 360 from the 16th: 300×15/30 + 360×15/30 = 150 + 180 = 330.00
    rates = lambda node, day: (D("300.00") if day.day <= 15 else D("360.00"), D("500.00"))  # noqa: E731
    lines = month_lines(date(2026, 4, 1), terms=[term()], appointments=[], staff=[], rates=rates)
    assert amounts(lines)["BH:1"] == (LineKind.BUILDING_HEAD, 30, D("330.00"))
    # 10 days at 300 and 1 at 301 of 31: (3000 + 301) / 31 = 106.4838… → 106.48
    assert prorata([(D("300"), 10), (D("301"), 1)], date(2026, 1, 1)) == D("106.48")
    # a case where rounding each part would differ: 1 day at 100.01 and 1 day at 100.01 of 31 days
    # parts: 3.2261 → 3.23 each = 6.46; once: 200.02 / 31 = 6.4522… → 6.45
    assert prorata([(D("100.01"), 1), (D("100.01"), 1)], date(2026, 1, 1)) == D("6.45")
    assert segments([D(1), D(1), D(2), D(1)]) == [(D(1), 2), (D(2), 1), (D(1), 1)]


def test_leap_february():
    # February 2028 has 29 days; from the 15th: 15 days: 300 × 15 / 29 = 155.1724… → 155.17
    lines = month_lines(date(2028, 2, 1), terms=[term(start=date(2028, 2, 15))], appointments=[], staff=[], rates=flat())
    assert amounts(lines)["BH:1"] == (LineKind.BUILDING_HEAD, 15, D("155.17"))
    # the whole of February 2028: 300 × 29 / 29 = 300.00
    full = month_lines(date(2028, 2, 1), terms=[term()], appointments=[], staff=[], rates=flat())
    assert amounts(full)["BH:1"][1:] == (29, D("300.00"))


def test_half_up_rounding():
    # 1 day of 8 at … use a 31-day month: rate 0.31 × 1 / 31 = 0.01 exactly; 300.05 × 1 / 31 = 9.67903… → 9.68
    assert prorata([(D("0.155"), 1)], date(2026, 3, 1)) == D("0.01")  # 0.005 exactly → up
    assert prorata([(D("300.05"), 1)], date(2026, 3, 1)) == D("9.68")


def test_station_head_who_is_a_grid_worker_gets_nothing():
    app = Appointment(7, 20, 100, 1000, date(2025, 1, 1), None)
    grid = StaffSpan(20, StaffKind.GRID_WORKER_FULL_TIME, date(2024, 1, 1), None)
    assert month_lines(date(2026, 3, 1), terms=[], appointments=[app], staff=[grid], rates=flat()) == []
    # a police role does not count: 500 × 31 / 31 = 500.00
    police = StaffSpan(20, StaffKind.COMMUNITY_POLICE, date(2024, 1, 1), None)
    lines = month_lines(date(2026, 3, 1), terms=[], appointments=[app], staff=[police], rates=flat())
    assert amounts(lines) == {"SH:7": (LineKind.STATION_HEAD, 31, D("500.00"))}
    # a grid worker until the 10th of March: paid 11th..31st = 21 days: 500 × 21 / 31 = 338.7096… → 338.71
    ended = StaffSpan(20, StaffKind.GRID_WORKER_PART_TIME, date(2024, 1, 1), date(2026, 3, 10))
    lines = month_lines(date(2026, 3, 1), terms=[], appointments=[app], staff=[ended], rates=flat())
    assert amounts(lines) == {"SH:7": (LineKind.STATION_HEAD, 21, D("338.71"))}


def test_building_head_who_is_also_station_head_gets_the_higher_rate_only():
    # the whole month both: 500 only, no building-head line
    app = Appointment(7, 10, 100, 1000, date(2025, 1, 1), None)
    lines = month_lines(date(2026, 3, 1), terms=[term()], appointments=[app], staff=[], rates=flat())
    assert amounts(lines) == {"SH:7": (LineKind.STATION_HEAD, 31, D("500.00"))}
    # station head from the 17th of March: BH 1..16 = 16 days: 300 × 16 / 31 = 154.8387 → 154.84;
    # SH 17..31 = 15 days: 500 × 15 / 31 = 241.9354… → 241.94
    app = Appointment(7, 10, 100, 1000, date(2026, 3, 17), None)
    lines = month_lines(date(2026, 3, 1), terms=[term()], appointments=[app], staff=[], rates=flat())
    assert amounts(lines) == {"BH:1": (LineKind.BUILDING_HEAD, 16, D("154.84")),
                              "SH:7": (LineKind.STATION_HEAD, 15, D("241.94"))}
    # also a grid worker: the station pays nothing, the building-head line pays the month: 300.00
    grid = StaffSpan(10, StaffKind.COMMUNITY_WORKER, date(2024, 1, 1), None)
    lines = month_lines(date(2026, 3, 1), terms=[term()], appointments=[app], staff=[grid], rates=flat())
    assert amounts(lines) == {"BH:1": (LineKind.BUILDING_HEAD, 31, D("300.00"))}
    # a building-head rate above the station rate (an override): the building-head line keeps the day
    lines = month_lines(date(2026, 3, 1), terms=[term()], appointments=[app], staff=[], rates=flat("600.00"))
    assert amounts(lines) == {"BH:1": (LineKind.BUILDING_HEAD, 31, D("600.00"))}


def test_group_leader_top_up_bonus_adjustment():
    t = term(start=date(2026, 3, 17))
    other = term(2, 11, end=date(2026, 2, 28))  # ended before the month: no line, no top-up
    tu = TopUpGrant(5, D("200.00"), lambda _t: True)
    lines = month_lines(date(2026, 3, 1), terms=[t, other], appointments=[], staff=[], rates=flat(),
                        top_ups=[tu], bonuses=[(9, other)], adjustments=[(3, 10, 100, D("-12.50"))])
    assert amounts(lines) == {
        "BH:1": (LineKind.BUILDING_HEAD, 15, D("145.16")),
        "TU:5:1": (LineKind.TOP_UP, 0, D("200.00")),  # whole, not pro rata
        "EX:9": (LineKind.EXCELLENCE_BONUS, 0, D("300.00")),  # the month's rate on its first day
        "ADJ:3": (LineKind.ADJUSTMENT, 0, D("-12.50")),
    }
