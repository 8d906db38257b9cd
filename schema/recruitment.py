"""Recruitment of building heads ("elections"), from campaign to first day (docs/policy.md §5, §11)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from models import recruitment as rows
from policy.recruitment import ApplicationStatus, Channel, ObjectionStatus, Organisation, next_step
from policy.terms import EndReason
from resolvers.messages import render
from schema.common import Node, UserError, error_codes, to_global_id
from schema.nodes import register
from schema.people import BuildingHeadTerm, Person, people_of, person_by_id
from schema.tree import Rollup, ServiceArea, TreeNode, tree_node

ChannelEnum = strawberry.enum(Channel, name="Channel")
OrganisationEnum = strawberry.enum(Organisation, name="Organisation")
ApplicationStatusEnum = strawberry.enum(ApplicationStatus, name="ApplicationStatus")
ObjectionStatusEnum = strawberry.enum(ObjectionStatus, name="ObjectionStatus")
EndReasonEnum = strawberry.enum(EndReason, name="EndReason")


@strawberry.enum
class JudgementItem(Enum):
    CONDUCT = "CONDUCT"  # law-abiding, politically reliable, good conduct
    STANDING = "STANDING"  # spare time, standing, education, organising ability
    HEALTH = "HEALTH"


@strawberry.type
class Judgement:
    item: JudgementItem
    passed: bool
    note: str
    by: str


@strawberry.type
class EligibilityFailure:
    code: str
    message: str


@strawberry.type
class PoliceOpinion:
    favourable: bool
    opinion: str
    by: str
    at: datetime


@strawberry.type(description="The public notice in the building: 5 to 7 Chinese working days.")
class PublicNotice:
    posted_on: date
    min_last_day: date
    max_last_day: date
    confirmable_from: date


@strawberry.type
class ApplicationEvent:
    step: str
    on: date | None
    at: datetime
    by: str
    note: str | None = strawberry.field(description=(
        "Null for the steps whose notes are recruitment details (review, police opinion, objections, withdrawal) "
        "when you do not handle recruitment here."))


def _details_visible(info: Info, path: str) -> bool:
    from policy.privacy import recruitment_details_visible

    return recruitment_details_visible(info.context.viewer.grants, path)


@strawberry.type(description=(
    "A resident's objection raised during the public notice. Who raised it, its text and its resolution are "
    "recruitment details: null unless you handle recruitment (or give police opinions) here."))
class Objection(Node):
    raw: strawberry.Private[object]
    raised_on: date
    status: ObjectionStatusEnum  # type: ignore[valid-type]
    resolved_at: datetime | None

    @classmethod
    def of(cls, o) -> "Objection":
        return cls(id=to_global_id("Objection", o.id), raw=o, raised_on=o.raised_on, status=o.status, resolved_at=o.resolved_at)

    def _shown(self, info: Info, name: str) -> str | None:
        return getattr(self.raw, name) if _details_visible(info, self.raw.path) else None  # type: ignore[attr-defined]

    @strawberry.field
    def raised_by(self, info: Info) -> str | None:
        return self._shown(info, "raised_by")

    @strawberry.field
    def text(self, info: Info) -> str | None:
        return self._shown(info, "text")

    @strawberry.field
    def resolution(self, info: Info) -> str | None:
        return self._shown(info, "resolution")

    @strawberry.field
    def resolved_by(self, info: Info) -> str | None:
        return self._shown(info, "resolved_by")

    @strawberry.field(description="True when recruitment details were withheld from you (they are null).")
    def recruitment_details_hidden(self, info: Info) -> bool:
        return not _details_visible(info, self.raw.path)  # type: ignore[attr-defined]


@strawberry.type(description="An application for a building-head seat, through one of the three channels.")
class Application(Node):
    raw: strawberry.Private[object]
    status: ApplicationStatusEnum  # type: ignore[valid-type]
    channel: ChannelEnum  # type: ignore[valid-type]
    organisation: OrganisationEnum | None  # type: ignore[valid-type]
    applied_on: date
    outstanding_waiver_reason: str | None
    interview_score: Decimal | None
    confirmed_on: date | None
    filed_on: date | None
    filing_reference: str | None
    agreement_signed_on: date | None
    trained_on: date | None
    published_on: date | None

    @classmethod
    def of(cls, a) -> "Application":
        return cls(
            id=to_global_id("Application", a.id), raw=a, status=a.status, channel=a.channel, organisation=a.organisation,
            applied_on=a.applied_on, outstanding_waiver_reason=a.outstanding_waiver_reason,
            interview_score=a.interview_score, confirmed_on=a.confirmed_on,
            filed_on=a.filed_on, filing_reference=a.filing_reference, agreement_signed_on=a.agreement_signed_on,
            trained_on=a.trained_on, published_on=a.published_on,
        )

    def _visible(self, info: Info) -> bool:
        return _details_visible(info, self.raw.path)  # type: ignore[attr-defined]

    @strawberry.field(description=(
        "True when recruitment details (judgements, police opinion, interview notes, withdrawal reason, objection "
        "texts, the notes of those steps) were withheld from you: they are null. They are for the roles that "
        "handle recruitment or give police opinions here."))
    def recruitment_details_hidden(self, info: Info) -> bool:
        return not self._visible(info)

    @strawberry.field(description="Null when recruitment details are hidden from you.")
    def interview_notes(self, info: Info) -> str | None:
        return self.raw.interview_notes if self._visible(info) else None  # type: ignore[attr-defined]

    @strawberry.field(description="Null when recruitment details are hidden from you.")
    def withdrawn_reason(self, info: Info) -> str | None:
        return self.raw.withdrawn_reason if self._visible(info) else None  # type: ignore[attr-defined]

    @strawberry.field(description="The step the application waits for (null once final).")
    def next_step(self) -> str | None:
        return next_step(self.status)

    @strawberry.field(description="Reasons of the automatic checks that failed (age, residence, fees, violations).")
    def eligibility_failures(self, info: Info) -> list[EligibilityFailure]:
        en = info.context.locale == "en"
        return [EligibilityFailure(code=f["code"], message=f["message_en"] if en else f["message_zh"])
                for f in self.raw.eligibility_failures or []]  # type: ignore[attr-defined]

    @strawberry.field(description="The reviewers' judgements (health included), with who made them; null when recruitment details are hidden from you.")
    def judgements(self, info: Info) -> list[Judgement] | None:
        if not self._visible(info):
            return None
        return [Judgement(item=JudgementItem(k), passed=v["passed"], note=v.get("note", ""), by=v["by"])
                for k, v in (self.raw.judgements or {}).items()]  # type: ignore[attr-defined]

    @strawberry.field(description="Null until recorded, and when recruitment details are hidden from you.")
    def police_opinion(self, info: Info) -> PoliceOpinion | None:
        a = self.raw
        if a.police_favourable is None or not self._visible(info):  # type: ignore[attr-defined]
            return None
        return PoliceOpinion(favourable=a.police_favourable, opinion=a.police_opinion or "",  # type: ignore[attr-defined]
                             by=a.police_by or "", at=a.police_at)  # type: ignore[attr-defined]

    @strawberry.field
    def notice(self) -> PublicNotice | None:
        a = self.raw
        if a.notice_posted_on is None:  # type: ignore[attr-defined]
            return None
        return PublicNotice(posted_on=a.notice_posted_on, min_last_day=a.notice_min_last_day,  # type: ignore[attr-defined]
                            max_last_day=a.notice_max_last_day, confirmable_from=a.confirmable_from)  # type: ignore[attr-defined]

    @strawberry.field
    async def person(self, info: Info) -> Person | None:
        return await person_by_id(info, self.raw.person_id)  # type: ignore[attr-defined]

    @strawberry.field
    async def service_area(self, info: Info) -> ServiceArea | None:
        a = await info.context.loaders.area.load(self.raw.service_area_id)  # type: ignore[attr-defined]
        return ServiceArea.of(a) if a and info.context.viewer.can_read(a.path) else None

    @strawberry.field(description="Residents who signed a resident nomination (those you may read, masked as for you).")
    async def signers(self, info: Info) -> list[Person]:
        from models.people import Person as P
        from models.recruitment import NominationSigner

        ids = await NominationSigner.filter(application_id=self.raw.id).order_by("id").values_list("person_id", flat=True)  # type: ignore[attr-defined]
        rows = {p.id: p for p in await P.filter(id__in=list(ids))}
        return await people_of(info, [rows[i] for i in ids if i in rows])

    @strawberry.field
    async def objections(self, info: Info) -> list[Objection]:
        from models.recruitment import Objection as O

        can_read = info.context.viewer.can_read
        return [Objection.of(o) for o in await O.filter(application_id=self.raw.id).order_by("id") if can_read(o.path)]  # type: ignore[attr-defined]

    @strawberry.field(description="Every step, who took it and when, oldest first.")
    async def history(self, info: Info) -> list[ApplicationEvent]:
        from models.recruitment import ApplicationEvent as E
        from policy.privacy import CONFIDENTIAL_STEPS

        visible = self._visible(info)
        return [ApplicationEvent(step=e.step, on=e.on, at=e.at, by=e.by_label,
                                 note=e.note if visible or e.step not in CONFIDENTIAL_STEPS else None)
                for e in await E.filter(application_id=self.raw.id).order_by("id")]  # type: ignore[attr-defined]

    @strawberry.field(description="The term of service that began on publication.")
    async def term(self, info: Info) -> BuildingHeadTerm | None:
        from models.recruitment import BuildingHead

        t = await BuildingHead.filter(application_id=self.raw.id).first()  # type: ignore[attr-defined]
        return BuildingHeadTerm.of(t) if t and info.context.viewer.can_read(t.path) else None


@strawberry.type(description="A service area whose seats a campaign fills, with its applicants ranked.")
class CampaignSeat:
    service_area: ServiceArea
    rollup: Rollup
    applications: list[Application] = strawberry.field(description="Ranked: interview score, then preference flags, then earlier application.")


@strawberry.type(description="A community's recruitment of building heads.")
class RecruitmentCampaign(Node):
    pk: strawberry.Private[int]
    community_id: strawberry.Private[int]
    name: str
    notice_text: str
    opened_on: date
    closed_on: date | None

    @classmethod
    def of(cls, c) -> "RecruitmentCampaign":
        return cls(id=to_global_id("RecruitmentCampaign", c.id), pk=c.id, community_id=c.community_id, name=c.name,
                   notice_text=c.notice_text, opened_on=c.opened_on, closed_on=c.closed_on)

    @strawberry.field
    async def community(self, info: Info) -> TreeNode | None:
        row = await info.context.loaders.node.load(self.community_id)
        return tree_node(row) if row and info.context.viewer.can_read(row.path) else None

    @strawberry.field(description="Seats: each service area of the campaign with households, heads, vacancies and applicants.")
    async def seats(self, info: Info) -> list[CampaignSeat]:
        from resolvers.recruitment.campaigns import campaign_seats

        return [CampaignSeat(service_area=ServiceArea.of(s.area), rollup=Rollup.of(s.figures),
                             applications=[Application.of(a) for a in s.applications])
                for s in await campaign_seats(info.context.viewer, self.pk)]


@strawberry.enum
class RecruitmentErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    STEP_OUT_OF_ORDER = "STEP_OUT_OF_ORDER"
    POLICE_OPINION_REQUIRED = "POLICE_OPINION_REQUIRED"
    POLICE_OPINION_UNFAVOURABLE = "POLICE_OPINION_UNFAVOURABLE"
    SIGNER_OTHER_BUILDING = "SIGNER_OTHER_BUILDING"
    SIGNER_DUPLICATE = "SIGNER_DUPLICATE"
    SIGNER_IS_NOMINEE = "SIGNER_IS_NOMINEE"
    TOO_FEW_SIGNERS = "TOO_FEW_SIGNERS"
    ORGANISATION_REQUIRED = "ORGANISATION_REQUIRED"
    NOT_IN_CAMPAIGN = "NOT_IN_CAMPAIGN"
    NO_SERVICE_AREAS = "NO_SERVICE_AREAS"
    CAMPAIGN_CLOSED = "CAMPAIGN_CLOSED"
    ALREADY_APPLIED = "ALREADY_APPLIED"
    NOTICE_TOO_SHORT = "NOTICE_TOO_SHORT"
    NOTICE_CLOSED = "NOTICE_CLOSED"
    OBJECTION_OPEN = "OBJECTION_OPEN"
    ALREADY_RESOLVED = "ALREADY_RESOLVED"
    UNKNOWN_YEAR = "UNKNOWN_YEAR"
    INVALID_DATE_ORDER = "INVALID_DATE_ORDER"
    AREA_FULL = "AREA_FULL"
    TERM_ENDED = "TERM_ENDED"
    RESIGNATION_TOO_EARLY = "RESIGNATION_TOO_EARLY"
    NOT_AT_TERM_END = "NOT_AT_TERM_END"
    WRONG_REASON = "WRONG_REASON"
    FUTURE_DATE = "FUTURE_DATE"
    ALREADY_SERVING = "ALREADY_SERVING"
    RESIGNATION_PENDING = "RESIGNATION_PENDING"


@error_codes(RecruitmentErrorCode)
@strawberry.type
class RecruitmentError(UserError):
    code: RecruitmentErrorCode
    missing_step: str | None = strawberry.field(default=None, description="With STEP_OUT_OF_ORDER: the step that must come first.")


RecruitmentError._extra_fields = ("missing_step",)  # type: ignore[attr-defined]


@strawberry.input
class RecruitmentCampaignOpenInput:
    community_id: strawberry.ID
    name: str
    opened_on: date
    notice_text: str = ""
    service_area_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The areas to fill; default: every open area of the community with a vacancy.")


@strawberry.type
class RecruitmentCampaignPayload:
    campaign: RecruitmentCampaign | None = None
    errors: list[RecruitmentError] = strawberry.field(default_factory=list)


@strawberry.input
class ApplicationSubmitInput:
    campaign_id: strawberry.ID
    service_area_id: strawberry.ID
    person_id: strawberry.ID
    channel: ChannelEnum  # type: ignore[valid-type]
    applied_on: date
    organisation: OrganisationEnum | None = None  # type: ignore[valid-type]
    signer_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="Resident nomination: at least 10 residents of the same building.")
    outstanding_waiver_reason: str | None = strawberry.field(default=None, description="An outstanding candidate aged 60–64: the reason for the waiver.")


@strawberry.input
class JudgementInput:
    item: JudgementItem
    passed: bool
    note: str = ""


@strawberry.enum(description="Why a signature of a resident nomination does not count.")
class RecruitmentWarningCode(Enum):
    SIGNER_DUPLICATE = "SIGNER_DUPLICATE"
    SIGNER_IS_NOMINEE = "SIGNER_IS_NOMINEE"
    SIGNER_OTHER_BUILDING = "SIGNER_OTHER_BUILDING"
    SIGNER_UNKNOWN = "SIGNER_UNKNOWN"


@strawberry.type(description="Something accepted but not counted, e.g. a signature of a resident nomination.")
class RecruitmentWarning(UserError):
    code: RecruitmentWarningCode

    @classmethod
    def of(cls, w, locale: str) -> "RecruitmentWarning":
        """From a policy.nomination.SignerWarning; ``field`` names the signer's index in signerIds."""
        return cls(code=RecruitmentWarningCode(w.code), field=["input", "signerIds", str(w.index)],
                   message=render(w.code, locale, w.params))


@strawberry.type
class ApplicationPayload:
    application: Application | None = None
    errors: list[RecruitmentError] = strawberry.field(default_factory=list)
    warnings: list[RecruitmentWarning] = strawberry.field(
        default_factory=list, description="Signatures that do not count (the nomination stands when enough do).")


@strawberry.type
class ObjectionPayload:
    objection: Objection | None = None
    application: Application | None = None
    errors: list[RecruitmentError] = strawberry.field(default_factory=list)


@strawberry.type
class TermPayload:
    term: BuildingHeadTerm | None = None
    errors: list[RecruitmentError] = strawberry.field(default_factory=list)


@strawberry.type(description="A service area with fewer active heads than seats: a recruitment need.")
class RecruitmentNeed:
    service_area: ServiceArea
    rollup: Rollup


# node(id:) for the recruitment types: found and within the caller's scope, or null
register("RecruitmentCampaign", rows.RecruitmentCampaign, RecruitmentCampaign.of)
register("Application", rows.Application, Application.of)
register("Objection", rows.Objection, Objection.of)
