"""Seats and roll-ups as pure rules (docs/policy.md §3, §5, §14)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.rollup import Leaf, Station, Target, ancestor_paths, area_key, roll_up
from policy.seats import area_coverage, required_heads


@pytest.mark.parametrize(("households", "per_head", "seats"), [(0, 100, 0), (1, 100, 1), (100, 100, 1), (101, 100, 2), (250, 100, 3), (250, 80, 4)])
def test_required_heads(households: int, per_head: int, seats: int) -> None:
    assert required_heads(households, per_head) == seats


@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=1, max_value=1000))
def test_required_heads_is_the_smallest_sufficient_count(households: int, per_head: int) -> None:
    n = required_heads(households, per_head)
    assert n * per_head >= households
    assert n == 0 or (n - 1) * per_head < households


def test_bad_seat_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        required_heads(-1, 100)
    with pytest.raises(ValueError):
        required_heads(10, 0)
    assert area_coverage(250, 5, 100).vacancies == 0  # more heads than seats: no negative vacancy


def test_ancestor_paths() -> None:
    assert ancestor_paths("/1/4/9/") == ["/1/", "/1/4/", "/1/4/9/"]


def test_roll_up_counts_named_and_implicit_areas_per_level() -> None:
    # district 1 > community 2 > compounds 3 and 4; buildings 5, 6 in 3; building 7 in 4
    leaves = [
        Leaf("/1/2/3/5/", "/1/2/3/", 120, area_id=10),
        Leaf("/1/2/3/6/", "/1/2/3/", 80, area_id=None),  # unassigned: implicit area of compound 3
        Leaf("/1/2/4/7/", "/1/2/4/", 150, area_id=None),
    ]
    targets = [Target(1, "/1/"), Target(2, "/1/2/"), Target(3, "/1/2/3/"),
               Target(5, "/1/2/3/5/", True, 120, area_key("/1/2/3/", 10)),
               Target(6, "/1/2/3/6/", True, 80, area_key("/1/2/3/", None))]
    out = roll_up(targets, leaves, {10: "/1/2/3/"}, {10: 1}, [Station("/1/2/3/", True, False), Station("/1/2/4/", False, True)],
                  lambda path: 100)
    assert (out[1].households, out[1].required_heads, out[1].active_heads, out[1].vacancies) == (350, 2 + 1 + 2, 1, 4)
    assert (out[1].workstations, out[1].workstations_set_up, out[1].workstations_late) == (2, 1, 1)
    assert (out[3].households, out[3].required_heads, out[3].vacancies, out[3].service_areas) == (200, 3, 2, 1)
    # a building's head figures are its area's
    assert (out[5].households, out[5].required_heads, out[5].active_heads) == (120, 2, 1)
    assert (out[6].households, out[6].required_heads, out[6].active_heads) == (80, 1, 0)


def test_parameter_lower_in_the_tree_changes_seats() -> None:
    leaves = [Leaf("/1/2/3/5/", "/1/2/3/", 200, None), Leaf("/1/8/9/10/", "/1/8/9/", 200, None)]
    per_head = lambda path: 50 if path.startswith("/1/2/") else 100  # noqa: E731
    out = roll_up([Target(1, "/1/"), Target(2, "/1/2/")], leaves, {}, {}, [], per_head)
    assert out[2].required_heads == 4 and out[1].required_heads == 4 + 2
