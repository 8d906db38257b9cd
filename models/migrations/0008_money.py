"""The background work (docs/policy.md §8–§10): job runs, payrolls and their lines, top-ups,
adjustments, performance records, assessments, excellence selections, insurance checks and
purchases, the workstation fund.

"At most one" rules held by the database: one run row per job, period and scope; one payroll
per subdistrict and month; one line per payroll and source, and an excellence bonus or an
adjustment paid once across every payroll (``uq_payroll_line_once``, partial); one
performance record per term and month; one assessment per term, kind and year; one insurance
check and one purchase per term.
"""
from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from policy.money import AssessmentKind, AssessmentStatus, Grade, InsuranceOutcome, JobStatus, LineKind, PayrollStatus
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

INDEXES = [
    ("ix_payroll_line_person", "payroll_line", "person_id, kind"),
    ("ix_payroll_month", "payroll", "month, status"),
    ("ix_performance_record_month", "performance_record", "month"),
    ("ix_job_run_status", "job_run", "status, heartbeat_at"),
    ("ix_fund_entry_year", "fund_entry", "workstation_id, year"),
]


async def _forward(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script("CREATE UNIQUE INDEX uq_payroll_line_once ON payroll_line (source) "
                                "WHERE kind IN ('EXCELLENCE_BONUS', 'ADJUSTMENT')")
    for name, table, columns in INDEXES:
        await client.execute_script(f"CREATE INDEX {name} ON {table} ({columns})")


async def _backward(apps, schema_editor) -> None:
    client = schema_editor.client
    for name in ["uq_payroll_line_once", *(i[0] for i in INDEXES)]:
        await client.execute_script(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [('grassroots', '0007_duties')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Assessment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('term', fields.ForeignKeyField('grassroots.BuildingHead', source_field='term_id', db_constraint=True, to_field='id', related_name='assessments', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('kind', fields.CharEnumField(description='PROBATION: PROBATION\nANNUAL: ANNUAL', enum_type=AssessmentKind, max_length=12)),
                ('year', fields.SmallIntField(default=0)),
                ('proposed_grade', fields.CharEnumField(null=True, description='EXCELLENT: EXCELLENT\nQUALIFIED: QUALIFIED\nUNQUALIFIED: UNQUALIFIED', enum_type=Grade, max_length=12)),
                ('grade', fields.CharEnumField(null=True, description='EXCELLENT: EXCELLENT\nQUALIFIED: QUALIFIED\nUNQUALIFIED: UNQUALIFIED', enum_type=Grade, max_length=12)),
                ('score', fields.DecimalField(null=True, max_digits=6, decimal_places=2)),
                ('status', fields.CharEnumField(default=AssessmentStatus.PROPOSED, description='PROPOSED: PROPOSED\nCONFIRMED: CONFIRMED\nSIGNED_OFF: SIGNED_OFF', enum_type=AssessmentStatus, max_length=12)),
                ('assessed_on', fields.DateField(null=True)),
                ('confirmed_by', fields.CharField(null=True, max_length=100)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('police_signed_by', fields.CharField(null=True, max_length=100)),
                ('police_signed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('units_signed_by', fields.CharField(null=True, max_length=100)),
                ('units_signed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'assessment', 'app': 'grassroots', 'unique_together': (('term', 'kind', 'year'),), 'pk_attr': 'id', 'table_description': 'A probation or annual assessment of a term: proposed by the system, confirmed by the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ExcellenceSelection',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('compound', fields.ForeignKeyField('grassroots.Node', source_field='compound_id', db_constraint=True, to_field='id', related_name='excellence', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('year', fields.SmallIntField()),
                ('term', fields.ForeignKeyField('grassroots.BuildingHead', source_field='term_id', db_constraint=True, to_field='id', related_name='excellence', on_delete=OnDelete.RESTRICT)),
                ('rank', fields.SmallIntField()),
                ('status', fields.CharEnumField(default=AssessmentStatus.PROPOSED, description='PROPOSED: PROPOSED\nCONFIRMED: CONFIRMED\nSIGNED_OFF: SIGNED_OFF', enum_type=AssessmentStatus, max_length=12)),
                ('confirmed_by', fields.CharField(null=True, max_length=100)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('signed_by', fields.CharField(null=True, max_length=100)),
                ('signed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'excellence_selection', 'app': 'grassroots', 'unique_together': (('compound', 'year', 'term'),), 'pk_attr': 'id', 'table_description': "A compound's excellent building head of a year: proposed (ranked), confirmed by the"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FundEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workstation', fields.ForeignKeyField('grassroots.Workstation', source_field='workstation_id', db_constraint=True, to_field='id', related_name='fund_entries', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('year', fields.SmallIntField()),
                ('spent_on', fields.DateField()),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('description', fields.CharField(max_length=300)),
                ('recorded_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'fund_entry', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': "Spending from a workstation's yearly operating fund."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InsuranceCheck',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('term', fields.ForeignKeyField('grassroots.BuildingHead', source_field='term_id', db_constraint=True, to_field='id', related_name='insurance_checks', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('due_on', fields.DateField()),
                ('outcome', fields.CharEnumField(description='ELIGIBLE: ELIGIBLE\nASSESSMENT_OVERDUE: ASSESSMENT_OVERDUE\nNOT_ELIGIBLE: NOT_ELIGIBLE\nNOT_SERVING: NOT_SERVING', enum_type=InsuranceOutcome, max_length=20)),
                ('checked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'insurance_check', 'app': 'grassroots', 'unique_together': (('term',),), 'pk_attr': 'id', 'table_description': "The check three months after a term's start (§10): one per term."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InsurancePurchase',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('term', fields.ForeignKeyField('grassroots.BuildingHead', source_field='term_id', db_constraint=True, to_field='id', related_name='insurance_purchases', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('insurer', fields.CharField(max_length=100)),
                ('policy_number', fields.CharField(max_length=64)),
                ('cover_from', fields.DateField()),
                ('cover_to', fields.DateField()),
                ('premium', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('recorded_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'insurance_purchase', 'app': 'grassroots', 'unique_together': (('term',),), 'pk_attr': 'id', 'table_description': 'The accident insurance bought by the community for an eligible head (one per term).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JobRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('job', fields.CharField(max_length=48)),
                ('period', fields.CharField(max_length=16)),
                ('scope_path', fields.CharField(default='/', max_length=255)),
                ('status', fields.CharEnumField(description='RUNNING: RUNNING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED', enum_type=JobStatus, max_length=12)),
                ('attempt', fields.SmallIntField(default=1)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('heartbeat_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outcome', fields.TextField(default='', unique=False)),
                ('counts', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('progress', fields.IntField(default=0)),
                ('total', fields.IntField(default=0)),
                ('started_by', fields.CharField(max_length=100)),
            ],
            options={'table': 'job_run', 'app': 'grassroots', 'unique_together': (('job', 'period', 'scope_path'),), 'pk_attr': 'id', 'table_description': 'One run of a scheduled job for one period ("2026-11", "2026-11-05", "2026"): one row per'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Payroll',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subdistrict', fields.ForeignKeyField('grassroots.Node', source_field='subdistrict_id', db_constraint=True, to_field='id', related_name='payrolls', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('month', fields.DateField()),
                ('status', fields.CharEnumField(default=PayrollStatus.DRAFT, description='DRAFT: DRAFT\nAPPROVED: APPROVED\nPAID: PAID', enum_type=PayrollStatus, max_length=12)),
                ('total', fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ('computed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('approved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('approved_by', fields.CharField(null=True, max_length=100)),
                ('paid_on', fields.DateField(null=True)),
                ('paid_by', fields.CharField(null=True, max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payroll', 'app': 'grassroots', 'unique_together': (('subdistrict', 'month'),), 'pk_attr': 'id', 'table_description': "A subdistrict's monthly payroll: draft → approved → paid (one per subdistrict and month)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayrollAdjustment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('community_id', fields.BigIntField()),
                ('subdistrict_id', fields.BigIntField()),
                ('person_id', fields.BigIntField()),
                ('term_id', fields.BigIntField(null=True)),
                ('corrects_payroll_id', fields.BigIntField()),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('reason', fields.CharField(max_length=300)),
                ('recorded_on', fields.DateField()),
                ('recorded_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payroll_adjustment', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': 'A correction of an approved payroll, paid as a line of a later one (exactly once).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayrollLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payroll', fields.ForeignKeyField('grassroots.Payroll', source_field='payroll_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('community_id', fields.BigIntField()),
                ('person_id', fields.BigIntField()),
                ('term_id', fields.BigIntField(null=True)),
                ('appointment_id', fields.BigIntField(null=True)),
                ('kind', fields.CharEnumField(description='BUILDING_HEAD: BUILDING_HEAD\nSTATION_HEAD: STATION_HEAD\nTOP_UP: TOP_UP\nEXCELLENCE_BONUS: EXCELLENCE_BONUS\nADJUSTMENT: ADJUSTMENT', enum_type=LineKind, max_length=20)),
                ('source', fields.CharField(max_length=64)),
                ('days', fields.SmallIntField(default=0)),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('note', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'payroll_line', 'app': 'grassroots', 'unique_together': (('payroll', 'source'),), 'pk_attr': 'id', 'table_description': 'One line: what one person is paid for one reason. ``source`` names what the line comes'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PerformanceRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('term', fields.ForeignKeyField('grassroots.BuildingHead', source_field='term_id', db_constraint=True, to_field='id', related_name='performance_records', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('month', fields.DateField()),
                ('figures', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('score', fields.DecimalField(max_digits=6, decimal_places=2)),
                ('notes', fields.TextField(default='', unique=False)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('frozen_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'performance_record', 'app': 'grassroots', 'unique_together': (('term', 'month'),), 'pk_attr': 'id', 'table_description': "A building head's monthly performance record, computed from the duties, frozen once the"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TopUp',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('node', fields.ForeignKeyField('grassroots.Node', source_field='node_id', db_constraint=True, to_field='id', related_name='top_ups', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('month', fields.DateField()),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('reason', fields.CharField(max_length=200)),
                ('approved_on', fields.DateField()),
                ('approved_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'top_up', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': 'An approved major-task top-up (epidemic control, census): an amount per building head'},
            bases=['Model'],
        ),
        ops.RunPython(_forward, _backward),
    ]
