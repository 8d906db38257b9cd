"""Terms of service: resignation (with notice), termination, renewal at the term's end, and the
daily ending of the terms whose end has come (``end_due_terms``, the job's operation)."""
from __future__ import annotations

from datetime import date

from models.recruitment import BuildingHead, HeadChangeFiling
from models.tree import Node, ServiceArea
from policy.access import Capability
from policy.dates import term_end
from policy.kinds import TermStatus
from policy.terms import EndReason, earliest_resignation_end, renewal_opens_on, renewed_term_start
from resolvers.business_dates import not_future
from resolvers.clock import today
from resolvers.errors import Problem
from resolvers.parameters import parameters_in_force
from resolvers.recruitment.common import chain_node, held, not_future
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer


async def _active_term(caller: Viewer, term_id: int) -> BuildingHead:
    t = await held(caller, BuildingHead, term_id, Capability.RECRUITMENT)
    if t.status != TermStatus.ACTIVE:
        raise Problem("TERM_ENDED", ["id"])
    return t


async def end_term(t: BuildingHead, on: date, reason: str, by: str, note: str = "", *, file: bool = True) -> None:
    """End a term now: its area's seat becomes a vacancy (and so a recruitment need). Every end of
    service goes through here (resignations, terminations, expiry, a failed probation or annual
    assessment, unexcused absences' own filing aside)."""
    t.status, t.ended_on, t.end_reason = TermStatus.ENDED, on, reason
    await t.save()
    if file:
        await HeadChangeFiling.create(term_id=t.id, path=t.path, change="END", effective_on=on,
                                      reason=(reason + " " + note).strip(), filed_by=by)


async def resign(caller: Viewer, term_id: int, requested_on: date, ends_on: date | None = None) -> BuildingHead:
    """The earliest end date is the notice period (two months) after the request."""
    async with unit_of_work(caller) as uow:
        not_future(requested_on, ["requestedOn"])
        t = await _active_term(caller, term_id)
        if t.resignation_requested_on is not None:
            raise Problem("RESIGNATION_PENDING", ["id"], requested_on=t.resignation_requested_on, ended_on=t.ended_on)
        values = await parameters_in_force(t.path, requested_on)
        earliest = earliest_resignation_end(requested_on, int(values["resignation_notice_months"]))
        end = ends_on or earliest
        if end < earliest:
            raise Problem("RESIGNATION_TOO_EARLY", ["endsOn"], months=values["resignation_notice_months"], earliest=earliest)
        before = snapshot(t)
        t.resignation_requested_on, t.ended_on, t.end_reason = requested_on, end, EndReason.RESIGNATION.value
        await t.save()
        await HeadChangeFiling.create(term_id=t.id, path=t.path, change="RESIGNATION", effective_on=end,
                                      reason=f"requested {requested_on}", filed_by=caller.label)
        if end <= today():
            await end_term(t, end, EndReason.RESIGNATION.value, caller.label)
        await uow.audit("buildingHeadResign", "BuildingHead", t.id, t.path, before, snapshot(t))
    return t


async def terminate(caller: Viewer, term_id: int, reason: EndReason, ended_on: date, note: str = "") -> BuildingHead:
    """Failing the annual assessment, three unexcused absences, or replacement for failing the duties."""
    not_future(ended_on, ["endedOn"])
    async with unit_of_work(caller) as uow:
        t = await _active_term(caller, term_id)
        reason_v = EndReason(reason)
        if reason_v in (EndReason.RESIGNATION, EndReason.TERM_EXPIRED):
            raise Problem("WRONG_REASON", ["reason"])
        if ended_on < t.starts_on:
            raise Problem("INVALID_DATE_ORDER", ["endedOn"], later="离任日期", earlier="上任日期",
                          later_en="endedOn", earlier_en="the term's start")
        before = snapshot(t)
        await end_term(t, ended_on, reason_v.value, caller.label, note)
        await uow.audit("buildingHeadTerminate", "BuildingHead", t.id, t.path, before, snapshot(t))
    return t


async def renew(caller: Viewer, term_id: int, renewed_on: date, assessment_note: str) -> BuildingHead:
    """A new term for a head who passed the end-of-term assessment; returns the new term."""
    # the renewal is the decision after the end-of-term assessment (docs/policy.md §11): recorded
    # once taken, so its date is never after today; the new term itself may start ahead
    not_future(renewed_on, ["renewedOn"])
    async with unit_of_work(caller) as uow:
        t = await _active_term(caller, term_id)
        if renewed_on < renewal_opens_on(t.ends_on):
            raise Problem("NOT_AT_TERM_END", ["renewedOn"], ends_on=t.ends_on)
        if not assessment_note.strip():
            raise Problem("REQUIRED", ["assessmentNote"], label="考核情况")
        area = await ServiceArea.get(id=t.service_area_id)
        container = await Node.get(id=area.container_id)
        chain = await chain_node(container)
        start = renewed_term_start(t.ends_on)
        values = await parameters_in_force(t.path, start)
        before = snapshot(t)
        # the seat passes from the old term to the new one: one active head throughout
        await end_term(t, t.ends_on, EndReason.TERM_EXPIRED.value, caller.label, "renewed", file=False)
        new = await BuildingHead.create(person_id=t.person_id, service_area_id=t.service_area_id, path=t.path, kind=t.kind,
                                        starts_on=start, ends_on=term_end(start, int(values["term_years"]), chain.election_cycle_ends_on),
                                        renewed_from_id=t.id)
        await HeadChangeFiling.create(term_id=new.id, path=new.path, change="RENEWAL", effective_on=start,
                                      reason=assessment_note.strip(), filed_by=caller.label)
        await uow.audit("buildingHeadRenew", "BuildingHead", t.id, t.path, before, snapshot(new))
    return new


async def end_due_terms(caller: Viewer, *, on: date) -> list[BuildingHead]:
    """End resignations whose date has come and terms past their end date (renewed terms were
    already closed), each audited for ``caller`` (the daily job passes SYSTEM). Idempotent: a term
    already ended is not touched again. One unit of work; returns the terms it ended."""
    ended: list[BuildingHead] = []
    async with unit_of_work(caller) as uow:
        terms = BuildingHead.filter(caller.scope_q(Capability.RECRUITMENT), status=TermStatus.ACTIVE).select_for_update()
        due = [(t, t.ended_on, t.end_reason or EndReason.RESIGNATION.value)
               for t in await terms.filter(ended_on__lte=on).order_by("id")]
        due += [(t, t.ends_on, EndReason.TERM_EXPIRED.value)
                for t in await terms.filter(ended_on__isnull=True, ends_on__lt=on).order_by("id")]
        for t, end, reason in due:
            before = snapshot(t)
            await end_term(t, end, reason, caller.label)
            await uow.audit("buildingHeadEnd", "BuildingHead", t.id, t.path, before, snapshot(t))
            ended.append(t)
    return ended
