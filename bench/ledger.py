"""The ledger's keyset pages: page 500 should cost what page 1 costs.

    .venv/bin/python bench/ledger.py [--database-url postgres://postgres@127.0.0.1:5432/grassroots_bench_ledger]
                                     [--visits 100000] [--page-size 20] [--page 500] [--repeats 15] [--rebuild]

On PostgreSQL (DATABASE_URL, or the default above; the database is created and migrated when
missing) it builds — or reuses, when it holds them already — one workstation with ``--visits``
household visits (2,000 households of one building, visits spread over the days before
2026-03-31) and a few hundred meetings, concerns, requests, work orders, inspections and
incidents, bulk-loaded with COPY (asyncpg). Then it starts the app in this process (its lifespan,
embedded Redis, production settings) behind httpx's ASGI transport, and prints, as medians of
``--repeats``:

- API: the client's time of ``ledger(first: 20)`` page 1 and of page 500 (its cursor found by
  following ``endCursor`` from page 1), HTTP requests with a bearer token;
- SQL: the same two pages' statement alone (resolvers.ledger.ledger_sql), over one asyncpg
  connection;
- the ratios page 500 / page 1 (about 1: the statement walks each kind's index from the cursor,
  no OFFSET).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/grassroots_bench_ledger"
USER, PASSWORD = "bench-ledger", "bench-ledger-password-1"
LAST_DAY = date(2026, 3, 31)
LEDGER = """query($w: ID!, $n: Int, $a: String){ ledger(workstationId: $w, first: $n, after: $a){
  edges { cursor node { kind date title recordId } } pageInfo { hasNextPage endCursor } } }"""


def dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def ensure_database(url: str) -> None:
    import asyncpg

    base, _, name = dsn(url).rpartition("/")
    conn = await asyncpg.connect(base + "/postgres")
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    conn = await asyncpg.connect(dsn(url))
    try:
        migrated = await conn.fetchval("SELECT to_regclass('public.household_visit') IS NOT NULL")
    finally:
        await conn.close()
    if not migrated:
        from grassroots import db

        await db.migrate(url)


async def build(url: str, visits: int, rebuild: bool) -> int:
    """The workstation's id (built now, or found)."""
    import asyncpg

    conn = await asyncpg.connect(dsn(url))
    try:
        ws_id = await conn.fetchval("SELECT id FROM workstation WHERE name = '基准小区网格工作站' LIMIT 1")
        if ws_id is not None and not rebuild:
            have = await conn.fetchval("SELECT COUNT(*) FROM household_visit WHERE workstation_id = $1", ws_id)
            if have >= visits:
                print(f"reusing workstation {ws_id} with {have} visits")
                return ws_id
    finally:
        await conn.close()
    if ws_id is not None:  # rebuild: start from an empty schema
        conn = await asyncpg.connect(dsn(url))
        try:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await conn.close()
        await ensure_database(url)

    from grassroots import db
    from grassroots.demo import create_district, create_user
    from models.tree import Node
    from models.workstations import Workstation
    from policy.kinds import NodeKind, Role, SubdistrictKind
    from resolvers.tree import create_node

    await db.start(url)
    try:
        d = await create_district("基准新区", "BL")
        nt = await create_node(d, NodeKind.NEW_TOWN, "基准新城", code="BL-NT")
        sd = await create_node(nt, NodeKind.SUBDISTRICT, "基准街道", code="BL-SD", subdistrict_kind=SubdistrictKind.STREET)
        cm = await create_node(sd, NodeKind.COMMUNITY, "基准社区", code="BL-CM")
        cp = await create_node(cm, NodeKind.COMPOUND, "基准", code="BL-CP")
        b = await create_node(cp, NodeKind.BUILDING, "1栋", code="BL-CP-1", households=2000)
        ws = await Workstation.get(compound_id=cp.id)
        await Workstation.filter(id=ws.id).update(name="基准小区网格工作站")
        await create_user(USER, "台账基准", PASSWORD, [(Role.COMMUNITY_STAFF, cm)])
        building: Node = b
        district_id = d.id
    finally:
        await db.stop()

    t0 = time.perf_counter()
    conn = await asyncpg.connect(dsn(url))
    try:
        now = datetime.now(timezone.utc)
        households = [(building.id, building.path, ws.id, f"{1 + i // 20}-{100 + i % 20:03d}", 3, 0, "", now)
                      for i in range(2000)]
        await conn.copy_records_to_table("household", records=households, columns=[
            "building_id", "path", "workstation_id", "door_number", "occupants", "vulnerable_members", "needs",
            "created_at"])
        hids = [r["id"] for r in await conn.fetch("SELECT id FROM household WHERE building_id = $1 ORDER BY id", building.id)]
        days = 730
        rows = [(hids[i % len(hids)], building.path, ws.id, LAST_DAY - timedelta(days=i % days), 3, 0, "", "", "bench", now)
                for i in range(visits)]
        await conn.copy_records_to_table("household_visit", records=rows, columns=[
            "household_id", "path", "workstation_id", "visited_on", "occupants", "vulnerable_members", "needs", "note",
            "recorded_by", "created_at"])
        mondays = [LAST_DAY - timedelta(days=LAST_DAY.weekday()) - timedelta(weeks=k) for k in range(104)]
        meetings = [(ws.id, ws.path, kind, m, m, kind == "BUILDING_HEADS" and m.day <= 7, "", "", now)
                    for m in mondays for kind in ("WORKSTATION", "BUILDING_HEADS")]
        await conn.copy_records_to_table("meeting", records=meetings, columns=[
            "workstation_id", "path", "kind", "week_of", "held_on", "monthly", "agenda", "minutes", "created_at"])
        mids = [r["id"] for r in await conn.fetch("SELECT id FROM meeting WHERE workstation_id = $1 AND kind = 'WORKSTATION' "
                                                  "ORDER BY id", ws.id)]
        concerns = [(mids[i], ws.id, ws.path, f"议题{i}", "", "物业", mondays[i] + timedelta(days=14), "OPEN", False,
                     mondays[i], now) for i in range(len(mids))]
        await conn.copy_records_to_table("concern", records=concerns, columns=[
            "meeting_id", "workstation_id", "path", "title", "measures", "owner", "deadline", "status", "public",
            "raised_on", "created_at"])
        requests = [(building.id, building.path, district_id, ws.id, "HOTLINE" if i % 3 == 0 else "RESIDENT",
                     f"12345-{i}" if i % 3 == 0 else None, f"诉求{i}", "", LAST_DAY - timedelta(days=(i * 7) % days),
                     "OPEN", False, "bench", now) for i in range(600)]
        await conn.copy_records_to_table("resident_request", records=requests, columns=[
            "building_id", "path", "district_id", "workstation_id", "channel", "ticket_number", "title", "description",
            "raised_on", "status", "dispute", "recorded_by", "created_at"])
        inspections = [(building.id, building.path, ws.id, LAST_DAY - timedelta(days=(i * 3) % days), "", "bench", now)
                       for i in range(500)]
        await conn.copy_records_to_table("inspection", records=inspections, columns=[
            "building_id", "path", "workstation_id", "inspected_on", "note", "recorded_by", "created_at"])
        incidents = [(building.id, building.path, ws.id, f"事件{i}", "", LAST_DAY - timedelta(days=(i * 11) % days), now,
                      "STATION", "CLOSED", "bench", now) for i in range(100)]
        await conn.copy_records_to_table("incident", records=incidents, columns=[
            "building_id", "path", "workstation_id", "title", "description", "reported_on", "reported_at", "level",
            "status", "recorded_by", "created_at"])
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    print(f"built workstation {ws.id}: {visits} visits and the rest in {time.perf_counter() - t0:.1f} s")
    return ws.id


