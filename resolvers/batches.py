"""Batch loads: each turns a batch of keys into one set-based query, so the
number of SQL statements of a tree query grows with its depth, not with its nodes."""
from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count

from models.parameters import PolicyParameter
from models.people import Person, StaffRole
from models.recruitment import BuildingHead
from models.tree import ChainChange, Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign
from policy import parameters as params
from policy.kinds import NodeKind, TermStatus
from policy.rollup import Figures, Leaf, Station, Target, ancestor_paths, area_key, roll_up
from policy.tree import LEAF_KINDS
from policy.workstations import set_up_status
from resolvers.clock import today
from resolvers.viewer import Viewer
from resolvers.rows import NODE_FIELDS, NodeRow, ancestor_ids, node_row


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


async def load_node_rows(ids: Sequence[int]) -> dict[int, NodeRow]:
    rows = await Node.filter(id__in=list(ids)).values(*NODE_FIELDS)
    return {r["id"]: node_row(r) for r in rows}


def _container(path: str) -> str:
    """"/1/4/9/" → "/1/4/"."""
    return path[: path.rstrip("/").rfind("/") + 1]


async def compute_rollups(nodes: Sequence[NodeRow], *, whole_subtree: bool = False) -> dict[int, Figures]:
    """Roll-ups for many nodes with five queries in all; with ``whole_subtree``, also for
    every open node below them (computed from the same rows)."""
    if not nodes:
        return {}
    on = today()
    # a building's (or village group's) seats are those of its area, which lives in its container
    scope = prefix_q([_container(n.path) if n.kind in LEAF_KINDS else n.path for n in nodes])
    leaf_rows = await Node.filter(scope, kind__in=list(LEAF_KINDS), closed_on__isnull=True).values(
        "path", "households", "service_area_id"
    )
    areas = dict(
        await ServiceArea.filter(scope, closed_on__isnull=True).values_list("id", "path")
    )
    active = dict(
        await BuildingHead.filter(scope, status=TermStatus.ACTIVE)
        .annotate(n=Count("id"))
        .group_by("service_area_id")
        .values_list("service_area_id", "n")
    )
    station_rows = await Workstation.filter(scope, compound__closed_on__isnull=True).values(
        "path", "premises_ready_on", "in_use_on", "office_on", "sign_on", "equipment_on", "rules_on",
        "campaign__premises_deadline", "campaign__in_use_deadline",
    )
    district_ids = {n.district_id for n in nodes if n.district_id is not None}
    key = "households_per_head"
    district_q = prefix_q([f"/{d}/" for d in district_ids]) if district_ids else Q(id=-1)
    param_rows = [
        params.ParameterRow(r["node_id"], key, r["value"], r["effective_from"])
        for r in await PolicyParameter.filter(district_q, key=key).values("node_id", "value", "effective_from")
    ]
    per_head_cache: dict[str, int] = {}

    def per_head(container_path: str) -> int:
        if container_path not in per_head_cache:
            chain = list(reversed(ancestor_ids(container_path)))
            per_head_cache[container_path] = int(params.value_in_force(key, chain, param_rows, on))
        return per_head_cache[container_path]

    leaves = []
    for r in leaf_rows:
        leaves.append(Leaf(r["path"], _container(r["path"]), r["households"] or 0, r["service_area_id"]))
    stations = []
    for r in station_rows:
        st = set_up_status(
            premises_ready_on=r["premises_ready_on"],
            in_use_on=r["in_use_on"],
            premises_deadline=r["campaign__premises_deadline"],
            in_use_deadline=r["campaign__in_use_deadline"],
            four_haves=(r["office_on"], r["sign_on"], r["equipment_on"], r["rules_on"]),
            today=on,
        )
        stations.append(Station(r["path"], st.set_up, st.late))

    targets: dict[int, Target] = {}
    for n in nodes:
        if n.kind in LEAF_KINDS:
            aid = n.service_area_id if n.service_area_id in areas else None
            targets[n.id] = Target(n.id, n.path, True, n.households or 0, area_key(_container(n.path), aid))
        else:
            targets[n.id] = Target(n.id, n.path)
    if whole_subtree:
        # every node on the way down to a leaf, an area or a station is answered from the
        # same rows: deeper levels of the same request then need no queries at all
        roots = [_container(n.path) if n.kind in LEAF_KINDS else n.path for n in nodes]
        inside = lambda p: any(p.startswith(r) for r in roots)  # noqa: E731
        for cpath in {lf.container_path for lf in leaves} | set(areas.values()) | {st.path for st in stations}:
            for p in ancestor_paths(cpath):
                pid = int(p.rstrip("/").rsplit("/", 1)[-1])
                if pid not in targets and inside(p):
                    targets[pid] = Target(pid, p)
        for lf in leaves:
            lid = int(lf.path.rstrip("/").rsplit("/", 1)[-1])
            if lid not in targets:
                aid = lf.area_id if lf.area_id in areas else None
                targets[lid] = Target(lid, lf.path, True, lf.households, area_key(lf.container_path, aid))
    return roll_up(targets.values(), leaves, areas, active, stations, per_head)


class Batches:
    """The set-based loads behind the per-request DataLoaders (schema/loaders.py): each takes a
    batch of keys and answers, in the same order, with plain rows — one statement per batch.
    Created afresh for every request (the roll-up memo below is the request's own)."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self._figures: dict[int, Figures] = {}  # roll-ups of this request, filled a subtree at a time
        self._inflight: list[tuple[list[str], asyncio.Event]] = []

    async def nodes(self, ids: list[int]) -> list[NodeRow | None]:
        found = await load_node_rows(ids)
        return [found.get(i) for i in ids]

    async def children(self, parent_ids: list[int]) -> list[list[NodeRow]]:
        rows = await Node.filter(parent_id__in=parent_ids).order_by("id").values(*NODE_FIELDS)
        grouped: dict[int, list[NodeRow]] = defaultdict(list)
        for r in rows:
            grouped[r["parent_id"]].append(node_row(r))
        return [grouped.get(p, []) for p in parent_ids]

    async def rollups(self, nodes: list[NodeRow]) -> list[Figures]:
        # a deeper level may ask while a subtree above it is still being computed: wait for that
        # computation instead of repeating it (keeps the statement count fixed per query shape)
        for roots, done in list(self._inflight):
            if any(n.id not in self._figures and any(n.path.startswith(r) for r in roots) for n in nodes):
                await done.wait()
        missing = [n for n in nodes if n.id not in self._figures]
        if missing:
            entry = ([_container(n.path) if n.kind in LEAF_KINDS else n.path for n in missing], asyncio.Event())
            self._inflight.append(entry)
            try:
                self._figures.update(await compute_rollups(missing, whole_subtree=True))
            finally:
                entry[1].set()
                self._inflight.remove(entry)
        return [self._figures[n.id] for n in nodes]

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
