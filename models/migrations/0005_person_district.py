"""A person's register record belongs to one district: the ID number is unique per district.

Before, ``person.id_number`` was unique across the installation, so refusing a number told
a district that it was registered somewhere else. This migration adds ``person.district_id``
(the first segment of ``path``), drops the installation-wide unique key and creates the
unique index ``uq_person_district_id_number`` on (district_id, id_number).

SQLite cannot drop the inline UNIQUE of a column, so the table is rebuilt there (new
table, copy, drop, rename, indexes recreated) with foreign keys off; PostgreSQL drops the
constraint by the name it finds in pg_constraint.
"""
from tortoise import fields, migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

INDEX = "uq_person_district_id_number"
_CREATE_INDEX = f"CREATE UNIQUE INDEX {INDEX} ON person (district_id, id_number)"
# the first path segment: "/12/34/" → "12"
_DISTRICT_SQL = "CAST(substr(path, 2, instr(substr(path, 2), '/') - 1) AS BIGINT)"
_DISTRICT_PG = "CAST(split_part(path, '/', 2) AS BIGINT)"


class _StateOnly:
    """The model state changes; the database is changed by ``_forward`` below."""

    async def database_forward(self, *args, **kwargs) -> None:
        return None

    async def database_backward(self, *args, **kwargs) -> None:
        return None


class _AddField(_StateOnly, ops.AddField):
    pass


class _AlterField(_StateOnly, ops.AlterField):
    pass


class _AddConstraint(_StateOnly, ops.AddConstraint):
    pass


def _dialect(schema_editor) -> str:
    return schema_editor.client.capabilities.dialect


async def _forward(apps, schema_editor) -> None:
    client = schema_editor.client
    if _dialect(schema_editor) == "sqlite":
        await _rebuild_sqlite(client)
        return
    _, rows = await client.execute_query(
        "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a "
        "ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
        "WHERE c.conrelid = 'person'::regclass AND c.contype = 'u' AND a.attname = 'id_number' "
        "AND array_length(c.conkey, 1) = 1"
    )
    for row in rows:
        await client.execute_script(f'ALTER TABLE person DROP CONSTRAINT "{row["conname"]}"')
    await client.execute_script(
        "ALTER TABLE person ADD COLUMN district_id BIGINT;"
        f"UPDATE person SET district_id = {_DISTRICT_PG};"
        "ALTER TABLE person ALTER COLUMN district_id SET NOT NULL;"
        f"{_CREATE_INDEX};"
    )


async def _rebuild_sqlite(client) -> None:
    _, rows = await client.execute_query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'person'")
    create = rows[0]["sql"]
    _, idx = await client.execute_query(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'person' AND sql IS NOT NULL"
    )
    new = create.replace('"id_number" VARCHAR(18) NOT NULL UNIQUE', '"id_number" VARCHAR(18) NOT NULL', 1)
    if new == create:
        raise RuntimeError("migration 0005: unexpected definition of table person: " + create)
    new = new.replace('CREATE TABLE "person"', 'CREATE TABLE "person_new"', 1)
    new = new.replace('"path" VARCHAR(255) NOT NULL,', '"path" VARCHAR(255) NOT NULL,\n    "district_id" BIGINT NOT NULL,', 1)
    if '"district_id"' not in new:
        raise RuntimeError("migration 0005: unexpected definition of table person: " + create)
    _, cols = await client.execute_query("PRAGMA table_info(person)")
    names = ", ".join(f'"{c["name"]}"' for c in cols)
    await client.execute_script("PRAGMA foreign_keys = OFF")
    try:
        await client.execute_script(new)
        await client.execute_script(
            f"INSERT INTO person_new ({names}, district_id) SELECT {names}, {_DISTRICT_SQL} FROM person"
        )
        await client.execute_script("DROP TABLE person")
        await client.execute_script('ALTER TABLE person_new RENAME TO person')
        for r in idx:
            await client.execute_script(r["sql"])
        await client.execute_script(_CREATE_INDEX)
    finally:
        await client.execute_script("PRAGMA foreign_keys = ON")


class Migration(migrations.Migration):
    dependencies = [('grassroots', '0004_access')]

    initial = False

    operations = [
        _AddField(model_name='Person', name='district_id', field=fields.BigIntField()),
        _AlterField(model_name='Person', name='id_number', field=fields.CharField(max_length=18)),
        _AddConstraint(model_name='Person', constraint=UniqueConstraint(fields=('district_id', 'id_number'))),
        ops.RunPython(_forward, atomic=False),
    ]
