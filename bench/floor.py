"""The floor the read path is compared to: a plain driver, hand-written SQL and orjson, giving the
same response bytes the API gives for bench/queries.py COMPOUNDS_QUERY, BUILDINGS_QUERY and
NODE_QUERY (``{"data":{...}}`` as the server's orjson encodes it: fields in query order,
``coveragePercent`` a float, global IDs as schema/common.py ``to_global_id``).

    await compounds_json(conn, token) -> bytes     # 6 statements
    await buildings_json(conn, token) -> bytes     # 6 statements
    await node_json(conn, token, global_id) -> bytes   # 2 statements

``conn`` is an asyncpg connection, or for SQLite a stdlib ``sqlite3.Connection`` or an
``aiosqlite.Connection``: the same SQL runs on both (written with ``:name`` parameters; the
adapter renumbers them to ``$n`` for PostgreSQL). Every statement sent is counted in
``STATEMENTS`` (``reset_statements()`` / ``statements()``), and ``counted(coro)`` returns
(result, statements sent by it). All statements run one after another on the one connection.

What it does, as the API does it for the caller, on every call (nothing kept between calls):

1. The caller, in one statement: the token row (sha256 of the token, not revoked, not expired),
   its user (active) and the user's role grants (resolvers/viewer.py ``viewer_from_token``). The
   READ scope is folded from the grants with policy/access.py ``scope_paths``.
2. The tree, in one statement: the districts within the READ scope (closed ones too, as
   ``districts`` returns them) and every non-leaf node below them, open or closed (figures are
   summed up through closed nodes too), with its path; for BUILDINGS_QUERY the open buildings.
3. The figures, in four statements that each return a few thousand rows, filtered to the
   districts' paths: households of open leaves summed per (container, service area) with one
   GROUP BY; the open named service areas with their ACTIVE heads counted; the workstations,
   set up (in use on or before today) and late on either campaign deadline
   (policy/workstations.py ``set_up_status``), today being the business date in Asia/Shanghai
   (resolvers/clock.py); the ``households_per_head`` rows in force today.
4. Python adds them up (``container_figures``): per open named area and per container's implicit
   area (its open leaves in no open named area) one seat per ``households_per_head`` households,
   rounded up (policy/seats.py), the parameter being the nearest row on the container's path
   (its latest ``effective_from`` on or before today; the default otherwise); vacancies
   max(0, seats − active) per area; workstations of open compounds. Each container's figures
   are then summed onto its ancestors bottom-up along ``parent_id`` (a few list additions per
   node), the tree nested (children of the kind each connection asks for, open, by id, at most
   100: the page the queries ask for) and dumped with orjson; ``coveragePercent`` is formatted
   from the two summed integers with the schema's own expression (schema/tree.py).

Assumptions (exact for every database bench/scale.py generates, and for any database the API
keeps consistent): a node's ``path`` is its parent's path plus its id (the sums go up along
``parent_id``, the API cuts paths), paths hold digits and "/" only, a leaf's container is its
parent, a service area's ``path`` is its container's, and a workstation's ``path`` is its compound's. An invalid token
raises ``PermissionError`` (the API answers with an error body); ``node_json`` answers tree-node
IDs only (other types raise ``NotImplementedError``).
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
from binascii import b2a_base64
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
    return await conn.fetch(pg_sql, *[params[n] for n in names])  # Records index like tuples


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
# the tree and the per-container figures, in five statements
# ---------------------------------------------------------------------------

def nodes_sql(n_scopes: int, with_leaves: bool) -> str:
    """Every non-leaf node of the districts within the READ scope (closed districts too, as
    ``districts`` returns them), open or closed (the sums go up through them all), with its path
    and whether it is shown (open, or a district); with ``with_leaves`` the open buildings too."""
    in_scope = " OR ".join(f"d.path LIKE :scope{i} || '%'" for i in range(n_scopes)) or "1 = 0"
    leaves = "OR (n.kind = 'BUILDING' AND n.closed_on IS NULL)" if with_leaves else ""
    return f"""
WITH dist AS (SELECT d.id, d.path FROM node d WHERE d.kind = 'DISTRICT' AND ({in_scope}))
SELECT n.id, n.kind, n.name, n.parent_id, n.households, n.closed_on IS NULL OR n.id = dist.id AS shown,
       CASE WHEN n.kind = 'BUILDING' THEN NULL ELSE n.path END AS path
FROM node n JOIN dist ON SUBSTR(n.path, 1, LENGTH(dist.path)) = dist.path
WHERE n.kind NOT IN ('BUILDING', 'VILLAGE_GROUP') {leaves}
ORDER BY n.id
"""


def _in(t: str, districts: list[str]) -> str:
    """``t``'s path is within one of the districts (parameters :d0, :d1, ...; paths hold digits and
    "/" only, so LIKE is a plain prefix test, and lets the planner see how many rows match)."""
    return "(" + " OR ".join(f"{t}.path LIKE :d{i} || '%'" for i in range(len(districts))) + ")"


def leaves_sql(districts: list[str]) -> str:
    """Households of open leaves per (container, service area)."""
    return f"""
