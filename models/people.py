"""People and their staff roles (docs/policy.md §2, §4, §5)."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from policy.kinds import Gender, StaffKind


class Person(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=50)
    gender = fields.CharEnumField(Gender, max_length=8)
    # unique per district (uq_person_district_id_number, migration 0005): a register record
    # belongs to one district, and nothing tells a district what another one registers
    id_number = fields.CharField(max_length=18)
    birth_date = fields.DateField()
    phone = fields.CharField(max_length=20, null=True)
    home: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="registered_people", on_delete=fields.RESTRICT
    )  # the community (or higher node) whose register holds the person: their scope
    path = fields.CharField(max_length=255, db_index=True)  # the home node's path
    district_id = fields.BigIntField()  # the first segment of ``path``; kept in step by save()
    residence: fields.ForeignKeyNullableRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="residents", null=True, on_delete=fields.SET_NULL
    )  # building or village group lived in
    permanent_resident = fields.BooleanField(default=False)
    property_fee_paid = fields.BooleanField(default=True)
    violations = fields.JSONField(default=list)  # list of policy.kinds.Violation values
    party_member = fields.BooleanField(default=False)
    retired_cadre = fields.BooleanField(default=False)
    model_worker = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    home_id: int
    residence_id: int | None

    class Meta:
        table = "person"
        unique_together = (("district_id", "id_number"),)  # uq_person_district_id_number (migration 0005)

    async def save(self, *args, update_fields=None, **kwargs) -> None:  # type: ignore[override]
        """Every save derives ``district_id`` from ``path`` (bulk path rewrites set both)."""
        self.district_id = district_of(self.path)
        if update_fields is not None and "path" in update_fields and "district_id" not in update_fields:
            update_fields = [*update_fields, "district_id"]
        await super().save(*args, update_fields=update_fields, **kwargs)


def district_of(path: str) -> int:
    """The district a path lies in: its first segment ("/1/5/12/" → 1)."""
    return int(path.split("/")[1])


class StaffRole(Model):
    """A paid role: community worker, grid worker (full/part time), or community police
    serving one community (a police officer serving several has a row for each)."""

    id = fields.BigIntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "grassroots.Person", related_name="staff_roles", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(StaffKind, max_length=24)
    node: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="staff_roles", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    started_on = fields.DateField()
    ended_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    person_id: int
    node_id: int

    class Meta:
        table = "staff_role"
        # uq_staff_role_open (person, kind, node) WHERE ended_on IS NULL (migration 0003)
