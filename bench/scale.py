"""A deterministic synthetic district at three sizes, loaded with set-based inserts.

    .venv/bin/python bench/scale.py --size S|M|L --database-url URL [--replace]

Sizes (one district each; no parent holds more than 100 children, the API's page cap):

    S: 3 new towns, 6 subdistricts, 30 communities, 300 compounds, 3,000 buildings
    M: 3 new towns, 30 subdistricts, 300 communities, 3,000 compounds, 30,000 buildings
    L: 3 new towns, 30 subdistricts, 3,000 communities, 30,000 compounds, 300,000 buildings
       (PostgreSQL only)

Every compound has 10 buildings (households 40..200, 120 on average, varied deterministically),
two named service areas (in one compound out of four, buildings 9 and 10 stay outside any
named area, so the container's implicit area is exercised), active building heads per named
area around the number of seats (some areas short, some over-filled; plus some ended terms),
a workstation (the district's set-up campaign on most: set up on time, late on either deadline,
not in use; a tenth without a campaign) and, in four compounds out of five, a station head
appointment (a community worker). People have valid, unique ID numbers (policy/idnumber.py).

Also created: the bench user (bench/queries.py ``BENCH_USERNAME``) holding ADMIN at the
district, an auth token whose hash is sha256(``BENCH_TOKEN``) expiring in 2099, and the
district's default policy-parameter rows (as grassroots/demo.py ``create_district`` writes them).

Primary keys are explicit; ``path``, ``depth``, ``district_id``, ``chain`` etc. are what
resolvers/tree/nodes.py ``create_node`` writes. The schema comes from the project's own
migrations (``grassroots.db.migrate``). PostgreSQL is loaded with COPY (asyncpg
``copy_records_to_table``), then the id sequences are reset and the tables analysed; SQLite
with ``executemany`` in one transaction (stdlib sqlite3).

A database that already holds nodes or users is refused unless ``--replace`` (PostgreSQL: the
public schema is dropped and recreated; SQLite: the file is deleted). An already migrated, empty
database is loaded as it is (``build(..., migrate=False)`` skips the migration run).
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.queries import BENCH_TOKEN, BENCH_USERNAME  # noqa: E402
from policy.idnumber import check_digit  # noqa: E402
from policy.parameters import default_rows  # noqa: E402
from policy.seats import required_heads  # noqa: E402
from policy.tree import workstation_name  # noqa: E402
from resolvers.clock import SHANGHAI  # noqa: E402


@dataclass(frozen=True)
class Size:
    new_towns: int
    subdistricts_per_town: int
    communities_per_subdistrict: int
    compounds_per_community: int
    buildings_per_compound: int = 10

    @property
    def compounds(self) -> int:
        return (self.new_towns * self.subdistricts_per_town * self.communities_per_subdistrict
                * self.compounds_per_community)


SIZES: dict[str, Size] = {
    "S": Size(3, 2, 5, 10),
    "M": Size(3, 10, 10, 10),
    "L": Size(3, 10, 100, 10),
}

DISTRICT_ID = 1
DISTRICT_NAME = "基准新区"
OPENED_ON = date(2020, 1, 1)  # the district's (and its parameters') effective date
NODE_OPENED_ON = date(2024, 5, 1)
PREMISES_DEADLINE = date(2026, 6, 30)
IN_USE_DEADLINE = date(2026, 9, 30)
HOUSEHOLDS_PER_HEAD = 100  # the district's default parameter (policy/parameters.py)
# valid region codes (first two digits are provinces); the ID numbers cycle through them
REGIONS = ("330106", "310101", "110105", "440305", "320102", "510107", "420106", "370202")
BIRTH_DAYS = 12_000  # birth dates 1966-01-01 .. about 1998-11
LEAF_KINDS = ("BUILDING", "VILLAGE_GROUP")

COLUMNS: dict[str, tuple[str, ...]] = {
    "node": ("id", "kind", "name", "code", "district_id", "parent_id", "path", "depth", "subdistrict_kind",
             "chain", "households", "address", "election_cycle_ends_on", "service_area_id", "opened_on",
             "closed_on", "created_at", "updated_at"),
    "service_area": ("id", "container_id", "name", "path", "closed_on", "created_at"),
    "workstation_campaign": ("id", "node_id", "path", "name", "premises_deadline", "in_use_deadline", "created_at"),
    "workstation": ("id", "compound_id", "path", "name", "campaign_id", "premises_kind", "layout",
                    "premises_ready_on", "in_use_on", "office_on", "sign_on", "equipment_on", "rules_on",
                    "created_at", "updated_at"),
    "person": ("id", "name", "gender", "id_number", "birth_date", "phone", "home_id", "path", "district_id",
               "residence_id", "permanent_resident", "property_fee_paid", "violations", "party_member",
               "retired_cadre", "model_worker", "created_at", "updated_at"),
    "staff_role": ("id", "person_id", "kind", "node_id", "path", "started_on", "ended_on", "created_at"),
    "building_head": ("id", "person_id", "service_area_id", "path", "kind", "status", "starts_on", "ends_on",
                      "ended_on", "end_reason", "recorded_from_register", "created_at"),
    "station_head_appointment": ("id", "workstation_id", "person_id", "path", "source", "letter_number",
                                 "filing_reference", "appointed_on", "appointed_by_id", "ended_on", "end_reason",
                                 "active_person_id", "active_workstation_id", "created_at"),
    "app_user": ("id", "username", "display_name", "password_hash", "is_active", "is_system_admin", "person_id",
                 "created_at"),
    "role_grant": ("id", "user_id", "role", "node_id", "path", "created_at"),
    "auth_token": ("id", "user_id", "token_hash", "expires_at", "revoked_at", "created_at"),
    "policy_parameter": ("id", "node_id", "path", "key", "value", "effective_from", "set_by_id", "created_at"),
}
# load order: every foreign key points at a table loaded before (or at the same table)
ORDER = ("node_upper", "service_area", "node_leaves", "workstation_campaign", "workstation", "person",
         "staff_role", "building_head", "station_head_appointment", "app_user", "role_grant", "auth_token",
         "policy_parameter")
SEQUENCE_TABLES = tuple(COLUMNS)


def id_number(i: int) -> tuple[str, date, str]:
    """The i-th person's ID number (unique for i < 12,000,000 × len(REGIONS)), birth date, gender."""
    region = REGIONS[i % len(REGIONS)]
    rest = i // len(REGIONS)
    born = date(1966, 1, 1) + timedelta(days=rest % BIRTH_DAYS)
    seq = rest // BIRTH_DAYS
    if seq >= 1000:
        raise ValueError("too many people for unique ID numbers")
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    gender = "MALE" if int(first17[-1]) % 2 else "FEMALE"
    return first17 + check_digit(first17), born, gender


