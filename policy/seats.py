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
