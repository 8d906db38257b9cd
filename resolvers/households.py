"""Households as records (docs/policy.md §6.2): generated from a building's household count or
imported from a community's register, and the building heads' monthly visits that keep each
household's information form current.

The operations, free of GraphQL: a caller and plain arguments in, models out; one unit of work
each (authorise, load, decide in policy/duties.py, persist, audit). Contact names and phones are
personal data: ``shown_household`` masks them for callers without PERSON_PII."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from models.access import User
from models.duties import Household, HouseholdVisit
from models.recruitment import BuildingHead
from models.tree import Node, ServiceArea
from models.workstations import Workstation
from policy.access import Capability
from policy.duties import (
    HOUSEHOLD_COLUMNS, HOUSEHOLD_HEADERS, HOUSEHOLD_LABELS, HOUSEHOLD_REQUIRED, MAX_VISIT_BATCH, BuildingRef,
    HouseholdRowError, doors_to_generate, form_follows_visit, mask_household, validate_household_rows,
    visit_form_problems,
)
from policy.kinds import NodeKind, TermStatus
from policy.tree import LEAF_KINDS
from resolvers.business_dates import not_future
from resolvers.clock import today
from resolvers.errors import Denied, Problem, Problems
from resolvers.scope import node_in_scope, obtain
from resolvers.spreadsheets import ImportFileError, read_rows
from resolvers.tree.import_words import file_params
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

MAX_IMPORT_BYTES = 10 * 1024 * 1024
REGISTER_KINDS = (NodeKind.COMMUNITY, NodeKind.VILLAGE)
CONTAINER_KINDS = (NodeKind.COMPOUND, NodeKind.COMMUNITY, NodeKind.VILLAGE)


# ---------------------------------------------------------------- shared by the duty records

async def workstation_of(building: Node) -> int | None:
    """The workstation of a building's compound; None on the rural chain (a village group)."""
    if building.kind != NodeKind.BUILDING or building.parent_id is None:
        return None
    return await Workstation.filter(compound_id=building.parent_id).first().values_list("id", flat=True)  # type: ignore[return-value]


async def head_terms(caller: Viewer, service_area_ids: Sequence[int | None]) -> dict[int, int]:
    """service area → the caller's ACTIVE building-head term serving it (when the caller is a
    user linked to a person who heads it); two statements for any number of areas."""
    areas = [a for a in set(service_area_ids) if a is not None]
    if caller.user_id is None or not areas:
        return {}
    person_id = await User.filter(id=caller.user_id).first().values_list("person_id", flat=True)
    if person_id is None:
        return {}
    rows = await BuildingHead.filter(person_id=person_id, status=TermStatus.ACTIVE, service_area_id__in=areas,
                                     starts_on__lte=today()).order_by("id").values_list("service_area_id", "id")
    return {area: term for area, term in rows}


async def subtree_filter(caller: Viewer, node: Node) -> Q:
    """Rows below ``node`` the caller may read: the node itself may be out of the caller's scope
    when the caller's scope lies inside it (a building head asking for their compound), then only
    those parts are kept; a node holding nothing readable is refused as missing."""
    inside = Q(path__startswith=node.path) & caller.scope_q()
    if caller.can_read(node.path) or any(p.startswith(node.path) for p in caller.scope_paths()):
        return inside
    raise Denied()


async def node_for_listing(caller: Viewer, node_id: int, kinds: Sequence[NodeKind] | None = None) -> Node:
    caller.require_authenticated()
    node = await Node.get_or_none(id=node_id)
    if node is None or (kinds is not None and node.kind not in kinds):
        raise Denied()
    await subtree_filter(caller, node)
    return node


# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class ShownHousehold:
    """A household as one caller may see it (contact masked without PERSON_PII there)."""

    household: Household
    contact_name: str | None
    contact_phone: str | None
    masked: bool


def shown_household(caller: Viewer, h: Household) -> ShownHousehold:
    full = caller.can_pii(h.path)
    values = mask_household({"contact_name": h.contact_name, "contact_phone": h.contact_phone}, full=full)
    return ShownHousehold(h, values["contact_name"], values["contact_phone"],
                          not full and bool(h.contact_name or h.contact_phone))


