"""The benchmark's floor (bench/floor.py) answers the read-path queries with the very bytes the
API answers them with, on the S district of bench/scale.py (not timed)."""
from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from bench import floor
from bench.queries import BENCH_MAX_COST, BENCH_TOKEN, BUILDINGS_QUERY, COMPOUNDS_QUERY, NODE_QUERY
from bench.scale import SIZES, build
from grassroots.settings import Settings
from tests.conftest import serve


@pytest.fixture
async def district(database) -> dict[str, Any]:
    url, _ = database
    return await build("S", url, migrate=False)  # the fixture's database is migrated and empty


@pytest.fixture
async def floor_conn(database, district) -> AsyncIterator[Any]:
    url, _ = database
    if url.startswith("sqlite"):
        conn: Any = sqlite3.connect(url.removeprefix("sqlite://"))
        try:
            yield conn
        finally:
            conn.close()
    else:
        import asyncpg

        conn = await asyncpg.connect("postgresql://" + url.split("://", 1)[1])
        try:
            yield conn
        finally:
            await conn.close()


@pytest.fixture
async def bench_http(database, district, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    url, redis_url = database
    settings = Settings(database_url=url, redis_url=redis_url, data_dir=tmp_path / "data", production=False,
                        max_query_cost=BENCH_MAX_COST)
    async with serve(settings) as base:
        async with httpx.AsyncClient(base_url=base, timeout=60,
                                     headers={"Authorization": f"Bearer {BENCH_TOKEN}"}) as client:
            yield client


async def _api(client: httpx.AsyncClient, query: str, variables: dict | None = None) -> bytes:
    r = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert r.status_code == 200, r.text[:500]
    assert "errors" not in r.json(), r.json()["errors"][:3]
    return r.content


def _count(data: dict[str, Any]) -> dict[str, int]:
    n = {"compounds": 0, "buildings": 0, "communities": 0}
    for d in data["districts"]:
        for t in d["newTowns"]["nodes"]:
            for s in t["subdistricts"]["nodes"]:
                for c in s["communities"]["nodes"]:
                    n["communities"] += 1
                    for k in c["compounds"]["nodes"]:
                        n["compounds"] += 1
                        n["buildings"] += len(k.get("buildings", {}).get("nodes", []))
    return n


async def test_floor_bytes_equal_the_api(bench_http, floor_conn, district) -> None:
    counts = district["counts"]
    assert counts["compounds"] == SIZES["S"].compounds

    api = await _api(bench_http, COMPOUNDS_QUERY)
    floor.reset_statements()
    mine, statements = await floor.counted(floor.compounds_json(floor_conn, BENCH_TOKEN))
    assert statements == 6
    assert mine == api
    seen = _count(orjson.loads(api)["data"])
    assert (seen["communities"], seen["compounds"]) == (counts["communities"], counts["compounds"])
    rollup = orjson.loads(api)["data"]["districts"][0]["rollup"]
    assert rollup["households"] == counts["households"]
    assert rollup["requiredBuildingHeads"] == counts["required_heads"]
    assert rollup["workstations"] == counts["workstations"]

    api = await _api(bench_http, BUILDINGS_QUERY)
    mine, statements = await floor.counted(floor.buildings_json(floor_conn, BENCH_TOKEN))
    assert statements == 6
    assert mine == api
    assert _count(orjson.loads(api)["data"])["buildings"] == counts["buildings"]

    for pk in district["building_ids"][:3]:
        gid = floor._gid("Building", pk)
        api = await _api(bench_http, NODE_QUERY, {"id": gid})
        mine, statements = await floor.counted(floor.node_json(floor_conn, BENCH_TOKEN, gid))
        assert statements == 2
        assert mine == api
