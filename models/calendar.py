"""Working-day arrangements entered by an administrator (docs/policy.md §5 step 5)."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class WorkingDayYear(Model):
    """One year's State Council holiday arrangement, as entered through the API.
    Overrides the seed from the chinese-calendar package for that year."""

    id = fields.BigIntField(primary_key=True)
    year = fields.IntField(unique=True)
    holidays = fields.JSONField(default=list)  # ISO dates
    makeup_workdays = fields.JSONField(default=list)  # ISO dates
    note = fields.CharField(max_length=200, default="")
    entered_by_id = fields.BigIntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "working_day_year"
