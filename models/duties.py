"""The building heads' duties as records (docs/policy.md §6): households and their visits,
inspections and their findings, and the register of vulnerable people.

Every record carries ``path`` (its building's path: scope checks are one prefix match) and
``workstation_id`` (its compound's workstation, when it has one: the ledger pages by it)."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from policy.duties import FindingKind, FindingStatus, VulnerableCategory


class Household(Model):
    """A household (户) of a building or village group, with its information form."""

    id = fields.BigIntField(primary_key=True)
    building: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="household_records", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)  # the building's path
    workstation_id = fields.BigIntField(null=True)
    door_number = fields.CharField(max_length=32)
    contact_name = fields.CharField(max_length=50, null=True)  # personal data
    contact_phone = fields.CharField(max_length=20, null=True)  # personal data
    occupants = fields.SmallIntField(default=0)
    vulnerable_members = fields.SmallIntField(default=0)
    needs = fields.TextField(default="")
    form_updated_on = fields.DateField(null=True)
    closed_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    building_id: int

    class Meta:
        table = "household"
        unique_together = (("building", "door_number"),)


class HouseholdVisit(Model):
    """A building head's visit to a household, with the form as it was found that day."""

    id = fields.BigIntField(primary_key=True)
    household: fields.ForeignKeyRelation[Household] = fields.ForeignKeyField(
        "grassroots.Household", related_name="visits", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255)
    workstation_id = fields.BigIntField(null=True)
    term_id = fields.BigIntField(null=True)  # the building head's term, when a head visited
    visited_on = fields.DateField()
    occupants = fields.SmallIntField()
    vulnerable_members = fields.SmallIntField()
    needs = fields.TextField(default="")
    note = fields.TextField(default="")
    recorded_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    household_id: int

    class Meta:
        table = "household_visit"


class Inspection(Model):
    """A building head's inspection of a building (at least one a week)."""

    id = fields.BigIntField(primary_key=True)
    building: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="inspections", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255)
    workstation_id = fields.BigIntField(null=True)
    term_id = fields.BigIntField(null=True)
    inspected_on = fields.DateField()
    note = fields.TextField(default="")
    recorded_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    building_id: int

    class Meta:
        table = "inspection"


class Finding(Model):
    """What an inspection found. A safety hazard stays OPEN, with follow-ups, until closed."""

    id = fields.BigIntField(primary_key=True)
    inspection: fields.ForeignKeyRelation[Inspection] = fields.ForeignKeyField(
        "grassroots.Inspection", related_name="findings", on_delete=fields.CASCADE
    )
    path = fields.CharField(max_length=255, db_index=True)
    kind = fields.CharEnumField(FindingKind, max_length=24)
    description = fields.TextField()
    status = fields.CharEnumField(FindingStatus, max_length=8)
    closed_on = fields.DateField(null=True)

    inspection_id: int

    class Meta:
        table = "finding"


class FindingFollowUp(Model):
    id = fields.BigIntField(primary_key=True)
    finding: fields.ForeignKeyRelation[Finding] = fields.ForeignKeyField(
        "grassroots.Finding", related_name="follow_ups", on_delete=fields.CASCADE
    )
    on = fields.DateField()
    note = fields.TextField()
    closes = fields.BooleanField(default=False)
    recorded_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    finding_id: int

    class Meta:
        table = "finding_follow_up"


class VulnerablePerson(Model):
    """The register of vulnerable people (§6.5). Name and details are personal data."""

    id = fields.BigIntField(primary_key=True)
    building: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="vulnerable_people", on_delete=fields.RESTRICT
    )
    household_id = fields.BigIntField(null=True)
    path = fields.CharField(max_length=255, db_index=True)
    workstation_id = fields.BigIntField(null=True)
    name = fields.CharField(max_length=50)
    category = fields.CharEnumField(VulnerableCategory, max_length=24)
    details = fields.TextField(default="")
    registered_on = fields.DateField()
    ended_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    building_id: int

    class Meta:
        table = "vulnerable_person"


class HelpGiven(Model):
    id = fields.BigIntField(primary_key=True)
    vulnerable_person: fields.ForeignKeyRelation[VulnerablePerson] = fields.ForeignKeyField(
        "grassroots.VulnerablePerson", related_name="help", on_delete=fields.CASCADE
    )
    path = fields.CharField(max_length=255)
    helped_on = fields.DateField()
    help = fields.TextField()
    recorded_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    vulnerable_person_id: int

    class Meta:
        table = "help_given"