def households_of(k: int, b: int) -> int:
    """40..200, 120 on average, deterministic."""
    return 40 + (k * 37 + b * 101 + (k * b) % 7) % 161


HEAD_DELTA = (0, 1, -1, 1, 1, 0, 1, -2, 0, 1)  # active heads = seats + delta (per named area, cycling)


def generate(size: str, now: datetime) -> tuple[dict[str, list[tuple]], dict[str, Any]]:
    """Every row of the synthetic district, by load step (see ORDER), and a summary."""
    spec = SIZES[size]
    rows: dict[str, list[tuple]] = {name: [] for name in ORDER}
    upper, leaves = rows["node_upper"], rows["node_leaves"]
    d = DISTRICT_ID
    dpath = f"/{d}/"

    def node(nid: int, kind: str, name: str, code: str, parent: int | None, path: str, depth: int, *,
             subdistrict_kind: str | None = None, chain: str | None = None, households: int | None = None,
             area: int | None = None, opened_on: date = NODE_OPENED_ON) -> tuple:
        return (nid, kind, name, code, d, parent, path, depth, subdistrict_kind, chain, households, None, None,
                area, opened_on, None, now, now)

    upper.append(node(d, "DISTRICT", DISTRICT_NAME, "BENCH", None, dpath, 0, opened_on=OPENED_ON))
    next_id = d + 1
    towns, subs, comms = [], [], []
    for t in range(spec.new_towns):
        tid, next_id = next_id, next_id + 1
        tpath = f"{dpath}{tid}/"
        upper.append(node(tid, "NEW_TOWN", f"第{t + 1}新城", f"T{t + 1}", d, tpath, 1))
        towns.append((tid, tpath))
    for t, (tid, tpath) in enumerate(towns):
        for s in range(spec.subdistricts_per_town):
            sid, next_id = next_id, next_id + 1
            spath = f"{tpath}{sid}/"
            kind = "TOWN" if s % 3 == 2 else "STREET"
            label = "镇" if kind == "TOWN" else "街道"
            upper.append(node(sid, "SUBDISTRICT", f"第{t + 1}-{s + 1}{label}", f"S{len(subs) + 1}", tid, spath, 2,
                              subdistrict_kind=kind))
            subs.append((sid, spath))
    for sid, spath in subs:
        for _ in range(spec.communities_per_subdistrict):
            cid, next_id = next_id, next_id + 1
            cpath = f"{spath}{cid}/"
            n = len(comms) + 1
            upper.append(node(cid, "COMMUNITY", f"社区{n:05d}", f"C{n}", sid, cpath, 3, chain="URBAN"))
            comms.append((cid, cpath))
    compound_start = next_id
    building_start = compound_start + spec.compounds
    area_id = person_id = head_id = 0
    station_heads = 0
    people, staff, heads, appointments = rows["person"], rows["staff_role"], rows["building_head"], \
        rows["station_head_appointment"]
    areas, stations = rows["service_area"], rows["workstation"]
    campaign_id = 1
    rows["workstation_campaign"].append((campaign_id, d, dpath, "基准工作站建设", PREMISES_DEADLINE,
                                         IN_USE_DEADLINE, now))
    required_total = active_total = households_total = 0

    def person(name: str, home: int, home_path: str) -> int:
        nonlocal person_id
        person_id += 1
        number, born, gender = id_number(person_id)
        people.append((person_id, name, gender, number, born, None, home, home_path, d, None, False, True, "[]",
                       False, False, False, now, now))
        return person_id

    bid = building_start
    for k in range(spec.compounds):
        community_id, community_path = comms[k // spec.compounds_per_community]
        kid = compound_start + k
        kpath = f"{community_path}{kid}/"
        name = f"小区{k + 1:05d}"
        upper.append(node(kid, "COMPOUND", name, f"K{k + 1}", community_id, kpath, 4))
        # two named areas; in one compound out of four the last two buildings stay outside them
        nb = spec.buildings_per_compound
        half = (nb - 2) // 2 if k % 4 == 0 else nb // 2
        members = [list(range(0, half)), list(range(half, 2 * half if k % 4 == 0 else nb))]
        area_of: dict[int, int] = {}
        area_hh: dict[int, int] = {}
        for m in members:
            area_id += 1
            areas.append((area_id, kid, f"{m[0] + 1}-{m[-1] + 1}栋片区", kpath, None, now))
            area_hh[area_id] = 0
            for b in m:
                area_of[b] = area_id
        for b in range(nb):
            hh = households_of(k, b)
            households_total += hh
            aid = area_of.get(b)
            if aid is not None:
                area_hh[aid] += hh
            else:
                required_total += 0  # the implicit area's seats are counted below
            leaves.append(node(bid, "BUILDING", f"{b + 1}栋", f"K{k + 1}-{b + 1}", kid, f"{kpath}{bid}/", 5,
                               households=hh, area=aid))
            bid += 1
        implicit = sum(households_of(k, b) for b in range(nb) if b not in area_of)
        required_total += required_heads(implicit, HOUSEHOLDS_PER_HEAD)
        for aid, hh in area_hh.items():
            seats = required_heads(hh, HOUSEHOLDS_PER_HEAD)
            required_total += seats
            active = max(0, seats + HEAD_DELTA[aid % len(HEAD_DELTA)])
            active_total += active
            for _ in range(active):
                pid = person(f"楼栋长{person_id + 1}", community_id, community_path)
                head_id += 1
                heads.append((head_id, pid, aid, kpath, "BUILDING_HEAD", "ACTIVE", date(2025, 3, 1),
                              date(2030, 2, 28), None, None, False, now))
            if aid % 5 == 0:  # an earlier term that ended
                pid = person(f"原楼栋长{person_id + 1}", community_id, community_path)
                head_id += 1
                heads.append((head_id, pid, aid, kpath, "BUILDING_HEAD", "ENDED", date(2020, 3, 1),
                              date(2025, 2, 28), date(2025, 2, 28), "TERM_END", False, now))
        # the workstation (created with the compound, as create_node does), then its set-up dates
        ws = k + 1
        state = k % 10
        day = timedelta(days=k % 40)
        ready = in_use = None
        camp: int | None = campaign_id
        if state == 0:
            camp = None  # no campaign: never late
        elif state <= 5:
            ready, in_use = date(2026, 4, 1) + day, date(2026, 7, 1) + day  # on time
        elif state == 6:
            ready, in_use = date(2026, 7, 5) + day, date(2026, 8, 1) + day  # premises late
        elif state == 7:
            ready = date(2026, 5, 1) + day  # not in use: late once the in-use deadline passed
        elif state == 8:
            ready, in_use = date(2026, 5, 1) + day, date(2026, 10, 10) + day  # in use late
        # state 9: nothing done, both deadlines passed
        haves = (ready, ready, ready if state != 7 else None, ready)
        stations.append((ws, kid, kpath, workstation_name(name), camp, "PROPERTY_OFFICE" if ready else None, "",
                         ready, in_use, *haves, now, now))
        if k % 5:
            pid = person(f"站长{person_id + 1}", community_id, community_path)
            staff.append((len(staff) + 1, pid, "COMMUNITY_WORKER", community_id, community_path,
                          date(2024, 1, 1), None, now))
            station_heads += 1
            appointments.append((station_heads, ws, pid, kpath, "COMMUNITY_WORKER", f"基准聘〔2026〕{ws}号",
                                 "基准备〔2026〕1号", date(2026, 1, 6), None, None, None, pid, ws, now))

    rows["app_user"].append((1, BENCH_USERNAME, "基准测试", "!", True, False, None, now))
    rows["role_grant"].append((1, 1, "ADMIN", d, dpath, now))
    rows["auth_token"].append((1, 1, hashlib.sha256(BENCH_TOKEN.encode()).hexdigest(),
                               datetime(2099, 12, 31, 23, 59, 59, tzinfo=SHANGHAI), None, now))
    rows["policy_parameter"].extend(
        (i + 1, d, dpath, r.key, r.value, r.effective_from, None, now)
        for i, r in enumerate(default_rows(d, OPENED_ON))
    )
    sample_every = max(1, len(leaves) // 20)
    summary = {
        "district_id": d,
        "building_ids": [r[0] for r in leaves[::sample_every]],
        "counts": {
            "new_towns": len(towns), "subdistricts": len(subs), "communities": len(comms),
            "compounds": spec.compounds, "buildings": len(leaves), "service_areas": len(areas),
            "households": households_total, "required_heads": required_total,
            "active_heads": active_total, "building_head_terms": len(heads), "people": len(people),
            "workstations": len(stations), "station_heads": len(appointments),
        },
    }
    return rows, summary


def _table(step: str) -> str:
    return "node" if step.startswith("node_") else step


# ---------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------


def _pg_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def _pg_nonempty(conn: Any) -> bool:
    tables = {r["tablename"] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")}
    for t in ("node", "app_user"):
        if t in tables and await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{t}")'):
            return True
    return False


async def _load_postgres(url: str, rows: dict[str, list[tuple]], replace: bool, migrate: bool) -> None:
    import asyncpg

    from grassroots import db

    conn = await asyncpg.connect(_pg_url(url))
    try:
        if await _pg_nonempty(conn):
            if not replace:
                raise SystemExit(f"{url} is not empty: pass --replace to drop and recreate its public schema")
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            migrate = True
    finally:
        await conn.close()
    if migrate:
        await db.migrate(url)
    conn = await asyncpg.connect(_pg_url(url))
    try:
        async with conn.transaction():
            for step in ORDER:
                table = _table(step)
                if rows[step]:
                    await conn.copy_records_to_table(table, records=rows[step], columns=list(COLUMNS[table]))
            for table in SEQUENCE_TABLES:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, datetime):
        return v.isoformat(" ")  # as tortoise writes it: "2026-03-01 12:00:00.123456+08:00"
    if isinstance(v, date):
        return v.isoformat()
    return v


def _load_sqlite_sync(path: str, rows: dict[str, list[tuple]]) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        with conn:  # one transaction
            for step in ORDER:
                table = _table(step)
                cols = COLUMNS[table]
                sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
                conn.executemany(sql, ([_sqlite_value(v) for v in r] for r in rows[step]))
        conn.execute("ANALYZE")
    finally:
        conn.close()


def _sqlite_nonempty(path: str) -> bool:
    if not os.path.exists(path):
        return False
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return any(t in tables and conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0]
                   for t in ("node", "app_user"))
    finally:
        conn.close()


async def _load_sqlite(url: str, rows: dict[str, list[tuple]], replace: bool, migrate: bool) -> None:
    from grassroots import db

    path = url.removeprefix("sqlite://")
    if _sqlite_nonempty(path):
        if not replace:
            raise SystemExit(f"{url} is not empty: pass --replace to delete the file and start again")
        os.remove(path)
        migrate = True
    if migrate:
        await db.migrate(url)
    await asyncio.to_thread(_load_sqlite_sync, path, rows)


async def build(size: str, database_url: str, replace: bool = False, *, migrate: bool = True) -> dict:
    """Generate and load the district of ``size`` ("S", "M" or "L") into ``database_url``.

    Returns {"district_id", "building_ids" (a deterministic sample), "counts", "seconds"}.
    ``migrate=False``: the database is already migrated (and empty), as the test fixtures give it."""
    size = size.upper()
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    sqlite = database_url.startswith("sqlite")
    if sqlite and size == "L":
        raise SystemExit("size L is for PostgreSQL only")
    t0 = time.perf_counter()
    now = datetime.now(SHANGHAI)
    rows, summary = generate(size, now)
    generated = time.perf_counter() - t0
    if sqlite:
        await _load_sqlite(database_url, rows, replace, migrate)
    else:
        await _load_postgres(database_url, rows, replace, migrate)
    summary["seconds"] = {"generate": round(generated, 2), "total": round(time.perf_counter() - t0, 2)}
    summary["rows"] = {t: sum(len(rows[s]) for s in ORDER if _table(s) == t) for t in COLUMNS}
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", required=True, choices=sorted(SIZES), type=str.upper)
    parser.add_argument("--database-url", required=True, help="sqlite:///path or postgres://user@host:port/db")
    parser.add_argument("--replace", action="store_true", help="wipe a non-empty database first")
    args = parser.parse_args()
    result = asyncio.run(build(args.size, args.database_url, args.replace))
    for k, v in result["counts"].items():
        print(f"{k:>22} {v:>12,}")
    print("rows per table: " + ", ".join(f"{t} {n:,}" for t, n in result["rows"].items()))
    print(f"generated in {result['seconds']['generate']:.1f} s, loaded in {result['seconds']['total']:.1f} s "
          f"in all ({args.size} into {args.database_url.split('@')[-1]})")


if __name__ == "__main__":
    main()
