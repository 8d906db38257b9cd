"""The steps of an application after submission, in order: review, interview, shortlist, public
notice, confirmation, filing, agreement, training, publication (the term begins). Each is one
``take_step`` with the step's own checks and data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.people import Person
from models.recruitment import Application, BuildingHead, HeadChangeFiling, Objection
from models.tree import Node, ServiceArea
from policy.access import Capability
from policy.calendar import UnknownYearError
from policy.dates import term_end
from policy.eligibility import Applicant, Failure, check_eligibility
from policy.kinds import TermStatus
from policy.notice import notice_window
from policy.recruitment import ApplicationStatus as S, ObjectionStatus
from policy.tree import head_kind
from resolvers.batches import compute_area_rollups
from resolvers.errors import Problem
from resolvers.locks import locked
from resolvers.parameters import parameters_in_force
from resolvers.recruitment.applications import take_step
from resolvers.recruitment.common import chain_node, worded
from resolvers.viewer import Viewer


@dataclass(frozen=True)
class Judgement:
    item: str  # CONDUCT, STANDING, HEALTH
    passed: bool
    note: str = ""


async def automatic_checks(app: Application, person: Person) -> list[Failure]:
    """The automatic eligibility checks of an application (age, residence, fees, violations), with
    the parameters in force for its area: the one place that gathers their inputs (the review step
    and the demo district both call it)."""
    area = await ServiceArea.get(id=app.service_area_id)
    container = await Node.get(id=area.container_id)
    residence = await Node.get_or_none(id=person.residence_id) if person.residence_id else None
    values = await parameters_in_force(area.path, app.applied_on)
    return check_eligibility(
        Applicant(
            birth_date=person.birth_date,
            resides_in_compound=residence is not None and residence.path.startswith(container.path),
            permanent_resident=person.permanent_resident, property_fee_paid=person.property_fee_paid,
            violations=frozenset(person.violations or []),
        ),
        app.applied_on, int(values["age_limit"]), int(values["age_limit_outstanding"]),
        app.outstanding_waiver_reason,
    )


async def review(caller: Viewer, application_id: int, judgements: list[Judgement], reviewed_on: date) -> Application:
    """The automatic checks (age, residence, fees, violations) and the reviewers' judgements."""
    async def apply(app: Application) -> str:
        failures = await automatic_checks(app, await Person.get(id=app.person_id))
        app.eligibility_failures = [{"code": f.code, "message_zh": f.message_zh, "message_en": f.message_en} for f in failures]
        app.judgements = {j.item: {"passed": j.passed, "note": j.note, "by": caller.label} for j in judgements}
        failed_judgements = [j.item for j in judgements if not j.passed]
        if failures or failed_judgements:
            app.status = S.INELIGIBLE
        return "; ".join([f.code for f in failures] + [f"JUDGEMENT_{j}" for j in failed_judgements]) or "ELIGIBLE"

    return await take_step(caller, application_id, "REVIEW", reviewed_on, "applicationReview", apply)


async def interview(caller: Viewer, application_id: int, interviewed_on: date, score: Decimal, notes: str = "") -> Application:
    async def apply(app: Application) -> str:
        if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
            raise Problem("REQUIRED", ["score"], **worded("RECRUITMENT_SCORE_RANGE"))
        app.interview_score, app.interview_notes = score, notes
        return f"{score}"

    return await take_step(caller, application_id, "INTERVIEW", interviewed_on, "applicationInterview", apply)


async def shortlist(caller: Viewer, application_id: int, shortlisted_on: date) -> Application:
    async def apply(app: Application) -> None:
        if app.police_favourable is None:
            raise Problem("POLICE_OPINION_REQUIRED", ["id"], missing_step="POLICE_OPINION")
        if app.police_favourable is False:
            raise Problem("POLICE_OPINION_UNFAVOURABLE", ["id"])

    return await take_step(caller, application_id, "SHORTLIST", shortlisted_on, "applicationShortlist", apply)


