"""Inspections with their findings and follow-ups, and the register of vulnerable people
(docs/policy.md §6.1, §6.5): the operations, free of GraphQL.

A safety hazard found on an inspection stays OPEN (policy.duties.finding_status) and takes
follow-ups until one closes it. The register's names and details are personal data: shown in
full to callers with PERSON_PII at the entry's building (``shown_vulnerable``)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q

from models.duties import Finding, FindingFollowUp, HelpGiven, Household, Inspection, VulnerablePerson
from models.tree import Node
from policy.access import Capability
from policy.duties import (
    MAX_CONTACT_NAME, MAX_FORM_TEXT, FindingKind, FindingStatus, VulnerableCategory, finding_status,
    follow_up_refusal, mask_vulnerable,
)
from policy.tree import LEAF_KINDS
from resolvers.business_dates import not_future
from resolvers.clock import today
from resolvers.errors import Problem, Problems
from resolvers.households import head_terms, node_for_listing, subtree_filter, workstation_of
from resolvers.scope import node_in_scope, obtain
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

MAX_FINDINGS = 50

_LABELS = {  # field → (zh, en) label of a length message
    "note": ("备注", "note"), "description": ("描述", "description"), "details": ("详细情况", "details"),
    "help": ("帮扶内容", "help"), "name": ("姓名", "name"),
}


def _too_long(text: str, limit: int, field: list[str]) -> Problem | None:
    if len(text) <= limit:
        return None
    zh, en = _LABELS[field[-1]]
    return Problem("TOO_LONG", field, label=zh, label_en=en, max=limit)


def _required(text: str, field: list[str]) -> Problem | None:
    if text.strip():
        return None
    zh, _ = _LABELS[field[-1]]
    return Problem("REQUIRED", field, label=zh)


def _raise(problems: Sequence[Problem | None]) -> None:
    found = [p for p in problems if p is not None]
    if found:
        raise Problems(found)


# ---------------------------------------------------------------- inspections

@dataclass(frozen=True)
class FindingInput:
    kind: FindingKind
    description: str


async def record_inspection(caller: Viewer, *, building_id: int, inspected_on: date | None, note: str,
                            findings: Sequence[FindingInput]) -> Inspection:
    """Record an inspection of a building (DUTY_RECORD there) with what it found."""
    on = not_future(inspected_on, ["input", "inspectedOn"]) if inspected_on else today()
    problems = [_too_long(note, MAX_FORM_TEXT, ["input", "note"])]
    if len(findings) > MAX_FINDINGS:
        problems.append(Problem("TOO_MANY_ENTRIES", ["input", "findings"], max=MAX_FINDINGS, count=len(findings)))
    for i, f in enumerate(findings):
        at = ["input", "findings", str(i), "description"]
        problems += [_required(f.description, at), _too_long(f.description, MAX_FORM_TEXT, at)]
    _raise(problems)
    async with unit_of_work(caller) as uow:
        building = await node_in_scope(caller, building_id, Capability.DUTY_RECORD, LEAF_KINDS)
        terms = await head_terms(caller, [building.service_area_id])
        inspection = await Inspection.create(
            building_id=building.id, path=building.path, workstation_id=await workstation_of(building),
            term_id=terms.get(building.service_area_id or 0), inspected_on=on, note=note.strip(), recorded_by=caller.label,
        )
        made = []
        for f in findings:
            status = finding_status(FindingKind(f.kind))
            made.append(await Finding.create(
                inspection_id=inspection.id, path=building.path, kind=FindingKind(f.kind),
                description=f.description.strip(), status=status,
                closed_on=on if status == FindingStatus.CLOSED else None,
            ))
        after = snapshot(inspection) or {}
        after["findings"] = [snapshot(x, ["id", "kind", "description", "status"]) for x in made]
        await uow.audit("inspectionRecord", "Inspection", inspection.id, inspection.path, None, after)
    return inspection


async def follow_up_finding(caller: Viewer, finding_id: int, *, on: date | None, note: str, closes: bool) -> Finding:
    """Record a follow-up of an open finding (DUTY_RECORD); ``closes`` closes it on that day.
    A closed finding takes no more follow-ups (so it is never closed twice)."""
    day = not_future(on, ["input", "on"]) if on else today()
    _raise([_required(note, ["input", "note"]), _too_long(note, MAX_FORM_TEXT, ["input", "note"])])
    async with unit_of_work(caller) as uow:
        finding = await obtain(caller, Finding, finding_id, Capability.DUTY_RECORD, for_update=True)
        inspected_on = await Inspection.filter(id=finding.inspection_id).first().values_list("inspected_on", flat=True)
        refusal = follow_up_refusal(finding.status, inspected_on, day)  # type: ignore[arg-type]
        if refusal is not None:
            raise Problem(refusal.value, ["input", "on"] if refusal.value == "BEFORE_INSPECTION" else ["input", "findingId"],
                          on=day, inspected_on=inspected_on, closed_on=finding.closed_on)
        before = snapshot(finding)
        f = await FindingFollowUp.create(finding_id=finding.id, on=day, note=note.strip(), closes=closes,
                                         recorded_by=caller.label)
        if closes:
            finding.status, finding.closed_on = FindingStatus.CLOSED, day
            await finding.save(update_fields=["status", "closed_on"])
        after = snapshot(finding) or {}
        after["follow_up"] = snapshot(f, ["id", "on", "note", "closes"])
        await uow.audit("findingFollowUp", "Finding", finding.id, finding.path, before, after)
    return finding


async def inspections_below(caller: Viewer, node_id: int, *, since: date | None = None,
                            until: date | None = None) -> list[Inspection]:
    """Inspections the caller may read below a node (a building head: their buildings only),
    newest first; one statement."""
    node = await node_for_listing(caller, node_id)
    q = await subtree_filter(caller, node)
    if since:
        q &= Q(inspected_on__gte=since)
    if until:
        q &= Q(inspected_on__lte=until)
    return list(await Inspection.filter(q).order_by("-inspected_on", "-id"))


async def open_hazards(caller: Viewer, node_id: int) -> list[Finding]:
    """Safety hazards still open below a node, oldest first; one statement."""
    node = await node_for_listing(caller, node_id)
    q = await subtree_filter(caller, node)
    return list(await Finding.filter(q, kind=FindingKind.SAFETY_HAZARD, status=FindingStatus.OPEN)
                .order_by("inspection_id", "id"))


async def findings_by_inspection(caller: Viewer, inspection_ids: Sequence[int]) -> list[list[Finding]]:
    ids = list(inspection_ids)
    grouped: dict[int, list[Finding]] = defaultdict(list)
    if ids:
        for f in await Finding.filter(caller.scope_q(), inspection_id__in=ids).order_by("id"):
            grouped[f.inspection_id].append(f)
    return [grouped.get(i, []) for i in ids]


async def follow_ups_by_finding(caller: Viewer, finding_ids: Sequence[int]) -> list[list[FindingFollowUp]]:
    """Follow-ups of findings, in order (the findings were read within scope)."""
    ids = list(finding_ids)
    grouped: dict[int, list[FindingFollowUp]] = defaultdict(list)
    if ids:
        for f in await FindingFollowUp.filter(finding_id__in=ids).order_by("on", "id"):
            grouped[f.finding_id].append(f)
    return [grouped.get(i, []) for i in ids]


async def inspections_by_id(caller: Viewer, ids: Sequence[int]) -> list[Inspection | None]:
    rows = {i.id: i for i in await Inspection.filter(caller.scope_q(), id__in=list(ids))}
    return [rows.get(i) for i in ids]


# ---------------------------------------------------------------- the vulnerable people register

@dataclass(frozen=True)
class ShownVulnerable:
    """A register entry as one caller may see it."""

    person: VulnerablePerson
    name: str | None
    details: str | None
    masked: bool


def shown_vulnerable(caller: Viewer, p: VulnerablePerson) -> ShownVulnerable:
    full = caller.can_pii(p.path)
    v = mask_vulnerable({"name": p.name, "details": p.details}, full=full)
    return ShownVulnerable(p, v["name"], v["details"], not full)


async def register_vulnerable(caller: Viewer, *, building_id: int, household_id: int | None, name: str,
                              category: VulnerableCategory, details: str, registered_on: date | None) -> VulnerablePerson:
    """Enter a person on the register of a building (HOUSEHOLD_WRITE there)."""
    on = not_future(registered_on, ["input", "registeredOn"]) if registered_on else today()
    _raise([_required(name, ["input", "name"]), _too_long(name.strip(), MAX_CONTACT_NAME, ["input", "name"]),
            _too_long(details, MAX_FORM_TEXT, ["input", "details"])])
    async with unit_of_work(caller) as uow:
        building = await node_in_scope(caller, building_id, Capability.HOUSEHOLD_WRITE, LEAF_KINDS)
        if household_id is not None and not await Household.filter(id=household_id, building_id=building.id).exists():
            raise Problem("NOT_FOUND", ["input", "householdId"], what="该户")
        p = await VulnerablePerson.create(
            building_id=building.id, household_id=household_id, path=building.path,
            workstation_id=await workstation_of(building), name=name.strip(), category=VulnerableCategory(category),
            details=details.strip(), registered_on=on,
        )
        await uow.audit("vulnerablePersonRegister", "VulnerablePerson", p.id, p.path, None, snapshot(p))
    return p


async def end_vulnerable(caller: Viewer, person_id: int, *, ended_on: date | None) -> VulnerablePerson:
    """Take a person off the register (no longer in need, moved away): once."""
    on = not_future(ended_on, ["input", "endedOn"]) if ended_on else today()
    async with unit_of_work(caller) as uow:
        p = await obtain(caller, VulnerablePerson, person_id, Capability.HOUSEHOLD_WRITE, for_update=True)
        if p.ended_on is not None:
            raise Problem("ALREADY_ENDED", ["input", "id"], on=p.ended_on)
        if on < p.registered_on:
            raise Problem("INVALID_DATE_ORDER", ["input", "endedOn"], later="结束日期", earlier="登记日期",
                          later_en="endedOn", earlier_en="registeredOn")
        before = snapshot(p)
        p.ended_on = on
        await p.save(update_fields=["ended_on"])
        await uow.audit("vulnerablePersonEnd", "VulnerablePerson", p.id, p.path, before, snapshot(p))
    return p


async def record_help(caller: Viewer, person_id: int, *, helped_on: date | None, help_text: str) -> HelpGiven:
    """Record help given to a person on the register (DUTY_RECORD at their building), while on it."""
    on = not_future(helped_on, ["input", "helpedOn"]) if helped_on else today()
    _raise([_required(help_text, ["input", "help"]), _too_long(help_text, MAX_FORM_TEXT, ["input", "help"])])
    async with unit_of_work(caller) as uow:
        p = await obtain(caller, VulnerablePerson, person_id, Capability.DUTY_RECORD)
        if on < p.registered_on or (p.ended_on is not None and on > p.ended_on):
            raise Problem("NOT_ON_REGISTER", ["input", "helpedOn"], on=on)
        h = await HelpGiven.create(vulnerable_person_id=p.id, path=p.path, helped_on=on, help=help_text.strip(),
                                   recorded_by=caller.label)
        await uow.audit("helpGivenRecord", "VulnerablePerson", p.id, p.path, None,
                        {"help_given_id": h.id, "helped_on": on, "help": h.help})
    return h


async def vulnerable_people(caller: Viewer, node_id: int, *, category: VulnerableCategory | None = None,
                            include_ended: bool = False) -> list[VulnerablePerson]:
    """The register below a node within the caller's scope, by building then registration; one statement."""
    node = await node_for_listing(caller, node_id)
    q = await subtree_filter(caller, node)
    if category is not None:
        q &= Q(category=VulnerableCategory(category))
    if not include_ended:
        q &= Q(ended_on__isnull=True)
    return list(await VulnerablePerson.filter(q).order_by("building_id", "registered_on", "id"))


async def help_by_person(caller: Viewer, person_ids: Sequence[int]) -> list[list[HelpGiven]]:
    ids = list(person_ids)
    grouped: dict[int, list[HelpGiven]] = defaultdict(list)
    if ids:
        for h in await HelpGiven.filter(caller.scope_q(), vulnerable_person_id__in=ids).order_by("-helped_on", "-id"):
            grouped[h.vulnerable_person_id].append(h)
    return [grouped.get(i, []) for i in ids]


