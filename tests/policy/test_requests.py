"""The ladder of an incident, and the rules of handling a request (docs/policy.md §6, §3.4.3)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.requests import (
    LADDER, LEVEL_DEPTH, EscalationLevel as L, RequestStatus as S, due_at, first_level, is_overdue, ladder, level_path,
    mask_name, next_level, passes_over, update_failures, valid_satisfaction,
)

SH = ZoneInfo("Asia/Shanghai")
BUILDING = "/1/2/3/4/5/6/"  # district 1 → new town 2 → subdistrict 3 → community 4 → compound 5 → building 6
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SH)


def test_the_ladder_goes_station_community_subdistrict_new_town_and_stops():
    assert LADDER == (L.STATION, L.COMMUNITY, L.SUBDISTRICT, L.NEW_TOWN)
    assert [next_level(x) for x in LADDER] == [L.COMMUNITY, L.SUBDISTRICT, L.NEW_TOWN, None]


def test_a_report_starts_with_the_station_head_or_the_community_without_a_workstation():
    assert first_level(True) == L.STATION and ladder(True) == LADDER
    assert first_level(False) == L.COMMUNITY and ladder(False) == (L.COMMUNITY, L.SUBDISTRICT, L.NEW_TOWN)


@pytest.mark.parametrize(("level", "path"), [
    (L.STATION, "/1/2/3/4/5/"), (L.COMMUNITY, "/1/2/3/4/"), (L.SUBDISTRICT, "/1/2/3/"), (L.NEW_TOWN, "/1/2/"),
])
def test_each_level_is_answered_by_the_ancestor_at_its_depth(level, path):
    assert level_path(BUILDING, level) == path
    # a village group (depth 4) on the rural chain: its village answers at the community level
    assert level_path("/1/2/3/40/41/", L.COMMUNITY) == "/1/2/3/40/"
    assert BUILDING.startswith(path) and path.count("/") - 1 == LEVEL_DEPTH[level] + 1


def test_a_node_not_deep_enough_has_no_such_level():
    with pytest.raises(ValueError):
        level_path("/1/2/3/", L.STATION)


def test_a_level_is_passed_over_only_once_its_time_ran_out():
    due = due_at(T0, 30)
    assert due == T0 + timedelta(minutes=30)
    assert passes_over(L.STATION, due, T0 + timedelta(minutes=29)) is None
    assert passes_over(L.STATION, due, due) == L.COMMUNITY
    assert passes_over(L.COMMUNITY, due, due + timedelta(days=1)) == L.SUBDISTRICT  # one level at a time
    assert passes_over(L.NEW_TOWN, due, due + timedelta(days=1)) is None  # nothing above the new town
    assert passes_over(L.STATION, None, due) is None  # acknowledged at the top, or closed
    assert not is_overdue(None, T0)


@given(st.integers(min_value=1, max_value=10_080), st.integers(min_value=0, max_value=20_000))
def test_overdue_exactly_when_the_minutes_have_passed(minutes, elapsed):
    assert is_overdue(due_at(T0, minutes), T0 + timedelta(minutes=elapsed)) == (elapsed >= minutes)


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "*"), (" 王五 ", "王*"), ("", "")])
def test_a_residents_name_keeps_only_the_family_character(name, masked):
    assert mask_name(name) == masked


def _update(**over):
    values = dict(was=S.OPEN, status=S.OPEN, resolution=None, raised_on=date(2026, 3, 1), resolved_on=None,
                  satisfaction=None, satisfaction_given=False, dispute=False, dispute_outcome_given=False)
    return [(f.code, f.field) for f in update_failures(**(values | over))]


@given(st.integers(min_value=-100, max_value=100))
def test_satisfaction_is_one_to_five(value):
    assert valid_satisfaction(value) == (1 <= value <= 5)
    found = _update(status=S.RESOLVED, resolution="已处理", resolved_on=date(2026, 3, 2), satisfaction=value,
                    satisfaction_given=True)
    assert found == ([] if 1 <= value <= 5 else [("SATISFACTION_OUT_OF_RANGE", "satisfaction")])


def test_handling_rules():
    assert _update() == []
    assert _update(status=S.RESOLVED) == [("RESOLUTION_REQUIRED", "resolution")]
    assert _update(status=S.RESOLVED, resolution="  ") == [("RESOLUTION_REQUIRED", "resolution")]
    assert _update(satisfaction=4, satisfaction_given=True) == [("SATISFACTION_BEFORE_RESOLVED", "satisfaction")]
    assert _update(satisfaction=None, satisfaction_given=True) == []  # clearing it is fine
    assert _update(dispute_outcome_given=True) == [("NOT_A_DISPUTE", "disputeOutcome")]
    assert _update(dispute=True, dispute_outcome_given=True) == []
    assert _update(status=S.RESOLVED, resolution="x", resolved_on=date(2026, 2, 28)) == [("INVALID_DATE_ORDER", "resolvedOn")]
    assert _update(status=S.RESOLVED, resolution="x", resolved_on=date(2026, 3, 1)) == []
    assert _update(was=S.RESOLVED, status=S.IN_PROGRESS) == [("WRONG_STATUS", "status")]
