"""Regular meetings, attendance, concerns, and what the absences lead to (docs/policy.md §7)."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from policy.meetings import AbsenceActionKind, AttendanceStatus, ConcernStatus, MeetingKind


class Meeting(Model):
    """A workstation's weekly meeting of one kind. One per workstation, kind and week
    (``uq_meeting_week``): the scheduling job may run any number of times."""

    id = fields.BigIntField(primary_key=True)
    workstation: fields.ForeignKeyRelation["Workstation"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Workstation", related_name="meetings", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)  # the compound's path
    kind = fields.CharEnumField(MeetingKind, max_length=16)
    week_of = fields.DateField()  # the Monday of its week (Asia/Shanghai business dates)
    monthly = fields.BooleanField(default=False)  # the first building heads' meeting of a month
    held_on = fields.DateField()  # planned date, then the date it was held
    agenda = fields.TextField(default="")
    minutes = fields.TextField(default="")
    police_person_id = fields.BigIntField(null=True)  # the community police officer invited (monthly)
    attendance_recorded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    workstation_id: int

    class Meta:
        table = "meeting"
        unique_together = (("workstation", "kind", "week_of"),)


class Attendance(Model):
    """One person's attendance at one meeting (``uq``: meeting, person)."""

    id = fields.BigIntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "grassroots.Meeting", related_name="attendance", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation["Person"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Person", related_name="attendance", on_delete=fields.RESTRICT
    )
    term_id = fields.BigIntField(null=True)  # the building-head term the person attended as
    path = fields.CharField(max_length=255, db_index=True)
    status = fields.CharEnumField(AttendanceStatus, max_length=12)
    leave_reason = fields.CharField(max_length=300, null=True)
    recorded_at = fields.DatetimeField(auto_now=True)

    meeting_id: int
    person_id: int

    class Meta:
        table = "attendance"
        unique_together = (("meeting", "person"),)


class Concern(Model):
    """A residents' concern taken up at a workstation meeting: owner, deadline, status, and
    whether its measures and deadline are made public on the notice board."""

    id = fields.BigIntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "grassroots.Meeting", related_name="concerns", on_delete=fields.RESTRICT
    )
    workstation_id = fields.BigIntField()
    path = fields.CharField(max_length=255, db_index=True)
    title = fields.CharField(max_length=200)
    measures = fields.TextField(default="")
    owner = fields.CharField(max_length=50)
    deadline = fields.DateField()
    status = fields.CharEnumField(ConcernStatus, max_length=12, default=ConcernStatus.OPEN)
    public = fields.BooleanField(default=False)
    raised_on = fields.DateField()
    resolved_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    meeting_id: int

    class Meta:
        table = "concern"


class AbsenceAction(Model):
    """What unexcused absences led to in a term: the station head warned (WARNING) or the service
    ended (ENDING). Reversed (``reversed_at``) when a correction takes the count back below the
    threshold; never deleted. At most one live action of each kind per term
    (``uq_absence_action_live``, a partial unique index)."""

    id = fields.BigIntField(primary_key=True)
    term: fields.ForeignKeyRelation["BuildingHead"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.BuildingHead", related_name="absence_actions", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    workstation_id = fields.BigIntField(null=True)
    kind = fields.CharEnumField(AbsenceActionKind, max_length=8)
    meeting_id = fields.BigIntField()  # the meeting whose absence reached the threshold
    absences = fields.SmallIntField()
    effective_on = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True)
    reversed_at = fields.DatetimeField(null=True)
    reversed_by = fields.CharField(max_length=100, null=True)

    term_id: int

    class Meta:
        table = "absence_action"
