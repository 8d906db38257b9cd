"""Monthly duty figures of the building heads of a compound (or any service-area container):
per term and in total (docs/policy.md §6, §8; the decisions are in policy/duties.py).

Set-based: seven statements whatever the number of heads (the terms, the inspections, the
households, the visits, the meetings held with the heads' attendance, the resolved requests),
then the pure rules (``policy.duties.term_figures``) in Python."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.tree import Node
from policy.access import Capability
from policy.duties import DutyFigures, HandledRequest, month_bounds, month_span, served_interval, term_figures, ZERO
from policy.tree import is_area_container
from resolvers import sql
from resolvers.errors import Denied
from resolvers.scope import node_in_scope
from resolvers.viewer import Viewer


@dataclass(frozen=True)
class TermFigures:
    term: Any  # models.recruitment.BuildingHead
    area_name: str
    figures: DutyFigures


@dataclass(frozen=True)
class DutyReport:
    node: Node
    year: int
    month: int
    heads: list[TermFigures]
    total: DutyFigures


def _d(value: date) -> Any:
    return value.isoformat() if sql.is_sqlite() else value


async def duty_figures(caller: Viewer, node_id: int, year: int, month: int) -> DutyReport:
    """The figures of every term of the node's service areas that covers a day of the month."""
    node = await node_in_scope(caller, node_id, Capability.READ)
    if not is_area_container(node.kind, node.chain):
        raise Denied()
    from models.recruitment import BuildingHead

    first, last = month_bounds(year, month)
    span_from, span_to = month_span(year, month)
    terms = [t for t in await BuildingHead.filter(service_area__container_id=node.id, starts_on__lte=last)
             .prefetch_related("service_area").order_by("service_area_id", "starts_on", "id")
             if served_interval(t.starts_on, t.ended_on, year, month) is not None]
    if not terms:
        return DutyReport(node, year, month, [], ZERO)
    term_ids = [t.id for t in terms]
    area_ids = sorted({t.service_area_id for t in terms})

    cond, ids = sql.in_ids("term_id", 3, term_ids)
    inspections = await sql.fetch(
        f"SELECT term_id, inspected_on FROM inspection WHERE inspected_on >= $1 AND inspected_on <= $2 AND {cond}",
        _d(span_from), _d(span_to), ids)
    cond, ids = sql.in_ids("n.service_area_id", 2, area_ids)
    households = await sql.fetch(
        "SELECT h.id, n.service_area_id AS area FROM household h JOIN node n ON n.id = h.building_id "
        f"WHERE (h.closed_on IS NULL OR h.closed_on > $1) AND {cond}", _d(last), ids)
    cond, ids = sql.in_ids("term_id", 3, term_ids)
    visits = await sql.fetch(
        f"SELECT term_id, household_id, visited_on FROM household_visit WHERE visited_on >= $1 AND visited_on <= $2 "
        f"AND {cond}", _d(first), _d(last), ids)
    meetings = await sql.fetch(
        "SELECT m.id, m.held_on FROM meeting m JOIN workstation w ON w.id = m.workstation_id "
        "WHERE w.compound_id = $1 AND m.kind = 'BUILDING_HEADS' AND m.attendance_recorded_at IS NOT NULL "
        "AND m.held_on >= $2 AND m.held_on <= $3", node.id, _d(first), _d(last))
    cond, ids = sql.in_ids("a.person_id", 4, sorted({t.person_id for t in terms}))
    attended = await sql.fetch(
        "SELECT a.person_id, a.meeting_id FROM attendance a JOIN meeting m ON m.id = a.meeting_id "
        "JOIN workstation w ON w.id = m.workstation_id WHERE w.compound_id = $1 AND m.held_on >= $2 "
        f"AND m.held_on <= $3 AND a.status = 'PRESENT' AND {cond}", node.id, _d(first), _d(last), ids)
    t_cond, t_ids = sql.in_ids("handled_by_term_id", 3, term_ids)
    a_cond, a_ids = sql.in_ids("service_area_id", 4, area_ids)
    requests = await sql.fetch(
        "SELECT channel, resolved_on, handled_by_term_id, service_area_id, satisfaction FROM resident_request "
        f"WHERE status = 'RESOLVED' AND resolved_on >= $1 AND resolved_on <= $2 AND ({t_cond} OR "
        f"(handled_by_term_id IS NULL AND {a_cond}))", _d(first), _d(last), t_ids, a_ids)

    by_area: dict[int, set[int]] = {}
    for r in households:
        by_area.setdefault(int(r["area"]), set()).add(int(r["id"]))
    held = [(int(r["id"]), sql.as_date(r["held_on"])) for r in meetings]
    present: dict[int, set[int]] = {}
    for r in attended:
        present.setdefault(int(r["person_id"]), set()).add(int(r["meeting_id"]))
    handled = [HandledRequest(str(r["channel"]), sql.as_date(r["resolved_on"]), r["handled_by_term_id"],
                              r["service_area_id"], r["satisfaction"]) for r in requests]

    heads: list[TermFigures] = []
    total = ZERO
    all_households: set[int] = set()
    all_visited: set[int] = set()
    for t in terms:
        area_households = by_area.get(t.service_area_id, set())
        figures, visited = term_figures(
            term_id=t.id, service_area_id=t.service_area_id, starts_on=t.starts_on, ended_on=t.ended_on,
            year=year, month=month,
            inspection_dates=[sql.as_date(r["inspected_on"]) for r in inspections if r["term_id"] == t.id],
            households=area_households,
            visits=[(int(r["household_id"]), sql.as_date(r["visited_on"])) for r in visits if r["term_id"] == t.id],
            meetings=held, attended=present.get(t.person_id, set()), requests=handled,
        )
        heads.append(TermFigures(t, t.service_area.name, figures))
        total = total + figures
        all_households |= area_households
        all_visited |= visited
    total = dataclasses.replace(total, households=len(all_households), households_visited=len(all_visited))
    return DutyReport(node, year, month, heads, total)
