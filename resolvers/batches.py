"""Batch loads: each turns a batch of keys into one set-based query, so the
number of SQL statements of a tree query grows with its depth, not with its nodes."""
from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count

from models.parameters import PolicyParameter
from models.people import Person, StaffRole
from models.recruitment import BuildingHead
from models.tree import ChainChange, Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign
from policy import parameters as params
from policy.kinds import TermStatus
from policy.rollup import AreaHouseholds, Figures, Rollups, Station, roll_up_areas
from policy.tree import LEAF_KINDS
from policy.workstations import set_up_status
from resolvers.clock import today
from resolvers.viewer import Viewer
from resolvers import sql
from resolvers.rows import NODE_COLUMNS, NodeRow, ancestor_ids, node_rows


def prefix_q(paths: Sequence[str], field_name: str = "path") -> Q:
    """Rows inside any of the subtrees rooted at ``paths`` (nested roots folded)."""
    roots: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(r) for r in roots):
            roots.append(p)
    q = Q(**{f"{field_name}__startswith": roots[0]})
    for r in roots[1:]:
        q |= Q(**{f"{field_name}__startswith": r})
    return q


def fold_roots(paths: Sequence[str]) -> list[str]:
    """Subtree roots with nested ones folded into their ancestors, shortest first."""
    roots: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(r) for r in roots):
            roots.append(p)
    return roots


def _under(column: str, roots: Sequence[str], first: int) -> tuple[str, list[str]]:
    """SQL: ``column`` inside any of the subtrees ``roots`` (placeholders from ``$first``)."""
    terms = " OR ".join(f"{column} LIKE ${first + i}" for i in range(len(roots)))
    return f"({terms})", [sql.like_prefix(r) for r in roots]


async def load_node_rows(ids: Sequence[int]) -> dict[int, NodeRow]:
    if not ids:
        return {}
    where, arg = sql.in_ids("id", 1, ids)
    rows = node_rows(await sql.fetch(f"SELECT {NODE_COLUMNS} FROM node WHERE {where}", arg))
    return {r.id: r for r in rows}


def _container(path: str) -> str:
    """"/1/4/9/" → "/1/4/"."""
    return path[: path.rstrip("/").rfind("/") + 1]


_LEAF_KINDS_SQL = ", ".join(f"'{k.value}'" for k in sorted(LEAF_KINDS, key=lambda k: k.value))


async def compute_rollups(root_paths: Sequence[str]) -> Rollups:
    """Roll-ups of every node inside the subtrees ``root_paths`` (a building's are those of its
    area: pass its container's path), in five statements whatever the size: the database sums
    households per container and area, counts active heads per area and lists the workstations;
    policy/rollup.py adds them up the tree (thousands of rows, never one per building)."""
    roots = fold_roots(root_paths)
    if not roots:
        return Rollups({}, {})
    on = today()
    under, args = _under("n.path", roots, 1)
    groups = await sql.fetch(
        "SELECT p.path AS cpath, n.service_area_id AS area, SUM(COALESCE(n.households, 0)) AS hh "
        "FROM node n JOIN node p ON p.id = n.parent_id "
        f"WHERE {under} AND n.kind IN ({_LEAF_KINDS_SQL}) AND n.closed_on IS NULL "
        "GROUP BY p.path, n.service_area_id", *args)
    under, args = _under("path", roots, 1)
    areas = {r["id"]: r["path"] for r in await sql.fetch(
        f"SELECT id, path FROM service_area WHERE {under} AND closed_on IS NULL", *args)}
    active = {r["area"]: r["n"] for r in await sql.fetch(
        "SELECT service_area_id AS area, COUNT(*) AS n FROM building_head "
        f"WHERE {under} AND status = '{TermStatus.ACTIVE.value}' GROUP BY service_area_id", *args)}
    under, args = _under("w.path", roots, 1)
    station_rows = await sql.fetch(
        "SELECT w.path, w.premises_ready_on, w.in_use_on, w.office_on, w.sign_on, w.equipment_on, w.rules_on, "
        "c.premises_deadline, c.in_use_deadline FROM workstation w JOIN node n ON n.id = w.compound_id "
        f"LEFT JOIN workstation_campaign c ON c.id = w.campaign_id WHERE {under} AND n.closed_on IS NULL", *args)
    per_head = await _households_per_head(roots, on)

    d = sql.as_date
    statuses: dict[tuple, Station] = {}
    stations = []
    for r in station_rows:
        dates = (d(r["premises_ready_on"]), d(r["in_use_on"]), d(r["premises_deadline"]), d(r["in_use_deadline"]),
                 d(r["office_on"]), d(r["sign_on"]), d(r["equipment_on"]), d(r["rules_on"]))
        st = statuses.get(dates)
        if st is None:
            s = set_up_status(premises_ready_on=dates[0], in_use_on=dates[1], premises_deadline=dates[2],
                              in_use_deadline=dates[3], four_haves=dates[4:], today=on)
            st = statuses[dates] = Station("", s.set_up, s.late)
        stations.append(Station(r["path"], st.set_up, st.late))
    groups_ = [AreaHouseholds(r["cpath"], r["area"], int(r["hh"] or 0)) for r in groups]
    return roll_up_areas(groups_, areas, active, stations, per_head, roots=roots)


