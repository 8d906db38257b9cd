"""Recruitment of building heads, from campaign to first day, and end of service
(docs/policy.md §5, §11). Every step is recorded with who and when (the application's history)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from models.people import Person
from models.recruitment import (
    Application, ApplicationEvent, BuildingHead, CampaignArea, HeadChangeFiling, NominationSigner, Objection,
    RecruitmentCampaign,
)
from models.tree import Node, ServiceArea
from policy.access import Capability
from policy.calendar import UnknownYearError
from policy.dates import term_end
from policy.eligibility import Applicant, check_eligibility, tie_break_key
from policy.kinds import NodeKind, TermStatus
from policy.nomination import Signer, count_signatures
from policy.notice import notice_window
from policy.recruitment import STEP_ZH, ApplicationStatus, Channel, ObjectionStatus, StepError, check_step
from policy.terms import EndReason, earliest_resignation_end, renewal_opens_on, renewed_term_start
from policy.tree import head_kind
from resolvers.business_dates import not_future
from resolvers.context import SHANGHAI, today
from resolvers.errors import Denied, Problem, Problems
from resolvers.loaders import compute_area_rollups
from resolvers.locks import locked, violates
from resolvers.mutations import audit, run, snapshot
from resolvers.nodes import decode, register
from resolvers.parameters import parameters_in_force
from resolvers.tree import node_for
from schema.recruitment import (
    Application as ApplicationType, ApplicationPayload, ApplicationSubmitInput, CampaignSeat, JudgementInput,
    Objection as ObjectionType, ObjectionPayload, RecruitmentCampaign as CampaignType, RecruitmentCampaignOpenInput,
    RecruitmentCampaignPayload, RecruitmentError, RecruitmentNeed, RecruitmentWarning, TermPayload, EndReasonEnum,
)
from schema.people import BuildingHeadTerm
from schema.tree import Rollup, ServiceArea as AreaType

S = ApplicationStatus
# the business-date argument of each step (a date in the future is refused)
DATE_ARGS = {
    "REVIEW": "reviewedOn", "INTERVIEW": "interviewedOn", "SHORTLIST": "shortlistedOn", "NOTICE": "postedOn",
    "CONFIRM": "confirmedOn", "FILE": "filedOn", "AGREEMENT": "signedOn", "TRAINING": "trainedOn", "PUBLISH": "publishedOn",
}


# ---- lookups ---------------------------------------------------------------------------

register("RecruitmentCampaign", RecruitmentCampaign, CampaignType.of)


register("Application", Application, ApplicationType.of)


register("Objection", Objection, ObjectionType.of)


async def _get(info: Info, model, gid: str, type_name: str, capability: Capability, field: str = "id"):
    """The object a mutation acts on, locked until its transaction ends: a concurrent step
    on the same object waits and then sees this one's outcome (resolvers/locks.py)."""
    obj = await locked(model, id=decode(gid, field, (type_name,)))
    if obj is None or not info.context.viewer.can_read(obj.path):
        raise Denied()
    info.context.viewer.require(capability, obj.path)
    return obj


async def _event(info: Info, app: Application, step: str, on: date | None, note: str = "") -> None:
    v = info.context.viewer
    await ApplicationEvent.create(application_id=app.id, step=step, on=on, by_user_id=v.user_id, by_label=v.label, note=note)


def _advance(app: Application, step: str) -> None:
    """Move to the step's status, or refuse naming the step that must come first."""
    try:
        app.status = check_step(step, app.status)
    except StepError as e:
        if e.missing:
            raise Problem("STEP_OUT_OF_ORDER", ["id"], missing_step=e.missing,
                          zh=f"还不能{STEP_ZH[step]}：须先完成“{STEP_ZH[e.missing]}”",
                          en=f"{step} is not possible yet: {e.missing} must come first") from None
        raise Problem("STEP_OUT_OF_ORDER", ["id"], missing_step=None,
                      zh=f"申请当前状态为{e.status.value}，不能{STEP_ZH[step]}",
                      en=f"{step} is not possible in status {e.status.value}") from None


async def _chain_node(container: Node) -> Node:
    return container if container.kind != NodeKind.COMPOUND else await Node.get(id=container.parent_id)


