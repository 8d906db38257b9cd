"""Fuzz the GraphQL endpoint with schemathesis, on SQLite or PostgreSQL.

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python bench/fuzz.py --seconds 180                       # SQLite, embedded Redis
    .venv/bin/python bench/fuzz.py --seconds 180 \\
        --database-url postgres://postgres@127.0.0.1:5432/grassroots_fuzz --redis-url redis://127.0.0.1:6379/0
    make fuzz                                                          # both, when TEST_DATABASE_URL is set

It starts ``grassroots serve`` (development mode, so introspection is on) on a fresh
database with the demo district, logs in as the demo administrator, loads the schema by
introspection and sends generated queries and mutations for every root field, round-robin,
until the time is up. The PostgreSQL database named is DROPPED and recreated (schema public).

Checks on every response: no 5xx, a JSON body, every GraphQL error carries
``extensions.code``, and no text that is raw database or Python output (see ``RAW``).
Exit status 1 when any check failed; the failures (request and response) are printed.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RAW = re.compile(
    r"Traceback|File \"|sqlite|asyncpg|psycopg|postgres|int64|int32|codec|InvalidOperation|invalid literal|"
    r"object has no attribute|duplicate key|unique constraint|IntegrityError|OperationalError|"
    r"Length of '|too complex|byte sequence|decimal\.|Exception|NoneType|KeyError|TypeError|ValueError|"
    r"got multiple values|unexpected keyword|tortoise|redis|\.py\b|isoformat|surrogates not allowed",
    re.I,
)
PASSWORD = "demo-pass-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reset_postgres(url: str) -> None:
    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
        finally:
            await conn.close()

    asyncio.run(go())


def start_server(database_url: str | None, redis_url: str | None, data_dir: Path) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, GRASSROOTS_DATA_DIR=str(data_dir), GRASSROOTS_ENV="development")
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    exe = str(Path(sys.executable).parent / "grassroots")
    for command in ("migrate", "demo"):
        subprocess.run([exe, command], env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    env["PORT"] = str(port)
    log = open(data_dir / "server.log", "w")
    proc = subprocess.Popen([exe, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    import requests

    for _ in range(300):
        try:
            requests.post(f"{base}/graphql", json={"query": "{ __typename }"}, timeout=2)
            return proc, base
        except requests.ConnectionError:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited: see {data_dir / 'server.log'}") from None
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the server did not start")


def login(base: str) -> str:
    import requests

    r = requests.post(f"{base}/graphql", json={"query": 'mutation { sessionCreate(username: "admin", password: '
                                                        f'"{PASSWORD}") {{ token errors {{ code }} }} }}'}, timeout=30)
    return r.json()["data"]["sessionCreate"]["token"]


ID_QUERIES = [
    "{ treeNodes(first: 100) { nodes { id } } }",
    "{ people(first: 100) { nodes { id staffRoles { id } buildingHeadTerms { id } } } }",
    "{ workstations(first: 50) { nodes { id } } }",
    "{ recruitmentCampaigns { id seats { applications { id } } } }",
    "{ apiKeys { id } }",
]


def real_ids(base: str, token: str) -> list[str]:
    """Global IDs of the demo's objects, so that generated requests reach past 'not found'."""
    import requests

    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "id" and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for query in ID_QUERIES:
        r = requests.post(f"{base}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"},
                          timeout=60)
        body = r.json()
        if body.get("errors"):
            print(f"  ID query failed: {body['errors'][0]}")
        walk(body.get("data"))
    return sorted(set(found))


def problems(response, request_text: str = "") -> list[str]:
    """What is wrong with one response (empty: fine). Raw-text patterns that the request
    itself contains (a generated string echoed in a validation message) do not count."""
    found = []
    if response.status_code >= 500:
        found.append(f"HTTP {response.status_code}")
    text = response.text
    try:
        body = json.loads(text)
    except ValueError:
        return [*found, "not JSON"]
    echoed = request_text.lower()
    raw = {m.group(0) for m in RAW.finditer(text) if m.group(0).lower() not in echoed}
    if raw:
        found.append(f"raw text {sorted(raw)!r}")
    for error in (body.get("errors") or []) if isinstance(body, dict) else []:
        if not (error.get("extensions") or {}).get("code"):
            found.append(f"error without extensions.code: {error.get('message')!r}")
    return found


