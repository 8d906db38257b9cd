"""Workstations, their community plans and set-up campaigns, and station heads (docs/policy.md §4)."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from policy.kinds import PlanStatus, PremisesKind, StationHeadSource


class WorkstationCampaign(Model):
    """A set-up campaign with its two deadlines: premises in place, station in use."""

    id = fields.BigIntField(primary_key=True)
    node: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="workstation_campaigns", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    name = fields.CharField(max_length=100)
    premises_deadline = fields.DateField()
    in_use_deadline = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True)

    node_id: int

    class Meta:
        table = "workstation_campaign"


class WorkstationPlan(Model):
    """"One community, one plan": approved by the subdistrict, filed with the new-town office."""

    id = fields.BigIntField(primary_key=True)
    community: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="workstation_plans", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    description = fields.TextField(default="")
    status = fields.CharEnumField(PlanStatus, max_length=16, default=PlanStatus.DRAFT)
    approved_by_id = fields.BigIntField(null=True)
    approved_at = fields.DatetimeField(null=True)
    filed_by_id = fields.BigIntField(null=True)
    filed_at = fields.DatetimeField(null=True)
    filing_reference = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int

    class Meta:
        table = "workstation_plan"
        unique_together = (("community",),)


class Workstation(Model):
    id = fields.BigIntField(primary_key=True)
    compound: fields.OneToOneRelation["Node"] = fields.OneToOneField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="workstation", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)  # the compound's path
    name = fields.CharField(max_length=120)
    campaign: fields.ForeignKeyNullableRelation[WorkstationCampaign] = fields.ForeignKeyField(
        "grassroots.WorkstationCampaign", related_name="workstations", null=True, on_delete=fields.SET_NULL
    )
    premises_kind = fields.CharEnumField(PremisesKind, max_length=24, null=True)
    layout = fields.TextField(default="")
    premises_ready_on = fields.DateField(null=True)
    in_use_on = fields.DateField(null=True)
    # the "four haves" (四有): the date each was in place
    office_on = fields.DateField(null=True)
    sign_on = fields.DateField(null=True)
    equipment_on = fields.DateField(null=True)
    rules_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    compound_id: int
    campaign_id: int | None

    class Meta:
        table = "workstation"


class StationHeadAppointment(Model):
    """A station head's appointment by the subdistrict, with its appointment letter.

    ``active_person_id`` and ``active_workstation_id`` equal the person's and the
    workstation's ids while the appointment runs and are NULL once it ends. Both
    are UNIQUE, so the database itself refuses a second running appointment of one
    person (one person heads at most one station) or of one workstation, whatever
    the race. NULLs never collide, on SQLite or PostgreSQL.
    """

    id = fields.BigIntField(primary_key=True)
    workstation: fields.ForeignKeyRelation[Workstation] = fields.ForeignKeyField(
        "grassroots.Workstation", related_name="appointments", on_delete=fields.RESTRICT
    )
    person: fields.ForeignKeyRelation["Person"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Person", related_name="station_head_appointments", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    source = fields.CharEnumField(StationHeadSource, max_length=24)
    letter_number = fields.CharField(max_length=64)
    filing_reference = fields.CharField(max_length=64)  # the new-town office's record of the list
    appointed_on = fields.DateField()
    appointed_by_id = fields.BigIntField(null=True)
    ended_on = fields.DateField(null=True)
    end_reason = fields.CharField(max_length=300, null=True)
    public_phone = fields.CharField(max_length=20, null=True)  # the number shown on the notice boards
    active_person_id = fields.BigIntField(null=True, unique=True)
    active_workstation_id = fields.BigIntField(null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    workstation_id: int
    person_id: int

    class Meta:
        table = "station_head_appointment"
