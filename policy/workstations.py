"""Workstation set-up and lateness (docs/policy.md §4 Decision: deadlines are per campaign,
and every station late on either deadline is reported)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def late_for(done_on: date | None, deadline: date | None, today: date) -> bool:
    """Late when done after the deadline, or not done and the deadline has passed."""
    if deadline is None:
        return False
    if done_on is None:
        return today > deadline
    return done_on > deadline


@dataclass(frozen=True)
class SetUpStatus:
    set_up: bool  # in use on or before today
    premises_late: bool
    in_use_late: bool
    four_haves_complete: bool

    @property
    def late(self) -> bool:
        return self.premises_late or self.in_use_late


def set_up_status(
    *,
    premises_ready_on: date | None,
    in_use_on: date | None,
    premises_deadline: date | None,
    in_use_deadline: date | None,
    four_haves: tuple[date | None, date | None, date | None, date | None],
    today: date,
) -> SetUpStatus:
    return SetUpStatus(
        set_up=in_use_on is not None and in_use_on <= today,
        premises_late=late_for(premises_ready_on, premises_deadline, today),
        in_use_late=late_for(in_use_on, in_use_deadline, today),
        four_haves_complete=all(d is not None and d <= today for d in four_haves),
    )


def is_late(
    *, premises_ready_on: date | None, in_use_on: date | None,
    premises_deadline: date | None, in_use_deadline: date | None, today: date,
) -> bool:
    """Late on either campaign deadline."""
    return late_for(premises_ready_on, premises_deadline, today) or late_for(in_use_on, in_use_deadline, today)


def station_head_source_problem(
    *,
    source: str,
    has_worker_role: bool,
    is_active_building_head: bool,
    workers_in_subdistrict: int,
    compounds_in_subdistrict: int,
) -> str | None:
    """§3.1.1: a station head is a community or grid worker; a building head may head a
    station only where the subdistrict has fewer such workers than compounds.
    Returns an error code, or None when the candidate may be appointed."""
    if source in ("COMMUNITY_WORKER", "GRID_WORKER"):
        return None if has_worker_role else "NOT_A_WORKER"
    if not is_active_building_head:
        return "NOT_A_BUILDING_HEAD"
    if workers_in_subdistrict >= compounds_in_subdistrict:
        return "ENOUGH_WORKERS"
    return None
