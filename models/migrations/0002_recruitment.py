from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from policy.recruitment import ApplicationStatus, Channel, ObjectionStatus, Organisation
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('grassroots', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HeadChangeFiling',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('term', fields.ForeignKeyField('grassroots.BuildingHead', source_field='term_id', db_constraint=True, to_field='id', related_name='filings', on_delete=OnDelete.CASCADE)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('change', fields.CharField(max_length=16)),
                ('effective_on', fields.DateField()),
                ('reason', fields.CharField(default='', max_length=300)),
                ('filed_by', fields.CharField(max_length=100)),
                ('filed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'head_change_filing', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': "Every change of building heads, filed with the subdistrict's competent section (§11)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecruitmentCampaign',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('grassroots.Node', source_field='community_id', db_constraint=True, to_field='id', related_name='recruitment_campaigns', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('name', fields.CharField(max_length=100)),
                ('notice_text', fields.TextField(default='', unique=False)),
                ('opened_on', fields.DateField()),
                ('closed_on', fields.DateField(null=True)),
                ('opened_by_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'recruitment_campaign', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': 'A community\'s recruitment ("election") of building heads for some of its areas.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Application',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('grassroots.RecruitmentCampaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.RESTRICT)),
                ('service_area', fields.ForeignKeyField('grassroots.ServiceArea', source_field='service_area_id', db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.RESTRICT)),
                ('person', fields.ForeignKeyField('grassroots.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('channel', fields.CharEnumField(description='SELF: SELF\nRESIDENT: RESIDENT\nORGANISATION: ORGANISATION', enum_type=Channel, max_length=16)),
                ('organisation', fields.CharEnumField(null=True, description='PARTY_ORGANISATION: PARTY_ORGANISATION\nRESIDENTS_COMMITTEE: RESIDENTS_COMMITTEE\nPROPERTY_COMPANY: PROPERTY_COMPANY\nOWNERS_COMMITTEE: OWNERS_COMMITTEE', enum_type=Organisation, max_length=24)),
                ('applied_on', fields.DateField()),
                ('status', fields.CharEnumField(default=ApplicationStatus.APPLIED, description='APPLIED: APPLIED\nELIGIBLE: ELIGIBLE\nINELIGIBLE: INELIGIBLE\nINTERVIEWED: INTERVIEWED\nSHORTLISTED: SHORTLISTED\nON_NOTICE: ON_NOTICE\nCONFIRMED: CONFIRMED\nFILED: FILED\nAGREEMENT_SIGNED: AGREEMENT_SIGNED\nTRAINED: TRAINED\nPUBLISHED: PUBLISHED\nWITHDRAWN: WITHDRAWN', enum_type=ApplicationStatus, max_length=20)),
                ('outstanding_waiver_reason', fields.CharField(null=True, max_length=300)),
                ('eligibility_failures', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('judgements', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('police_opinion', fields.TextField(null=True, unique=False)),
                ('police_favourable', fields.BooleanField(null=True)),
                ('police_by', fields.CharField(null=True, max_length=64)),
                ('police_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('interview_score', fields.DecimalField(null=True, max_digits=5, decimal_places=2)),
                ('interview_notes', fields.TextField(default='', unique=False)),
                ('notice_posted_on', fields.DateField(null=True)),
                ('notice_min_last_day', fields.DateField(null=True)),
                ('notice_max_last_day', fields.DateField(null=True)),
                ('confirmable_from', fields.DateField(null=True)),
                ('confirmed_on', fields.DateField(null=True)),
                ('filed_on', fields.DateField(null=True)),
                ('filing_reference', fields.CharField(null=True, max_length=64)),
                ('agreement_signed_on', fields.DateField(null=True)),
                ('trained_on', fields.DateField(null=True)),
                ('published_on', fields.DateField(null=True)),
                ('withdrawn_reason', fields.CharField(null=True, max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'application', 'app': 'grassroots', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApplicationEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('application', fields.ForeignKeyField('grassroots.Application', source_field='application_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('step', fields.CharField(max_length=32)),
                ('on', fields.DateField(null=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('by_user_id', fields.BigIntField(null=True)),
                ('by_label', fields.CharField(max_length=100)),
                ('note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'application_event', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': 'Every step of an application: who did it and when (its history).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CampaignArea',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('grassroots.RecruitmentCampaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='areas', on_delete=OnDelete.CASCADE)),
                ('service_area', fields.ForeignKeyField('grassroots.ServiceArea', source_field='service_area_id', db_constraint=True, to_field='id', related_name='campaign_areas', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'campaign_area', 'app': 'grassroots', 'unique_together': (('campaign', 'service_area'),), 'pk_attr': 'id', 'table_description': 'A service area whose seats the campaign fills.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NominationSigner',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('application', fields.ForeignKeyField('grassroots.Application', source_field='application_id', db_constraint=True, to_field='id', related_name='signers', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('grassroots.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='signatures', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'nomination_signer', 'app': 'grassroots', 'unique_together': (('application', 'person'),), 'pk_attr': 'id', 'table_description': 'A resident who signed a resident nomination (at least 10 from the same building).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Objection',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('application', fields.ForeignKeyField('grassroots.Application', source_field='application_id', db_constraint=True, to_field='id', related_name='objections', on_delete=OnDelete.CASCADE)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('raised_by', fields.CharField(max_length=100)),
                ('text', fields.TextField(unique=False)),
                ('raised_on', fields.DateField()),
                ('status', fields.CharEnumField(default=ObjectionStatus.OPEN, description='OPEN: OPEN\nUPHELD: UPHELD\nDISMISSED: DISMISSED', enum_type=ObjectionStatus, max_length=12)),
                ('resolution', fields.TextField(null=True, unique=False)),
                ('resolved_by', fields.CharField(null=True, max_length=64)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'objection', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': "A resident's objection raised during the public notice."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WorkingDayYear',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.IntField(unique=True)),
                ('holidays', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('makeup_workdays', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('note', fields.CharField(default='', max_length=200)),
                ('entered_by_id', fields.BigIntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'working_day_year', 'app': 'grassroots', 'pk_attr': 'id', 'table_description': "One year's State Council holiday arrangement, as entered through the API."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='BuildingHead',
            name='application',
            field=fields.ForeignKeyField('grassroots.Application', source_field='application_id', null=True, db_constraint=True, to_field='id', related_name='terms', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='BuildingHead',
            name='renewed_from',
            field=fields.ForeignKeyField('grassroots.BuildingHead', source_field='renewed_from_id', null=True, db_constraint=True, to_field='id', related_name='renewals', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='BuildingHead',
            name='resignation_requested_on',
            field=fields.DateField(null=True),
        ),
    ]
