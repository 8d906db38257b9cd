"""The bare baseline for ``node(id:)`` of a building: Starlette + asyncpg, no GraphQL, no ORM.

    .venv/bin/python bench/bare.py --database-url postgres://postgres@127.0.0.1:5432/grassroots_bench_m \
        [--port 8001] [--processes 2]

It accepts the POST body the API accepts for bench/queries.py ``NODE_QUERY`` (``{"query": ...,
"variables": {"id": <global ID>}}``) on ``/graphql`` and does what the API does for it, by hand:

  * the bearer token check of resolvers/viewer.py ``viewer_from_token``, with the same read: the
    token (sha256, not revoked, not expired) in ``auth_token`` joined to its active user in
    ``app_user`` and the user's grants in ``role_grant``, in one statement (the API's own SQL; it
    made three reads until 2026-12-05, and this baseline with it);
  * the node read by primary key in ``node``, and the scope check (READ at the node's path, through
    policy/access.py ``can``, the rule the API applies);
  * the answer the API gives, byte for byte: ``{"data":{"node":{"id","name","code","households",
    "openedOn"}}}`` (orjson), ``{"data":{"node":null}}`` when the ID is not one of ours, the node is
    missing or out of scope.

Only NODE_QUERY is understood (any other document gets a 400). The process and socket setup is
grassroots/cli.py ``_serve``'s: ``processes`` independent uvicorn servers (spawned) each binding
the port with SO_REUSEPORT through ``grassroots.cli.listening_socket``, uvicorn at log level info
(access log on, as the API), SIGTERM / SIGINT passed on to the children. Each process holds an
asyncpg pool of 1..5 connections (tortoise's default pool size, which the API runs with).
"""
from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402

from bench.queries import NODE_QUERY  # noqa: E402

POOL_MIN, POOL_MAX = 1, 5

# resolvers/viewer.py ``_TOKEN_SQL``: the token, its active user and the user's grants in one read
VIEWER_SQL = (
    "SELECT u.id, u.username, u.is_system_admin, t.expires_at, g.role, g.node_id, g.path "
    "FROM auth_token t JOIN app_user u ON u.id = t.user_id LEFT JOIN role_grant g ON g.user_id = u.id "
    "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.is_active ORDER BY g.id"
)
NODE_SQL = "SELECT id, kind, name, code, households, opened_on, path FROM node WHERE id = $1"

TYPE_NAMES = {"DISTRICT": "District", "NEW_TOWN": "NewTown", "SUBDISTRICT": "Subdistrict",
              "COMMUNITY": "Community", "VILLAGE": "Village", "COMPOUND": "Compound",
              "VILLAGE_GROUP": "VillageGroup", "BUILDING": "Building"}
_TYPE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")
_PK = re.compile(r"[1-9][0-9]{0,9}")
MAX_PK = 2**31 - 1

NULL_NODE = b'{"data":{"node":null}}'
UNAUTHENTICATED = b'{"data":{"node":null},"errors":[{"message":"INVALID_TOKEN"}]}'


def from_global_id(gid: Any) -> tuple[str, int] | None:
    """schema/common.py ``from_global_id``'s rule: a type name, ':', and a key from 1 to MAX_PK."""
    if not isinstance(gid, str) or len(gid) > 200 or not gid.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, _, pk = raw.partition(":")
    if not _TYPE_NAME.fullmatch(type_name) or not _PK.fullmatch(pk) or int(pk) > MAX_PK:
        return None
    return type_name, int(pk)


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def create_app(database_url: str):
    import asyncpg
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from policy.access import Capability, Grant, can
    from policy.kinds import Role

    dsn = "postgresql://" + database_url.split("://", 1)[1]
    state: dict[str, Any] = {}

    async def lifespan(app: Any):
        state["pool"] = await asyncpg.create_pool(dsn, min_size=POOL_MIN, max_size=POOL_MAX)
        try:
            yield
        finally:
            await state["pool"].close()

    def answer(body: bytes, status: int = 200) -> Response:
        return Response(body, status_code=status, media_type="application/json")

    async def graphql(request: Request) -> Response:
        try:
            payload = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return answer(b'{"errors":[{"message":"the body is not JSON"}]}', 400)
        if not isinstance(payload, dict) or payload.get("query") != NODE_QUERY:
            return answer(b'{"errors":[{"message":"only NODE_QUERY is served here"}]}', 400)
        gid = (payload.get("variables") or {}).get("id")
        scheme, _, credential = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            return answer(UNAUTHENTICATED)
        token_hash = hashlib.sha256(credential.strip().encode()).hexdigest()
        async with state["pool"].acquire() as conn:
            rows = await conn.fetch(VIEWER_SQL, token_hash)
            if not rows or rows[0]["expires_at"] <= datetime.now(timezone.utc):
                return answer(UNAUTHENTICATED)
            grants = tuple(Grant(Role(r["role"]), r["node_id"], r["path"]) for r in rows if r["role"] is not None)
            decoded = from_global_id(gid)
            if decoded is None or decoded[0] not in TYPE_NAMES.values():
                return answer(NULL_NODE)
            row = await conn.fetchrow(NODE_SQL, decoded[1])
        if row is None or not can(grants, Capability.READ, row["path"]):
            return answer(NULL_NODE)
        node: dict[str, Any] = {"id": to_global_id(TYPE_NAMES[row["kind"]], row["id"])}
        if row["kind"] == "BUILDING":  # the `... on Building` fragment
            node.update(name=row["name"], code=row["code"], households=row["households"] or 0,
                        openedOn=row["opened_on"])
        return answer(orjson.dumps({"data": {"node": node}}))

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)


def _serve_one(database_url: str, host: str, port: int, reuse_port: bool) -> None:
    import uvicorn

    from grassroots.cli import configure_logging, listening_socket

    configure_logging()
    sock = listening_socket(host, port, reuse_port=reuse_port)
    config = uvicorn.Config(create_app(database_url), log_level="info", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()


def serve(database_url: str, host: str, port: int, processes: int) -> int:
    """grassroots/cli.py ``_serve``: one process, or ``processes`` spawned ones sharing the port."""
    if processes <= 1:
        _serve_one(database_url, host, port, reuse_port=False)
        return 0
    from grassroots.cli import run_processes

    return run_processes(_serve_one, (database_url, host, port, True), processes, "bare-serve")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), help="postgres://... (or DATABASE_URL)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8001")))
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url postgres://... is required (the baseline is PostgreSQL only)")
    return serve(args.database_url, args.host, args.port, args.processes)


if __name__ == "__main__":
    raise SystemExit(main())