def _door_key(h: Household) -> tuple[int, int, str]:
    d = h.door_number
    return (h.building_id, int(d) if d.isdigit() else 10**9, d)


async def households_of(caller: Viewer, *, building_id: int | None = None, service_area_id: int | None = None,
                        node_id: int | None = None, include_closed: bool = False) -> list[Household]:
    """The households the caller may read in a building, a service area or below a node (one
    statement), by building then door number (numbers in numeric order)."""
    caller.require_authenticated()
    given = [x for x in (building_id, service_area_id, node_id) if x is not None]
    if len(given) != 1:
        raise Problem("ONE_NODE_ARGUMENT", ["buildingId"], names="buildingId、serviceAreaId、compoundId、nodeId",
                      names_en="buildingId, serviceAreaId, compoundId, nodeId")
    q = caller.scope_q()
    if building_id is not None:
        building = await node_in_scope(caller, building_id, Capability.READ, LEAF_KINDS)
        q &= Q(building_id=building.id)
    elif service_area_id is not None:
        area = await ServiceArea.get_or_none(id=service_area_id)
        if area is None:
            raise Denied()
        members = Node.filter(caller.scope_q(), service_area_id=area.id)
        if not caller.can_read(area.path) and not await members.exists():
            raise Denied()
        q &= Q(building__service_area_id=area.id)
    else:
        node = await node_for_listing(caller, node_id)  # type: ignore[arg-type]
        q &= Q(path__startswith=node.path)
    if not include_closed:
        q &= Q(closed_on__isnull=True)
    rows = await Household.filter(q)
    return sorted(rows, key=_door_key)


async def visits_by_household(caller: Viewer, household_ids: Sequence[int]) -> list[list[HouseholdVisit]]:
    """Each household's visits, newest first (one statement for the batch; scope re-checked)."""
    ids = list(household_ids)
    grouped: dict[int, list[HouseholdVisit]] = defaultdict(list)
    if ids:
        for v in await HouseholdVisit.filter(caller.scope_q(), household_id__in=ids).order_by("-visited_on", "-id"):
            grouped[v.household_id].append(v)
    return [grouped.get(i, []) for i in ids]


# ---------------------------------------------------------------- generating and importing

@dataclass
class HouseholdsWritten:
    created: int = 0
    updated: int = 0
    households: list[Household] = field(default_factory=list)  # the first 100 created or updated


def _door_taken(_: IntegrityError) -> Problem:
    # a concurrent request created the same door number between the check and the write
    return Problem("DOOR_NUMBER_TAKEN", ["input"])


async def generate_households(caller: Viewer, building_id: int, count: int | None = None) -> HouseholdsWritten:
    """Create the door numbers 1..N of a building from its household count (or ``count``) that
    it does not have yet; a building whose households came from a register gets none."""
    async with unit_of_work(caller, integrity=_door_taken) as uow:
        building = await node_in_scope(caller, building_id, Capability.HOUSEHOLD_WRITE, LEAF_KINDS, for_update=True)
        if count is not None and count < 0:
            raise Problem("NUMBER_OUT_OF_RANGE", ["input", "count"], min=0, max=building.households or 0)
        n = building.households if count is None else count
        existing = await Household.filter(building_id=building.id).values_list("door_number", flat=True)
        doors = doors_to_generate(n, list(existing))
        if not doors:
            return HouseholdsWritten()
        ws = await workstation_of(building)
        await Household.bulk_create([
            Household(building_id=building.id, path=building.path, workstation_id=ws, door_number=d) for d in doors
        ])
        made = sorted(await Household.filter(building_id=building.id, door_number__in=doors), key=_door_key)
        await uow.audit("householdsGenerate", "Node", building.id, building.path, None,
                        {"building_id": building.id, "created": len(made), "door_numbers": doors})
    return HouseholdsWritten(created=len(made), households=made[:100])


