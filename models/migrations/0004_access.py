from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('grassroots', '0003_integrity')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='is_system_admin',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
