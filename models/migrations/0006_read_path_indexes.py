"""Indexes for the read path (docs/operations.md, "Performance notes").

A node's children are read by ``parent_id`` (the unique sibling-name index covers open nodes
only), districts by ``kind``, active heads by their service area. Subtrees are read by path
prefix (``path LIKE '/1/4/%'``): on PostgreSQL a plain index serves that only in the "C"
collation, so the path columns also get a ``varchar_pattern_ops`` index there; SQLite's LIKE
is served by a full scan either way, which its sizes allow.
"""
from tortoise import migrations
from tortoise.migrations import operations as ops

INDEXES = [
    ("ix_node_parent", "node", "parent_id"),
    ("ix_node_kind", "node", "kind"),
    ("ix_building_head_area_status", "building_head", "service_area_id, status"),
]
PREFIX_INDEXES = [  # PostgreSQL only
    ("ix_node_path_prefix", "node"),
    ("ix_service_area_path_prefix", "service_area"),
    ("ix_building_head_path_prefix", "building_head"),
    ("ix_workstation_path_prefix", "workstation"),
]


async def _forward(apps, schema_editor) -> None:
    client = schema_editor.client
    for name, table, columns in INDEXES:
        await client.execute_script(f"CREATE INDEX {name} ON {table} ({columns})")
    if client.capabilities.dialect == "postgres":
        for name, table in PREFIX_INDEXES:
            await client.execute_script(f"CREATE INDEX {name} ON {table} (path varchar_pattern_ops)")


async def _backward(apps, schema_editor) -> None:
    client = schema_editor.client
    names = [i[0] for i in INDEXES]
    if client.capabilities.dialect == "postgres":
        names += [i[0] for i in PREFIX_INDEXES]
    for name in names:
        await client.execute_script(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("grassroots", "0005_person_district")]

    initial = False

    operations = [ops.RunPython(_forward, _backward)]
