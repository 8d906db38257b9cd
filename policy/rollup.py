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


@dataclass(frozen=True)
class AreaHouseholds:
    """Open households of one container (compound, or community/village on the rural chain) in
    one area: ``area_id`` None for its members outside any named area. The database sums them
    (one row per container and area), so a roll-up reads thousands of rows, not every leaf."""

    container_path: str
    area_id: int | None
    households: int


@dataclass
class Rollups:
    """Figures of every node on the way down to the containers and stations counted, by path,
    and each area's (required, active, vacancies) by ``area_key``."""

    by_path: dict[str, Figures]
    areas: dict[str, tuple[int, int, int]]

    def leaf(self, container_path: str, area_id: int | None, households: int) -> Figures:
        """A building's (or village group's) figures: its own households, its area's heads (its
        container's implicit area when it has no named area or that area is closed)."""
        key = area_key(container_path, area_id)
        if area_id is not None and key not in self.areas:
            key = area_key(container_path, None)
        required, active, vacancies = self.areas.get(key, (0, 0, 0))
        return Figures(households=households, required_heads=required, active_heads=active, vacancies=vacancies)


def roll_up_areas(
    groups: Iterable[AreaHouseholds],
    area_containers: dict[int, str],  # open named areas: id → container path
    active_by_area: dict[int, int],
    stations: Iterable[Station],
    households_per_head: Callable[[str], int],  # container path → parameter in force
    roots: Iterable[str] | None = None,  # attribute only inside these subtrees (None: every ancestor)
) -> Rollups:
    """Seats per area (named or implicit), summed with households and workstations into every
    ancestor of each container inside ``roots``."""
    root_set = None if roots is None else frozenset(roots)
    area_households: dict[str, int] = {}
    area_container: dict[str, str] = {}
    for area_id, cpath in area_containers.items():
        key = area_key(cpath, area_id)
        area_households[key] = 0
        area_container[key] = cpath
    container_households: dict[str, int] = {}
    for g in groups:
        key = area_key(g.container_path, g.area_id if g.area_id in area_containers else None)
        area_households[key] = area_households.get(key, 0) + g.households
        area_container[key] = g.container_path
        container_households[g.container_path] = container_households.get(g.container_path, 0) + g.households

    # each container's own figures first (thousands), then each added into its ancestors
    own: dict[str, list[int]] = {}  # path → households, required, active, vacancies, areas, stations, set up, late

    def of(p: str) -> list[int]:
        f = own.get(p)
        if f is None:
            f = own[p] = [0, 0, 0, 0, 0, 0, 0, 0]
        return f

    for cpath, hh in container_households.items():
        of(cpath)[0] += hh
    areas: dict[str, tuple[int, int, int]] = {}
    for key, hh in area_households.items():
        cpath = area_container[key]
        required = required_heads(hh, households_per_head(cpath))
        named = key.startswith("a")
        active = active_by_area.get(int(key[1:]), 0) if named else 0
        vacancies = max(0, required - active)
        areas[key] = (required, active, vacancies)
        f = of(cpath)
        f[1] += required
        f[2] += active
        f[3] += vacancies
        f[4] += named
    for st in stations:
        f = of(st.path)
        f[5] += 1
        f[6] += st.set_up
        f[7] += st.late

    # add every node's figures into its parent's, a level at a time from the deepest: one
    # addition per node inside the roots (no container's chain of ancestors is walked on its own)
    levels: dict[int, dict[str, list[int]]] = {}
    roots_ = tuple(root_set) if root_set is not None else ("/",)
    for path, f in own.items():
        if path.startswith(roots_):
            levels.setdefault(path.count("/"), {})[path] = f
    totals: dict[str, list[int]] = {}
    for depth in range(max(levels, default=0), 1, -1):
        for path, mine in levels.get(depth, {}).items():
            totals[path] = mine
            if root_set is not None and path in root_set:
                continue  # the subtree's top: nothing above it is counted
            parent = path[: path.rstrip("/").rfind("/") + 1]
            up = levels.setdefault(depth - 1, {})
            above = up.get(parent)
            up[parent] = mine if above is None else [a + b for a, b in zip(above, mine)]
    by_path = {p: Figures(*t) for p, t in totals.items()}
    return Rollups(by_path, areas)


def roll_up(
    targets: Iterable[Target],
    leaves: Iterable[Leaf],
    area_containers: dict[int, str],  # open named areas: id → container path
    active_by_area: dict[int, int],
    stations: Iterable[Station],
    households_per_head: Callable[[str], int],  # container path → parameter in force
) -> dict[int, Figures]:
    """Figures of each target from individual leaves (``roll_up_areas`` on their per-area sums)."""
    sums: dict[tuple[str, int | None], int] = {}
    for leaf in leaves:
        k = (leaf.container_path, leaf.area_id)
        sums[k] = sums.get(k, 0) + leaf.households
    rollups = roll_up_areas([AreaHouseholds(c, a, hh) for (c, a), hh in sums.items()], area_containers,
                            active_by_area, stations, households_per_head)
    out: dict[int, Figures] = {}
    for t in targets:
        if t.is_leaf:
            required, active, vacancies = rollups.areas.get(t.area_key or "", (0, 0, 0))
            out[t.id] = Figures(households=t.households, required_heads=required, active_heads=active,
                                vacancies=vacancies)
        else:
            f = rollups.by_path.get(t.path)
            out[t.id] = Figures(**vars(f)) if f is not None else Figures()
    return out
