"""The single tree walk at two sizes: how many SQL statements and how long it takes.

    .venv/bin/python bench/tree_walk.py [--compounds N] [--runs 5]

Builds a synthetic district in a fresh SQLite database under a temporary
directory (N compounds of 10 buildings each, spread over new towns,
subdistricts and communities; named service areas, active building heads,
station heads and a set-up campaign so that every roll-up has something to
count), then runs the README's tree-walk query through the application's
schema with a per-request context built as the app builds it (an ADMIN viewer
holding a grant at the district, fresh DataLoaders for every run). It does the
same at N/10 compounds and prints, for both sizes: tree nodes returned, SQL
statements sent (tortoise's ``tortoise.db_client`` logger at DEBUG), the
median time of the runs after one warm-up run, the time per 1000 nodes, and
statements per tree level. The statement count is the same at both sizes: it
follows the depth of the query, not the number of nodes.

Not a test and no assertions about speed: it prints figures only. Timings vary
between process starts (see docs/operations.md, "Performance notes"); compare medians of
several starts before drawing conclusions.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import math
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grassroots import db  # noqa: E402
from grassroots.demo import create_district  # noqa: E402
from models.people import Person, StaffRole  # noqa: E402
from models.recruitment import BuildingHead  # noqa: E402
from models.tree import Node, ServiceArea  # noqa: E402
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign  # noqa: E402
from policy.access import Grant  # noqa: E402
from policy.idnumber import check_digit  # noqa: E402
from policy.kinds import (  # noqa: E402
    Gender, HeadKind, NodeKind, Role, StaffKind, StationHeadSource, SubdistrictKind, TermStatus,
)
from policy.seats import required_heads  # noqa: E402
from policy.tree import default_chain, workstation_name  # noqa: E402
from resolvers.viewer import Viewer  # noqa: E402
from schema.context import Context  # noqa: E402
from schema.loaders import Loaders  # noqa: E402
from resolvers.tree import create_node  # noqa: E402
from schema.schema import build_schema  # noqa: E402

# The README's "first query": district → new towns → subdistricts → communities →
# compounds (workstation, station head) → buildings, with roll-ups.
ROLLUP = ("rollup { households requiredBuildingHeads activeBuildingHeads vacancies coveragePercent "
          "workstations workstationsSetUp workstationsLate }")
QUERY = f"""
query TreeWalk {{
  districts {{
    name
    {ROLLUP}
    ... on District {{
      newTowns {{ nodes {{
        name
        {ROLLUP}
        subdistricts {{ nodes {{
          name subdistrictKind
          {ROLLUP}
          communities {{ nodes {{
            name chain
            {ROLLUP}
            compounds {{ nodes {{
              name
              {ROLLUP}
              workstation {{ name status {{ setUp late }} stationHead {{ letterNumber source person {{ name }} }} }}
              buildings {{ nodes {{ name households serviceArea {{ name }} }} }}
            }} }}
          }} }}
        }} }}
      }} }}
    }}
  }}
}}
"""
LEVELS = 6  # district, new town, subdistrict, community, compound, building

# Fan-out of the synthetic tree. Connections return 20 items when no `first` is
# given (the query passes none), so no level may hold more than 20 children.
BUILDINGS_PER_COMPOUND = 10
COMPOUNDS_PER_COMMUNITY = 5
COMMUNITIES_PER_SUBDISTRICT = 5
SUBDISTRICTS_PER_NEW_TOWN = 4
DEFAULT_PAGE = 20
HOUSEHOLDS_PER_HEAD = 100
TODAY = date(2026, 3, 1)


class StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


# ---------------------------------------------------------------------------
# the synthetic district
# ---------------------------------------------------------------------------


def _id_number(i: int) -> tuple[str, date, Gender]:
    born = date(1966, 1, 1) + timedelta(days=(i * 37) % 12000)
    first17 = f"330106{born:%Y%m%d}{i % 1000:03d}"
    gender = Gender.MALE if int(first17[-1]) % 2 else Gender.FEMALE
    return first17 + check_digit(first17), born, gender


class _Ids:
    """Explicit primary keys, so that children's paths are known before the insert
    (bulk_create returns no keys)."""

    def __init__(self, start: int) -> None:
        self.next = start

    def take(self) -> int:
        self.next += 1
        return self.next - 1


async def build_tree(compounds: int) -> tuple[Node, int]:
    """A district with ``compounds`` compounds; returns it and the number of tree nodes."""
    communities = math.ceil(compounds / COMPOUNDS_PER_COMMUNITY)
    subdistricts = math.ceil(communities / COMMUNITIES_PER_SUBDISTRICT)
    new_towns = math.ceil(subdistricts / SUBDISTRICTS_PER_NEW_TOWN)
    if new_towns > DEFAULT_PAGE:
        raise SystemExit(f"at most {DEFAULT_PAGE * SUBDISTRICTS_PER_NEW_TOWN * COMMUNITIES_PER_SUBDISTRICT * COMPOUNDS_PER_COMMUNITY} compounds")

    district = await create_district("基准新区", "B", date(2020, 1, 1))
    campaign = await WorkstationCampaign.create(node_id=district.id, path=district.path, name="基准建设",
                                                premises_deadline=date(2026, 2, 15), in_use_deadline=date(2026, 2, 28))
    # the upper levels through the application's own create_node (few nodes)
    community_nodes: list[Node] = []
    for t in range(new_towns):
        town = await create_node(district, NodeKind.NEW_TOWN, f"第{t + 1}新城", code=f"B{t}", opened_on=TODAY)
        for s in range(SUBDISTRICTS_PER_NEW_TOWN):
            if len(community_nodes) >= communities:
                break
            sub = await create_node(town, NodeKind.SUBDISTRICT, f"第{t + 1}-{s + 1}街道", code=f"B{t}-{s}",
                                    subdistrict_kind=SubdistrictKind.STREET, opened_on=TODAY)
            for c in range(COMMUNITIES_PER_SUBDISTRICT):
                if len(community_nodes) >= communities:
                    break
                community_nodes.append(await create_node(sub, NodeKind.COMMUNITY, f"第{t + 1}-{s + 1}-{c + 1}社区",
                                                         code=f"B{t}-{s}-{c}", opened_on=TODAY))
    upper = 1 + new_towns + (await Node.filter(kind=NodeKind.SUBDISTRICT).count()) + len(community_nodes)

    # compounds and buildings, in bulk
    node_ids = _Ids(max(await Node.all().values_list("id", flat=True)) + 1)
    area_ids, person_ids = _Ids(1), _Ids(1)
    compound_rows: list[Node] = []
    building_rows: list[Node] = []
    stations: list[Workstation] = []
    areas: list[ServiceArea] = []
    people: list[Person] = []
    staff: list[StaffRole] = []
    heads: list[BuildingHead] = []
    appointments: list[StationHeadAppointment] = []
    for k in range(compounds):
        community = community_nodes[k // COMPOUNDS_PER_COMMUNITY]
        cid = node_ids.take()
        cpath = f"{community.path}{cid}/"
        name = f"小区{k + 1:04d}"
        compound_rows.append(Node(id=cid, kind=NodeKind.COMPOUND, name=name, code=f"C{k}", district_id=district.id,
                          parent_id=community.id, path=cpath, depth=community.depth + 1,
                          chain=default_chain(NodeKind.COMPOUND), opened_on=TODAY))
        # three named areas (buildings 1-3, 4-6, 7-8) in two compounds out of three; the rest implicit
        named = [(0, 1, 2), (3, 4, 5), (6, 7)] if k % 3 else []
        area_of: dict[int, int] = {}
        area_households: dict[int, int] = {}
        for members in named:
            aid = area_ids.take()
            areas.append(ServiceArea(id=aid, container_id=cid, name=f"{members[0] + 1}-{members[-1] + 1}栋片区", path=cpath))
            for b in members:
                area_of[b] = aid
        for b in range(BUILDINGS_PER_COMPOUND):
            households = 40 + (k * 13 + b * 29) % 200
            aid = area_of.get(b)
            if aid is not None:
                area_households[aid] = area_households.get(aid, 0) + households
            bid = node_ids.take()
            building_rows.append(Node(id=bid, kind=NodeKind.BUILDING, name=f"{b + 1}栋", code=f"C{k}-{b}",
                              district_id=district.id, parent_id=cid, path=f"{cpath}{bid}/",
                              depth=community.depth + 2, households=households, service_area_id=aid, opened_on=TODAY))
        # active heads: every seat filled in even compounds, one vacancy per area in odd ones
        for aid, households in area_households.items():
            for _ in range(required_heads(households, HOUSEHOLDS_PER_HEAD) - k % 2):
                pid = person_ids.take()
                number, born, gender = _id_number(pid)
                people.append(Person(id=pid, name=f"楼栋长{pid}", gender=gender, id_number=number, birth_date=born,
                                     home_id=community.id, path=community.path, district_id=district.id))
                heads.append(BuildingHead(person_id=pid, service_area_id=aid, path=cpath, kind=HeadKind.BUILDING_HEAD,
                                          status=TermStatus.ACTIVE, starts_on=date(2025, 3, 1), ends_on=date(2030, 2, 28)))
        # the workstation: set up on time, late, or not yet in use; a station head in three out of four
        ws_id = k + 1
        ready = date(2026, 1, 10) + timedelta(days=k % 40)
        stations.append(Workstation(id=ws_id, compound_id=cid, path=cpath, name=workstation_name(name),
                                    campaign_id=campaign.id, premises_ready_on=ready,
                                    in_use_on=ready + timedelta(days=10) if k % 5 else None,
                                    office_on=ready, sign_on=ready, equipment_on=ready, rules_on=ready))
        if k % 4:
            pid = person_ids.take()
            number, born, gender = _id_number(pid)
            people.append(Person(id=pid, name=f"站长{pid}", gender=gender, id_number=number, birth_date=born,
                                 home_id=community.id, path=community.path, district_id=district.id))
            staff.append(StaffRole(person_id=pid, kind=StaffKind.COMMUNITY_WORKER, node_id=community.id,
                                   path=community.path, started_on=date(2024, 1, 1)))
            appointments.append(StationHeadAppointment(
                workstation_id=ws_id, person_id=pid, path=cpath, source=StationHeadSource.COMMUNITY_WORKER,
                letter_number=f"基准聘〔2026〕{k}号", filing_reference="基准备〔2026〕1号", appointed_on=date(2026, 1, 6),
                active_person_id=pid, active_workstation_id=ws_id))
    # compounds, then their service areas, then the buildings that point at both
    await Node.bulk_create(compound_rows, batch_size=1000)
    await ServiceArea.bulk_create(areas, batch_size=1000)
    await Node.bulk_create(building_rows, batch_size=1000)
    await Workstation.bulk_create(stations, batch_size=1000)
    await Person.bulk_create(people, batch_size=1000)
    await StaffRole.bulk_create(staff, batch_size=1000)
    await BuildingHead.bulk_create(heads, batch_size=1000)
    await StationHeadAppointment.bulk_create(appointments, batch_size=1000)
    return district, upper + len(compound_rows) + len(building_rows)


# ---------------------------------------------------------------------------
# the walk
# ---------------------------------------------------------------------------


def count_tree_nodes(data: Any) -> int:
    """Tree nodes in the response: the district and every new town, subdistrict,
    community, compound and building."""
    n = 0
    for d in data["districts"]:
        n += 1
        for t in d["newTowns"]["nodes"]:
            n += 1
            for s in t["subdistricts"]["nodes"]:
                n += 1
                for c in s["communities"]["nodes"]:
                    n += 1
                    for p in c["compounds"]["nodes"]:
                        n += 1 + len(p["buildings"]["nodes"])
    return n


async def measure(compounds: int, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="grassroots-bench-") as tmp:
        url = f"sqlite://{Path(tmp) / 'bench.sqlite3'}"
        await db.migrate(url)
        await db.start(url)
        try:
            t0 = time.perf_counter()
            district, in_db = await build_tree(compounds)
            built = time.perf_counter() - t0
            schema = build_schema(max_cost=10**12)  # measures execution; the guardrail is tested elsewhere
            viewer = Viewer(user_id=0, label="bench", grants=(Grant(Role.ADMIN, district.id, district.path),))
            logger = logging.getLogger("tortoise.db_client")
            counter = StatementCounter()
            old_level = logger.level
            logger.setLevel(logging.DEBUG)
            logger.addHandler(counter)
            timings: list[float] = []
            statements: set[int] = set()
            nodes = 0
            rollup: dict[str, Any] = {}
            try:
                for i in range(runs + 1):  # the first run warms the parser and validation caches
                    context = Context(viewer=viewer, locale="zh", loaders=Loaders(viewer))  # fresh per request
                    counter.count = 0
                    start = time.perf_counter()
                    result = await schema.execute(QUERY, context_value=context)
                    elapsed = time.perf_counter() - start
                    if result.errors:
                        raise SystemExit(f"the walk failed: {result.errors}")
                    nodes = count_tree_nodes(result.data)
                    rollup = result.data["districts"][0]["rollup"]
                    statements.add(counter.count)
                    if i:
                        timings.append(elapsed)
            finally:
                logger.removeHandler(counter)
                logger.setLevel(old_level)
            if nodes != in_db:
                raise SystemExit(f"the walk returned {nodes} of {in_db} tree nodes (a page was cut)")
            if len(statements) != 1:
                raise SystemExit(f"the statement count varied between runs: {sorted(statements)}")
            median = statistics.median(timings) * 1000
            return {
                "compounds": compounds, "nodes": nodes, "statements": statements.pop(), "median_ms": median,
                "ms_per_1000": median / nodes * 1000, "build_s": built, "rollup": rollup,
            }
        finally:
            await db.stop()


async def main(compounds: int, runs: int) -> None:
    gc.set_threshold(100_000, 50, 100)  # as the app does for large responses
    sizes = [max(1, compounds // 10), compounds]
    rows = [await measure(n, runs) for n in sizes]
    print(f"tree walk on SQLite: {runs} runs after a warm-up, median; {LEVELS} tree levels in the query")
    print(f"{'compounds':>9} {'nodes':>7} {'statements':>10} {'stmts/level':>11} {'median ms':>10} {'ms/1000 nodes':>13}")
    for r in rows:
        print(f"{r['compounds']:>9} {r['nodes']:>7} {r['statements']:>10} {r['statements'] / LEVELS:>11.2f} "
              f"{r['median_ms']:>10.1f} {r['ms_per_1000']:>13.1f}")
    for r in rows:
        f = r["rollup"]
        print(f"  {r['compounds']} compounds, district roll-up: {f['households']} households, "
              f"{f['activeBuildingHeads']}/{f['requiredBuildingHeads']} heads ({f['coveragePercent']}%), "
              f"{f['workstationsSetUp']}/{f['workstations']} stations set up, {f['workstationsLate']} late; "
              f"tree built in {r['build_s']:.1f} s")
    small, large = rows
    same = "the same" if small["statements"] == large["statements"] else "NOT the same"
    print(f"nodes x{large['nodes'] / small['nodes']:.1f}, time x{large['median_ms'] / small['median_ms']:.1f}, "
          f"statements {same} ({small['statements']} and {large['statements']}): they follow the depth, not the size")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compounds", type=int, default=300, help="compounds in the larger tree (default 300)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per size (default 5)")
    args = parser.parse_args()
    if args.compounds < 10:
        parser.error("--compounds must be at least 10")
    asyncio.run(main(args.compounds, args.runs))
