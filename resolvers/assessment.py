"""Monthly performance records, probation and annual assessments, excellence (docs/policy.md §8,
§10, §11); the rules are in policy/assessment.py.

Decisions:
- Who: the community confirms (ASSESSMENT_CONFIRM: community staff, the subdistrict officer,
  the administrator); the community police officer serving the community signs
  (ASSESSMENT_SIGN_POLICE); "the units" sign as the subdistrict's competent section
  (ASSESSMENT_SIGN_UNITS: the subdistrict officer). Excellence is signed by the police alone (§8).
- A month's record uses the weights in force on the month's last day at the head's compound.
- A probation assessment is the community's record: stored CONFIRMED at once (grade QUALIFIED
  when passed, else UNQUALIFIED), one per term, never re-assessed. The insurance check reads it;
  a failed one ends the service there (§10), not here.
- The annual proposal covers the terms ACTIVE when it runs that started by the year's end; a
  proposal not yet confirmed is recomputed by a rerun, a confirmed one is never touched.
- An UNQUALIFIED annual assessment, once signed off by both, ends the term on the day of the
  last signature (FAILED_ANNUAL_ASSESSMENT, filed; the seat becomes a vacancy).
- Excellence: proposed once per compound and year (a compound with any selection of the year is
  left as it is by a rerun); active heads are those serving on the year's last day.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from models.money import Assessment, ExcellenceSelection, PerformanceRecord
from models.recruitment import BuildingHead
from policy import assessment as rules
from policy.access import Capability
from policy.duties import month_bounds
from policy.kinds import TermStatus
from policy.money import AssessmentKind, AssessmentStatus, Grade
from policy.terms import EndReason
from resolvers import sql
from resolvers.business_dates import not_future
from resolvers.clock import SHANGHAI, today
from resolvers.duty_figures import duty_figures
from resolvers.errors import Problem
from resolvers.parameters import parameters_in_force
from resolvers.recruitment.terms import end_term
from resolvers.scope import node_in_scope, obtain
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

CONFIRM = Capability.ASSESSMENT_CONFIRM


def _now() -> datetime:
    return datetime.now(SHANGHAI)


def _d(value: date):
    return value.isoformat() if sql.is_sqlite() else value


# ---------------------------------------------------------------- monthly records

async def _pending(container_id: int, area_ids: list[int], last: date) -> list[tuple[int, str, int | None]]:
    """(area, channel, handled_by_term) of the requests of the areas raised by ``last`` and not
    resolved by then (one statement)."""
    cond, ids = sql.in_ids("service_area_id", 2, area_ids)
    rows = await sql.fetch(
        "SELECT service_area_id, channel, handled_by_term_id FROM resident_request WHERE raised_on <= $1 AND "
        f"{cond} AND (status <> 'RESOLVED' OR resolved_on > $3)", _d(last), ids, _d(last))
    return [(int(r["service_area_id"]), str(r["channel"]), r["handled_by_term_id"]) for r in rows]


async def compute_performance_records(caller: Viewer, *, month: date) -> dict[str, int]:
    """The monthly job: one record per term serving in the month (created, or recomputed unless
    frozen). Per area container a fixed number of statements; one unit of work per container."""
    first, last = month_bounds(month.year, month.month)
    counts = {"compounds": 0, "created": 0, "updated": 0, "frozen": 0}
    containers = sorted({cid for cid in await BuildingHead.filter(
        caller.scope_q(CONFIRM), starts_on__lte=last).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .values_list("service_area__container_id", flat=True)})
    for container_id in containers:
        for attempt in (1, 2):
            try:
                done = await _compute_container(caller, container_id, first, last)
                break
            except IntegrityError:  # another run created some of the records first: recompute them
                if attempt == 2:
                    raise
        counts["compounds"] += 1
        for k, v in done.items():
            counts[k] += v
    return counts


async def _compute_container(caller: Viewer, container_id: int, first: date, last: date) -> dict[str, int]:
    out = {"created": 0, "updated": 0, "frozen": 0}
    async with unit_of_work(caller) as uow:
        report = await duty_figures(caller, container_id, first.year, first.month)
        heads = [h for h in report.heads if caller.can(CONFIRM, h.term.path)]
        if not heads:
            return out
        values = await parameters_in_force(report.node.path, last)
        weights = rules.weights_of(values)
        pending = await _pending(container_id, sorted({h.term.service_area_id for h in heads}), last)
        existing = {r.term_id: r for r in await PerformanceRecord.filter(
            term_id__in=[h.term.id for h in heads], month=first).select_for_update()}
        now = _now()
        new = []
        for h in heads:
            t = h.term
            serving_at_end = t.ended_on is None or t.ended_on >= last
            mine = [p for p in pending if serving_at_end and p[0] == t.service_area_id and p[2] in (None, t.id)]
            waiting = rules.Pending(requests=sum(1 for p in mine if p[1] != "HOTLINE"),
                                    work_orders=sum(1 for p in mine if p[1] == "HOTLINE"))
            score = rules.monthly_score(h.figures, weights, waiting)
            figures = rules.record_figures(h.figures, waiting)
            r = existing.get(t.id)
            if r is None:
                new.append(PerformanceRecord(term_id=t.id, path=t.path, month=first, figures=figures, score=score,
                                             computed_at=now))
            elif r.frozen_at is not None:
                out["frozen"] += 1
            elif r.score != score or r.figures != figures:
                r.score, r.figures, r.computed_at = score, figures, now
                await r.save(update_fields=["score", "figures", "computed_at"])
                out["updated"] += 1
        if new:
            await PerformanceRecord.bulk_create(new)
            out["created"] = len(new)
        if new or out["updated"]:
            await uow.audit("performanceRecordsCompute", "Node", report.node.id, report.node.path, None,
                            {"month": first, **out}, live=False)
    return out


async def set_performance_note(caller: Viewer, record_id: int, notes: str) -> PerformanceRecord:
    async with unit_of_work(caller) as uow:
        r = await obtain(caller, PerformanceRecord, record_id, CONFIRM, for_update=True)
        if r.frozen_at is not None:
            raise Problem("PERFORMANCE_RECORD_FROZEN", ["input", "recordId"], month=r.month.strftime("%Y-%m"))
        if len(notes) > rules.MAX_NOTES:
            raise Problem("TOO_LONG", ["input", "notes"], label="备注", label_en="notes", max=rules.MAX_NOTES)
        before = snapshot(r, ["notes"])
        r.notes = notes
        await r.save(update_fields=["notes"])
        await uow.audit("performanceNoteSet", "PerformanceRecord", r.id, r.path, before, snapshot(r, ["notes"]))
    return r


async def freeze_month(caller: Viewer, node_id: int, month: date) -> int:
    """Freeze the records of the month under the node: the month is assessed. The month must be over."""
    first, last = month_bounds(month.year, month.month)
    async with unit_of_work(caller) as uow:
        node = await node_in_scope(caller, node_id, CONFIRM)
        if last >= today():
            raise Problem("PERFORMANCE_MONTH_NOT_OVER", ["input", "month"], month=first.strftime("%Y-%m"))
        ids = [r.id for r in await PerformanceRecord.filter(
            path__startswith=node.path, month=first, frozen_at__isnull=True).filter(caller.scope_q(CONFIRM))
            .select_for_update()]
        if ids:
            await PerformanceRecord.filter(id__in=ids).update(frozen_at=_now())
        await uow.audit("performanceMonthFreeze", "Node", node.id, node.path, None,
                        {"month": first, "frozen": len(ids)})
    return len(ids)


async def performance_records(caller: Viewer, node_id: int, month: date) -> list[PerformanceRecord]:
    node = await node_in_scope(caller, node_id, Capability.READ)
    first = month.replace(day=1)
    return await PerformanceRecord.filter(caller.scope_q(), path__startswith=node.path, month=first).order_by(
        "path", "term_id")


# ---------------------------------------------------------------- probation

def _assessment_raced(_exc: IntegrityError) -> Problem:
    return Problem("PROBATION_ALREADY_ASSESSED", ["input", "termId"])


async def assess_probation(caller: Viewer, term_id: int, passed: bool, assessed_on: date, note: str) -> Assessment:
    not_future(assessed_on, ["input", "assessedOn"])
    async with unit_of_work(caller, integrity=_assessment_raced) as uow:
        t = await obtain(caller, BuildingHead, term_id, CONFIRM, for_update=True)
        if t.status != TermStatus.ACTIVE:
            raise Problem("TERM_ENDED", ["input", "termId"])
        if assessed_on < t.starts_on:
            raise Problem("INVALID_DATE_ORDER", ["input", "assessedOn"], later="考核日期", earlier="上任日期",
                          later_en="assessedOn", earlier_en="the term's start")
        if len(note) > rules.MAX_NOTES:
            raise Problem("TOO_LONG", ["input", "note"], label="考核意见", label_en="note", max=rules.MAX_NOTES)
        if await Assessment.exists(term_id=t.id, kind=AssessmentKind.PROBATION):
            raise Problem("PROBATION_ALREADY_ASSESSED", ["input", "termId"])
        grade = Grade.QUALIFIED if passed else Grade.UNQUALIFIED
        a = await Assessment.create(term_id=t.id, path=t.path, kind=AssessmentKind.PROBATION, year=0,
                                    proposed_grade=grade, grade=grade, status=AssessmentStatus.CONFIRMED,
                                    assessed_on=assessed_on, confirmed_by=caller.label, confirmed_at=_now(), note=note)
        await uow.audit("probationAssess", "Assessment", a.id, a.path, None, snapshot(a))
    return a


# ---------------------------------------------------------------- annual

async def propose_annual_assessments(caller: Viewer, *, year: int) -> dict[str, int]:
    """The yearly job: an ANNUAL assessment per serving term with its score and proposed grade
    from the year's records. Idempotent; a confirmed or signed-off one is never changed."""
    counts = {"created": 0, "updated": 0, "kept": 0}
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    async with unit_of_work(caller) as uow:
        terms = await BuildingHead.filter(caller.scope_q(CONFIRM), status=TermStatus.ACTIVE,
                                          starts_on__lte=year_end).order_by("id")
        if not terms:
            return counts
        ids = [t.id for t in terms]
        scores: dict[int, list[Decimal]] = defaultdict(list)
        for term_id, score in await PerformanceRecord.filter(
                term_id__in=ids, month__gte=year_start, month__lte=year_end).values_list("term_id", "score"):
            scores[term_id].append(Decimal(score))
        existing = {a.term_id: a for a in await Assessment.filter(
            term_id__in=ids, kind=AssessmentKind.ANNUAL, year=year).select_for_update()}
        new = []
        for t in terms:
            score = rules.annual_score(scores.get(t.id, []))
            grade = rules.proposed_grade(score)
            a = existing.get(t.id)
            if a is None:
                new.append(Assessment(term_id=t.id, path=t.path, kind=AssessmentKind.ANNUAL, year=year,
                                      proposed_grade=grade, score=score, status=AssessmentStatus.PROPOSED))
            elif a.status != AssessmentStatus.PROPOSED:
                counts["kept"] += 1
            elif a.score != score or a.proposed_grade != grade:
                a.score, a.proposed_grade = score, grade
                await a.save(update_fields=["score", "proposed_grade"])
                counts["updated"] += 1
        if new:
            await Assessment.bulk_create(new)
            counts["created"] = len(new)
        if new or counts["updated"]:
            scope = caller.scope_paths(CONFIRM)
            await uow.audit("annualAssessmentsPropose", "Assessment", None, scope[0] if scope else "/", None,
                            {"year": year, **counts}, live=False)
    return counts