SELECT l.parent_id, l.service_area_id, SUM(COALESCE(l.households, 0))
FROM node l
WHERE l.kind IN ('BUILDING', 'VILLAGE_GROUP') AND l.closed_on IS NULL AND {_in("l", districts)}
GROUP BY l.parent_id, l.service_area_id
"""


def areas_sql(districts: list[str]) -> str:
    """Open named service areas: id, container, path (the container's) and active heads."""
    return f"""
SELECT a.id, a.container_id, a.path, COALESCE(h.n, 0)
FROM service_area a
LEFT JOIN (SELECT b.service_area_id AS aid, COUNT(*) AS n FROM building_head b
           WHERE b.status = 'ACTIVE' AND {_in("b", districts)} GROUP BY b.service_area_id) h ON h.aid = a.id
WHERE a.closed_on IS NULL AND {_in("a", districts)}
"""


def workstations_sql(districts: list[str]) -> str:
    """Workstations: compound, set up, late (policy/workstations.py); the caller keeps open compounds'."""
    return f"""
SELECT w.compound_id,
       CASE WHEN w.in_use_on IS NOT NULL AND w.in_use_on <= :today THEN 1 ELSE 0 END,
       CASE WHEN (c.premises_deadline IS NOT NULL AND ((w.premises_ready_on IS NULL AND :today > c.premises_deadline)
                                                        OR w.premises_ready_on > c.premises_deadline))
              OR (c.in_use_deadline IS NOT NULL AND ((w.in_use_on IS NULL AND :today > c.in_use_deadline)
                                                      OR w.in_use_on > c.in_use_deadline))
            THEN 1 ELSE 0 END
FROM workstation w LEFT JOIN workstation_campaign c ON c.id = w.campaign_id
WHERE {_in("w", districts)}
"""


def per_head_sql(districts: list[str]) -> str:
    """``households_per_head`` rows in force today, the one that applies first."""
    return f"""
SELECT p.path, p.value FROM policy_parameter p
WHERE p.key = 'households_per_head' AND p.effective_from <= :today AND {_in("p", districts)}
ORDER BY LENGTH(p.path) DESC, p.effective_from DESC
"""


_B64URL = bytes.maketrans(b"+/", b"-_")


def _gid(type_name: str, pk: int) -> str:
    """schema/common.py ``to_global_id``: url-safe base64 of "Type:pk", unpadded."""
    return b2a_base64(f"{type_name}:{pk}".encode(), newline=False).rstrip(b"=").translate(_B64URL).decode()


CONNECTION_FIELD = {"DISTRICT": "newTowns", "NEW_TOWN": "subdistricts", "SUBDISTRICT": "communities",
                    "COMMUNITY": "compounds", "COMPOUND": "buildings"}
_ZERO = (0, 0, 0, 0, 0, 0, 0)


def container_figures(leaves: Iterable[Any], areas: Iterable[Any], stations: Iterable[Any], per_head_rows: list[Any],
                      default_per_head: int, path_of: dict[int, str], open_nodes: set[int]) -> dict[int, list[int]]:
    """Each container's own [households, required, active, vacancies, workstations, set up, late]:
    one seat per ``households_per_head`` households, rounded up, per open named area and per
    container's implicit area (its open leaves in no open named area); active heads per named
    area; vacancies max(0, seats − active) per area (policy/rollup.py, policy/seats.py)."""
    per_head_at: dict[str, int] = {}

    def per_head(path: str) -> int:  # the nearest row on the path (rows come longest path first)
        ph = per_head_at.get(path)
        if ph is None:
            ph = next((int(r[1]) for r in per_head_rows if path.startswith(r[0])), default_per_head)
            per_head_at[path] = ph
        return ph

    area_hh: dict[int, int] = {}
    implicit: dict[int, int] = {}  # container → households of its leaves in no named area
    named: list[Any] = []
    for r in leaves:
        said = r[1]
        if said is None:
            implicit[r[0]] = implicit.get(r[0], 0) + r[2]
        else:
            area_hh[said] = area_hh.get(said, 0) + r[2]
            named.append(r)
    own: dict[int, list[int]] = {}
    open_areas = set()
    for aid, cid, path, active in areas:
        open_areas.add(aid)
        hh = area_hh.get(aid, 0)
        req = -(-hh // per_head(path))
        vac = req - active if req > active else 0
        f = own.get(cid)
        if f is None:
            own[cid] = [hh, req, active, vac, 0, 0, 0]
        else:
            f[0] += hh; f[1] += req; f[2] += active; f[3] += vac
    if any(a not in open_areas for a in area_hh):  # leaves of a closed area count as in none
        for r in named:
            if r[1] not in open_areas:
                implicit[r[0]] = implicit.get(r[0], 0) + r[2]
    for cid, hh in implicit.items():
        req = -(-hh // per_head(path_of[cid]))
        f = own.get(cid)
        if f is None:
            own[cid] = [hh, req, 0, req, 0, 0, 0]
        else:
            f[0] += hh; f[1] += req; f[3] += req
    for cid, set_up, late in stations:
        if cid not in open_nodes:
            continue
        f = own.get(cid)
        if f is None:
            own[cid] = [0, 0, 0, 0, 1, set_up, late]
        else:
            f[4] += 1; f[5] += set_up; f[6] += late
    return own


class Tree:
    """The node rows indexed: each node's fetched non-leaf children (open or closed, by id), each
    compound's open buildings (by id), the districts, containers' paths and the open nodes."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.below: dict[int, list[Any]] = defaultdict(list)
        self.buildings: dict[int, list[Any]] = defaultdict(list)
        self.districts: list[Any] = []
        self.path_of: dict[int, str] = {}
        self.open_nodes: set[int] = set()
        for r in rows:
            kind = r[1]
            if kind == "BUILDING":
                self.buildings[r[3]].append(r)
                continue
            self.path_of[r[0]] = r[6]
            if r[5]:
                self.open_nodes.add(r[0])
            if kind == "DISTRICT":
                self.districts.append(r)
            elif r[3] is not None:
                self.below[r[3]].append(r)


def nest(tree: Tree, own: dict[int, list[int]], with_leaves: bool) -> dict[str, Any]:
    """The tree and the containers' own figures → the ``data`` of the walk."""
    below, buildings = tree.below, tree.buildings
    totals: dict[int, Any] = {}

    def total(nid: int) -> Any:  # own figures plus every child's, bottom-up
        acc = own.get(nid, _ZERO)
        for c in below.get(nid, ()):
            t = total(c[0])
            if t is not _ZERO:
                acc = [a + b for a, b in zip(acc, t)]
        totals[nid] = acc
        return acc

    for d in tree.districts:
        total(d[0])

    def rollup(nid: int) -> dict[str, Any]:
        hh, req, act, vac, ws, su, late = totals.get(nid, _ZERO)
        # schema/tree.py Rollup.coverage_percent (policy/seats.py), on the summed integers
        cov = 100.0 if req == 0 else round(100 * min(act, req) / req, 1)
        return {"households": hh, "requiredBuildingHeads": req, "activeBuildingHeads": act, "vacancies": vac,
                "coveragePercent": cov, "workstations": ws, "workstationsSetUp": su, "workstationsLate": late}

    def obj(r: Any) -> dict[str, Any]:
        kind = r[1]
        nid = r[0]
        out = {"id": _gid(TYPE_NAMES[kind], nid), "name": r[2], "rollup": rollup(nid)}
        if kind == "COMPOUND":
            if with_leaves:
                out["buildings"] = {"nodes": [{"id": _gid("Building", b[0]), "name": b[2], "households": b[4] or 0}
                                              for b in buildings.get(nid, ())[:PAGE]]}
            return out
        want = CHILD_KIND[kind]
        kids = [c for c in below.get(nid, ()) if c[1] == want and c[5]][:PAGE]
        out[CONNECTION_FIELD[kind]] = {"nodes": [obj(c) for c in kids]}
        return out

    return {"districts": [obj(d) for d in tree.districts]}


async def _walk(conn: Any, token: str, with_leaves: bool) -> bytes:
    scopes = await read_scope(conn, token)
    rows = await _fetch(conn, nodes_sql(len(scopes), with_leaves), {f"scope{i}": p for i, p in enumerate(scopes)})
    tree = Tree(rows)
    districts = [r[6] for r in tree.districts]
    if districts:
        params: dict[str, Any] = {f"d{i}": p for i, p in enumerate(districts)}
        dated = {**params, "today": today()}
        leaves = await _fetch(conn, leaves_sql(districts), params)
        areas = await _fetch(conn, areas_sql(districts), params)
        stations = await _fetch(conn, workstations_sql(districts), dated)
        per_head_rows = await _fetch(conn, per_head_sql(districts), dated)
        own = container_figures(leaves, areas, stations, per_head_rows, int(PARAMETERS["households_per_head"].default),
                                tree.path_of, tree.open_nodes)
    else:
        own = {}
    return orjson.dumps({"data": nest(tree, own, with_leaves)})


async def compounds_json(conn: Any, token: str) -> bytes:
    """The body the API returns for COMPOUNDS_QUERY (6 statements)."""
    return await _walk(conn, token, False)


async def buildings_json(conn: Any, token: str) -> bytes:
    """The body the API returns for BUILDINGS_QUERY (6 statements)."""
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
           "read_scope"]