async def time_api(url: str, ws_id: int, page_size: int, page: int, repeats: int) -> tuple[list[float], list[float], str]:
    """The API's times, in process: the app (with its lifespan) behind httpx's ASGI transport, so
    what is timed is the app's work (HTTP parsing, the caller's check, GraphQL, SQL, JSON) without
    the loopback socket. (Over a socket to an in-process uvicorn every answer after the first took
    a flat ~52 ms on this machine whatever the page: the response's two writes meet the client's
    delayed ACK, 40 ms; that hides the app's 6 ms.)"""
    import httpx

    from grassroots.app import create_app
    from grassroots.settings import Settings
    from schema.common import to_global_id

    data_dir = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    app = create_app(Settings(database_url=url, redis_url=None, data_dir=data_dir, production=True,
                              embedded_worker=False))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=60) as http:
            r = await http.post("/graphql", json={"query": "mutation($u:String!,$p:String!){ sessionCreate(username:$u,"
                                                  "password:$p){ token errors { code } } }",
                                                  "variables": {"u": USER, "p": PASSWORD}})
            token = r.json()["data"]["sessionCreate"]["token"]
            headers = {"Authorization": f"Bearer {token}"}
            w = to_global_id("Workstation", ws_id)

            async def ask(after: str | None) -> tuple[float, dict]:
                t = time.perf_counter()
                r = await http.post("/graphql", json={"query": LEDGER, "variables": {"w": w, "n": page_size, "a": after}},
                                    headers=headers)
                elapsed = time.perf_counter() - t
                body = r.json()
                if body.get("errors"):
                    raise SystemExit(f"the API answered an error: {body['errors']}")
                return elapsed, body["data"]["ledger"]

            after = None
            for _ in range(page - 1):  # follow the cursors to the page before the one timed
                _, data = await ask(after)
                after = data["pageInfo"]["endCursor"]
            first, deep = [], []
            for _ in range(repeats):
                first.append((await ask(None))[0])
                deep.append((await ask(after))[0])
            return first, deep, after


