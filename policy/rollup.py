"""Roll-ups of a subtree (docs/policy.md §3): households, required and active building heads,
vacancies, workstations set up and late, summed at every level. Pure: the caller loads
the rows once (set-based) and this attributes them to every requested node.

Seats are counted per service area (§5 Decision): an area needs
ceil(households / households_per_head) heads. Buildings (or village groups) not yet
assigned to a named area count together as one implicit area of their container.
For a building or village group itself, the head figures are those of its area.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from policy.seats import required_heads


@dataclass(frozen=True)
class Target:
    id: int
    path: str
    is_leaf: bool = False
    households: int = 0  # leaves only
    area_key: str | None = None  # leaves only: the key of their area (see area_key)


@dataclass(frozen=True)
class Leaf:
    path: str  # the leaf's own path
    container_path: str
    households: int
    area_id: int | None


@dataclass(frozen=True)
class Station:
    path: str
    set_up: bool
    late: bool


@dataclass
class Figures:
    households: int = 0
    required_heads: int = 0
    active_heads: int = 0
    vacancies: int = 0
    service_areas: int = 0
    workstations: int = 0
    workstations_set_up: int = 0
    workstations_late: int = 0


def area_key(container_path: str, area_id: int | None) -> str:
    return f"a{area_id}" if area_id is not None else f"implicit:{container_path}"


def ancestor_paths(path: str) -> list[str]:
    """"/1/4/9/" → ["/1/", "/1/4/", "/1/4/9/"]."""
    ids = [p for p in path.split("/") if p]
    return ["/" + "/".join(ids[: i + 1]) + "/" for i in range(len(ids))]


def roll_up(
    targets: Iterable[Target],
    leaves: Iterable[Leaf],
    area_containers: dict[int, str],  # open named areas: id → container path
    active_by_area: dict[int, int],
    stations: Iterable[Station],
    households_per_head: Callable[[str], int],  # container path → parameter in force
) -> dict[int, Figures]:
    targets = list(targets)
    by_path = {t.path: t for t in targets if not t.is_leaf}
    out: dict[int, Figures] = {t.id: Figures() for t in targets}

    area_households: dict[str, int] = {}
    area_container: dict[str, str] = {}
    for area_id, cpath in area_containers.items():
        key = area_key(cpath, area_id)
        area_households[key] = 0
        area_container[key] = cpath
    for leaf in leaves:
        key = area_key(leaf.container_path, leaf.area_id if leaf.area_id in area_containers else None)
        area_households[key] = area_households.get(key, 0) + leaf.households
        area_container[key] = leaf.container_path
        for p in ancestor_paths(leaf.container_path):
            t = by_path.get(p)
            if t is not None:
                out[t.id].households += leaf.households

    area_figures: dict[str, tuple[int, int, int]] = {}
    for key, hh in area_households.items():
        cpath = area_container[key]
        required = required_heads(hh, households_per_head(cpath))
        active = active_by_area.get(int(key[1:]), 0) if key.startswith("a") else 0
        area_figures[key] = (required, active, max(0, required - active))
        named = key.startswith("a")
        for p in ancestor_paths(cpath):
            t = by_path.get(p)
            if t is not None:
                f = out[t.id]
                f.required_heads += required
                f.active_heads += active
                f.vacancies += max(0, required - active)
                f.service_areas += 1 if named else 0

    for st in stations:
        for p in ancestor_paths(st.path):
            t = by_path.get(p)
            if t is not None:
                f = out[t.id]
                f.workstations += 1
                f.workstations_set_up += st.set_up
                f.workstations_late += st.late

    for t in targets:
        if t.is_leaf:
            f = out[t.id]
            f.households = t.households
            if t.area_key in area_figures:
                f.required_heads, f.active_heads, f.vacancies = area_figures[t.area_key]
    return out