async def _households_per_head(roots: Sequence[str], on) -> Callable[[str], int]:
    """The households-per-head parameter in force for a container path (docs/policy.md §12):
    the rows of the districts concerned are read once; containers whose chains hold the same
    setting nodes share one answer."""
    key = "households_per_head"
    district_paths = sorted({"/" + r.strip("/").split("/")[0] + "/" for r in roots})
    rows = [
        params.ParameterRow(r["node_id"], key, r["value"], r["effective_from"])
        for r in await PolicyParameter.filter(prefix_q(district_paths), key=key).values("node_id", "value", "effective_from")
    ]
    setters = {r.node_id for r in rows}
    by_chain: dict[tuple[int, ...], int] = {}
    by_path: dict[str, int] = {}

    def per_head(container_path: str) -> int:
        found = by_path.get(container_path)
        if found is None:
            chain = tuple(i for i in reversed(ancestor_ids(container_path)) if i in setters)
            found = by_chain.get(chain)
            if found is None:
                found = by_chain[chain] = int(params.value_in_force(key, chain, rows, on))
            by_path[container_path] = found
        return found

    return per_head


class Batches:
    """The set-based loads behind the per-request DataLoaders (schema/loaders.py): each takes a
    batch of keys and answers, in the same order, with plain rows — one statement per batch.
    Created afresh for every request: what it has read (children, roll-ups) is memoised for
    the request only, so the schema can answer deeper levels at once, without waiting."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        #: parent id → all its children (closed ones too), by id; a parent absent is not read yet
        self.children_of: dict[int, list[NodeRow]] = {}
        self._depth_wanted: dict[int, int] = {}  # parent id → levels the query reads below it
        self._rollups_wanted: set[int] = set()  # parents whose subtree's roll-ups the query reads
        self._rollups: list[tuple[list[str], Rollups]] = []  # computed subtrees and their figures
        self._inflight: list[tuple[list[str], asyncio.Event]] = []

    # ---- the tree, a subtree at a time ------------------------------------------------

    def plan(self, parent_id: int, depth: int, rollups: bool) -> None:
        """What the query reads below ``parent_id``: ``depth`` levels of children, and whether
        roll-ups are read down there (then they are computed before the children are handed out)."""
        self._depth_wanted[parent_id] = max(depth, self._depth_wanted.get(parent_id, 1))
        if rollups:
            self._rollups_wanted.add(parent_id)

    async def children(self, parents: list[NodeRow]) -> list[list[NodeRow]]:
        """Children of each parent, with every level the query reads below them in the same
        statement (one per batch of parents, however deep the query goes)."""
        missing = [p for p in parents if p.id not in self.children_of]
        if missing:
            depth = max(self._depth_wanted.get(p.id, 1) for p in missing)
            if depth <= 1:
                where, arg = sql.in_ids("parent_id", 1, [p.id for p in missing])
                rows = await sql.fetch(f"SELECT {NODE_COLUMNS} FROM node WHERE {where} ORDER BY id", arg)
                bottom = -1  # nothing below the parents was read
            else:
                roots = fold_roots([p.path for p in missing])
                top = min(p.depth for p in missing)
                bottom = max(p.depth for p in missing) + depth
                under, args = _under("path", roots, 1)
                rows = await sql.fetch(f"SELECT {NODE_COLUMNS} FROM node WHERE {under} AND depth > ${len(args) + 1} "
                                       f"AND depth <= ${len(args) + 2} ORDER BY id", *args, top, bottom)
                rows = [r for r in rows if r[6] not in roots]  # a root nested deeper than ``top`` (6: path)
            for p in missing:
                self.children_of[p.id] = []
            grouped = self.children_of
            for row in node_rows(rows):
                if row.depth < bottom:
                    grouped.setdefault(row.id, [])
                grouped.setdefault(row.parent_id, []).append(row)
        wanted = [p for p in parents if p.id in self._rollups_wanted]
        if wanted:
            await self.ensure_rollups(wanted)
        return [self.children_of[p.id] for p in parents]

    async def nodes(self, ids: list[int]) -> list[NodeRow | None]:
        found = await load_node_rows(ids)
        return [found.get(i) for i in ids]

    # ---- roll-ups -----------------------------------------------------------------------

    @staticmethod
    def _root_of(row: NodeRow) -> str:
        return _container(row.path) if row.kind in LEAF_KINDS else row.path

    def figures_now(self, row: NodeRow) -> Figures | None:
        """The node's roll-up when its subtree has been computed in this request, else None."""
        root = self._root_of(row)
        for roots, rollups in self._rollups:
            if any(root.startswith(r) for r in roots):
                if row.kind in LEAF_KINDS:
                    return rollups.leaf(root, row.service_area_id, row.households or 0)
                return rollups.by_path.get(row.path) or Figures()
        return None

    async def ensure_rollups(self, rows: Sequence[NodeRow]) -> None:
        """Compute the roll-ups of the subtrees of ``rows`` not yet computed in this request (a
        deeper level asking while a subtree above is computed waits for that one)."""
        for roots, done in list(self._inflight):
            if any(self.figures_now(n) is None and any(self._root_of(n).startswith(r) for r in roots) for n in rows):
                await done.wait()
        missing = [self._root_of(n) for n in rows if self.figures_now(n) is None]
        if not missing:
            return
        entry = (fold_roots(missing), asyncio.Event())
        self._inflight.append(entry)
        try:
            self._rollups.append((entry[0], await compute_rollups(entry[0])))
        finally:
            entry[1].set()
            self._inflight.remove(entry)

    async def rollups(self, nodes: list[NodeRow]) -> list[Figures]:
        await self.ensure_rollups(nodes)
        return [self.figures_now(n) or Figures() for n in nodes]

    async def workstations(self, compound_ids: list[int]) -> list[Any]:
        rows = {w.compound_id: w for w in await Workstation.filter(compound_id__in=compound_ids)}
        return [rows.get(c) for c in compound_ids]

    async def station_heads(self, workstation_ids: list[int]) -> list[Any]:
        rows = {
            a.workstation_id: a
            for a in await StationHeadAppointment.filter(active_workstation_id__in=workstation_ids)
        }
        return [rows.get(w) for w in workstation_ids]

    async def people(self, ids: list[int]) -> list[Any]:
        rows = {p.id: p for p in await Person.filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    async def person_places(self, person_ids: list[int]) -> list[list[str]]:
        from resolvers.privacy import load_places

        places = await load_places(person_ids)
        return [places.get(p, []) for p in person_ids]

    async def areas(self, container_ids: list[int]) -> list[list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for a in await ServiceArea.filter(container_id__in=container_ids).order_by("id"):
            grouped[a.container_id].append(a)
        return [grouped.get(c, []) for c in container_ids]

    async def area_by_id(self, ids: list[int]) -> list[Any]:
        rows = {a.id: a for a in await ServiceArea.filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    async def terms_by_area(self, area_ids: list[int]) -> list[list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for t in await BuildingHead.filter(service_area_id__in=area_ids, status=TermStatus.ACTIVE).order_by("id"):
            grouped[t.service_area_id].append(t)
        return [grouped.get(a, []) for a in area_ids]

    async def terms_by_person(self, person_ids: list[int]) -> list[list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for t in await BuildingHead.filter(person_id__in=person_ids).order_by("id"):
            grouped[t.person_id].append(t)
        return [grouped.get(p, []) for p in person_ids]

    async def staff_roles(self, person_ids: list[int]) -> list[list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for r in await StaffRole.filter(person_id__in=person_ids).order_by("id"):
            grouped[r.person_id].append(r)
        return [grouped.get(p, []) for p in person_ids]

    async def appointments_by_person(self, person_ids: list[int]) -> list[list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for a in await StationHeadAppointment.filter(person_id__in=person_ids).order_by("id"):
            grouped[a.person_id].append(a)
        return [grouped.get(p, []) for p in person_ids]

    async def chain_changes(self, node_ids: list[int]) -> list[list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for c in await ChainChange.filter(node_id__in=node_ids).order_by("id"):
            grouped[c.node_id].append(c)
        return [grouped.get(n, []) for n in node_ids]

    async def area_rollups(self, keys: list[tuple[int, str]]) -> list[Figures]:
        figures = await compute_area_rollups(keys)
        return [figures[k[0]] for k in keys]

    async def campaigns(self, ids: list[int]) -> list[Any]:
        rows = {c.id: c for c in await WorkstationCampaign.filter(id__in=ids)}
        return [rows.get(i) for i in ids]


__all__ = ["Batches", "compute_rollups", "compute_area_rollups", "load_node_rows", "prefix_q"]


async def compute_area_rollups(keys: Sequence[tuple[int, str]]) -> dict[int, Figures]:
    """Figures of named service areas: keys are (area id, container path)."""
    if not keys:
        return {}
    ids = [k[0] for k in keys]
    households: dict[int, int] = defaultdict(int)
    for r in await Node.filter(service_area_id__in=ids, closed_on__isnull=True).values("service_area_id", "households"):
        households[r["service_area_id"]] += r["households"] or 0
    active = dict(
        await BuildingHead.filter(service_area_id__in=ids, status=TermStatus.ACTIVE)
        .annotate(n=Count("id")).group_by("service_area_id").values_list("service_area_id", "n")
    )
    districts = {ancestor_ids(path)[0] for _, path in keys}
    key = "households_per_head"
    rows = [
        params.ParameterRow(r["node_id"], key, r["value"], r["effective_from"])
        for r in await PolicyParameter.filter(prefix_q([f"/{d}/" for d in districts]), key=key).values(
            "node_id", "value", "effective_from"
        )
    ]
    on = today()
    out: dict[int, Figures] = {}
    for area_id, path in keys:
        per_head = int(params.value_in_force(key, list(reversed(ancestor_ids(path))), rows, on))
        from policy.seats import area_coverage

        c = area_coverage(households[area_id], active.get(area_id, 0), per_head)
        out[area_id] = Figures(
            households=c.households, required_heads=c.required, active_heads=c.active,
            vacancies=c.vacancies, service_areas=1,
        )
    return out
