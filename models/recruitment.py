"""Recruitment of building heads and their terms of service (docs/policy.md §5, §11)."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from policy.kinds import HeadKind, TermStatus
from policy.recruitment import ApplicationStatus, Channel, ObjectionStatus, Organisation


class BuildingHead(Model):
    """A term of service of a building head (or village group leader) for one service area."""

    id = fields.BigIntField(primary_key=True)
    person: fields.ForeignKeyRelation["Person"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Person", related_name="terms", on_delete=fields.RESTRICT
    )
    service_area: fields.ForeignKeyRelation["ServiceArea"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.ServiceArea", related_name="terms", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)  # the service area's container path
    kind = fields.CharEnumField(HeadKind, max_length=16)
    status = fields.CharEnumField(TermStatus, max_length=8, default=TermStatus.ACTIVE)
    starts_on = fields.DateField()
    ends_on = fields.DateField()  # planned end of the term
    ended_on = fields.DateField(null=True)
    end_reason = fields.CharField(max_length=40, null=True)
    recorded_from_register = fields.BooleanField(default=False)  # entered from a paper register
    application: fields.ForeignKeyNullableRelation["Application"] = fields.ForeignKeyField(
        "grassroots.Application", related_name="terms", null=True, on_delete=fields.SET_NULL
    )
    resignation_requested_on = fields.DateField(null=True)
    public_phone = fields.CharField(max_length=20, null=True)  # the number shown on the notice boards
    renewed_from: fields.ForeignKeyNullableRelation["BuildingHead"] = fields.ForeignKeyField(
        "grassroots.BuildingHead", related_name="renewals", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    person_id: int
    service_area_id: int

    class Meta:
        table = "building_head"
        # held by partial/unique indexes in migrations/0003_integrity.py (tortoise's Meta has no
        # unique partial index): uq_building_head_active (person, service_area) WHERE status = 'ACTIVE',
        # uq_building_head_application (application), uq_building_head_renewed_from (renewed_from)


class RecruitmentCampaign(Model):
    """A community's recruitment ("election") of building heads for some of its areas."""

    id = fields.BigIntField(primary_key=True)
    community: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="recruitment_campaigns", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    name = fields.CharField(max_length=100)
    notice_text = fields.TextField(default="")
    opened_on = fields.DateField()
    closed_on = fields.DateField(null=True)
    opened_by_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int

    class Meta:
        table = "recruitment_campaign"


class CampaignArea(Model):
    """A service area whose seats the campaign fills."""

    id = fields.BigIntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[RecruitmentCampaign] = fields.ForeignKeyField(
        "grassroots.RecruitmentCampaign", related_name="areas", on_delete=fields.CASCADE
    )
    service_area: fields.ForeignKeyRelation["ServiceArea"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.ServiceArea", related_name="campaign_areas", on_delete=fields.RESTRICT
    )

    campaign_id: int
    service_area_id: int

    class Meta:
        table = "campaign_area"
        unique_together = (("campaign", "service_area"),)