async def post_notice(caller: Viewer, application_id: int, posted_on: date) -> Application:
    """The public notice in the building: 5 to 7 Chinese working days."""
    async def apply(app: Application) -> str:
        from resolvers.calendar import load_calendar

        values = await parameters_in_force(app.path, posted_on)
        try:
            window = notice_window(await load_calendar(), posted_on, int(values["notice_min_working_days"]),
                                   int(values["notice_max_working_days"]))
        except UnknownYearError as e:
            raise Problem("UNKNOWN_YEAR", ["postedOn"], **worded("RECRUITMENT_UNKNOWN_YEAR", year=e.year)) from None
        app.notice_posted_on, app.notice_min_last_day = window.posted_on, window.min_last_day
        app.notice_max_last_day, app.confirmable_from = window.max_last_day, window.confirmable_from
        return f"{window.min_last_day}..{window.max_last_day}"

    return await take_step(caller, application_id, "NOTICE", posted_on, "applicationNoticePost", apply)


async def confirm(caller: Viewer, application_id: int, confirmed_on: date) -> Application:
    """Not before the notice has run its minimum working days, nor with an objection open."""
    async def apply(app: Application) -> None:
        if confirmed_on < app.confirmable_from:
            raise Problem("NOTICE_TOO_SHORT", ["confirmedOn"], min_last_day=app.notice_min_last_day,
                          confirmable_from=app.confirmable_from)
        open_count = await Objection.filter(application_id=app.id, status=ObjectionStatus.OPEN).count()
        if open_count:
            raise Problem("OBJECTION_OPEN", ["id"], count=open_count)
        app.confirmed_on = confirmed_on

    return await take_step(caller, application_id, "CONFIRM", confirmed_on, "applicationConfirm", apply)


async def file(caller: Viewer, application_id: int, filed_on: date, filing_reference: str) -> Application:
    """The subdistrict records the confirmed head (filing, 备案)."""
    async def apply(app: Application) -> str:
        if not filing_reference.strip():
            raise Problem("REQUIRED", ["filingReference"], label="备案号")
        app.filed_on, app.filing_reference = filed_on, filing_reference.strip()
        return app.filing_reference

    return await take_step(caller, application_id, "FILE", filed_on, "applicationFile", apply, Capability.HEAD_FILING)


async def sign_agreement(caller: Viewer, application_id: int, signed_on: date) -> Application:
    async def apply(app: Application) -> None:
        app.agreement_signed_on = signed_on

    return await take_step(caller, application_id, "AGREEMENT", signed_on, "applicationAgreementSign", apply)


async def record_training(caller: Viewer, application_id: int, trained_on: date) -> Application:
    async def apply(app: Application) -> None:
        app.trained_on = trained_on

    return await take_step(caller, application_id, "TRAINING", trained_on, "applicationTrainingRecord", apply)


async def publish(caller: Viewer, application_id: int, published_on: date) -> Application:
    """Publication on the notice board: the term of service begins (5 years, or to the election-cycle end)."""
    async def apply(app: Application) -> str:
        # the area's row is locked before its seats are counted: concurrent publications queue up
        await locked(ServiceArea, id=app.service_area_id)
        if await BuildingHead.filter(person_id=app.person_id, service_area_id=app.service_area_id, status=TermStatus.ACTIVE).exists():
            raise Problem("ALREADY_SERVING", ["id"], **worded("RECRUITMENT_ALREADY_SERVING"))
        figures = (await compute_area_rollups([(app.service_area_id, app.path)]))[app.service_area_id]
        if figures.vacancies == 0:
            raise Problem("AREA_FULL", ["id"])
        area = await ServiceArea.get(id=app.service_area_id)
        container = await Node.get(id=area.container_id)
        chain = await chain_node(container)
        values = await parameters_in_force(area.path, published_on)
        ends = term_end(published_on, int(values["term_years"]), chain.election_cycle_ends_on)
        kind = head_kind(container.kind, container.chain)
        term = await BuildingHead.create(person_id=app.person_id, service_area_id=area.id, path=area.path, kind=kind,
                                         starts_on=published_on, ends_on=ends, application_id=app.id)
        app.published_on = published_on
        await HeadChangeFiling.create(term_id=term.id, path=term.path, change="START", effective_on=published_on,
                                      reason=f"application {app.id}", filed_by=caller.label)
        return f"term {published_on}..{ends}"

    return await take_step(caller, application_id, "PUBLISH", published_on, "applicationPublish", apply)
