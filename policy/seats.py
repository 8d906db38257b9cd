"""Seats and coverage (docs/policy.md §5 Decision, §14)."""
from __future__ import annotations

from dataclasses import dataclass


def required_heads(households: int, households_per_head: int) -> int:
    """ceil(households / households_per_head); an area with no households has no seat."""
    if households < 0:
        raise ValueError("households cannot be negative")
    if households_per_head < 1:
        raise ValueError("households_per_head must be at least 1")
    return -(-households // households_per_head)


@dataclass(frozen=True)
class AreaCoverage:
    households: int
    required: int
    active: int

    @property
    def vacancies(self) -> int:
        return max(0, self.required - self.active)


def area_coverage(households: int, active: int, households_per_head: int) -> AreaCoverage:
    return AreaCoverage(households, required_heads(households, households_per_head), active)


def coverage_percent(active: int, required: int) -> float:
    """Active heads ÷ required heads as a percentage with one decimal, capped at 100 (more heads
    than seats cover no more than every seat); 100 when nothing is required."""
    if required == 0:
        return 100.0
    return round(100 * min(active, required) / required, 1)