class Application(Model):
    id = fields.BigIntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[RecruitmentCampaign] = fields.ForeignKeyField(
        "grassroots.RecruitmentCampaign", related_name="applications", on_delete=fields.RESTRICT
    )
    service_area: fields.ForeignKeyRelation["ServiceArea"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.ServiceArea", related_name="applications", on_delete=fields.RESTRICT
    )
    person: fields.ForeignKeyRelation["Person"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Person", related_name="applications", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)  # the area's container path
    channel = fields.CharEnumField(Channel, max_length=16)
    organisation = fields.CharEnumField(Organisation, max_length=24, null=True)
    applied_on = fields.DateField()
    status = fields.CharEnumField(ApplicationStatus, max_length=20, default=ApplicationStatus.APPLIED)
    outstanding_waiver_reason = fields.CharField(max_length=300, null=True)
    eligibility_failures = fields.JSONField(default=list)  # [{code, message_zh, message_en}]
    judgements = fields.JSONField(default=dict)  # {conduct: {passed, note, by}, ...}
    police_opinion = fields.TextField(null=True)
    police_favourable = fields.BooleanField(null=True)
    police_by = fields.CharField(max_length=64, null=True)
    police_at = fields.DatetimeField(null=True)
    interview_score = fields.DecimalField(max_digits=5, decimal_places=2, null=True)
    interview_notes = fields.TextField(default="")
    notice_posted_on = fields.DateField(null=True)
    notice_min_last_day = fields.DateField(null=True)
    notice_max_last_day = fields.DateField(null=True)
    confirmable_from = fields.DateField(null=True)
    confirmed_on = fields.DateField(null=True)
    filed_on = fields.DateField(null=True)
    filing_reference = fields.CharField(max_length=64, null=True)
    agreement_signed_on = fields.DateField(null=True)
    trained_on = fields.DateField(null=True)
    published_on = fields.DateField(null=True)
    withdrawn_reason = fields.CharField(max_length=300, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    campaign_id: int
    service_area_id: int
    person_id: int

    class Meta:
        table = "application"
        # uq_application_person_campaign (campaign, person) WHERE status <> 'WITHDRAWN' (migration 0003)


class NominationSigner(Model):
    """A resident who signed a resident nomination (at least 10 from the same building)."""

    id = fields.BigIntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "grassroots.Application", related_name="signers", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation["Person"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Person", related_name="signatures", on_delete=fields.RESTRICT
    )

    application_id: int
    person_id: int

    class Meta:
        table = "nomination_signer"
        unique_together = (("application", "person"),)


class Objection(Model):
    """A resident's objection raised during the public notice."""

    id = fields.BigIntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "grassroots.Application", related_name="objections", on_delete=fields.CASCADE
    )
    path = fields.CharField(max_length=255, db_index=True)
    raised_by = fields.CharField(max_length=100)
    text = fields.TextField()
    raised_on = fields.DateField()
    status = fields.CharEnumField(ObjectionStatus, max_length=12, default=ObjectionStatus.OPEN)
    resolution = fields.TextField(null=True)
    resolved_by = fields.CharField(max_length=64, null=True)
    resolved_at = fields.DatetimeField(null=True)

    application_id: int

    class Meta:
        table = "objection"


class ApplicationEvent(Model):
    """Every step of an application: who did it and when (its history)."""

    id = fields.BigIntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "grassroots.Application", related_name="events", on_delete=fields.CASCADE
    )
    step = fields.CharField(max_length=32)
    on = fields.DateField(null=True)  # the business date the step took effect
    at = fields.DatetimeField(auto_now_add=True)
    by_user_id = fields.BigIntField(null=True)
    by_label = fields.CharField(max_length=100)
    note = fields.TextField(default="")

    application_id: int

    class Meta:
        table = "application_event"


class HeadChangeFiling(Model):
    """Every change of building heads, filed with the subdistrict's competent section (§11)."""

    id = fields.BigIntField(primary_key=True)
    term: fields.ForeignKeyRelation[BuildingHead] = fields.ForeignKeyField(
        "grassroots.BuildingHead", related_name="filings", on_delete=fields.CASCADE
    )
    path = fields.CharField(max_length=255, db_index=True)
    change = fields.CharField(max_length=16)  # START, END, RENEWAL, RESIGNATION
    effective_on = fields.DateField()
    reason = fields.CharField(max_length=300, default="")
    filed_by = fields.CharField(max_length=100)
    filed_at = fields.DatetimeField(auto_now_add=True)
    # the absence action (an ending by unexcused absences, or its reversal) this filing records
    absence_action_id = fields.BigIntField(null=True)

    term_id: int

    class Meta:
        table = "head_change_filing"
        # uq_head_change_filing_term_change (term, change) WHERE absence_action_id IS NULL: one filing of
        # each change per term (migrations 0003, 0007); uq_head_change_filing_action (absence_action_id, change)