async def confirm_assessment(caller: Viewer, assessment_id: int, grade: Grade, note: str,
                             assessed_on: date) -> Assessment:
    not_future(assessed_on, ["input", "assessedOn"])
    async with unit_of_work(caller) as uow:
        a = await obtain(caller, Assessment, assessment_id, CONFIRM, for_update=True)
        if a.status != AssessmentStatus.PROPOSED:
            raise Problem("ASSESSMENT_ALREADY_CONFIRMED", ["input", "id"])
        if len(note) > rules.MAX_NOTES:
            raise Problem("TOO_LONG", ["input", "note"], label="考核意见", label_en="note", max=rules.MAX_NOTES)
        if assessed_on.year < a.year:
            raise Problem("ASSESSMENT_BEFORE_YEAR", ["input", "assessedOn"], year=a.year)
        before = snapshot(a)
        a.grade, a.note, a.assessed_on = Grade(grade), note, assessed_on
        a.status, a.confirmed_by, a.confirmed_at = AssessmentStatus.CONFIRMED, caller.label, _now()
        await a.save()
        await uow.audit("assessmentConfirm", "Assessment", a.id, a.path, before, snapshot(a))
    return a


async def sign_off_assessment(caller: Viewer, assessment_id: int, role: rules.SignRole) -> tuple[Assessment, BuildingHead | None]:
    """The police officer's or the units' signature; with both the assessment is SIGNED_OFF, and
    an UNQUALIFIED one ends the service (returned: the ended term)."""
    role = rules.SignRole(role)
    capability = Capability.ASSESSMENT_SIGN_POLICE if role == rules.SignRole.POLICE else Capability.ASSESSMENT_SIGN_UNITS
    ended = None
    async with unit_of_work(caller) as uow:
        a = await obtain(caller, Assessment, assessment_id, capability, for_update=True)
        if a.kind != AssessmentKind.ANNUAL:
            raise Problem("ASSESSMENT_NOT_ANNUAL", ["input", "id"])
        if a.status == AssessmentStatus.PROPOSED:
            raise Problem("ASSESSMENT_NOT_CONFIRMED", ["input", "id"])
        signed = a.police_signed_by if role == rules.SignRole.POLICE else a.units_signed_by
        if a.status == AssessmentStatus.SIGNED_OFF or signed is not None:
            raise Problem("ASSESSMENT_ALREADY_SIGNED", ["input", "role"])
        before = snapshot(a)
        now = _now()
        if role == rules.SignRole.POLICE:
            a.police_signed_by, a.police_signed_at = caller.label, now
        else:
            a.units_signed_by, a.units_signed_at = caller.label, now
        final = rules.signed_off(a.police_signed_by is not None, a.units_signed_by is not None)
        if final:
            a.status = AssessmentStatus.SIGNED_OFF
        await a.save()
        await uow.audit("assessmentSignOff", "Assessment", a.id, a.path, before, snapshot(a))
        if rules.ends_service(a.kind.value, a.grade, final):
            t = await BuildingHead.select_for_update().get(id=a.term_id)
            if t.status == TermStatus.ACTIVE:
                t_before = snapshot(t)
                on = max(today(), t.starts_on)
                await end_term(t, on, EndReason.FAILED_ANNUAL_ASSESSMENT.value, caller.label, f"{a.year}")
                await uow.audit("buildingHeadEnd", "BuildingHead", t.id, t.path, t_before, snapshot(t))
                ended = t
    return a, ended