async def campaign_seats(info: Info, campaign_id: int) -> list[CampaignSeat]:
    areas = await ServiceArea.filter(campaign_areas__campaign_id=campaign_id).order_by("id")
    figures = await compute_area_rollups([(a.id, a.path) for a in areas])
    apps = await Application.filter(campaign_id=campaign_id).order_by("id")
    people = {p.id: p for p in await Person.filter(id__in=[a.person_id for a in apps])}

    def rank(a: Application):
        p = people[a.person_id]
        return tie_break_key(p.party_member, p.retired_cadre, p.model_worker, a.interview_score, a.applied_on)

    out = []
    for area in areas:
        if not info.context.viewer.can_read(area.path):
            continue
        mine = sorted((a for a in apps if a.service_area_id == area.id), key=lambda a: (rank(a), a.id))
        out.append(CampaignSeat(service_area=AreaType.of(area), rollup=Rollup.of(figures[area.id]),
                                applications=[ApplicationType.of(a) for a in mine]))
    return out


# ---- queries ---------------------------------------------------------------------------

@strawberry.type
class RecruitmentQuery:
    @strawberry.field(description="Recruitment campaigns within your scope, newest first.")
    async def recruitment_campaigns(self, info: Info, community_id: strawberry.ID | None = None) -> list[CampaignType]:
        v = info.context.viewer
        q = RecruitmentCampaign.filter(v.scope_q())
        if community_id:
            q = q.filter(community_id=decode(community_id, "communityId", ("Community", "Village")))
        return [CampaignType.of(c) for c in await q.order_by("-id").limit(500)]

    @strawberry.field(description="Recruitment needs: open service areas with fewer active heads than seats (vacancies, including those left by ended terms).")
    async def recruitment_needs(self, info: Info, node_id: strawberry.ID) -> list[RecruitmentNeed]:
        node = await node_for(info, node_id, "nodeId", Capability.READ)
        areas = await ServiceArea.filter(path__startswith=node.path, closed_on__isnull=True).order_by("id")
        figures = await compute_area_rollups([(a.id, a.path) for a in areas])
        return [RecruitmentNeed(service_area=AreaType.of(a), rollup=Rollup.of(figures[a.id]))
                for a in areas if figures[a.id].vacancies > 0]


# ---- mutations -------------------------------------------------------------------------

