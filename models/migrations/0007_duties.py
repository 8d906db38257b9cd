"""The day-to-day work of a workstation (docs/policy.md §6, §7): meetings, attendance, concerns,
absence actions, households and visits, inspections and findings, the vulnerable people register,
resident requests and 12345 work orders, incidents and their levels.

"At most one" rules as partial unique indexes (the same on SQLite and PostgreSQL):
- one live absence action of each kind per term (a reversed one may be followed by a new one);
- one filing of each change per term, except the filings of absence actions, which are one per
  action and change (an ending by absences may be reversed and, later, happen again);
- one work order per district and hotline ticket number.
The ledger pages each kind of record by (workstation_id, business date, id): one index each.
"""
from tortoise import migrations
from tortoise.migrations import operations as ops
from policy.duties import FindingKind, FindingStatus, VulnerableCategory
from policy.meetings import AbsenceActionKind, AttendanceStatus, ConcernStatus, MeetingKind
from policy.requests import DisputeOutcome, EscalationLevel, IncidentStatus, RequestChannel, RequestStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

UNIQUE = [
    ("uq_absence_action_live", "absence_action", "term_id, kind", "reversed_at IS NULL"),
    ("uq_head_change_filing_action", "head_change_filing", "absence_action_id, change", "absence_action_id IS NOT NULL"),
    ("uq_request_ticket", "resident_request", "district_id, ticket_number", "ticket_number IS NOT NULL"),
]
INDEXES = [
    ("ix_meeting_ledger", "meeting", "workstation_id, held_on, id"),
    ("ix_concern_ledger", "concern", "workstation_id, raised_on, id"),
    ("ix_request_ledger", "resident_request", "workstation_id, raised_on, id"),
    ("ix_inspection_ledger", "inspection", "workstation_id, inspected_on, id"),
    ("ix_visit_ledger", "household_visit", "workstation_id, visited_on, id"),
    ("ix_incident_ledger", "incident", "workstation_id, reported_on, id"),
    ("ix_visit_household", "household_visit", "household_id, visited_on"),
    ("ix_visit_term", "household_visit", "term_id, visited_on"),
    ("ix_inspection_term", "inspection", "term_id, inspected_on"),
    ("ix_attendance_term", "attendance", "term_id, status"),
    ("ix_request_area", "resident_request", "service_area_id, resolved_on"),
    ("ix_incident_due", "incident", "status, level_due_at"),
]
PREFIX_INDEXES = [  # PostgreSQL only (see 0006)
    ("ix_household_path_prefix", "household"),
    ("ix_household_visit_path_prefix", "household_visit"),
    ("ix_inspection_path_prefix", "inspection"),
    ("ix_resident_request_path_prefix", "resident_request"),
]