async def assessments(caller: Viewer, node_id: int, kind: AssessmentKind | None, year: int | None,
                      status: AssessmentStatus | None) -> list[Assessment]:
    node = await node_in_scope(caller, node_id, Capability.READ)
    q = Assessment.filter(caller.scope_q(), path__startswith=node.path)
    if kind is not None:
        q = q.filter(kind=AssessmentKind(kind))
    if year is not None:
        q = q.filter(year=year)
    if status is not None:
        q = q.filter(status=AssessmentStatus(status))
    return await q.order_by("path", "term_id", "kind", "year", "id")


# ---------------------------------------------------------------- excellence

async def propose_excellence(caller: Viewer, *, year: int) -> dict[str, int]:
    """Per compound (area container) the ranked selection of the year, once (see the Decisions)."""
    counts = {"compounds": 0, "proposed": 0, "kept": 0}
    year_end = date(year, 12, 31)
    async with unit_of_work(caller) as uow:
        rows = await Assessment.filter(caller.scope_q(CONFIRM), kind=AssessmentKind.ANNUAL, year=year) \
            .prefetch_related("term__person", "term__service_area")
        by_container: dict[int, list[Assessment]] = defaultdict(list)
        for a in rows:
            by_container[a.term.service_area.container_id].append(a)
        if not by_container:
            return counts
        container_ids = sorted(by_container)
        taken = set(await ExcellenceSelection.filter(compound_id__in=container_ids, year=year)
                    .values_list("compound_id", flat=True))
        active: dict[int, int] = defaultdict(int)
        for cid in await BuildingHead.filter(service_area__container_id__in=container_ids, starts_on__lte=year_end) \
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=year_end)) \
                .values_list("service_area__container_id", flat=True):
            active[cid] += 1
        params: dict[str, dict] = {}
        new = []
        for cid in container_ids:
            if cid in taken:
                counts["kept"] += 1
                continue
            counts["compounds"] += 1
            group = by_container[cid]
            path = group[0].term.path
            if path not in params:
                params[path] = await parameters_in_force(path, year_end)
            v = params[path]
            candidates = [
                rules.Candidate(term_id=a.term_id, score=a.score, party_member=a.term.person.party_member,
                                retired_cadre=a.term.person.retired_cadre, model_worker=a.term.person.model_worker,
                                starts_on=a.term.starts_on)
                for a in group
                if a.term.status == TermStatus.ACTIVE and rules.passes(rules.effective_grade(a.grade, a.proposed_grade))
            ]
            chosen = rules.select_excellent(candidates, active[cid], int(v["excellent_per_compound_small"]),
                                            int(v["excellent_per_compound_large"]), int(v["excellent_large_threshold"]))
            for n, c in enumerate(chosen, start=1):
                new.append(ExcellenceSelection(compound_id=cid, path=path, year=year, term_id=c.term_id, rank=n))
        if new:
            await ExcellenceSelection.bulk_create(new)
            counts["proposed"] = len(new)
            await uow.audit("excellencePropose", "ExcellenceSelection", None, new[0].path, None,
                            {"year": year, **counts}, live=False)
    return counts