@strawberry.type
class RecruitmentMutation:
    @strawberry.mutation(description="A community opens a recruitment campaign for some or all of its service areas; a notice is posted.")
    async def recruitment_campaign_open(self, info: Info, input: RecruitmentCampaignOpenInput) -> RecruitmentCampaignPayload:
        ctx = info.context

        async def body():
            community = await node_for(info, input.community_id, "communityId", Capability.RECRUITMENT, ("Community", "Village"))
            if not input.name.strip():
                raise Problem("REQUIRED", ["input", "name"], label="名称")
            not_future(input.opened_on, ["input", "openedOn"])
            if input.service_area_ids is None:
                areas = await ServiceArea.filter(path__startswith=community.path, closed_on__isnull=True).order_by("id")
                figures = await compute_area_rollups([(a.id, a.path) for a in areas])
                areas = [a for a in areas if figures[a.id].vacancies > 0]
            else:
                ids = [decode(g, ["input", "serviceAreaIds", str(i)], ("ServiceArea",)) for i, g in enumerate(input.service_area_ids)]
                found = {a.id: a for a in await ServiceArea.filter(id__in=ids)}
                problems = [Problem("NOT_FOUND", ["input", "serviceAreaIds", str(i)], what=input.service_area_ids[i])
                            for i, pk in enumerate(ids)
                            if pk not in found or not found[pk].path.startswith(community.path) or found[pk].closed_on]
                if problems:
                    raise Problems(problems)
                areas = [found[pk] for pk in dict.fromkeys(ids)]  # an area named twice is one campaign area
            if not areas:
                raise Problem("NO_SERVICE_AREAS", ["input", "serviceAreaIds"],
                              zh="没有需要招募的服务片区（请先划分片区，或所有席位已满）",
                              en="no service area to recruit for (define areas first, or every seat is filled)")
            c = await RecruitmentCampaign.create(community_id=community.id, path=community.path, name=input.name.strip(),
                                                 notice_text=input.notice_text, opened_on=input.opened_on,
                                                 opened_by_id=ctx.viewer.user_id)
            for a in areas:
                await CampaignArea.create(campaign_id=c.id, service_area_id=a.id)
            await audit(ctx, "recruitmentCampaignOpen", "RecruitmentCampaign", c.id, c.path, None,
                        {**snapshot(c), "service_areas": [a.id for a in areas]})
            return {"campaign": CampaignType.of(c)}

        return await run(ctx, RecruitmentCampaignPayload, RecruitmentError, body)

    @strawberry.mutation(description="Close a campaign: no more applications.")
    async def recruitment_campaign_close(self, info: Info, id: strawberry.ID, closed_on: date) -> RecruitmentCampaignPayload:
        ctx = info.context

        async def body():
            c = await _get(info, RecruitmentCampaign, id, "RecruitmentCampaign", Capability.RECRUITMENT)
            if c.closed_on is not None:
                raise Problem("CAMPAIGN_CLOSED", ["id"], zh="招募已结束", en="the campaign is already closed")
            not_future(closed_on, ["closedOn"])
            c.closed_on = closed_on
            await c.save(update_fields=["closed_on"])
            await audit(ctx, "recruitmentCampaignClose", "RecruitmentCampaign", c.id, c.path, None, {"closed_on": closed_on})
            return {"campaign": CampaignType.of(c)}

        return await run(ctx, RecruitmentCampaignPayload, RecruitmentError, body)

    @strawberry.mutation(description="An application: self-nomination, resident nomination (≥10 co-signers of the building) or organisational nomination.")
    async def application_submit(self, info: Info, input: ApplicationSubmitInput) -> ApplicationPayload:
        ctx = info.context
        warnings: list[RecruitmentWarning] = []

        async def body():
            c = await _get(info, RecruitmentCampaign, input.campaign_id, "RecruitmentCampaign", Capability.RECRUITMENT, "campaignId")
            if c.closed_on is not None and c.closed_on <= input.applied_on:
                raise Problem("CAMPAIGN_CLOSED", ["input", "campaignId"], zh="招募已结束", en="the campaign is closed")
            area_pk = decode(input.service_area_id, ["input", "serviceAreaId"], ("ServiceArea",))
            if not await CampaignArea.filter(campaign_id=c.id, service_area_id=area_pk).exists():
                raise Problem("NOT_IN_CAMPAIGN", ["input", "serviceAreaId"], zh="该片区不在本次招募范围内",
                              en="this service area is not part of the campaign")
            area = await ServiceArea.get(id=area_pk)
            not_future(input.applied_on, ["input", "appliedOn"])
            # the person's row is locked: a concurrent application by them waits and then sees this one
            person = await locked(Person, id=decode(input.person_id, ["input", "personId"], ("Person",)))
            if person is None or not ctx.viewer.can_read(person.path):
                raise Denied()
            if await Application.filter(campaign_id=c.id, person_id=person.id).exclude(status=S.WITHDRAWN).exists():
                raise Problem("ALREADY_APPLIED", ["input", "personId"], zh=f"{person.name}已在本次招募中报名",
                              en=f"{person.name} has already applied in this campaign")
            channel = Channel(input.channel)
            if channel == Channel.ORGANISATION and input.organisation is None:
                raise Problem("ORGANISATION_REQUIRED", ["input", "organisation"], zh="组织推荐须写明推荐组织",
                              en="an organisational nomination names the organisation")
            signer_rows: list[Person] = []
            if channel == Channel.RESIDENT:
                if person.residence_id is None:
                    raise Problem("REQUIRED", ["input", "personId"], zh=f"{person.name}没有登记居住楼栋，无法由居民推荐",
                                  en=f"{person.name} has no registered building for a resident nomination")
                values = await parameters_in_force(area.path, input.applied_on)
                pks = [decode(g, ["input", "signerIds", str(i)], ("Person",)) for i, g in enumerate(input.signer_ids)]
                # someone unknown and someone outside the caller's scope are the same: an unknown signer
                found = {p.id: p for p in await Person.filter(id__in=pks) if ctx.viewer.can_read(p.path)}
                tally = count_signatures(person.id, person.residence_id,
                                         [Signer(pk, found[pk].residence_id) if pk in found else None for pk in pks],
                                         minimum=int(values["nomination_min_signers"]))
                warnings.extend(RecruitmentWarning.of(w, ctx.locale) for w in tally.warnings)
                if not tally.accepted:
                    raise Problem("TOO_FEW_SIGNERS", ["input", "signerIds"], zh=tally.shortfall_zh, en=tally.shortfall_en)
                signer_rows = [found[pk] for pk in tally.counted]
            app = await Application.create(
                campaign_id=c.id, service_area_id=area.id, person_id=person.id, path=area.path, channel=channel,
                organisation=input.organisation if channel == Channel.ORGANISATION else None, applied_on=input.applied_on,
                outstanding_waiver_reason=input.outstanding_waiver_reason,
            )
            for s in signer_rows:
                await NominationSigner.create(application_id=app.id, person_id=s.id)
            await _event(info, app, "APPLY", input.applied_on, channel.value)
            await audit(ctx, "applicationSubmit", "Application", app.id, app.path, None, snapshot(app))
            return {"application": ApplicationType.of(app)}

        def already_applied(exc):
            if violates(exc, "uq_application_person_campaign"):
                return Problem("ALREADY_APPLIED", ["input", "personId"], zh="该人员已在本次招募中报名",
                               en="this person has already applied in this campaign")
            raise exc

        return await run(ctx, lambda **kw: ApplicationPayload(warnings=warnings, **kw), RecruitmentError, body,
                         integrity=already_applied)

    @strawberry.mutation(description="Eligibility review by the community: the automatic checks (age, residence, fees, violations) and the reviewers' judgements.")
    async def application_review(self, info: Info, id: strawberry.ID, judgements: list[JudgementInput], reviewed_on: date) -> ApplicationPayload:
        async def apply(app: Application) -> str:
            person = await Person.get(id=app.person_id)
            area = await ServiceArea.get(id=app.service_area_id)
            container = await Node.get(id=area.container_id)
            residence = await Node.get_or_none(id=person.residence_id) if person.residence_id else None
            values = await parameters_in_force(area.path, app.applied_on)
            failures = check_eligibility(
                Applicant(
                    birth_date=person.birth_date,
                    resides_in_compound=residence is not None and residence.path.startswith(container.path),
                    permanent_resident=person.permanent_resident, property_fee_paid=person.property_fee_paid,
                    violations=frozenset(person.violations or []),
                ),
                app.applied_on, int(values["age_limit"]), int(values["age_limit_outstanding"]),
                app.outstanding_waiver_reason,
            )
            app.eligibility_failures = [{"code": f.code, "message_zh": f.message_zh, "message_en": f.message_en} for f in failures]
            app.judgements = {j.item.value: {"passed": j.passed, "note": j.note, "by": info.context.viewer.label} for j in judgements}
            failed_judgements = [j.item.value for j in judgements if not j.passed]
            if failures or failed_judgements:
                app.status = S.INELIGIBLE
            return "; ".join([f.code for f in failures] + [f"JUDGEMENT_{j}" for j in failed_judgements]) or "ELIGIBLE"

        return await _app_step(info, id, "REVIEW", reviewed_on, "applicationReview", apply)


    @strawberry.mutation(description="The community police officer's opinion, required before an applicant is shortlisted.")
    async def application_police_opinion_record(
        self, info: Info, id: strawberry.ID, favourable: bool, opinion: str,
        recorded_on: date | None = None,
    ) -> ApplicationPayload:
        ctx = info.context

        async def body():
            on = not_future(recorded_on or today(), ["recordedOn"])
            app = await _get(info, Application, id, "Application", Capability.POLICE_OPINION)
            if app.status not in (S.ELIGIBLE, S.INTERVIEWED):
                raise Problem("STEP_OUT_OF_ORDER", ["id"], missing_step="REVIEW" if app.status == S.APPLIED else None,
                              zh=f"申请当前状态为{app.status.value}，不能记录民警意见",
                              en=f"a police opinion cannot be recorded in status {app.status.value}")
            if not opinion.strip():
                raise Problem("REQUIRED", ["opinion"], label="意见")
            before = snapshot(app)
            app.police_favourable, app.police_opinion = favourable, opinion.strip()
            app.police_by, app.police_at = ctx.viewer.label, datetime.now(SHANGHAI)
            await app.save()
            await _event(info, app, "POLICE_OPINION", on, ("同意" if favourable else "不同意") + "：" + opinion.strip())
            await audit(ctx, "applicationPoliceOpinionRecord", "Application", app.id, app.path, before, snapshot(app))
            return {"application": ApplicationType.of(app)}

        return await run(ctx, ApplicationPayload, RecruitmentError, body)

    @strawberry.mutation(description="Interview / selection: panel talk and home visit, with a score.")
    async def application_interview(self, info: Info, id: strawberry.ID, interviewed_on: date, score: Decimal, notes: str = "") -> ApplicationPayload:
        async def apply(app: Application) -> str:
            if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
                raise Problem("REQUIRED", ["score"], zh="评分应在0到100之间", en="the score is between 0 and 100")
            app.interview_score, app.interview_notes = score, notes
            return f"{score}"

        return await _app_step(info, id, "INTERVIEW", interviewed_on, "applicationInterview", apply)


    @strawberry.mutation(description="Shortlist an interviewed applicant; needs the police officer's favourable opinion.")
    async def application_shortlist(self, info: Info, id: strawberry.ID, shortlisted_on: date) -> ApplicationPayload:
        async def apply(app: Application) -> None:
            if app.police_favourable is None:
                raise Problem("POLICE_OPINION_REQUIRED", ["id"], missing_step="POLICE_OPINION",
                              zh="须先取得社区民警意见，才能确定人选", en="the community police officer's opinion is required first")
            if app.police_favourable is False:
                raise Problem("POLICE_OPINION_UNFAVOURABLE", ["id"], zh="社区民警意见为不同意，不能确定为人选",
                              en="the police officer's opinion is unfavourable")

        return await _app_step(info, id, "SHORTLIST", shortlisted_on, "applicationShortlist", apply)


    @strawberry.mutation(description="Post the public notice in the building: 5 to 7 Chinese working days.")
    async def application_notice_post(self, info: Info, id: strawberry.ID, posted_on: date) -> ApplicationPayload:
        async def apply(app: Application) -> str:
            from resolvers.calendar import load_calendar

            values = await parameters_in_force(app.path, posted_on)
            try:
                window = notice_window(await load_calendar(), posted_on, int(values["notice_min_working_days"]),
                                       int(values["notice_max_working_days"]))
            except UnknownYearError as e:
                raise Problem("UNKNOWN_YEAR", ["postedOn"], zh=f"系统还没有{e.year}年的节假日安排，请管理员先录入",
                              en=f"no working-day arrangement for {e.year}: an administrator must enter it") from None
            app.notice_posted_on, app.notice_min_last_day = window.posted_on, window.min_last_day
            app.notice_max_last_day, app.confirmable_from = window.max_last_day, window.confirmable_from
            return f"{window.min_last_day}..{window.max_last_day}"

        return await _app_step(info, id, "NOTICE", posted_on, "applicationNoticePost", apply)


    @strawberry.mutation(description="A resident objects during the public notice.")
    async def objection_raise(self, info: Info, application_id: strawberry.ID, raised_by: str, text: str, raised_on: date) -> ObjectionPayload:
        ctx = info.context

        async def body():
            not_future(raised_on, ["raisedOn"])
            app = await _get(info, Application, application_id, "Application", Capability.RECRUITMENT, "applicationId")
            if app.status != S.ON_NOTICE or not (app.notice_posted_on <= raised_on <= app.notice_max_last_day):
                raise Problem("NOTICE_CLOSED", ["raisedOn"], zh="不在公示期内，不能提出异议",
                              en="objections are raised during the public notice only")
            if not text.strip() or not raised_by.strip():
                raise Problem("REQUIRED", ["text"] if not text.strip() else ["raisedBy"], label="异议内容" if not text.strip() else "异议人")
            o = await Objection.create(application_id=app.id, path=app.path, raised_by=raised_by.strip(), text=text.strip(), raised_on=raised_on)
            await _event(info, app, "OBJECTION_RAISED", raised_on, text.strip())
            await audit(ctx, "objectionRaise", "Objection", o.id, o.path, None, snapshot(o))
            return {"objection": ObjectionType.of(o), "application": ApplicationType.of(app)}

        return await run(ctx, ObjectionPayload, RecruitmentError, body)

    @strawberry.mutation(description="Resolve an objection: upheld withdraws the candidate; dismissed lets the notice run on.")
    async def objection_resolve(
        self, info: Info, id: strawberry.ID, upheld: bool, resolution: str,
        resolved_on: date | None = None,
    ) -> ObjectionPayload:
        ctx = info.context

        async def body():
            on = not_future(resolved_on or today(), ["resolvedOn"])
            o = await _get(info, Objection, id, "Objection", Capability.RECRUITMENT)
            if o.status != ObjectionStatus.OPEN:
                raise Problem("ALREADY_RESOLVED", ["id"], zh="该异议已处理", en="this objection is already resolved")
            if not resolution.strip():
                raise Problem("REQUIRED", ["resolution"], label="处理理由")
            app = await locked(Application, id=o.application_id)
            if on < o.raised_on:
                raise Problem("INVALID_DATE_ORDER", ["resolvedOn"], zh="处理日期不能早于异议提出日期",
                              en="resolvedOn cannot be before the objection was raised")
            before = snapshot(o)
            o.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
            o.resolution, o.resolved_by, o.resolved_at = resolution.strip(), ctx.viewer.label, datetime.now(SHANGHAI)
            await o.save()
            if upheld:
                app.status, app.withdrawn_reason = S.WITHDRAWN, f"异议成立：{resolution.strip()}"
                await app.save()
            await _event(info, app, "OBJECTION_UPHELD" if upheld else "OBJECTION_DISMISSED", on, resolution.strip())
            await audit(ctx, "objectionResolve", "Objection", o.id, o.path, before, snapshot(o))
            return {"objection": ObjectionType.of(o), "application": ApplicationType.of(app)}

        return await run(ctx, ObjectionPayload, RecruitmentError, body)

    @strawberry.mutation(description="Confirm the candidate: not before the notice has run its minimum working days, nor with an objection open.")
    async def application_confirm(self, info: Info, id: strawberry.ID, confirmed_on: date) -> ApplicationPayload:
        async def apply(app: Application) -> None:
            if confirmed_on < app.confirmable_from:
                raise Problem("NOTICE_TOO_SHORT", ["confirmedOn"],
                              zh=f"公示期未满：最短公示期至{app.notice_min_last_day}，{app.confirmable_from}起方可确认",
                              en=f"the notice has not run its minimum: it lasts until {app.notice_min_last_day}; confirmable from {app.confirmable_from}")
            open_count = await Objection.filter(application_id=app.id, status=ObjectionStatus.OPEN).count()
            if open_count:
                raise Problem("OBJECTION_OPEN", ["id"], zh=f"还有{open_count}条异议未处理", en=f"{open_count} objection(s) still open")
            app.confirmed_on = confirmed_on

        return await _app_step(info, id, "CONFIRM", confirmed_on, "applicationConfirm", apply)


    @strawberry.mutation(description="The subdistrict records the confirmed head (filing, 备案).")
    async def application_file(self, info: Info, id: strawberry.ID, filed_on: date, filing_reference: str) -> ApplicationPayload:
        async def apply(app: Application) -> str:
            if not filing_reference.strip():
                raise Problem("REQUIRED", ["filingReference"], label="备案号")
            app.filed_on, app.filing_reference = filed_on, filing_reference.strip()
            return app.filing_reference

        return await _app_step(info, id, "FILE", filed_on, "applicationFile", apply, Capability.HEAD_FILING)

    @strawberry.mutation(description="The volunteer agreement (志愿服务责任书) signed with the community: no labour relation.")
    async def application_agreement_sign(self, info: Info, id: strawberry.ID, signed_on: date) -> ApplicationPayload:
        async def apply(app: Application) -> None:
            app.agreement_signed_on = signed_on

        return await _app_step(info, id, "AGREEMENT", signed_on, "applicationAgreementSign", apply)

    @strawberry.mutation(description="Pre-service training done (by the subdistrict or the community).")
    async def application_training_record(self, info: Info, id: strawberry.ID, trained_on: date) -> ApplicationPayload:
        async def apply(app: Application) -> None:
            app.trained_on = trained_on

        return await _app_step(info, id, "TRAINING", trained_on, "applicationTrainingRecord", apply)

    @strawberry.mutation(description="Publish on the notice board: the term of service begins (5 years, or to the election-cycle end).")
    async def application_publish(self, info: Info, id: strawberry.ID, published_on: date) -> ApplicationPayload:
        async def apply(app: Application) -> str:
            # the area's row is locked before its seats are counted: concurrent publications queue up
            await locked(ServiceArea, id=app.service_area_id)
            if await BuildingHead.filter(person_id=app.person_id, service_area_id=app.service_area_id, status=TermStatus.ACTIVE).exists():
                raise Problem("ALREADY_SERVING", ["id"], zh="该人员已在该片区任职", en="this person already serves this area")
            figures = (await compute_area_rollups([(app.service_area_id, app.path)]))[app.service_area_id]
            if figures.vacancies == 0:
                raise Problem("AREA_FULL", ["id"], zh="该片区席位已满", en="every seat of this service area is filled")
            area = await ServiceArea.get(id=app.service_area_id)
            container = await Node.get(id=area.container_id)
            chain_node = await _chain_node(container)
            values = await parameters_in_force(area.path, published_on)
            ends = term_end(published_on, int(values["term_years"]), chain_node.election_cycle_ends_on)
            kind = head_kind(container.kind, container.chain)
            term = await BuildingHead.create(person_id=app.person_id, service_area_id=area.id, path=area.path, kind=kind,
                                             starts_on=published_on, ends_on=ends, application_id=app.id)
            app.published_on = published_on
            await HeadChangeFiling.create(term_id=term.id, path=term.path, change="START", effective_on=published_on,
                                          reason=f"application {app.id}", filed_by=info.context.viewer.label)
            return f"term {published_on}..{ends}"

        return await _app_step(info, id, "PUBLISH", published_on, "applicationPublish", apply)


    @strawberry.mutation(description="Withdraw an application (the applicant's wish or the community's decision).")
    async def application_withdraw(
        self, info: Info, id: strawberry.ID, reason: str,
        withdrawn_on: date | None = None,
    ) -> ApplicationPayload:
        ctx = info.context

        async def body():
            on = not_future(withdrawn_on or today(), ["withdrawnOn"])
            app = await _get(info, Application, id, "Application", Capability.RECRUITMENT)
            if app.status in (S.PUBLISHED, S.WITHDRAWN):
                raise Problem("STEP_OUT_OF_ORDER", ["id"], missing_step=None, zh=f"申请当前状态为{app.status.value}，不能撤回",
                              en=f"cannot withdraw in status {app.status.value}")
            if not reason.strip():
                raise Problem("REQUIRED", ["reason"], label="理由")
            before = snapshot(app)
            app.status, app.withdrawn_reason = S.WITHDRAWN, reason.strip()
            await app.save()
            await _event(info, app, "WITHDRAW", on, reason.strip())
            await audit(ctx, "applicationWithdraw", "Application", app.id, app.path, before, snapshot(app))
            return {"application": ApplicationType.of(app)}

        return await run(ctx, ApplicationPayload, RecruitmentError, body)

    @strawberry.mutation(description="A building head resigns: the earliest end date is two months after the request.")
    async def building_head_resign(self, info: Info, id: strawberry.ID, requested_on: date, ends_on: date | None = None) -> TermPayload:
        ctx = info.context

        async def body():
            not_future(requested_on, ["requestedOn"])
            t = await _term_for(info, id)
            if t.resignation_requested_on is not None:
                raise Problem("RESIGNATION_PENDING", ["id"], zh=f"已于{t.resignation_requested_on}提出辞职，于{t.ended_on}离任",
                              en=f"a resignation was requested on {t.resignation_requested_on}; the term ends on {t.ended_on}")
            values = await parameters_in_force(t.path, requested_on)
            earliest = earliest_resignation_end(requested_on, int(values["resignation_notice_months"]))
            end = ends_on or earliest
            if end < earliest:
                raise Problem("RESIGNATION_TOO_EARLY", ["endsOn"], zh=f"辞职须提前{values['resignation_notice_months']}个月提出，最早于{earliest}离任",
                              en=f"resignation needs {values['resignation_notice_months']} months' notice: the earliest end is {earliest}")
            before = snapshot(t)
            t.resignation_requested_on, t.ended_on, t.end_reason = requested_on, end, EndReason.RESIGNATION.value
            await t.save()
            await HeadChangeFiling.create(term_id=t.id, path=t.path, change="RESIGNATION", effective_on=end,
                                          reason=f"requested {requested_on}", filed_by=ctx.viewer.label)
            if end <= today():
                await _end_term(t, end, EndReason.RESIGNATION.value, ctx.viewer.label)
            await audit(ctx, "buildingHeadResign", "BuildingHead", t.id, t.path, before, snapshot(t))
            return {"term": BuildingHeadTerm.of(t)}

        return await run(ctx, TermPayload, RecruitmentError, body)

    @strawberry.mutation(description="End a term for failing the annual assessment, three unexcused absences, or replacement for failing the duties.")
    async def building_head_terminate(self, info: Info, id: strawberry.ID, reason: EndReasonEnum, ended_on: date, note: str = "") -> TermPayload:  # type: ignore[valid-type]
        ctx = info.context

        async def body():
            not_future(ended_on, ["endedOn"])
            t = await _term_for(info, id)
            reason_v = EndReason(reason)
            if reason_v in (EndReason.RESIGNATION, EndReason.TERM_EXPIRED):
                raise Problem("WRONG_REASON", ["reason"], zh="辞职和任期届满有各自的办理方式", en="resignation and term expiry have their own mutations")
            if ended_on < t.starts_on:
                raise Problem("INVALID_DATE_ORDER", ["endedOn"], zh="离任日期不能早于上任日期", en="endedOn cannot be before the term's start")
            before = snapshot(t)
            await _end_term(t, ended_on, reason_v.value, ctx.viewer.label, note)
            await audit(ctx, "buildingHeadTerminate", "BuildingHead", t.id, t.path, before, snapshot(t))
            return {"term": BuildingHeadTerm.of(t)}

        return await run(ctx, TermPayload, RecruitmentError, body)

    @strawberry.mutation(description="Renew a term at its end, for a head who passed the end-of-term assessment.")
    async def building_head_renew(self, info: Info, id: strawberry.ID, renewed_on: date, assessment_note: str) -> TermPayload:
        ctx = info.context

        async def body():
            # the renewal is the decision after the end-of-term assessment (docs/policy.md §11):
            # recorded once taken, so its date is never after today; the new term itself
            # starts the day after the old one ends, which may well be ahead
            not_future(renewed_on, ["renewedOn"])
            t = await _term_for(info, id)
            if renewed_on < renewal_opens_on(t.ends_on):
                raise Problem("NOT_AT_TERM_END", ["renewedOn"], zh=f"任期于{t.ends_on}届满，届满前三个月内方可续任",
                              en=f"the term ends on {t.ends_on}: renewal is possible in its last three months")
            if not assessment_note.strip():
                raise Problem("REQUIRED", ["assessmentNote"], label="考核情况")
            area = await ServiceArea.get(id=t.service_area_id)
            container = await Node.get(id=area.container_id)
            chain_node = await _chain_node(container)
            start = renewed_term_start(t.ends_on)
            values = await parameters_in_force(t.path, start)
            before = snapshot(t)
            # the seat passes from the old term to the new one: one active head throughout
            await _end_term(t, t.ends_on, EndReason.TERM_EXPIRED.value, ctx.viewer.label, "renewed", file=False)
            new = await BuildingHead.create(person_id=t.person_id, service_area_id=t.service_area_id, path=t.path, kind=t.kind,
                                            starts_on=start, ends_on=term_end(start, int(values["term_years"]), chain_node.election_cycle_ends_on),
                                            renewed_from_id=t.id)
            await HeadChangeFiling.create(term_id=new.id, path=new.path, change="RENEWAL", effective_on=start,
                                          reason=assessment_note.strip(), filed_by=ctx.viewer.label)
            await audit(ctx, "buildingHeadRenew", "BuildingHead", t.id, t.path, before, snapshot(new))
            return {"term": BuildingHeadTerm.of(new)}

        return await run(ctx, TermPayload, RecruitmentError, body)