async def _forward(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script("DROP INDEX IF EXISTS uq_head_change_filing_term_change")
    await client.execute_script("CREATE UNIQUE INDEX uq_head_change_filing_term_change ON head_change_filing "
                                "(term_id, change) WHERE absence_action_id IS NULL")
    for name, table, columns, where in UNIQUE:
        await client.execute_script(f"CREATE UNIQUE INDEX {name} ON {table} ({columns}) WHERE {where}")
    for name, table, columns in INDEXES:
        await client.execute_script(f"CREATE INDEX {name} ON {table} ({columns})")
    if client.capabilities.dialect == "postgres":
        for name, table in PREFIX_INDEXES:
            await client.execute_script(f"CREATE INDEX {name} ON {table} (path varchar_pattern_ops)")


async def _backward(apps, schema_editor) -> None:
    client = schema_editor.client
    names = [i[0] for i in UNIQUE] + [i[0] for i in INDEXES]
    if client.capabilities.dialect == "postgres":
        names += [i[0] for i in PREFIX_INDEXES]
    for name in names:
        await client.execute_script(f"DROP INDEX IF EXISTS {name}")
    await client.execute_script("DROP INDEX IF EXISTS uq_head_change_filing_term_change")
    await client.execute_script("CREATE UNIQUE INDEX uq_head_change_filing_term_change ON head_change_filing (term_id, change)")


class Migration(migrations.Migration):
    dependencies = [('grassroots', '0006_read_path_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AbsenceAction',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('term', fields.ForeignKeyField('grassroots.BuildingHead', source_field='term_id', db_constraint=True, to_field='id', related_name='absence_actions', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('workstation_id', fields.BigIntField(null=True)),
                ('kind', fields.CharEnumField(description='WARNING: WARNING\nENDING: ENDING', enum_type=AbsenceActionKind, max_length=8)),
                ('meeting_id', fields.BigIntField()),
                ('absences', fields.SmallIntField()),
                ('effective_on', fields.DateField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('reversed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reversed_by', fields.CharField(null=True, max_length=100)),
            ],
            options={'table': 'absence_action', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': 'What unexcused absences led to in a term: the station head warned (WARNING) or the service'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Household',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('building', fields.ForeignKeyField('grassroots.Node', source_field='building_id', db_constraint=True, to_field='id', related_name='household_records', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('workstation_id', fields.BigIntField(null=True)),
                ('door_number', fields.CharField(max_length=32)),
                ('contact_name', fields.CharField(null=True, max_length=50)),
                ('contact_phone', fields.CharField(null=True, max_length=20)),
                ('occupants', fields.SmallIntField(default=0)),
                ('vulnerable_members', fields.SmallIntField(default=0)),
                ('needs', fields.TextField(default='', unique=False)),
                ('form_updated_on', fields.DateField(null=True)),
                ('closed_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'household', 'app': 'grassroots', 'unique_together': (('building', 'door_number'),), 'pk_attr': 'id', 'table_description': 'A household (户) of a building or village group, with its information form.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HouseholdVisit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('household', fields.ForeignKeyField('grassroots.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='visits', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(max_length=255)),
                ('workstation_id', fields.BigIntField(null=True)),
                ('term_id', fields.BigIntField(null=True)),
                ('visited_on', fields.DateField()),
                ('occupants', fields.SmallIntField()),
                ('vulnerable_members', fields.SmallIntField()),
                ('needs', fields.TextField(default='', unique=False)),
                ('note', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'household_visit', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': "A building head's visit to a household, with the form as it was found that day."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Incident',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('building', fields.ForeignKeyField('grassroots.Node', source_field='building_id', db_constraint=True, to_field='id', related_name='incidents', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('workstation_id', fields.BigIntField(null=True)),
                ('term_id', fields.BigIntField(null=True)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('reported_on', fields.DateField()),
                ('reported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('level', fields.CharEnumField(description='STATION: STATION\nCOMMUNITY: COMMUNITY\nSUBDISTRICT: SUBDISTRICT\nNEW_TOWN: NEW_TOWN', enum_type=EscalationLevel, max_length=12)),
                ('level_due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=IncidentStatus.OPEN, description='OPEN: OPEN\nCLOSED: CLOSED', enum_type=IncidentStatus, max_length=12)),
                ('closed_on', fields.DateField(null=True)),
                ('recorded_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'incident', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': 'An emergency or early sign of instability, reported level by level (§6): the level it'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IncidentStep',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('grassroots.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.CASCADE)),
                ('level', fields.CharEnumField(description='STATION: STATION\nCOMMUNITY: COMMUNITY\nSUBDISTRICT: SUBDISTRICT\nNEW_TOWN: NEW_TOWN', enum_type=EscalationLevel, max_length=12)),
                ('level_path', fields.CharField(max_length=255)),
                ('reached_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('acknowledged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('acknowledged_by', fields.CharField(null=True, max_length=100)),
                ('passed_over_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'incident_step', 'app': 'grassroots', 'unique_together': (('incident', 'level'),), 'pk_attr': 'id', 'table_description': 'One level an incident reached: when, acknowledged when and by whom, or passed over'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Inspection',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('building', fields.ForeignKeyField('grassroots.Node', source_field='building_id', db_constraint=True, to_field='id', related_name='inspections', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(max_length=255)),
                ('workstation_id', fields.BigIntField(null=True)),
                ('term_id', fields.BigIntField(null=True)),
                ('inspected_on', fields.DateField()),
                ('note', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'inspection', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': "A building head's inspection of a building (at least one a week)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Finding',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('inspection', fields.ForeignKeyField('grassroots.Inspection', source_field='inspection_id', db_constraint=True, to_field='id', related_name='findings', on_delete=OnDelete.CASCADE)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('kind', fields.CharEnumField(description='HYGIENE: HYGIENE\nSAFETY_HAZARD: SAFETY_HAZARD\nRULE_BREACH: RULE_BREACH\nPROPERTY_FAILING: PROPERTY_FAILING', enum_type=FindingKind, max_length=24)),
                ('description', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(description='OPEN: OPEN\nCLOSED: CLOSED', enum_type=FindingStatus, max_length=8)),
                ('closed_on', fields.DateField(null=True)),
            ],
            options={'table': 'finding', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': 'What an inspection found. A safety hazard stays OPEN, with follow-ups, until closed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FindingFollowUp',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('finding', fields.ForeignKeyField('grassroots.Finding', source_field='finding_id', db_constraint=True, to_field='id', related_name='follow_ups', on_delete=OnDelete.CASCADE)),
                ('on', fields.DateField()),
                ('note', fields.TextField(unique=False)),
                ('closes', fields.BooleanField(default=False)),
                ('recorded_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'finding_follow_up', 'app': 'grassroots', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workstation', fields.ForeignKeyField('grassroots.Workstation', source_field='workstation_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('kind', fields.CharEnumField(description='WORKSTATION: WORKSTATION\nBUILDING_HEADS: BUILDING_HEADS', enum_type=MeetingKind, max_length=16)),
                ('week_of', fields.DateField()),
                ('monthly', fields.BooleanField(default=False)),
                ('held_on', fields.DateField()),
                ('agenda', fields.TextField(default='', unique=False)),
                ('minutes', fields.TextField(default='', unique=False)),
                ('police_person_id', fields.BigIntField(null=True)),
                ('attendance_recorded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meeting', 'app': 'grassroots', 'unique_together': (('workstation', 'kind', 'week_of'),), 'pk_attr': 'id', 'table_description': "A workstation's weekly meeting of one kind. One per workstation, kind and week"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attendance',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('grassroots.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('grassroots.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.RESTRICT)),
                ('term_id', fields.BigIntField(null=True)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('status', fields.CharEnumField(description='PRESENT: PRESENT\nEXCUSED: EXCUSED\nUNEXCUSED: UNEXCUSED', enum_type=AttendanceStatus, max_length=12)),
                ('leave_reason', fields.CharField(null=True, max_length=300)),
                ('recorded_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'attendance', 'app': 'grassroots', 'unique_together': (('meeting', 'person'),), 'pk_attr': 'id', 'table_description': "One person's attendance at one meeting (``uq``: meeting, person)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Concern',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('grassroots.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='concerns', on_delete=OnDelete.RESTRICT)),
                ('workstation_id', fields.BigIntField()),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('title', fields.CharField(max_length=200)),
                ('measures', fields.TextField(default='', unique=False)),
                ('owner', fields.CharField(max_length=50)),
                ('deadline', fields.DateField()),
                ('status', fields.CharEnumField(default=ConcernStatus.OPEN, description='OPEN: OPEN\nIN_PROGRESS: IN_PROGRESS\nRESOLVED: RESOLVED', enum_type=ConcernStatus, max_length=12)),
                ('public', fields.BooleanField(default=False)),
                ('raised_on', fields.DateField()),
                ('resolved_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'concern', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': "A residents' concern taken up at a workstation meeting: owner, deadline, status, and"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ResidentRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('building', fields.ForeignKeyField('grassroots.Node', source_field='building_id', db_constraint=True, to_field='id', related_name='requests', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('district_id', fields.BigIntField()),
                ('workstation_id', fields.BigIntField(null=True)),
                ('service_area_id', fields.BigIntField(null=True)),
                ('channel', fields.CharEnumField(description='RESIDENT: RESIDENT\nBUILDING_HEAD: BUILDING_HEAD\nHOTLINE: HOTLINE', enum_type=RequestChannel, max_length=16)),
                ('ticket_number', fields.CharField(null=True, max_length=64)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('resident_name', fields.CharField(null=True, max_length=50)),
                ('resident_phone', fields.CharField(null=True, max_length=20)),
                ('raised_on', fields.DateField()),
                ('status', fields.CharEnumField(default=RequestStatus.OPEN, description='OPEN: OPEN\nIN_PROGRESS: IN_PROGRESS\nRESOLVED: RESOLVED', enum_type=RequestStatus, max_length=12)),
                ('resolution', fields.TextField(null=True, unique=False)),
                ('resolved_on', fields.DateField(null=True)),
                ('handled_by_term_id', fields.BigIntField(null=True)),
                ('satisfaction', fields.SmallIntField(null=True)),
                ('dispute', fields.BooleanField(default=False)),
                ('dispute_outcome', fields.CharEnumField(null=True, description='SETTLED: SETTLED\nNOT_SETTLED: NOT_SETTLED\nREFERRED: REFERRED', enum_type=DisputeOutcome, max_length=16)),
                ('recorded_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'resident_request', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': "A resident's request (诉求), or a 12345 work order (channel HOTLINE, with the hotline's"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VulnerablePerson',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('building', fields.ForeignKeyField('grassroots.Node', source_field='building_id', db_constraint=True, to_field='id', related_name='vulnerable_people', on_delete=OnDelete.RESTRICT)),
                ('household_id', fields.BigIntField(null=True)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('workstation_id', fields.BigIntField(null=True)),
                ('name', fields.CharField(max_length=50)),
                ('category', fields.CharEnumField(description='LOW_INCOME: LOW_INCOME\nDISABLED: DISABLED\nELDERLY_ALONE: ELDERLY_ALONE\nCHILD_IN_DIFFICULTY: CHILD_IN_DIFFICULTY', enum_type=VulnerableCategory, max_length=24)),
                ('details', fields.TextField(default='', unique=False)),
                ('registered_on', fields.DateField()),
                ('ended_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'vulnerable_person', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': 'The register of vulnerable people (§6.5). Name and details are personal data.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HelpGiven',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('vulnerable_person', fields.ForeignKeyField('grassroots.VulnerablePerson', source_field='vulnerable_person_id', db_constraint=True, to_field='id', related_name='help', on_delete=OnDelete.CASCADE)),
                ('path', fields.CharField(max_length=255)),
                ('helped_on', fields.DateField()),
                ('help', fields.TextField(unique=False)),
                ('recorded_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'help_given', 'app': 'grassroots', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='BuildingHead',
            name='public_phone',
            field=fields.CharField(null=True, max_length=20),
        ),
        ops.AddField(
            model_name='HeadChangeFiling',
            name='absence_action_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='StationHeadAppointment',
            name='public_phone',
            field=fields.CharField(null=True, max_length=20),
        ),
        ops.RunPython(_forward, _backward),
    ]