def _row_problem(e: HouseholdRowError) -> Problem:
    label = HOUSEHOLD_LABELS[e.column]
    return Problem(f"HOUSEHOLD_IMPORT_{e.code}", ["file"], error=e.code, row=e.row, column=e.column, label=label,
                   value=e.value, earlier=e.earlier)


def _file_problem(e: ImportFileError) -> Problem:
    params = dict(e.params)
    known = "、".join(HOUSEHOLD_LABELS[k] for k in HOUSEHOLD_COLUMNS)
    if e.code in ("MISSING_COLUMN", "UNKNOWN_COLUMN", "DUPLICATE_COLUMN"):
        missing = list(params.pop("missing", ()))
        unknown = [str(u) for u in params.pop("unknown", ())]
        duplicate = [str(d) for d in params.pop("duplicate", ())]
        params.update(
            missing="、".join(HOUSEHOLD_LABELS[k] for k in missing),
            missing_en=", ".join(f"{HOUSEHOLD_LABELS[k]} ({k})" for k in missing),
            extra=f"；无法识别的列：{'、'.join(unknown)}" if unknown and missing else "",
            extra_en=f"; unrecognised columns: {', '.join(unknown)}" if unknown and missing else "",
            unknown="、".join(unknown), unknown_en=", ".join(unknown),
            duplicate="、".join(duplicate), duplicate_en=", ".join(duplicate), known=known,
        )
    else:
        params = file_params(e)
    return Problem(e.entry, ["file"], error=e.code, **params)


