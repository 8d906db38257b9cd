"""The monthly duty figures' rules (policy/duties.py), with hand-computed figures for March 2026:
Mondays 2, 9, 16, 23 and 30 (five weeks; the week of the 30th runs to Sunday 5 April)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from policy.duties import (
    BUILDING_HEAD_DUTIES, HandledRequest, ZERO, month_span, parse_month, request_counts_for, term_figures,
    weeks_of_month, weeks_served,
)

D = date


def test_march_2026_has_five_weeks_and_its_last_runs_into_april() -> None:
    assert weeks_of_month(2026, 3) == [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16), D(2026, 3, 23), D(2026, 3, 30)]
    assert len(weeks_of_month(2026, 2)) == 4
    assert month_span(2026, 3) == (D(2026, 3, 1), D(2026, 4, 5))
    assert month_span(2026, 2) == (D(2026, 2, 1), D(2026, 3, 1))  # week of 23 Feb ends 1 March


def test_weeks_served_for_a_head_starting_or_ending_mid_month() -> None:
    assert len(weeks_served(D(2025, 1, 1), None, 2026, 3)) == 5
    # started Wednesday 18 March: the weeks of 16, 23, 30
    assert weeks_served(D(2026, 3, 18), None, 2026, 3) == [D(2026, 3, 16), D(2026, 3, 23), D(2026, 3, 30)]
    # ended Tuesday 10 March: the weeks of 2 and 9
    assert weeks_served(D(2025, 1, 1), D(2026, 3, 10), 2026, 3) == [D(2026, 3, 2), D(2026, 3, 9)]
    # ended Sunday 1 March: no week of March (it belongs to the week of 23 February)
    assert weeks_served(D(2025, 1, 1), D(2026, 3, 1), 2026, 3) == []


def test_parse_month() -> None:
    assert parse_month("2026-03") == (2026, 3)
    for bad in ("2026-13", "2026-3", "March", "2026-03-01", ""):
        with pytest.raises(ValueError):
            parse_month(bad)


AREA = 7
MEETINGS = [(10, D(2026, 3, 2)), (11, D(2026, 3, 9)), (12, D(2026, 3, 16)), (13, D(2026, 3, 23)), (14, D(2026, 3, 30))]
REQUESTS = [
    HandledRequest("RESIDENT", D(2026, 3, 5), 1, AREA, 5),  # handled by term 1
    HandledRequest("BUILDING_HEAD", D(2026, 3, 20), None, AREA, 4),  # no term recorded, routed to the area
    HandledRequest("HOTLINE", D(2026, 3, 12), 1, AREA, None),  # a work order, no mark
    HandledRequest("RESIDENT", D(2026, 3, 12), 99, AREA, 1),  # handled by another term
    HandledRequest("RESIDENT", D(2026, 3, 13), None, AREA + 1, 2),  # another area
]


def _figures(term_id: int, starts_on: date, ended_on: date | None):
    return term_figures(
        term_id=term_id, service_area_id=AREA, starts_on=starts_on, ended_on=ended_on, year=2026, month=3,
        inspection_dates=[D(2026, 2, 27), D(2026, 3, 3), D(2026, 3, 4), D(2026, 3, 17), D(2026, 4, 1)],
        households={1, 2, 3, 4},
        visits=[(1, D(2026, 3, 5)), (1, D(2026, 3, 20)), (2, D(2026, 3, 31)), (5, D(2026, 3, 6)), (3, D(2026, 2, 28))],
        meetings=MEETINGS, attended={10, 12, 14}, requests=REQUESTS,
    )


def test_a_whole_month_head_hand_computed() -> None:
    f, visited = _figures(1, D(2025, 6, 1), None)
    # weeks 2, 9, 16, 23, 30; inspected in 2 (3rd, 4th), 16 (17th), 30 (1 April); 27 Feb is February's
    assert (f.weeks_served, f.weeks_inspected, f.inspections) == (5, 3, 4)
    # households 1-4; 1 and 2 visited (5 is not the area's, 3 was visited in February)
    assert (f.households, f.households_visited, visited) == (4, 2, {1, 2})
    assert (f.meetings_held, f.meetings_attended) == (5, 3)
    # the term's own request and the area's request without a term; the term's work order
    assert (f.requests_handled, f.work_orders_handled) == (2, 1)
    assert (f.satisfaction_marks, f.satisfaction_total, f.average_satisfaction) == (2, 9, Decimal("4.50"))


def test_a_head_who_started_on_18_march_hand_computed() -> None:
    f, visited = _figures(1, D(2026, 3, 18), None)
    # weeks 16, 23, 30: inspected in 16 (the 17th) and 30 (1 April)
    assert (f.weeks_served, f.weeks_inspected, f.inspections) == (3, 2, 2)
    assert (f.households_visited, visited) == (2, {1, 2})  # 20 and 31 March
    assert (f.meetings_held, f.meetings_attended) == (2, 1)  # 23 and 30; present on the 30th
    # the term's request of 5 March and work order of 12 March predate the term
    assert (f.requests_handled, f.work_orders_handled, f.average_satisfaction) == (1, 0, Decimal("4.00"))


def test_a_head_who_ended_on_10_march_hand_computed() -> None:
    f, visited = _figures(1, D(2025, 6, 1), D(2026, 3, 10))
    assert (f.weeks_served, f.weeks_inspected, f.inspections) == (2, 1, 2)
    assert (f.households_visited, visited) == (1, {1})
    assert (f.meetings_held, f.meetings_attended) == (2, 1)
    assert (f.requests_handled, f.work_orders_handled, f.satisfaction_marks) == (1, 0, 1)


def test_a_term_outside_the_month_has_nothing() -> None:
    assert _figures(1, D(2026, 4, 1), None) == (ZERO, set())
    assert _figures(1, D(2025, 1, 1), D(2026, 2, 28)) == (ZERO, set())


def test_requests_count_for_the_recorded_term_or_else_the_area() -> None:
    served = (D(2026, 3, 1), D(2026, 3, 31))
    r = HandledRequest("RESIDENT", D(2026, 3, 5), None, AREA, None)
    assert request_counts_for(r, 1, AREA, served)
    assert not request_counts_for(r, 1, AREA + 1, served)
    assert not request_counts_for(HandledRequest("RESIDENT", D(2026, 3, 5), 2, AREA, None), 1, AREA, served)
    assert not request_counts_for(r, 1, AREA, (D(2026, 3, 6), D(2026, 3, 31)))


def test_the_board_lists_the_six_duties() -> None:
    assert len(BUILDING_HEAD_DUTIES) == 6 and "每周至少巡查一次" in BUILDING_HEAD_DUTIES[0]
