"""The monthly payroll of a whole district: ``compute_payrolls`` against one hand-written statement.

    .venv/bin/python bench/payroll.py --database-url postgres://postgres@127.0.0.1:5432/grassroots_bench_pay [--size M] [--build]
    .venv/bin/python bench/payroll.py --database-url sqlite:///tmp/bench_pay.sqlite3 --size S --build

The district is bench/scale.py's (size M: 30 subdistricts, 3,000 compounds, about 36,000 active
building heads, 2,400 station heads; size S on SQLite: about 3,600 heads). ``--build`` (or an empty
database) generates it (``scale.build(..., replace=True)``), then adds what makes the month
non-trivial: the district raises the building-head subsidy to 330.00 from 16 March 2026, a third of
the station heads stop being community workers on 10 March (paid from the 11th), a top-up of
100.00 in every other subdistrict.

Printed, as the best of ``--repeats``, for March 2026:

- ``compute_payrolls``: resolvers/payroll.py for every subdistrict (one transaction each: lock,
  DELETE the draft's lines, one INSERT … SELECT, the total), the way the monthly job calls it;
- ``one statement``: ONE hand-written INSERT … SELECT (below, ``BASELINE``) computing the same
  building-head, station-head and top-up lines of the whole district into a scratch table
  (the bench has no bonuses or adjustments; the rates are the district's, inlined per day);
- the ratio (goal ≤ 1.5), after checking both produced the same lines.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MONTH = date(2026, 3, 1)

BASELINE = """
INSERT INTO bench_line (payroll_id, source, kind, person_id, days, amount)
WITH rates(d, bh, sh) AS (VALUES {values}),
t AS (
  SELECT h.id, h.person_id, c.parent_id AS sd, h.starts_on, h.ended_on FROM building_head h
  JOIN service_area a ON a.id = h.service_area_id JOIN node k ON k.id = a.container_id
  JOIN node c ON c.id = CASE WHEN k.depth = 3 THEN k.id ELSE k.parent_id END
  WHERE h.starts_on <= {last} AND (h.ended_on IS NULL OR h.ended_on >= {first})
),
bd AS (SELECT t.id, t.person_id, r.d, r.bh FROM t JOIN rates r ON r.d >= t.starts_on AND (t.ended_on IS NULL OR r.d <= t.ended_on)),
s AS (
  SELECT x.id, x.person_id, c.parent_id AS sd, x.appointed_on, x.ended_on FROM station_head_appointment x
  JOIN workstation w ON w.id = x.workstation_id JOIN node k ON k.id = w.compound_id JOIN node c ON c.id = k.parent_id
  WHERE x.appointed_on <= {last} AND (x.ended_on IS NULL OR x.ended_on >= {first})
),
sd_ AS (
  SELECT s.id, s.person_id, r.d, r.sh FROM s JOIN rates r ON r.d >= s.appointed_on AND (s.ended_on IS NULL OR r.d <= s.ended_on)
  WHERE NOT EXISTS (SELECT 1 FROM staff_role q WHERE q.person_id = s.person_id
                    AND q.kind IN ('COMMUNITY_WORKER', 'GRID_WORKER_FULL_TIME', 'GRID_WORKER_PART_TIME')
                    AND q.started_on <= r.d AND (q.ended_on IS NULL OR q.ended_on >= r.d))
)
SELECT p.id, 'BH:' || t.id, 'BUILDING_HEAD', t.person_id, b.n, {money_b}
FROM (SELECT id, COUNT(*) AS n, SUM(bh) AS s FROM bd
      WHERE NOT EXISTS (SELECT 1 FROM sd_ WHERE sd_.person_id = bd.person_id AND sd_.d = bd.d AND sd_.sh >= bd.bh)
      GROUP BY id) b
JOIN t ON t.id = b.id JOIN payroll p ON p.subdistrict_id = t.sd AND p.month = {first}
UNION ALL
SELECT p.id, 'SH:' || s.id, 'STATION_HEAD', s.person_id, b.n, {money_b}
FROM (SELECT id, COUNT(*) AS n, SUM(sh) AS s FROM sd_
      WHERE NOT EXISTS (SELECT 1 FROM bd WHERE bd.person_id = sd_.person_id AND bd.d = sd_.d AND bd.bh > sd_.sh)
      GROUP BY id) b