async def import_households(caller: Viewer, community_id: int, filename: str | None, content: bytes) -> HouseholdsWritten:
    """Import a community's household register (CSV or XLSX: 楼栋, 门牌号, 联系人, 联系电话,
    居住人数; 小区 optional): every row valid, or nothing written and every bad row reported. A
    door number the building has already is updated (the cells given), a new one created."""
    async with unit_of_work(caller, integrity=_door_taken) as uow:
        community = await node_in_scope(caller, community_id, Capability.HOUSEHOLD_WRITE, REGISTER_KINDS, for_update=True)
        if len(content) > MAX_IMPORT_BYTES:
            raise Problem("TOO_LARGE", ["file"], error="TOO_LARGE", mb=MAX_IMPORT_BYTES // 1048576)
        try:
            rows = read_rows(filename or "upload.csv", content, synonyms=HOUSEHOLD_HEADERS,
                             required=HOUSEHOLD_REQUIRED, columns=HOUSEHOLD_COLUMNS)
        except ImportFileError as e:
            raise _file_problem(e) from None
        leaves = await Node.filter(path__startswith=community.path, kind__in=list(LEAF_KINDS), closed_on__isnull=True)
        parents = {n.id: n.name for n in await Node.filter(id__in=list({b.parent_id for b in leaves if b.parent_id}))}
        refs = [BuildingRef(b.id, b.name, b.code, parents.get(b.parent_id or 0, "")) for b in leaves]
        specs, errors = validate_household_rows(rows, refs)
        if errors:
            raise Problems([_row_problem(e) for e in errors])
        by_id = {b.id: b for b in leaves}
        stations = dict(await Workstation.filter(compound_id__in=list({b.parent_id for b in leaves if b.parent_id}))
                        .values_list("compound_id", "id"))
        existing = {(h.building_id, h.door_number): h
                    for h in await Household.select_for_update().filter(building_id__in=list({s.building_id for s in specs}))}
        result = HouseholdsWritten()
        new: list[Household] = []
        for s in specs:
            h = existing.get((s.building_id, s.door_number))
            if h is None:
                b = by_id[s.building_id]
                new.append(Household(
                    building_id=b.id, path=b.path, door_number=s.door_number, contact_name=s.contact_name,
                    contact_phone=s.contact_phone, occupants=s.occupants or 0,
                    workstation_id=stations.get(b.parent_id) if b.kind == NodeKind.BUILDING else None,
                ))
                continue
            changes = {"contact_name": s.contact_name, "contact_phone": s.contact_phone, "occupants": s.occupants}
            changed = {k: v for k, v in changes.items() if v is not None and getattr(h, k) != v}
            if changed:
                before = snapshot(h)
                for k, v in changed.items():
                    setattr(h, k, v)
                await h.save(update_fields=list(changed))
                await uow.audit("householdsImport", "Household", h.id, h.path, before, snapshot(h), live=False)
                result.updated += 1
                if len(result.households) < 100:
                    result.households.append(h)
        if new:
            await Household.bulk_create(new)
            keys = {(h.building_id, h.door_number) for h in new}
            made = [h for h in await Household.filter(building_id__in=list({h.building_id for h in new}),
                                                      door_number__in=list({h.door_number for h in new}))
                    if (h.building_id, h.door_number) in keys]
            result.created = len(made)
            result.households.extend(sorted(made, key=_door_key)[:100 - len(result.households)])
        await uow.audit("householdsImport", "Node", community.id, community.path, None,
                        {"file": filename, "created": result.created, "updated": result.updated})
    return result


# ---------------------------------------------------------------- visits

_FORM_LABELS = {"occupants": ("居住人数", "occupants"), "vulnerableMembers": ("困难人员数", "vulnerable members"),
                "needs": ("需求", "needs"), "note": ("备注", "note")}


@dataclass(frozen=True)
class VisitEntry:
    household_id: int
    visited_on: date | None
    occupants: int
    vulnerable_members: int
    needs: str = ""
    note: str = ""


async def record_visits(caller: Viewer, entries: Sequence[VisitEntry], *, batch: bool = False) -> list[HouseholdVisit]:
    """Record visits to households (DUTY_RECORD at each): each stores the form as found and
    updates its household's form unless a later visit did already. All or nothing; a household
    out of scope is refused like a missing one."""
    if batch and not 1 <= len(entries) <= MAX_VISIT_BATCH:
        raise Problem("TOO_MANY_ENTRIES", ["input", "entries"], max=MAX_VISIT_BATCH, count=len(entries))
    problems: list[Problem] = []
    on_today = today()
    for i, e in enumerate(entries):
        at = ["input", "entries", str(i)] if batch else ["input"]
        if e.visited_on is not None and e.visited_on > on_today:
            try:
                not_future(e.visited_on, [*at, "visitedOn"])
            except Problem as p:
                problems.append(p)
        for f in visit_form_problems(e.occupants, e.vulnerable_members, e.needs, e.note):
            label, label_en = _FORM_LABELS[f.field]
            problems.append(Problem(f.code, [*at, f.field], label=label, label_en=label_en, **dict(f.params)))
    if problems:
        raise Problems(problems)
    async with unit_of_work(caller) as uow:
        caller.require_authenticated()
        ids = [e.household_id for e in entries]
        found = {h.id: h for h in await Household.select_for_update().filter(id__in=list(set(ids)))}
        for pk in ids:
            h = found.get(pk)
            if h is None or not caller.can_read(h.path):
                raise Denied()
            caller.require(Capability.DUTY_RECORD, h.path)
        areas = dict(await Node.filter(id__in=list({h.building_id for h in found.values()}))
                     .values_list("id", "service_area_id"))
        terms = await head_terms(caller, list(areas.values()))
        visits = []
        for e in entries:
            h = found[e.household_id]
            on = e.visited_on or on_today
            v = await HouseholdVisit.create(
                household_id=h.id, path=h.path, workstation_id=h.workstation_id,
                term_id=terms.get(areas.get(h.building_id)),  # type: ignore[arg-type]
                visited_on=on, occupants=e.occupants, vulnerable_members=e.vulnerable_members,
                needs=e.needs.strip(), note=e.note.strip(), recorded_by=caller.label,
            )
            if form_follows_visit(on, h.form_updated_on):
                h.occupants, h.vulnerable_members, h.needs, h.form_updated_on = (
                    e.occupants, e.vulnerable_members, e.needs.strip(), on)
                await h.save(update_fields=["occupants", "vulnerable_members", "needs", "form_updated_on"])
            await uow.audit("householdVisitRecord", "HouseholdVisit", v.id, v.path, None, snapshot(v))
            visits.append(v)
    return visits


