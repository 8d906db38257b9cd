"""The recruitment root fields: each decodes its arguments, calls one operation of
``resolvers.recruitment`` and wraps what comes back (payload errors from its problems)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from policy.recruitment import Channel
from resolvers.errors import Problem, Problems
from resolvers.recruitment import applications, campaigns, objections, steps, terms
from schema.nodes import decode
from schema.payloads import payload_errors
from schema.people import BuildingHeadTerm
from schema.recruitment import (
    Application, ApplicationPayload, ApplicationSubmitInput, EndReasonEnum, JudgementInput, Objection,
    ObjectionPayload, RecruitmentCampaign, RecruitmentCampaignOpenInput, RecruitmentCampaignPayload, RecruitmentError,
    RecruitmentNeed, RecruitmentWarning, TermPayload,
)
from schema.tree import TYPE_NAMES, Rollup, ServiceArea

TREE_TYPES = tuple(TYPE_NAMES.values())
COMMUNITY_TYPES = ("Community", "Village")


async def _application(info: Info, call: Callable[[], Awaitable[Any]]) -> ApplicationPayload:
    try:
        app = await call()
    except (Problem, Problems) as exc:
        return ApplicationPayload(errors=payload_errors(RecruitmentError, exc, info.context.locale))
    return ApplicationPayload(application=Application.of(app), errors=[])


async def _campaign(info: Info, call: Callable[[], Awaitable[Any]]) -> RecruitmentCampaignPayload:
    try:
        c = await call()
    except (Problem, Problems) as exc:
        return RecruitmentCampaignPayload(errors=payload_errors(RecruitmentError, exc, info.context.locale))
    return RecruitmentCampaignPayload(campaign=RecruitmentCampaign.of(c), errors=[])


async def _objection(info: Info, call: Callable[[], Awaitable[objections.ObjectionOutcome]]) -> ObjectionPayload:
    try:
        out = await call()
    except (Problem, Problems) as exc:
        return ObjectionPayload(errors=payload_errors(RecruitmentError, exc, info.context.locale))
    return ObjectionPayload(objection=Objection.of(out.objection), application=Application.of(out.application), errors=[])


async def _term(info: Info, call: Callable[[], Awaitable[Any]]) -> TermPayload:
    try:
        t = await call()
    except (Problem, Problems) as exc:
        return TermPayload(errors=payload_errors(RecruitmentError, exc, info.context.locale))
    return TermPayload(term=BuildingHeadTerm.of(t), errors=[])


def _app_id(gid: str, field: str = "id") -> int:
    return decode(gid, field, ("Application",))


def _term_id(gid: str) -> int:
    return decode(gid, "id", ("BuildingHeadTerm",))


@strawberry.type
class RecruitmentQuery:
    @strawberry.field(description="Recruitment campaigns within your scope, newest first.")
    async def recruitment_campaigns(self, info: Info, community_id: strawberry.ID | None = None) -> list[RecruitmentCampaign]:
        pk = decode(community_id, "communityId", COMMUNITY_TYPES) if community_id else None
        return [RecruitmentCampaign.of(c) for c in await campaigns.list_campaigns(info.context.viewer, pk)]

    @strawberry.field(description="Recruitment needs: open service areas with fewer active heads than seats (vacancies, including those left by ended terms).")
    async def recruitment_needs(self, info: Info, node_id: strawberry.ID) -> list[RecruitmentNeed]:
        needs = await campaigns.recruitment_needs(info.context.viewer, decode(node_id, "nodeId", TREE_TYPES))
        return [RecruitmentNeed(service_area=ServiceArea.of(n.area), rollup=Rollup.of(n.figures)) for n in needs]


@strawberry.type
class RecruitmentMutation:
    @strawberry.mutation(description="A community opens a recruitment campaign for some or all of its service areas; a notice is posted.")
    async def recruitment_campaign_open(self, info: Info, input: RecruitmentCampaignOpenInput) -> RecruitmentCampaignPayload:
        async def call():
            community_id = decode(input.community_id, "communityId", COMMUNITY_TYPES)
            areas = None if input.service_area_ids is None else [
                (decode(g, ["input", "serviceAreaIds", str(i)], ("ServiceArea",)), str(g))
                for i, g in enumerate(input.service_area_ids)]
            return await campaigns.open_campaign(info.context.viewer, community_id=community_id, name=input.name,
                                                 opened_on=input.opened_on, notice_text=input.notice_text,
                                                 service_areas=areas)

        return await _campaign(info, call)

    @strawberry.mutation(description="Close a campaign: no more applications.")
    async def recruitment_campaign_close(self, info: Info, id: strawberry.ID, closed_on: date) -> RecruitmentCampaignPayload:
        return await _campaign(info, lambda: campaigns.close_campaign(
            info.context.viewer, decode(id, "id", ("RecruitmentCampaign",)), closed_on))

    @strawberry.mutation(description="An application: self-nomination, resident nomination (≥10 co-signers of the building) or organisational nomination.")
    async def application_submit(self, info: Info, input: ApplicationSubmitInput) -> ApplicationPayload:
        warnings: list = []
        try:
            submission = applications.Submission(
                campaign_id=decode(input.campaign_id, ["input", "campaignId"], ("RecruitmentCampaign",)),
                service_area_id=decode(input.service_area_id, ["input", "serviceAreaId"], ("ServiceArea",)),
                person_id=decode(input.person_id, ["input", "personId"], ("Person",)),
                channel=Channel(input.channel), applied_on=input.applied_on, organisation=input.organisation,
                signer_ids=[decode(g, ["input", "signerIds", str(i)], ("Person",)) for i, g in enumerate(input.signer_ids)],
                outstanding_waiver_reason=input.outstanding_waiver_reason,
            )
            app = await applications.submit_application(info.context.viewer, submission, warnings)
            errors = []
        except (Problem, Problems) as exc:
            app, errors = None, payload_errors(RecruitmentError, exc, info.context.locale)
        return ApplicationPayload(application=Application.of(app) if app else None, errors=errors,
                                  warnings=[RecruitmentWarning.of(w, info.context.locale) for w in warnings])

    @strawberry.mutation(description="Eligibility review by the community: the automatic checks (age, residence, fees, violations) and the reviewers' judgements.")
    async def application_review(self, info: Info, id: strawberry.ID, judgements: list[JudgementInput], reviewed_on: date) -> ApplicationPayload:
        items = [steps.Judgement(j.item.value, j.passed, j.note) for j in judgements]
        return await _application(info, lambda: steps.review(info.context.viewer, _app_id(id), items, reviewed_on))

    @strawberry.mutation(description="The community police officer's opinion, required before an applicant is shortlisted.")
    async def application_police_opinion_record(
        self, info: Info, id: strawberry.ID, favourable: bool, opinion: str,
        recorded_on: date | None = None,
    ) -> ApplicationPayload:
        return await _application(info, lambda: applications.record_police_opinion(
            info.context.viewer, _app_id(id), favourable=favourable, opinion=opinion, recorded_on=recorded_on))

    @strawberry.mutation(description="Interview / selection: panel talk and home visit, with a score.")
    async def application_interview(self, info: Info, id: strawberry.ID, interviewed_on: date, score: Decimal, notes: str = "") -> ApplicationPayload:
        return await _application(info, lambda: steps.interview(info.context.viewer, _app_id(id), interviewed_on, score, notes))

    @strawberry.mutation(description="Shortlist an interviewed applicant; needs the police officer's favourable opinion.")
    async def application_shortlist(self, info: Info, id: strawberry.ID, shortlisted_on: date) -> ApplicationPayload:
        return await _application(info, lambda: steps.shortlist(info.context.viewer, _app_id(id), shortlisted_on))

    @strawberry.mutation(description="Post the public notice in the building: 5 to 7 Chinese working days.")
    async def application_notice_post(self, info: Info, id: strawberry.ID, posted_on: date) -> ApplicationPayload:
        return await _application(info, lambda: steps.post_notice(info.context.viewer, _app_id(id), posted_on))

    @strawberry.mutation(description="A resident objects during the public notice.")
    async def objection_raise(self, info: Info, application_id: strawberry.ID, raised_by: str, text: str, raised_on: date) -> ObjectionPayload:
        return await _objection(info, lambda: objections.raise_objection(
            info.context.viewer, _app_id(application_id, "applicationId"), raised_by=raised_by, text=text,
            raised_on=raised_on))

    @strawberry.mutation(description="Resolve an objection: upheld withdraws the candidate; dismissed lets the notice run on.")
    async def objection_resolve(
        self, info: Info, id: strawberry.ID, upheld: bool, resolution: str,
        resolved_on: date | None = None,
    ) -> ObjectionPayload:
        return await _objection(info, lambda: objections.resolve_objection(
            info.context.viewer, decode(id, "id", ("Objection",)), upheld=upheld, resolution=resolution,
            resolved_on=resolved_on))

    @strawberry.mutation(description="Confirm the candidate: not before the notice has run its minimum working days, nor with an objection open.")
    async def application_confirm(self, info: Info, id: strawberry.ID, confirmed_on: date) -> ApplicationPayload:
        return await _application(info, lambda: steps.confirm(info.context.viewer, _app_id(id), confirmed_on))

    @strawberry.mutation(description="The subdistrict records the confirmed head (filing, 备案).")
    async def application_file(self, info: Info, id: strawberry.ID, filed_on: date, filing_reference: str) -> ApplicationPayload:
        return await _application(info, lambda: steps.file(info.context.viewer, _app_id(id), filed_on, filing_reference))

    @strawberry.mutation(description="The volunteer agreement (志愿服务责任书) signed with the community: no labour relation.")
    async def application_agreement_sign(self, info: Info, id: strawberry.ID, signed_on: date) -> ApplicationPayload:
        return await _application(info, lambda: steps.sign_agreement(info.context.viewer, _app_id(id), signed_on))

    @strawberry.mutation(description="Pre-service training done (by the subdistrict or the community).")
    async def application_training_record(self, info: Info, id: strawberry.ID, trained_on: date) -> ApplicationPayload:
        return await _application(info, lambda: steps.record_training(info.context.viewer, _app_id(id), trained_on))

    @strawberry.mutation(description="Publish on the notice board: the term of service begins (5 years, or to the election-cycle end).")
    async def application_publish(self, info: Info, id: strawberry.ID, published_on: date) -> ApplicationPayload:
        return await _application(info, lambda: steps.publish(info.context.viewer, _app_id(id), published_on))

    @strawberry.mutation(description="Withdraw an application (the applicant's wish or the community's decision).")
    async def application_withdraw(
        self, info: Info, id: strawberry.ID, reason: str,
        withdrawn_on: date | None = None,
    ) -> ApplicationPayload:
        return await _application(info, lambda: applications.withdraw_application(
            info.context.viewer, _app_id(id), reason, withdrawn_on))

    @strawberry.mutation(description="A building head resigns: the earliest end date is two months after the request.")
    async def building_head_resign(self, info: Info, id: strawberry.ID, requested_on: date, ends_on: date | None = None) -> TermPayload:
        return await _term(info, lambda: terms.resign(info.context.viewer, _term_id(id), requested_on, ends_on))

    @strawberry.mutation(description="End a term for failing the annual assessment, three unexcused absences, or replacement for failing the duties.")
    async def building_head_terminate(self, info: Info, id: strawberry.ID, reason: EndReasonEnum, ended_on: date, note: str = "") -> TermPayload:  # type: ignore[valid-type]
        return await _term(info, lambda: terms.terminate(info.context.viewer, _term_id(id), reason, ended_on, note))

    @strawberry.mutation(description="Renew a term at its end, for a head who passed the end-of-term assessment.")
    async def building_head_renew(self, info: Info, id: strawberry.ID, renewed_on: date, assessment_note: str) -> TermPayload:
        return await _term(info, lambda: terms.renew(info.context.viewer, _term_id(id), renewed_on, assessment_note))
