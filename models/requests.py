"""Resident requests, 12345 hotline work orders, disputes and emergencies (docs/policy.md §6)."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from policy.requests import DisputeOutcome, EscalationLevel, IncidentStatus, RequestChannel, RequestStatus


class ResidentRequest(Model):
    """A resident's request (诉求), or a 12345 work order (channel HOTLINE, with the hotline's
    ticket number: ``uq_request_ticket`` keeps one per district and ticket)."""

    id = fields.BigIntField(primary_key=True)
    building: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="requests", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    district_id = fields.BigIntField()
    workstation_id = fields.BigIntField(null=True)
    service_area_id = fields.BigIntField(null=True)  # routed to the building's service area
    channel = fields.CharEnumField(RequestChannel, max_length=16)
    ticket_number = fields.CharField(max_length=64, null=True)
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    resident_name = fields.CharField(max_length=50, null=True)  # personal data
    resident_phone = fields.CharField(max_length=20, null=True)  # personal data
    raised_on = fields.DateField()
    status = fields.CharEnumField(RequestStatus, max_length=12, default=RequestStatus.OPEN)
    resolution = fields.TextField(null=True)
    resolved_on = fields.DateField(null=True)
    handled_by_term_id = fields.BigIntField(null=True)
    satisfaction = fields.SmallIntField(null=True)  # 1-5, the resident's
    dispute = fields.BooleanField(default=False)
    dispute_outcome = fields.CharEnumField(DisputeOutcome, max_length=16, null=True)
    recorded_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    building_id: int

    class Meta:
        table = "resident_request"


class Incident(Model):
    """An emergency or early sign of instability, reported level by level (§6): the level it
    has reached, and when that level must acknowledge before it is passed up."""

    id = fields.BigIntField(primary_key=True)
    building: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="incidents", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    workstation_id = fields.BigIntField(null=True)
    term_id = fields.BigIntField(null=True)  # the reporting building head's term
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    reported_on = fields.DateField()
    reported_at = fields.DatetimeField()
    level = fields.CharEnumField(EscalationLevel, max_length=12)
    level_due_at = fields.DatetimeField(null=True)  # NULL once acknowledged at the top, or closed
    status = fields.CharEnumField(IncidentStatus, max_length=12, default=IncidentStatus.OPEN)
    closed_on = fields.DateField(null=True)
    recorded_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    building_id: int

    class Meta:
        table = "incident"


class IncidentStep(Model):
    """One level an incident reached: when, acknowledged when and by whom, or passed over
    (not acknowledged in time). One per incident and level."""

    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Incident] = fields.ForeignKeyField(
        "grassroots.Incident", related_name="steps", on_delete=fields.CASCADE
    )
    level = fields.CharEnumField(EscalationLevel, max_length=12)
    level_path = fields.CharField(max_length=255)  # the node answering at this level
    reached_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    acknowledged_at = fields.DatetimeField(null=True)
    acknowledged_by = fields.CharField(max_length=100, null=True)
    passed_over_at = fields.DatetimeField(null=True)
    note = fields.TextField(default="")

    incident_id: int

    class Meta:
        table = "incident_step"
        unique_together = (("incident", "level"),)
