"""The background work's records (docs/policy.md §8–§10, §12): job runs, payrolls and their lines,
top-ups and adjustments, performance records, assessments and excellence, insurance, the
workstation fund. Money is ``Decimal`` (two decimals) end to end."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from policy.money import (
    AssessmentKind, AssessmentStatus, Grade, InsuranceOutcome, JobStatus, LineKind, PayrollStatus,
)


def _money(**kw):
    return fields.DecimalField(max_digits=14, decimal_places=2, **kw)


class JobRun(Model):
    """One run of a scheduled job for one period ("2026-11", "2026-11-05", "2026"): one row per
    (job, period, scope) — a rerun (a second worker, a restart after a crash) takes the same row."""

    id = fields.BigIntField(primary_key=True)
    job = fields.CharField(max_length=48)
    period = fields.CharField(max_length=16)
    scope_path = fields.CharField(max_length=255, default="/")  # "/" for the whole system
    status = fields.CharEnumField(JobStatus, max_length=12)
    attempt = fields.SmallIntField(default=1)
    started_at = fields.DatetimeField()
    heartbeat_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    outcome = fields.TextField(default="")
    counts = fields.JSONField(default=dict)
    progress = fields.IntField(default=0)
    total = fields.IntField(default=0)
    started_by = fields.CharField(max_length=100)

    class Meta:
        table = "job_run"
        unique_together = (("job", "period", "scope_path"),)


class Payroll(Model):
    """A subdistrict's monthly payroll: draft → approved → paid (one per subdistrict and month)."""

    id = fields.BigIntField(primary_key=True)
    subdistrict: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="payrolls", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    month = fields.DateField()  # the first day of the month
    status = fields.CharEnumField(PayrollStatus, max_length=12, default=PayrollStatus.DRAFT)
    total = _money(default=0)
    computed_at = fields.DatetimeField(null=True)
    approved_at = fields.DatetimeField(null=True)
    approved_by = fields.CharField(max_length=100, null=True)
    paid_on = fields.DateField(null=True)
    paid_by = fields.CharField(max_length=100, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    subdistrict_id: int

    class Meta:
        table = "payroll"
        unique_together = (("subdistrict", "month"),)


class PayrollLine(Model):
    """One line: what one person is paid for one reason. ``source`` names what the line comes
    from ("BH:<term>", "SH:<appointment>", "TU:<top-up>:<term>", "EX:<selection>", "ADJ:<adjustment>"):
    unique per payroll, and excellence bonuses and adjustments unique across payrolls (paid once)."""

    id = fields.BigIntField(primary_key=True)
    payroll: fields.ForeignKeyRelation[Payroll] = fields.ForeignKeyField(
        "grassroots.Payroll", related_name="lines", on_delete=fields.CASCADE
    )
    path = fields.CharField(max_length=255, db_index=True)  # the community's path (the payee's)
    community_id = fields.BigIntField()
    person_id = fields.BigIntField()
    term_id = fields.BigIntField(null=True)
    appointment_id = fields.BigIntField(null=True)
    kind = fields.CharEnumField(LineKind, max_length=20)
    source = fields.CharField(max_length=64)
    days = fields.SmallIntField(default=0)  # days served in the month (0 for bonuses and adjustments)
    amount = _money()
    note = fields.CharField(max_length=300, default="")

    payroll_id: int

    class Meta:
        table = "payroll_line"
        unique_together = (("payroll", "source"),)


class TopUp(Model):
    """An approved major-task top-up (epidemic control, census): an amount per building head
    serving in the month, at a node (a subdistrict or below)."""

    id = fields.BigIntField(primary_key=True)
    node: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="top_ups", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    month = fields.DateField()
    amount = _money()
    reason = fields.CharField(max_length=200)
    approved_on = fields.DateField()
    approved_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    node_id: int

    class Meta:
        table = "top_up"


class PayrollAdjustment(Model):
    """A correction of an approved payroll, paid as a line of a later one (exactly once)."""

    id = fields.BigIntField(primary_key=True)
    path = fields.CharField(max_length=255, db_index=True)  # the community's path
    community_id = fields.BigIntField()
    subdistrict_id = fields.BigIntField()
    person_id = fields.BigIntField()
    term_id = fields.BigIntField(null=True)
    corrects_payroll_id = fields.BigIntField()
    amount = _money()  # positive or negative
    reason = fields.CharField(max_length=300)
    recorded_on = fields.DateField()
    recorded_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payroll_adjustment"


class PerformanceRecord(Model):
    """A building head's monthly performance record, computed from the duties, frozen once the
    month is assessed (one per term and month)."""

    id = fields.BigIntField(primary_key=True)
    term: fields.ForeignKeyRelation["BuildingHead"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.BuildingHead", related_name="performance_records", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    month = fields.DateField()
    figures = fields.JSONField(default=dict)  # the duty figures the score comes from
    score = fields.DecimalField(max_digits=6, decimal_places=2)  # 0–100
    notes = fields.TextField(default="")  # the community's own notes
    computed_at = fields.DatetimeField()
    frozen_at = fields.DatetimeField(null=True)

    term_id: int

    class Meta:
        table = "performance_record"
        unique_together = (("term", "month"),)


class Assessment(Model):
    """A probation or annual assessment of a term: proposed by the system, confirmed by the
    community, signed off by the police officer and the units (one per term, kind and year;
    year 0 for probation)."""

    id = fields.BigIntField(primary_key=True)
    term: fields.ForeignKeyRelation["BuildingHead"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.BuildingHead", related_name="assessments", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    kind = fields.CharEnumField(AssessmentKind, max_length=12)
    year = fields.SmallIntField(default=0)
    proposed_grade = fields.CharEnumField(Grade, max_length=12, null=True)
    grade = fields.CharEnumField(Grade, max_length=12, null=True)  # the confirmed one
    score = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    status = fields.CharEnumField(AssessmentStatus, max_length=12, default=AssessmentStatus.PROPOSED)
    assessed_on = fields.DateField(null=True)
    confirmed_by = fields.CharField(max_length=100, null=True)
    confirmed_at = fields.DatetimeField(null=True)
    police_signed_by = fields.CharField(max_length=100, null=True)
    police_signed_at = fields.DatetimeField(null=True)
    units_signed_by = fields.CharField(max_length=100, null=True)
    units_signed_at = fields.DatetimeField(null=True)
    note = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    term_id: int

    class Meta:
        table = "assessment"
        unique_together = (("term", "kind", "year"),)


class ExcellenceSelection(Model):
    """A compound's excellent building head of a year: proposed (ranked), confirmed by the
    community, signed off by the police; then paid one extra month once (a payroll line whose
    source is "EX:<id>")."""

    id = fields.BigIntField(primary_key=True)
    compound: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="excellence", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    year = fields.SmallIntField()
    term: fields.ForeignKeyRelation["BuildingHead"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.BuildingHead", related_name="excellence", on_delete=fields.RESTRICT
    )
    rank = fields.SmallIntField()
    status = fields.CharEnumField(AssessmentStatus, max_length=12, default=AssessmentStatus.PROPOSED)
    confirmed_by = fields.CharField(max_length=100, null=True)
    confirmed_at = fields.DatetimeField(null=True)
    signed_by = fields.CharField(max_length=100, null=True)
    signed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    compound_id: int
    term_id: int

    class Meta:
        table = "excellence_selection"
        unique_together = (("compound", "year", "term"),)


class InsuranceCheck(Model):
    """The check three months after a term's start (§10): one per term."""

    id = fields.BigIntField(primary_key=True)
    term: fields.ForeignKeyRelation["BuildingHead"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.BuildingHead", related_name="insurance_checks", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    due_on = fields.DateField()
    outcome = fields.CharEnumField(InsuranceOutcome, max_length=20)
    checked_at = fields.DatetimeField()

    term_id: int

    class Meta:
        table = "insurance_check"
        unique_together = (("term",),)


class InsurancePurchase(Model):
    """The accident insurance bought by the community for an eligible head (one per term)."""

    id = fields.BigIntField(primary_key=True)
    term: fields.ForeignKeyRelation["BuildingHead"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.BuildingHead", related_name="insurance_purchases", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    insurer = fields.CharField(max_length=100)
    policy_number = fields.CharField(max_length=64)
    cover_from = fields.DateField()
    cover_to = fields.DateField()
    premium = _money()
    recorded_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    term_id: int

    class Meta:
        table = "insurance_purchase"
        unique_together = (("term",),)


class FundEntry(Model):
    """Spending from a workstation's yearly operating fund."""

    id = fields.BigIntField(primary_key=True)
    workstation: fields.ForeignKeyRelation["Workstation"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Workstation", related_name="fund_entries", on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    year = fields.SmallIntField()
    spent_on = fields.DateField()
    amount = _money()
    description = fields.CharField(max_length=300)
    recorded_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    workstation_id: int

    class Meta:
        table = "fund_entry"