JOIN s ON s.id = b.id JOIN payroll p ON p.subdistrict_id = s.sd AND p.month = {first}
UNION ALL
SELECT p.id, 'TU:' || u.id || ':' || MAX(t.id), 'TOP_UP', t.person_id, 0, u.amount
FROM top_up u JOIN building_head h ON h.path LIKE u.path || '%' JOIN t ON t.id = h.id
JOIN payroll p ON p.subdistrict_id = t.sd AND p.month = {first}
WHERE u.month = {first}
GROUP BY p.id, u.id, u.amount, t.person_id
"""


def _lit(d: date, pg: bool) -> str:
    return f"DATE '{d.isoformat()}'" if pg else f"'{d.isoformat()}'"


async def prepare(url: str, size: str, build: bool) -> None:
    from bench import scale
    from grassroots import db

    if not build:
        await db.start(url)
        try:
            from models.tree import Node

            build = not await Node.exists()
        except Exception:
            build = True
        finally:
            await db.stop()
    if not build:
        return
    print(f"building size {size} …", flush=True)
    await scale.build(size, url, replace=True)
    await db.start(url)
    try:
        from models.money import TopUp
        from models.parameters import PolicyParameter
        from models.people import StaffRole
        from models.tree import Node
        from policy.kinds import NodeKind

        d = await Node.get(kind=NodeKind.DISTRICT)
        await PolicyParameter.create(node_id=d.id, path=d.path, key="building_head_subsidy", value="330.00",
                                     effective_from=date(2026, 3, 16))
        ids = await StaffRole.all().values_list("id", flat=True)
        await StaffRole.filter(id__in=[i for i in ids if i % 3 == 0]).update(ended_on=date(2026, 3, 10))
        for i, sd in enumerate(await Node.filter(kind=NodeKind.SUBDISTRICT).order_by("id")):
            if i % 2 == 0:
                await TopUp.create(node_id=sd.id, path=sd.path, month=MONTH, amount="100.00", reason="普查",
                                   approved_on=MONTH, approved_by="bench")
    finally:
        await db.stop()


async def measure(url: str, repeats: int) -> None:
    from grassroots import db
    from models.money import PayrollLine
    from models.tree import Node
    from policy.kinds import NodeKind
    from resolvers import sql
    from resolvers.payroll import _money, compute_payrolls, month_rates
    from resolvers.viewer import SYSTEM
    from tortoise.transactions import in_transaction

    await db.start(url)
    try:
        pg = not sql.is_sqlite()
        heads = (await sql.fetch("SELECT COUNT(*) AS n FROM building_head WHERE status = 'ACTIVE'"))[0]["n"]
        job: list[float] = []
        counts: dict[str, int] = {}
        for _ in range(repeats):
            t0 = time.perf_counter()
            counts = await compute_payrolls(SYSTEM, month=MONTH)
            job.append(time.perf_counter() - t0)
        mine = sorted((ln["source"], str(ln["amount"]), ln["days"]) for ln in
                      await PayrollLine.all().values("source", "amount", "days"))

        d = await Node.get(kind=NodeKind.DISTRICT)
        rates = (await month_rates(await Node.filter(kind=NodeKind.SUBDISTRICT).first(), MONTH))  # type: ignore[arg-type]
        days = next(iter(rates.values()))
        first, last = MONTH, days[-1][0]
        values = ", ".join(f"({_lit(x, pg)}, {bh}, {sh})" for x, bh, sh in days)
        dim = len(days)
        statement = BASELINE.format(values=values, first=_lit(first, pg), last=_lit(last, pg),
                                    money_b=_money(f"(2 * b.s + {dim}) / {2 * dim}", pg))
        money_type = "NUMERIC(14, 2)" if pg else "VARCHAR(40)"
        await sql.fetch("DROP TABLE IF EXISTS bench_line")
        await sql.fetch(f"CREATE TABLE bench_line (payroll_id BIGINT, source VARCHAR(64), kind VARCHAR(20), "
                        f"person_id BIGINT, days SMALLINT, amount {money_type})")
        one: list[float] = []
        for _ in range(repeats):
            async with in_transaction():
                await sql.fetch("DELETE FROM bench_line")
            t0 = time.perf_counter()
            async with in_transaction():
                await sql.fetch(statement)
            one.append(time.perf_counter() - t0)
        theirs = sorted((r["source"], str(r["amount"]), r["days"]) for r in
                        await sql.fetch("SELECT source, amount, days FROM bench_line"))
        same = mine == theirs
        await sql.fetch("DROP TABLE bench_line")
        backend = "PostgreSQL" if pg else "SQLite"
        print(f"{backend}: district {d.name}, {heads} active building heads, {counts.get('computed', 0)} subdistricts, "
              f"{len(mine)} lines ({counts})")
        print(f"compute_payrolls (all subdistricts): best {min(job) * 1000:9.1f} ms  (runs: "
              f"{', '.join(f'{x * 1000:.0f}' for x in job)})")
        print(f"one INSERT … SELECT (same lines):    best {min(one) * 1000:9.1f} ms  (runs: "
              f"{', '.join(f'{x * 1000:.0f}' for x in one)})")
        print(f"ratio {min(job) / min(one):.2f} (goal ≤ 1.5); same lines: {same}")
        if not same:
            missing = set(theirs) ^ set(mine)
            print("differences (first 10):", sorted(missing)[:10])
            raise SystemExit(1)
    finally:
        await db.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--size", default=None, help="S, M or L (default: M on PostgreSQL, S on SQLite)")
    parser.add_argument("--build", action="store_true", help="(re)generate the district first")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    size = args.size or ("S" if args.database_url.startswith("sqlite") else "M")
    await prepare(args.database_url, size, args.build)
    await measure(args.database_url, args.repeats)


if __name__ == "__main__":
    asyncio.run(main())

