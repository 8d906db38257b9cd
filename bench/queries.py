"""The read-path benchmark's GraphQL documents and fixed credentials, shared by the scale
generator (bench/scale.py), the floor (bench/floor.py), the harness (bench/read_path.py) and the
test that keeps the floor and the API byte-for-byte equal (tests/api/test_bench_floor.py).

Every connection asks for ``first: 100`` (the page cap), so one request returns a whole district
at every size; the benchmark server runs with a raised query-cost limit
(``GRASSROOTS_MAX_QUERY_COST``), since the default limit refuses a whole large district in one
request by design.
"""
from __future__ import annotations

ROLLUP = ("rollup { households requiredBuildingHeads activeBuildingHeads vacancies coveragePercent "
          "workstations workstationsSetUp workstationsLate }")


def _walk(compound_fields: str) -> str:
    return f"""query DistrictWalk {{
  districts {{
    id name {ROLLUP}
    ... on District {{
      newTowns(first: 100) {{ nodes {{ id name {ROLLUP}
        subdistricts(first: 100) {{ nodes {{ id name {ROLLUP}
          communities(first: 100) {{ nodes {{ id name {ROLLUP}
            compounds(first: 100) {{ nodes {{ id name {ROLLUP}{compound_fields} }} }}
          }} }}
        }} }}
      }} }}
    }}
  }}
}}"""


#: (a) district → every compound, with the roll-up at every level
COMPOUNDS_QUERY = _walk("")
#: (b) the same, down to every building (name and households)
BUILDINGS_QUERY = _walk("\n              buildings(first: 100) { nodes { id name households } }")
#: (c) one building by global ID, as a partner polls it
NODE_QUERY = "query Node($id: ID!) { node(id: $id) { id ... on Building { name code households openedOn } } }"

#: the generator's user: username, and the bearer token whose sha256 it stores (benchmark databases only)
BENCH_USERNAME = "bench"
BENCH_TOKEN = "bench-token-for-benchmark-databases-only"
#: the cost limit the benchmark server runs with
BENCH_MAX_COST = 10**12