async def confirm_excellence(caller: Viewer, selection_id: int) -> ExcellenceSelection:
    async with unit_of_work(caller) as uow:
        s = await obtain(caller, ExcellenceSelection, selection_id, CONFIRM, for_update=True)
        if s.status != AssessmentStatus.PROPOSED:
            raise Problem("ASSESSMENT_ALREADY_CONFIRMED", ["input", "id"])
        before = snapshot(s)
        s.status, s.confirmed_by, s.confirmed_at = AssessmentStatus.CONFIRMED, caller.label, _now()
        await s.save()
        await uow.audit("excellenceConfirm", "ExcellenceSelection", s.id, s.path, before, snapshot(s))
    return s


async def sign_off_excellence(caller: Viewer, selection_id: int) -> ExcellenceSelection:
    async with unit_of_work(caller) as uow:
        s = await obtain(caller, ExcellenceSelection, selection_id, Capability.ASSESSMENT_SIGN_POLICE, for_update=True)
        if s.status == AssessmentStatus.PROPOSED:
            raise Problem("ASSESSMENT_NOT_CONFIRMED", ["input", "id"])
        if s.status == AssessmentStatus.SIGNED_OFF:
            raise Problem("ASSESSMENT_ALREADY_SIGNED", ["input", "id"])
        before = snapshot(s)
        s.status, s.signed_by, s.signed_at = AssessmentStatus.SIGNED_OFF, caller.label, _now()
        await s.save()
        await uow.audit("excellenceSignOff", "ExcellenceSelection", s.id, s.path, before, snapshot(s))
    return s


async def excellence(caller: Viewer, node_id: int, year: int) -> list[ExcellenceSelection]:
    node = await node_in_scope(caller, node_id, Capability.READ)
    return await ExcellenceSelection.filter(caller.scope_q(), path__startswith=node.path, year=year).order_by(
        "path", "compound_id", "rank")
