"""Every "at most one" rule held by the database itself (whatever the race).

Partial unique indexes (``CREATE UNIQUE INDEX ... WHERE``) work the same on SQLite and
PostgreSQL; NULLs never collide in a unique index on either. Rules that are counts
(the seats of a service area) are held by a row lock taken before the check instead
(see resolvers/locks.py); the state changes of one row (an application's steps, an
objection's resolution, a term's end) by a lock on that row.

A database that already holds duplicates (two open siblings of the same name, say)
must have them resolved before this migration can apply: it checks first and stops with
a message naming every duplicate (table, ids, names) and what to do, changing nothing
(models/duplicates.py).
"""
from tortoise import migrations
from tortoise.migrations import operations as ops

from models.duplicates import check_no_duplicates

INDEXES = [
    # one live application per person per campaign (a withdrawn one may be followed by a new one)
    ("uq_application_person_campaign", "application", "campaign_id, person_id", "status <> 'WITHDRAWN'"),
    # one active term per person per service area
    ("uq_building_head_active", "building_head", "person_id, service_area_id", "status = 'ACTIVE'"),
    # an application's publication starts one term
    ("uq_building_head_application", "building_head", "application_id", None),
    # a term is renewed at most once
    ("uq_building_head_renewed_from", "building_head", "renewed_from_id", None),
    # one filing of each kind of change per term (START, END, RENEWAL, RESIGNATION)
    ("uq_head_change_filing_term_change", "head_change_filing", "term_id, change", None),
    # one open staff role of a kind per person at a node
    ("uq_staff_role_open", "staff_role", "person_id, kind, node_id", "ended_on IS NULL"),
    # no two open siblings share a name
    ("uq_node_open_sibling_name", "node", "parent_id, name", "closed_on IS NULL"),
]


def _create(name: str, table: str, columns: str, where: str | None) -> str:
    return f"CREATE UNIQUE INDEX {name} ON {table} ({columns})" + (f" WHERE {where}" if where else "")


async def _check(apps, schema_editor) -> None:
    await check_no_duplicates(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('grassroots', '0002_recruitment')]

    initial = False

    operations = [
        ops.RunPython(_check, ops.RunPython.noop),
        *(ops.RunSQL(_create(*i), reverse_sql=f"DROP INDEX {i[0]}") for i in INDEXES),
    ]
