"""Building heads' terms of service (DOMAIN.md §5, §11). Recruitment itself comes later."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from policy.kinds import HeadKind, TermStatus


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
    created_at = fields.DatetimeField(auto_now_add=True)

    person_id: int
    service_area_id: int

    class Meta:
        table = "building_head"