def fuzz(base: str, token: str, seconds: float, max_examples: int) -> tuple[int, Counter, list[str]]:
    import requests
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable

    from hypothesis import strategies as st

    # an Upload cannot travel in a JSON request: fuzz it as a string (refused as a typed error)
    nodes = schemathesis.graphql.nodes
    schemathesis.graphql.scalar("Upload", st.text(max_size=20).map(nodes.String))
    # the other custom scalars: well-formed values and anything else
    decimal_text = st.one_of(st.decimals(allow_nan=True, allow_infinity=True).map(str), st.text(max_size=30))
    schemathesis.graphql.scalar("Decimal", decimal_text.map(nodes.String))
    dates = st.one_of(st.dates().map(str), st.text(max_size=20))
    schemathesis.graphql.scalar("Date", dates.map(nodes.String))
    datetimes = st.one_of(st.datetimes().map(lambda d: d.isoformat()), st.text(max_size=30))
    schemathesis.graphql.scalar("DateTime", datetimes.map(nodes.String))
    schemathesis.graphql.scalar("JSON", st.text(max_size=30).map(nodes.String))
    ids = real_ids(base, token)
    if ids:  # mostly real IDs of the demo's objects, sometimes anything
        schemathesis.graphql.scalar("ID", st.one_of(st.sampled_from(ids), st.sampled_from(ids), st.sampled_from(ids),
                                                    st.text(max_size=20)).map(nodes.String))
    print(f"  {len(ids)} real IDs")
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.graphql.from_url(f"{base}/graphql", headers=headers, timeout=30)
    operations = [result.ok() for result in schema.get_all_operations()]
    # sessionRevoke would end the fuzzer's own session: leave it out
    operations = [op for op in operations if not op.label.endswith(".sessionRevoke")]
    session = requests.Session()
    sent = 0
    statuses: Counter = Counter()
    failures: list[str] = []
    deadline = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        for operation in operations:
            if time.monotonic() >= deadline:
                break

            @settings(max_examples=max_examples, deadline=None, database=None, derandomize=False,
                      suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
            @given(case=operation.as_strategy())
            def run(case) -> None:
                nonlocal sent
                if time.monotonic() >= deadline:
                    return
                response = case.call(session=session, headers=headers, timeout=60)
                sent += 1
                statuses[response.status_code] += 1
                found = problems(response, json.dumps(case.body, ensure_ascii=False) if case.body else "")
                if found and len(failures) < 50:
                    failures.append(f"{operation.label}: {'; '.join(found)}\n  request: {case.body!r}"[:2000]
                                    + f"\n  response: {response.text[:1000]}")

            try:
                run()
            except Unsatisfiable:
                pass
    print(f"  {len(operations)} operations, {rounds} rounds")
    return sent, statuses, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=180, help="fuzzing time (default 180)")
    parser.add_argument("--max-examples", type=int, default=10, help="examples per operation per round")
    parser.add_argument("--database-url", help="postgres://… (DROPPED and recreated); default: a fresh SQLite file")
    parser.add_argument("--redis-url", help="redis://…; default: the embedded Redis")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grassroots-fuzz-") as tmp:
        if args.database_url:
            reset_postgres(args.database_url)
        if args.redis_url:
            from redis import Redis

            Redis.from_url(args.redis_url).flushdb()
        backend = "PostgreSQL" if args.database_url else "SQLite"
        proc, base = start_server(args.database_url, args.redis_url, Path(tmp))
        try:
            sent, statuses, failures = fuzz(base, login(base), args.seconds, args.max_examples)
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        print(f"fuzz on {backend}: {sent} requests in {args.seconds:g} s, statuses {dict(sorted(statuses.items()))}, "
              f"{len(failures)} failing responses")
        for failure in failures:
            print("-", failure)
        if failures:
            log = (Path(tmp) / "server.log").read_text()
            print("server log (tail):\n" + log[-4000:])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
