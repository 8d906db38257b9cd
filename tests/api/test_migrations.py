"""Migrations on a database written before them: 0003_integrity refuses to start over
duplicates, naming them, and changes nothing; 0005_person_district carries existing people
over (their district from their path) on SQLite and PostgreSQL."""
from __future__ import annotations

import importlib
import os

import pytest
from tortoise.context import TortoiseContext
from tortoise.migrations.api.migrate import migrate

from grassroots.db import tortoise_config
from models.duplicates import RULES, DuplicateRows
from tests.conftest import BACKEND, reset_postgres

NOW = "'2025-01-01 00:00:00'"


@pytest.fixture
async def empty_url(backend, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite://{tmp_path / 'old.sqlite3'}"
    url = os.environ["TEST_DATABASE_URL"]
    await reset_postgres(url)
    return url


async def _migrate(url: str, target: str | None = None) -> None:
    ctx = TortoiseContext()
    with ctx:
        try:
            await migrate(config=tortoise_config(url), target=target)
        finally:
            await ctx.close_connections()


async def _sql(url: str, *statements: str) -> list[tuple]:
    """Run statements on a connection of their own; the rows of the last one."""
    if url.startswith("sqlite://"):
        import sqlite3

        con = sqlite3.connect(url[len("sqlite://"):])
        try:
            rows: list[tuple] = []
            for s in statements:
                rows = con.execute(s).fetchall()
            con.commit()
            return rows
        finally:
            con.close()
    import asyncpg

    con = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        rows = []
        for s in statements:
            rows = [tuple(r) for r in await con.fetch(s)]
        return rows
    finally:
        await con.close()


def _node(id: int, parent: int | None, kind: str, name: str, path: str, closed: str | None = None) -> str:
    return ("INSERT INTO node (id, kind, name, district_id, path, depth, opened_on, closed_on, created_at, updated_at, parent_id) "
            f"VALUES ({id}, '{kind}', '{name}', 1, '{path}', {path.count('/') - 2}, '2020-01-01', "
            f"{f'{chr(39)}{closed}{chr(39)}' if closed else 'NULL'}, {NOW}, {NOW}, {'NULL' if parent is None else parent})")


def _person(id: int, name: str, number: str, home: int, path: str, district: int | None = None) -> str:
    """A person row; ``district`` once the column exists (migration 0005)."""
    if district is not None:
        return _person(id, name, number, home, path).replace("INSERT INTO person (id,", "INSERT INTO person (district_id, id,").replace(
            f"VALUES ({id},", f"VALUES ({district}, {id},")
    return ("INSERT INTO person (id, name, gender, id_number, birth_date, path, permanent_resident, property_fee_paid, violations, "
            "party_member, retired_cadre, model_worker, created_at, updated_at, home_id) "
            f"VALUES ({id}, '{name}', 'MALE', '{number}', '1980-01-01', '{path}', true, true, '[]', false, false, false, {NOW}, {NOW}, {home})")


def _term(id: int, person: int, status: str) -> str:
    return ("INSERT INTO building_head (id, path, kind, status, starts_on, ends_on, recorded_from_register, created_at, person_id, service_area_id) "
            f"VALUES ({id}, '/1/2/6/', 'BUILDING_HEAD', '{status}', '2024-01-01', '2029-01-01', true, {NOW}, {person}, 1)")


OLD_WORLD = [
    _node(1, None, "DISTRICT", "测试新区", "/1/"),
    _node(2, 1, "NEW_TOWN", "东湖新城", "/1/2/"),
    _node(3, 1, "NEW_TOWN", "东湖新城", "/1/3/"),  # the old example import's second one
    _node(4, 1, "NEW_TOWN", "旧城", "/1/4/", closed="2024-01-01"),
    _node(5, 1, "NEW_TOWN", "旧城", "/1/5/"),  # beside a closed namesake: no duplicate
    _node(6, 2, "COMPOUND", "翠苑一区", "/1/2/6/"),
    _person(1, "张三", "110101198001010013", 6, "/1/2/6/"),
    _person(2, "李四", "110101198001010021", 6, "/1/2/6/"),
    "INSERT INTO service_area (id, name, path, created_at, container_id) VALUES (1, '1栋片区', '/1/2/6/', " + NOW + ", 6)",
    _term(1, 1, "ACTIVE"),
    _term(2, 1, "ACTIVE"),  # the same person's second active term in the area
    _term(3, 2, "ACTIVE"),
    _term(4, 2, "ENDED"),
]


async def test_0003_stops_on_duplicates_naming_them_and_changes_nothing(empty_url):
    url = empty_url
    await _migrate(url, "grassroots.0002_recruitment")
    await _sql(url, *OLD_WORLD)
    with pytest.raises(DuplicateRows) as caught:
        await _migrate(url)
    message = str(caught.value)
    assert "node ids 2, 3 (东湖新城)" in message and "close or rename one of them" in message
    assert "building_head ids 1, 2 (张三)" in message and "end one of the terms" in message
    assert "旧城" not in message and "李四" not in message
    assert "Nothing was changed" in message and "grassroots migrate" in message
    assert [g.rule.index for g in caught.value.groups] == ["uq_building_head_active", "uq_node_open_sibling_name"]
    # nothing changed, and 0003 is not recorded as applied
    assert await _sql(url, "SELECT id, name, closed_on FROM node WHERE id IN (2, 3) ORDER BY id") == [(2, "东湖新城", None), (3, "东湖新城", None)]
    assert await _sql(url, "SELECT COUNT(*) FROM building_head WHERE status = 'ACTIVE'") == [(3,)]
    assert await _sql(url, "SELECT name FROM tortoise_migrations WHERE name LIKE '0003%'") == []
    # once the operator has resolved them, the migrations apply
    await _sql(url, "UPDATE node SET name = '东湖新城（二）' WHERE id = 3",
               "UPDATE building_head SET status = 'ENDED', ended_on = '2024-06-01' WHERE id = 2")
    await _migrate(url)
    assert await _sql(url, "SELECT COUNT(*) FROM tortoise_migrations WHERE name LIKE '0003%' OR name LIKE '0005%'") == [(2,)]


async def test_0005_gives_existing_people_their_district_and_numbers_unique_per_district(empty_url):
    url = empty_url
    await _migrate(url, "grassroots.0004_access")
    await _sql(url, *[s for s in OLD_WORLD if s not in (_term(2, 1, "ACTIVE"), _node(3, 1, "NEW_TOWN", "东湖新城", "/1/3/"))],
               _node(9, None, "DISTRICT", "西岭新区", "/9/"), "UPDATE node SET district_id = 9 WHERE id = 9")
    await _migrate(url)
    assert await _sql(url, "SELECT id, district_id FROM person ORDER BY id") == [(1, 1), (2, 1)]
    # the same number in another district: a separate register record; in the same district: refused
    await _sql(url, _person(3, "王五", "110101198001010013", 9, "/9/", district=9))
    with pytest.raises(Exception) as caught:
        await _sql(url, _person(4, "赵六", "110101198001010013", 6, "/1/2/6/", district=1))
    assert "id_number" in str(caught.value) or "uq_person_district_id_number" in str(caught.value)
    # the people's references survived the table's rebuild (SQLite) or alteration (PostgreSQL)
    assert await _sql(url, "SELECT COUNT(*) FROM person") == [(3,)]
    assert await _sql(url, "SELECT b.id, p.name FROM building_head b JOIN person p ON p.id = b.person_id ORDER BY b.id") == [
        (1, "张三"), (3, "李四"), (4, "李四")]
    with pytest.raises(Exception):  # and the foreign keys still hold
        await _sql(url, "PRAGMA foreign_keys = ON" if url.startswith("sqlite") else "SELECT 1", "DELETE FROM person WHERE id = 1")


def test_the_check_knows_every_index_of_0003():
    indexes = importlib.import_module("models.migrations.0003_integrity").INDEXES
    assert {(r.index, r.table, ", ".join(r.columns), r.where) for r in RULES} == set(indexes)


@pytest.mark.skipif(BACKEND != "sqlite", reason="one backend per process (tests/conftest.py)")
def test_grassroots_migrate_prints_the_duplicates_without_a_traceback(tmp_path, monkeypatch, capsys):
    import asyncio

    from grassroots.cli import main

    url = f"sqlite://{tmp_path / 'cli.sqlite3'}"
    asyncio.run(_migrate(url, "grassroots.0002_recruitment"))
    asyncio.run(_sql(url, *OLD_WORLD))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("GRASSROOTS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GRASSROOTS_ENV", raising=False)
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: migration 0003_integrity cannot apply") and "node ids 2, 3 (东湖新城)" in err
    assert "Traceback" not in err
