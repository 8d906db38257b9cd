"""Applications: submission through one of the three channels, the police officer's opinion,
withdrawal; and ``take_step``, the frame of every step that follows (resolvers/recruitment/steps.py)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date

from tortoise.exceptions import IntegrityError

from models.people import Person
from models.recruitment import Application, CampaignArea, NominationSigner, RecruitmentCampaign
from models.tree import ServiceArea
from policy.access import Capability
from policy.nomination import Signer, SignerWarning, count_signatures
from policy.recruitment import ApplicationStatus as S, Channel, Organisation
from resolvers.clock import now, today
from resolvers.errors import Denied, Problem
from resolvers.locks import locked, violates
from resolvers.messages import CATALOG
from resolvers.parameters import parameters_in_force
from resolvers.recruitment.common import DATE_ARGS, advance, event, held, not_future, worded
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer


@dataclass
class Submission:
    campaign_id: int
    service_area_id: int
    person_id: int
    channel: Channel
    applied_on: date
    organisation: Organisation | None = None
    signer_ids: list[int] = field(default_factory=list)
    outstanding_waiver_reason: str | None = None


def _already_applied(exc: IntegrityError) -> Problem:
    if violates(exc, "uq_application_person_campaign"):
        name, name_en = CATALOG["THIS_PERSON"]  # a part of the message, passed as a parameter
        return Problem("ALREADY_APPLIED", ["input", "personId"], name=name, name_en=name_en)
    raise exc


async def submit_application(caller: Viewer, s: Submission, warnings: list[SignerWarning] | None = None) -> Application:
    """Self-nomination, resident nomination or organisational nomination. ``warnings`` receives the
    signatures that do not count (also when the nomination fails for too few of them)."""
    warnings = warnings if warnings is not None else []
    async with unit_of_work(caller, integrity=_already_applied) as uow:
        c = await held(caller, RecruitmentCampaign, s.campaign_id, Capability.RECRUITMENT)
        if c.closed_on is not None and c.closed_on <= s.applied_on:
            raise Problem("CAMPAIGN_CLOSED", ["input", "campaignId"])
        if not await CampaignArea.filter(campaign_id=c.id, service_area_id=s.service_area_id).exists():
            raise Problem("NOT_IN_CAMPAIGN", ["input", "serviceAreaId"])
        area = await ServiceArea.get(id=s.service_area_id)
        not_future(s.applied_on, ["input", "appliedOn"])
        # the person's row is locked: a concurrent application by them waits and then sees this one
        person = await locked(Person, id=s.person_id)
        if person is None or not caller.can_read(person.path):
            raise Denied()
        if await Application.filter(campaign_id=c.id, person_id=person.id).exclude(status=S.WITHDRAWN).exists():
            raise Problem("ALREADY_APPLIED", ["input", "personId"], name=person.name, name_en=person.name)
        channel = Channel(s.channel)
        if channel == Channel.ORGANISATION and s.organisation is None:
            raise Problem("ORGANISATION_REQUIRED", ["input", "organisation"])
        signer_rows: list[Person] = []
        if channel == Channel.RESIDENT:
            if person.residence_id is None:
                raise Problem("REQUIRED", ["input", "personId"], **worded("RECRUITMENT_NO_RESIDENCE", name=person.name))
            values = await parameters_in_force(area.path, s.applied_on)
            pks = s.signer_ids
            # someone unknown and someone outside the caller's scope are the same: an unknown signer
            found = {p.id: p for p in await Person.filter(id__in=pks) if caller.can_read(p.path)}
            tally = count_signatures(person.id, person.residence_id,
                                     [Signer(pk, found[pk].residence_id) if pk in found else None for pk in pks],
                                     minimum=int(values["nomination_min_signers"]))
            warnings.extend(tally.warnings)
            if not tally.accepted:
                raise Problem("TOO_FEW_SIGNERS", ["input", "signerIds"], **tally.shortfall)
            signer_rows = [found[pk] for pk in tally.counted]
        app = await Application.create(
            campaign_id=c.id, service_area_id=area.id, person_id=person.id, path=area.path, channel=channel,
            organisation=s.organisation if channel == Channel.ORGANISATION else None, applied_on=s.applied_on,
            outstanding_waiver_reason=s.outstanding_waiver_reason,
        )
        for signer in signer_rows:
            await NominationSigner.create(application_id=app.id, person_id=signer.id)
        await event(caller, app, "APPLY", s.applied_on, channel.value)
        await uow.audit("applicationSubmit", "Application", app.id, app.path, None, snapshot(app))
    return app


async def record_police_opinion(caller: Viewer, application_id: int, *, favourable: bool, opinion: str,
                                recorded_on: date | None = None) -> Application:
    async with unit_of_work(caller) as uow:
        on = not_future(recorded_on or today(), ["recordedOn"])
        app = await held(caller, Application, application_id, Capability.POLICE_OPINION)
        if app.status not in (S.ELIGIBLE, S.INTERVIEWED):
            raise Problem("STEP_OUT_OF_ORDER", ["id"], missing_step="REVIEW" if app.status == S.APPLIED else None,
                          **worded("RECRUITMENT_POLICE_IN_STATUS", status=app.status.value))
        if not opinion.strip():
            raise Problem("REQUIRED", ["opinion"], label="意见")
        before = snapshot(app)
        app.police_favourable, app.police_opinion = favourable, opinion.strip()
        app.police_by, app.police_at = caller.label, now()
        await app.save()
        await event(caller, app, "POLICE_OPINION", on, ("同意" if favourable else "不同意") + "：" + opinion.strip())
        await uow.audit("applicationPoliceOpinionRecord", "Application", app.id, app.path, before, snapshot(app))
    return app


async def withdraw_application(caller: Viewer, application_id: int, reason: str,
                               withdrawn_on: date | None = None) -> Application:
    async with unit_of_work(caller) as uow:
        on = not_future(withdrawn_on or today(), ["withdrawnOn"])
        app = await held(caller, Application, application_id, Capability.RECRUITMENT)
        if app.status in (S.PUBLISHED, S.WITHDRAWN):
            raise Problem("STEP_OUT_OF_ORDER", ["id"], missing_step=None,
                          **worded("RECRUITMENT_WITHDRAW_IN_STATUS", status=app.status.value))
        if not reason.strip():
            raise Problem("REQUIRED", ["reason"], label="理由")
        before = snapshot(app)
        app.status, app.withdrawn_reason = S.WITHDRAWN, reason.strip()
        await app.save()
        await event(caller, app, "WITHDRAW", on, reason.strip())
        await uow.audit("applicationWithdraw", "Application", app.id, app.path, before, snapshot(app))
    return app


async def take_step(
    caller: Viewer, application_id: int, step: str, on: date, action: str,
    apply: Callable[[Application], Awaitable[str | None]], capability: Capability = Capability.RECRUITMENT,
) -> Application:
    """One step of an application: load it in scope, check the step follows the previous one,
    let ``apply`` check and record the step's own data, then keep its history and audit it."""
    async with unit_of_work(caller) as uow:
        not_future(on, [DATE_ARGS[step]])
        app = await held(caller, Application, application_id, capability)
        before = snapshot(app)
        advance(app, step)
        note = await apply(app)
        await app.save()
        await event(caller, app, step, on, note or "")
        await uow.audit(action, "Application", app.id, app.path, before, snapshot(app))
    return app
