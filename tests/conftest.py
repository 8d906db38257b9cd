"""Every API test runs against a real server (uvicorn on an ephemeral port) over HTTP.

One pytest process tests one backend (tortoise caches per-dialect SQL on the model
classes, so SQLite and PostgreSQL do not mix in one process): SQLite with the
embedded Redis by default, PostgreSQL with a real Redis when
GRASSROOTS_TEST_BACKEND=postgres (then TEST_DATABASE_URL and TEST_REDIS_URL are
required). `make test` runs the second pass whenever TEST_DATABASE_URL is set."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from grassroots import db
from grassroots.app import create_app
from grassroots.settings import Settings

# the in-process worker of every test server would otherwise run the scheduler's tick (every five
# minutes: all the daily jobs) in the middle of whatever a test arranges; the tests of the
# scheduler turn it back on (tests/api/test_job_workers.py)
os.environ.setdefault("GRASSROOTS_SCHEDULER", "0")

BACKEND = os.environ.get("GRASSROOTS_TEST_BACKEND", "sqlite")
if BACKEND not in ("sqlite", "postgres"):
    raise RuntimeError(f"GRASSROOTS_TEST_BACKEND must be sqlite or postgres, not {BACKEND!r}")
if BACKEND == "postgres" and not os.environ.get("TEST_DATABASE_URL"):
    raise RuntimeError("GRASSROOTS_TEST_BACKEND=postgres needs TEST_DATABASE_URL (and TEST_REDIS_URL)")
BACKENDS = [BACKEND]


_postgres_migrated: set[str] = set()  # databases migrated by this process and not reset since


async def reset_postgres(url: str) -> None:
    import asyncpg

    _postgres_migrated.discard(url)
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


async def empty_postgres(url: str) -> None:
    """Every table emptied and its ids restarted, the schema kept: a fresh database for the next
    test without running the migrations again (they take seconds; this takes milliseconds)."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                  "AND tablename <> 'tortoise_migrations'")
        if tables:
            names = ", ".join(f'"{t["tablename"]}"' for t in tables)
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


async def reset_redis(url: str) -> None:
    from redis.asyncio import Redis

    r = Redis.from_url(url)
    try:
        await r.flushdb()
    finally:
        await r.aclose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite database migrated once per run; every test gets a copy of it."""
    import concurrent.futures

    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own event loop, whatever runs here
        pool.submit(asyncio.run, db.migrate(f"sqlite://{path}")).result()
    return path


@pytest.fixture
async def database(backend: str, tmp_path, request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, str | None]]:
    """A fresh, fully migrated database for the test (and a flushed Redis on PostgreSQL runs)."""
    if backend == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url, redis_url = f"sqlite://{path}", None
    else:
        url, redis_url = os.environ["TEST_DATABASE_URL"], os.environ.get("TEST_REDIS_URL")
        if url in _postgres_migrated:
            await empty_postgres(url)
        else:
            await reset_postgres(url)
            await db.migrate(url)
            _postgres_migrated.add(url)
        if redis_url:
            await reset_redis(redis_url)
    yield url, redis_url


@contextlib.asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[str]:
    """The app under uvicorn on an ephemeral port, with its lifespan; yields the base URL."""
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="on", log_level="warning", ws="websockets-sansio")
    srv = uvicorn.Server(config)
    task = asyncio.create_task(srv.serve(sockets=[sock]))
    for _ in range(500):
        if srv.started or task.done():
            break
        await asyncio.sleep(0.01)
    if task.done():
        task.result()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        await task
        sock.close()


@pytest.fixture
async def server(database, tmp_path) -> AsyncIterator[str]:
    url, redis_url = database
    async with serve(Settings(database_url=url, redis_url=redis_url, data_dir=tmp_path / "data", production=False)) as base:
        yield base


class Api:
    """A GraphQL client over real HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.AsyncClient(base_url=base, timeout=30)
        self.token: str | None = None

    async def raw(self, query: str, variables: dict | None = None, *, token: str | None = None,
                  lang: str | None = None, headers: dict | None = None) -> dict[str, Any]:
        h = dict(headers or {})
        tok = token if token is not None else self.token
        if tok:
            h["Authorization"] = f"Bearer {tok}"
        if lang:
            h["Accept-Language"] = lang
        r = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=h)
        assert r.status_code == 200, r.text
        return r.json()

    async def gql(self, query: str, variables: dict | None = None, **kw: Any) -> dict[str, Any]:
        """Data of a query that must not raise GraphQL errors."""
        body = await self.raw(query, variables, **kw)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def login(self, username: str, password: str) -> str:
        data = await self.gql(
            "mutation($u:String!,$p:String!){ sessionCreate(username:$u,password:$p){ token errors{code message} } }",
            {"u": username, "p": password}, token="",
        )
        assert data["sessionCreate"]["errors"] == [], data
        return data["sessionCreate"]["token"]

    async def as_user(self, username: str, password: str) -> "Api":
        other = Api(self.base)
        other.token = await self.login(username, password)
        return other

    async def close(self) -> None:
        await self.http.aclose()


@pytest.fixture
async def api(server: str) -> AsyncIterator[Api]:
    client = Api(server)
    try:
        yield client
    finally:
        await client.close()


class QueryCounter(logging.Handler):
    """Counts SQL statements tortoise sends (its db_client logger, at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@pytest.fixture
def sql_counter():
    logger = logging.getLogger("tortoise.db_client")
    counter = QueryCounter()
    old = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(old)
