"""The floor the read path is compared to: a plain driver, hand-written SQL and orjson, giving the
same response bytes the API gives for bench/queries.py COMPOUNDS_QUERY, BUILDINGS_QUERY and
NODE_QUERY (``{"data":{...}}`` as the server's orjson encodes it: fields in query order,
``coveragePercent`` a float, global IDs as schema/common.py ``to_global_id``).

    await compounds_json(conn, token) -> bytes     # 2 statements
    await buildings_json(conn, token) -> bytes     # 2 statements
    await node_json(conn, token, global_id) -> bytes   # 2 statements

``conn`` is an asyncpg connection, or for SQLite a stdlib ``sqlite3.Connection`` or an
``aiosqlite.Connection``: the same SQL runs on both (written with ``:name`` parameters; the
adapter renumbers them to ``$n`` for PostgreSQL). Every statement sent is counted in
``STATEMENTS`` (``reset_statements()`` / ``statements()``), and ``counted(coro)`` returns
(result, statements sent by it).

What it does, as the API does it for the caller:

1. The caller, in one statement: the token row (sha256 of the token, not revoked, not expired),
   its user (active) and the user's role grants (resolvers/viewer.py ``viewer_from_token``). The
   READ scope is folded from the grants with policy/access.py ``scope_paths``.
2. The tree, in one statement: the districts within the READ scope (closed ones too, as
   ``districts`` returns them), every open node below them, and the roll-up of every one of
   them computed in SQL as policy/rollup.py + resolvers/batches.py ``compute_rollups`` do:
   households of open leaves; one seat per ``households_per_head`` households, rounded up, per
   open named service area and per container's implicit area (its open leaves in no open named
   area); active heads (ACTIVE terms) per named area; vacancies max(0, seats − active) per area;
   workstations of open compounds, set up (in use on or before today) and late on either
   campaign deadline (policy/workstations.py ``set_up_status``), today being the business date
   in Asia/Shanghai (resolvers/clock.py). The per-container figures are summed onto every
   ancestor through a recursive walk up ``parent_id``. The ``households_per_head`` in force is
   resolved per container in SQL (the nearest node on the container's path with a row whose
   ``effective_from`` is on or before today, its latest such row; the parameter's default
   otherwise).
3. Python only nests the rows (children of the kind each connection asks for, open, by id, at
   most 100: the page the queries ask for) and dumps them; ``coveragePercent`` is formatted from
   the two summed integers with the schema's own expression (schema/tree.py).

Assumptions (exact for every database bench/scale.py generates, and for any database the API
keeps consistent): a node's ``path`` is its parent's path plus its id (the walk up uses
``parent_id``, the API cuts paths), a leaf's container is its parent, a service area's
``path`` is its container's, and a workstation's ``path`` is its compound's. An invalid token
raises ``PermissionError`` (the API answers with an error body); ``node_json`` answers tree-node
IDs only (other types raise ``NotImplementedError``).
"""
from __future__ import annotations

import base64
import hashlib
import re
import sqlite3
from collections import defaultdict
from collections.abc import Awaitable, Iterable
from datetime import date, datetime
from typing import Any

import orjson

from policy.access import Capability, Grant, scope_paths
from policy.kinds import Role
from policy.parameters import PARAMETERS
from resolvers.clock import SHANGHAI, today

PAGE = 100  # the queries ask for first: 100
TYPE_NAMES = {
    "DISTRICT": "District", "NEW_TOWN": "NewTown", "SUBDISTRICT": "Subdistrict", "COMMUNITY": "Community",
    "VILLAGE": "Village", "COMPOUND": "Compound", "VILLAGE_GROUP": "VillageGroup", "BUILDING": "Building",
}
# the kind each connection of the queries lists below a node of a kind
CHILD_KIND = {"DISTRICT": "NEW_TOWN", "NEW_TOWN": "SUBDISTRICT", "SUBDISTRICT": "COMMUNITY",
              "COMMUNITY": "COMPOUND", "COMPOUND": "BUILDING"}
LEAF_KINDS = ("BUILDING", "VILLAGE_GROUP")

_count = 0


def reset_statements() -> None:
    global _count
    _count = 0


def statements() -> int:
    return _count


