"""The audit log: every mutation, who made it, when, on what, before and after."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor_user_id = fields.BigIntField(null=True, db_index=True)
    actor_api_key_id = fields.BigIntField(null=True)
    actor_label = fields.CharField(max_length=100)
    action = fields.CharField(max_length=64, db_index=True)  # the mutation's name
    object_type = fields.CharField(max_length=40)
    object_id = fields.BigIntField(null=True)
    path = fields.CharField(max_length=255, db_index=True)  # scope of the object
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)

    class Meta:
        table = "audit_entry"