async def _term_for(info: Info, gid: str) -> BuildingHead:
    t = await _get(info, BuildingHead, gid, "BuildingHeadTerm", Capability.RECRUITMENT)
    if t.status != TermStatus.ACTIVE:
        raise Problem("TERM_ENDED", ["id"], zh="该任期已结束", en="this term has already ended")
    return t


async def _end_term(t: BuildingHead, on: date, reason: str, by: str, note: str = "", *, file: bool = True) -> None:
    """End a term now: its area's seat becomes a vacancy (and so a recruitment need)."""
    t.status, t.ended_on, t.end_reason = TermStatus.ENDED, on, reason
    await t.save()
    if file:
        await HeadChangeFiling.create(term_id=t.id, path=t.path, change="END", effective_on=on, reason=(reason + " " + note).strip(), filed_by=by)


async def end_due_terms(on: date) -> int:
    """Idempotent: end resignations whose date has come and terms past their end date
    (renewed terms were already closed). Returns how many terms it ended."""
    ended = 0
    for t in await BuildingHead.filter(status=TermStatus.ACTIVE, ended_on__lte=on):
        await _end_term(t, t.ended_on, t.end_reason or EndReason.RESIGNATION.value, "system")
        ended += 1
    for t in await BuildingHead.filter(status=TermStatus.ACTIVE, ended_on__isnull=True, ends_on__lt=on):
        await _end_term(t, t.ends_on, EndReason.TERM_EXPIRED.value, "system")
        ended += 1
    return ended


async def _app_step(
    info: Info, gid: str, step: str, on: date, action: str,
    apply: Callable[[Application], Awaitable[str | None]], capability: Capability = Capability.RECRUITMENT,
) -> ApplicationPayload:
    """One step of an application: load it in scope, check the step follows the previous one,
    let ``apply`` check and record the step's own data, then keep its history and audit it."""
    ctx = info.context

    async def body():
        not_future(on, [DATE_ARGS[step]])
        app = await _get(info, Application, gid, "Application", capability)
        before = snapshot(app)
        _advance(app, step)
        note = await apply(app)
        await app.save()
        await _event(info, app, step, on, note or "")
        await audit(ctx, action, "Application", app.id, app.path, before, snapshot(app))
        return {"application": ApplicationType.of(app)}

    return await run(ctx, ApplicationPayload, RecruitmentError, body)