async def counted(awaitable: Awaitable[Any]) -> tuple[Any, int]:
    """(result, statements it sent)."""
    before = _count
    result = await awaitable
    return result, _count - before


# ---------------------------------------------------------------------------
# a tiny adapter: one SQL text, ":name" parameters, on asyncpg or sqlite
# ---------------------------------------------------------------------------

_PARAM = re.compile(r":([a-z_][a-z0-9_]*)")


def _sqlite_param(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat(" ")  # tortoise stores "YYYY-MM-DD HH:MM:SS[.ffffff]+08:00" on SQLite
    if isinstance(v, date):
        return v.isoformat()
    return v


async def _fetch(conn: Any, sql: str, params: dict[str, Any]) -> list[tuple]:
    global _count
    _count += 1
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(sql, {k: _sqlite_param(v) for k, v in params.items()}).fetchall()
    if type(conn).__module__.startswith("aiosqlite"):
        async with conn.execute(sql, {k: _sqlite_param(v) for k, v in params.items()}) as cur:
            return list(await cur.fetchall())
    names: list[str] = []

    def number(m: re.Match) -> str:
        if m.group(1) not in names:
            names.append(m.group(1))
        return f"${names.index(m.group(1)) + 1}"

    pg_sql = _PARAM.sub(number, sql)
    return [tuple(r) for r in await conn.fetch(pg_sql, *[params[n] for n in names])]


def _dialect(conn: Any) -> str:
    if isinstance(conn, sqlite3.Connection) or type(conn).__module__.startswith("aiosqlite"):
        return "sqlite"
    return "postgres"


# ---------------------------------------------------------------------------
# the caller
# ---------------------------------------------------------------------------

VIEWER_SQL = """
SELECT u.id, g.role, g.node_id, g.path
FROM auth_token t
JOIN app_user u ON u.id = t.user_id AND u.is_active = :true
LEFT JOIN role_grant g ON g.user_id = u.id
WHERE t.token_hash = :hash AND t.revoked_at IS NULL AND t.expires_at > :now
"""


async def read_scope(conn: Any, token: str) -> list[str]:
    """The caller's READ scope roots (one statement); PermissionError for an invalid token."""
    rows = await _fetch(conn, VIEWER_SQL, {
        "hash": hashlib.sha256(token.encode()).hexdigest(), "now": datetime.now(SHANGHAI),
        "true": True if _dialect(conn) == "postgres" else 1,
    })
    if not rows:
        raise PermissionError("INVALID_TOKEN")
    grants = [Grant(Role(r[1]), r[2], r[3]) for r in rows if r[1] is not None]
    return scope_paths(grants, Capability.READ)


# ---------------------------------------------------------------------------
# the tree with its roll-ups, in one statement
# ---------------------------------------------------------------------------

def tree_sql(n_scopes: int, with_leaves: bool) -> str:
    in_scope = " OR ".join(f"d.path LIKE :scope{i} || '%'" for i in range(n_scopes)) or "1 = 0"
    leaves = "" if with_leaves else "AND n.kind NOT IN ('BUILDING', 'VILLAGE_GROUP')"
    return f"""
WITH RECURSIVE
dist AS (SELECT d.id, d.path FROM node d WHERE d.kind = 'DISTRICT' AND ({in_scope})),
leaf AS (
  SELECT n.parent_id AS cid, n.service_area_id AS said, CAST(SUM(COALESCE(n.households, 0)) AS BIGINT) AS hh
  FROM node n JOIN dist ON SUBSTR(n.path, 1, LENGTH(dist.path)) = dist.path
  WHERE n.kind IN ('BUILDING', 'VILLAGE_GROUP') AND n.closed_on IS NULL
  GROUP BY n.parent_id, n.service_area_id
),
area AS (
  SELECT a.id, a.container_id AS cid FROM service_area a JOIN dist ON SUBSTR(a.path, 1, LENGTH(dist.path)) = dist.path
  WHERE a.closed_on IS NULL
),
active AS (
  SELECT b.service_area_id AS aid, COUNT(*) AS n FROM building_head b JOIN dist ON SUBSTR(b.path, 1, LENGTH(dist.path)) = dist.path
  WHERE b.status = 'ACTIVE' GROUP BY b.service_area_id
),
area_hh AS (
  SELECT a.cid, a.id AS aid, CAST(COALESCE(SUM(l.hh), 0) AS BIGINT) AS hh FROM area a LEFT JOIN leaf l ON l.said = a.id
  GROUP BY a.cid, a.id
  UNION ALL
  SELECT l.cid, NULL, CAST(SUM(l.hh) AS BIGINT) FROM leaf l LEFT JOIN area a ON a.id = l.said WHERE a.id IS NULL GROUP BY l.cid
),
hp AS MATERIALIZED (
  SELECT p.path, p.value, p.effective_from FROM policy_parameter p JOIN dist ON SUBSTR(p.path, 1, LENGTH(dist.path)) = dist.path
  WHERE p.key = 'households_per_head' AND p.effective_from <= :today
),
per_head AS MATERIALIZED (
  SELECT c.id AS cid, COALESCE((SELECT CAST(hp.value AS INTEGER) FROM hp WHERE c.path LIKE hp.path || '%'
                                ORDER BY LENGTH(hp.path) DESC, hp.effective_from DESC LIMIT 1), :default_per_head) AS ph
  FROM node c WHERE c.id IN (SELECT cid FROM area_hh)
),
area_fig AS (
  SELECT h.cid, h.aid, h.hh, CAST((h.hh + p.ph - 1) / p.ph AS BIGINT) AS req,  -- integers: ceil
         CASE WHEN h.aid IS NULL THEN 0 ELSE COALESCE(ac.n, 0) END AS act
  FROM area_hh h JOIN per_head p ON p.cid = h.cid LEFT JOIN active ac ON ac.aid = h.aid
),
contrib AS (
  SELECT cid, hh, req, act, CASE WHEN req > act THEN req - act ELSE 0 END AS vac,
         0 AS ws, 0 AS su, 0 AS late
  FROM area_fig
  UNION ALL
  SELECT w.compound_id, 0, 0, 0, 0, 1,
         CASE WHEN w.in_use_on IS NOT NULL AND w.in_use_on <= :today THEN 1 ELSE 0 END,
         CASE WHEN (c.premises_deadline IS NOT NULL AND ((w.premises_ready_on IS NULL AND :today > c.premises_deadline)
                                                          OR w.premises_ready_on > c.premises_deadline))
                OR (c.in_use_deadline IS NOT NULL AND ((w.in_use_on IS NULL AND :today > c.in_use_deadline)
                                                        OR w.in_use_on > c.in_use_deadline))
              THEN 1 ELSE 0 END
  FROM workstation w JOIN dist ON SUBSTR(w.path, 1, LENGTH(dist.path)) = dist.path
  JOIN node k ON k.id = w.compound_id AND k.closed_on IS NULL
  LEFT JOIN workstation_campaign c ON c.id = w.campaign_id
),
per_container AS (
  SELECT cid, SUM(hh) AS hh, SUM(req) AS req, SUM(act) AS act, SUM(vac) AS vac, SUM(ws) AS ws, SUM(su) AS su,
         SUM(late) AS late
  FROM contrib GROUP BY cid
),
anc(cid, nid) AS (
  SELECT cid, cid FROM per_container
  UNION ALL
  SELECT anc.cid, n.parent_id FROM anc JOIN node n ON n.id = anc.nid WHERE n.parent_id IS NOT NULL
),
fig AS (
  SELECT anc.nid, CAST(SUM(s.hh) AS BIGINT) AS hh, CAST(SUM(s.req) AS BIGINT) AS req,
         CAST(SUM(s.act) AS BIGINT) AS act, CAST(SUM(s.vac) AS BIGINT) AS vac, CAST(SUM(s.ws) AS BIGINT) AS ws,
         CAST(SUM(s.su) AS BIGINT) AS su, CAST(SUM(s.late) AS BIGINT) AS late
  FROM anc JOIN per_container s ON s.cid = anc.cid GROUP BY anc.nid
)
SELECT n.id, n.kind, n.name, n.parent_id, n.households, f.hh, f.req, f.act, f.vac, f.ws, f.su, f.late
FROM node n JOIN dist ON SUBSTR(n.path, 1, LENGTH(dist.path)) = dist.path
LEFT JOIN fig f ON f.nid = n.id
WHERE (n.closed_on IS NULL OR n.id = dist.id) {leaves}
ORDER BY n.id
"""


def _gid(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def _rollup(r: tuple) -> dict[str, Any]:
    if r[5] is None:
        hh = req = act = vac = ws = su = late = 0
    else:
        hh, req, act, vac, ws, su, late = r[5:12]
    # schema/tree.py Rollup.coverage_percent, on the summed integers
    cov = 100.0 if req == 0 else round(100 * min(act, req) / req, 1)
    return {"households": hh, "requiredBuildingHeads": req, "activeBuildingHeads": act, "vacancies": vac,
            "coveragePercent": cov, "workstations": ws, "workstationsSetUp": su, "workstationsLate": late}


CONNECTION_FIELD = {"DISTRICT": "newTowns", "NEW_TOWN": "subdistricts", "SUBDISTRICT": "communities",
                    "COMMUNITY": "compounds", "COMPOUND": "buildings"}


def nest(rows: Iterable[tuple], with_leaves: bool) -> dict[str, Any]:
    """Rows (ordered by id) → the ``data`` of the walk."""
    children: dict[int, list[tuple]] = defaultdict(list)
    districts: list[tuple] = []
    for r in rows:
        if r[1] == "DISTRICT":
            districts.append(r)
        elif r[3] is not None:
            children[r[3]].append(r)

    def obj(r: tuple) -> dict[str, Any]:
        kind = r[1]
        if kind == "BUILDING":
            return {"id": _gid("Building", r[0]), "name": r[2], "households": r[4] or 0}
        out = {"id": _gid(TYPE_NAMES[kind], r[0]), "name": r[2], "rollup": _rollup(r)}
        if kind == "COMPOUND" and not with_leaves:
            return out
        want = CHILD_KIND[kind]
        kids = [c for c in children.get(r[0], ()) if c[1] == want][:PAGE]
        out[CONNECTION_FIELD[kind]] = {"nodes": [obj(c) for c in kids]}
        return out

    return {"districts": [obj(d) for d in districts]}


async def _walk(conn: Any, token: str, with_leaves: bool) -> bytes:
    scopes = await read_scope(conn, token)
    params: dict[str, Any] = {f"scope{i}": p for i, p in enumerate(scopes)}
    params["today"] = today()
    params["default_per_head"] = int(PARAMETERS["households_per_head"].default)
    rows = await _fetch(conn, tree_sql(len(scopes), with_leaves), params)
    return orjson.dumps({"data": nest(rows, with_leaves)})


async def compounds_json(conn: Any, token: str) -> bytes:
    """The body the API returns for COMPOUNDS_QUERY (2 statements)."""
    return await _walk(conn, token, False)


async def buildings_json(conn: Any, token: str) -> bytes:
    """The body the API returns for BUILDINGS_QUERY (2 statements)."""
    return await _walk(conn, token, True)


NODE_SQL = "SELECT id, kind, name, code, households, opened_on, path FROM node WHERE id = :pk"


async def node_json(conn: Any, token: str, global_id: str) -> bytes:
    """The body the API returns for NODE_QUERY with ``id`` = ``global_id`` (2 statements)."""
    from schema.common import from_global_id  # the API's own decoding rules

    scopes = await read_scope(conn, token)
    try:
        type_name, pk = from_global_id(global_id)
    except ValueError:
        return b'{"data":{"node":null}}'
    if type_name not in TYPE_NAMES.values():
        raise NotImplementedError(f"the floor answers tree-node IDs only, not {type_name}")
    rows = await _fetch(conn, NODE_SQL, {"pk": pk})
    if not rows or not any(rows[0][6].startswith(s) for s in scopes):
        return b'{"data":{"node":null}}'
    pk, kind, name, code, households, opened_on, _ = rows[0]
    node: dict[str, Any] = {"id": _gid(TYPE_NAMES[kind], pk)}
    if kind == "BUILDING":
        if isinstance(opened_on, str):  # SQLite
            opened_on = date.fromisoformat(opened_on)
        node.update(name=name, code=code, households=households or 0, openedOn=opened_on)
    return orjson.dumps({"data": {"node": node}})


__all__ = ["compounds_json", "buildings_json", "node_json", "counted", "reset_statements", "statements",
           "read_scope", "tree_sql"]