async def time_sql(url: str, ws_id: int, page_size: int, cursor: str, repeats: int) -> tuple[list[float], list[float], str]:
    import asyncpg

    from resolvers.ledger import KINDS, decode_cursor, ledger_args, ledger_sql

    kinds = list(KINDS)
    after = decode_cursor(cursor)
    conn = await asyncpg.connect(dsn(url))
    try:
        statements = []
        for c in (None, after):
            text = ledger_sql(kinds, bounded_from=False, bounded_to=False, cursor=c, sqlite=False)
            statements.append((text, ledger_args(kinds, ws_id, None, None, c, page_size + 1, False)))
        plan = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statements[1][0], *statements[1][1])
        first, deep = [], []
        for _ in range(repeats):
            for out, (text, args) in zip((first, deep), statements):
                t = time.perf_counter()
                await conn.fetch(text, *args)
                out.append(time.perf_counter() - t)
        return first, deep, "\n".join(r[0] for r in plan)
    finally:
        await conn.close()


def ms(xs: list[float]) -> float:
    return statistics.median(xs) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=20)
    parser.add_argument("--page", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="drop what the database holds and build again")
    parser.add_argument("--plan", action="store_true", help="print the deep page's EXPLAIN ANALYZE")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/ledger.py measures PostgreSQL: pass a postgres:// URL")

    await ensure_database(args.database_url)
    ws_id = await build(args.database_url, args.visits, args.rebuild)
    api_first, api_deep, cursor = await time_api(args.database_url, ws_id, args.page_size, args.page, args.repeats)
    sql_first, sql_deep, plan = await time_sql(args.database_url, ws_id, args.page_size, cursor, args.repeats)
    print(f"ledger of one workstation, {args.visits} visits, pages of {args.page_size}; medians of {args.repeats}")
    print(f"{'':6} {'page 1 ms':>10} {f'page {args.page} ms':>12} {'ratio':>7}")
    for name, a, b in (("API", api_first, api_deep), ("SQL", sql_first, sql_deep)):
        print(f"{name:6} {ms(a):10.2f} {ms(b):12.2f} {ms(b) / ms(a):7.2f}")
    if args.plan:
        print(plan)


if __name__ == "__main__":
    asyncio.run(main())
