"""Policy parameters with effective dates, set per district and overridable lower down (§12)."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PolicyParameter(Model):
    id = fields.BigIntField(primary_key=True)
    node: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="parameters", on_delete=fields.CASCADE
    )
    path = fields.CharField(max_length=255, db_index=True)
    key = fields.CharField(max_length=48)
    value = fields.CharField(max_length=64)
    effective_from = fields.DateField()
    set_by_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    node_id: int

    class Meta:
        table = "policy_parameter"
        unique_together = (("node", "key", "effective_from"),)
