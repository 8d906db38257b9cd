"""Objections raised by residents during the public notice, and their resolution."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.recruitment import Application, Objection
from policy.access import Capability
from policy.recruitment import ApplicationStatus as S, ObjectionStatus
from resolvers.clock import now, today
from resolvers.errors import Problem
from resolvers.locks import locked
from resolvers.recruitment.common import event, held, not_future
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer


@dataclass(frozen=True)
class ObjectionOutcome:
    objection: Objection
    application: Application


async def raise_objection(caller: Viewer, application_id: int, *, raised_by: str, text: str,
                          raised_on: date) -> ObjectionOutcome:
    async with unit_of_work(caller) as uow:
        not_future(raised_on, ["raisedOn"])
        app = await held(caller, Application, application_id, Capability.RECRUITMENT)
        if app.status != S.ON_NOTICE or not (app.notice_posted_on <= raised_on <= app.notice_max_last_day):
            raise Problem("NOTICE_CLOSED", ["raisedOn"])
        if not text.strip() or not raised_by.strip():
            raise Problem("REQUIRED", ["text"] if not text.strip() else ["raisedBy"],
                          label="异议内容" if not text.strip() else "异议人")
        o = await Objection.create(application_id=app.id, path=app.path, raised_by=raised_by.strip(), text=text.strip(),
                                   raised_on=raised_on)
        await event(caller, app, "OBJECTION_RAISED", raised_on, text.strip())
        await uow.audit("objectionRaise", "Objection", o.id, o.path, None, snapshot(o))
    return ObjectionOutcome(o, app)


async def resolve_objection(caller: Viewer, objection_id: int, *, upheld: bool, resolution: str,
                            resolved_on: date | None = None) -> ObjectionOutcome:
    """Upheld withdraws the candidate; dismissed lets the notice run on."""
    async with unit_of_work(caller) as uow:
        on = not_future(resolved_on or today(), ["resolvedOn"])
        o = await held(caller, Objection, objection_id, Capability.RECRUITMENT)
        if o.status != ObjectionStatus.OPEN:
            raise Problem("ALREADY_RESOLVED", ["id"])
        if not resolution.strip():
            raise Problem("REQUIRED", ["resolution"], label="处理理由")
        app = await locked(Application, id=o.application_id)
        if on < o.raised_on:
            raise Problem("INVALID_DATE_ORDER", ["resolvedOn"], later="处理日期", earlier="异议提出日期",
                          later_en="resolvedOn", earlier_en="the objection was raised")
        before = snapshot(o)
        o.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        o.resolution, o.resolved_by, o.resolved_at = resolution.strip(), caller.label, now()
        await o.save()
        if upheld:
            app.status, app.withdrawn_reason = S.WITHDRAWN, f"异议成立：{resolution.strip()}"
            await app.save()
        await event(caller, app, "OBJECTION_UPHELD" if upheld else "OBJECTION_DISMISSED", on, resolution.strip())
        await uow.audit("objectionResolve", "Objection", o.id, o.path, before, snapshot(o))
    return ObjectionOutcome(o, app)
