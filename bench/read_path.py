"""The read path against its floor: every figure of the read-path benchmark in one command.

    .venv/bin/python bench/read_path.py --database-url postgres://postgres@127.0.0.1:5432/grassroots_bench_m \
        --size M [--build | --build-missing] [--starts 3] [--rounds 5] [--sizes S,M,L] [--json out.json]

On a PostgreSQL database holding bench/scale.py's district (``--build``: generated first with
``replace=True``; ``--build-missing``: only when the database is missing or empty) it measures:

(a) COMPOUNDS_QUERY and (b) BUILDINGS_QUERY (bench/queries.py) over HTTP against the real server
    (``grassroots serve``, one process, started here with DATABASE_URL, REDIS_URL on a Redis
    database of its own, GRASSROOTS_MAX_QUERY_COST=BENCH_MAX_COST, GRASSROOTS_ENV=production, a
    free loopback port), and the floor (bench/floor.py: asyncpg, hand-written SQL, orjson) in this
    process over one asyncpg connection. Each of ``--starts`` server starts gets a warm-up request
    per query, then ``--rounds`` rounds of API (a), floor (a), API (b), floor (b), paging; every
    figure is the median of starts x rounds. The API's bytes must equal the floor's, every time.
    Statements: the API's are counted by running the same documents in a child process through
    ``schema.schema.build_schema(max_cost=BENCH_MAX_COST)`` with a context built as
    ``schema.context.build_context`` builds it (viewer from the bench token, fresh loaders),
    counting records of tortoise's ``tortoise.db_client`` logger, the caller's check included;
    the floor's with bench/floor.py ``counted``.
Paging: the same walk one new town at a time: one request for the district and its new towns'
    IDs, then ``node(id: <new town>)`` down to the compounds with the same fields, for each new
    town; the sum (client-side time of all of them, in sequence) against the single request (a).
    The pages put together must equal (a)'s answer.
(c) ``node(id:)`` of a building under load: ``grassroots serve --processes 2`` against bench/bare.py
    (Starlette + asyncpg, the same read for the caller as the API, the node read and the scope check,
    the same bytes; also 2 processes sharing the port with SO_REUSEPORT), one after the other,
    each loaded by bench/load.py in a separate process (raw asyncio HTTP/1.1, 32 keep-alive
    connections, closed loop, the sample's building IDs in turn, warm-up then a fixed duration).
    Before the load, the API's and the baseline's answers for every sampled ID must be equal.
(d) Peak memory (VmHWM) of the server process after the (b) requests of each start (and right after
    it started), and of a separate process that runs only the floor's (b) three times.

``--sizes S,M,L`` repeats (a), (b), paging and the statement counts per size, each on its own
database (the name in ``--database-url`` with its ``_s``/``_m``/``_l`` suffix swapped, or with the
suffix appended), and prints how they grow; (c) and (d)'s floor process run at ``--size`` only.
The machine, the date and a table against the goals close the report; ``--json`` writes every
figure. Every server and load process is started in a session of its own, stopped on every exit
path (normal end, an exception, SIGINT / SIGTERM / SIGHUP) and asked to die with this process
(PR_SET_PDEATHSIG).
"""
from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import ctypes
import datetime as dt
import gc
import importlib
import json
import logging
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from bench.load import HTTPError, RawClient  # noqa: E402
from bench.queries import (  # noqa: E402
    BENCH_MAX_COST, BENCH_TOKEN, BUILDINGS_QUERY, COMPOUNDS_QUERY, NODE_QUERY, ROLLUP,
)

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SIZES = ("S", "M", "L")

# Paging: the district and its new towns' IDs, then one new town's subtree per request, down to
# the compounds, with exactly the fields COMPOUNDS_QUERY asks for below a new town.
ROOTS_QUERY = f"""query DistrictRoots {{
  districts {{
    id name {ROLLUP}
    ... on District {{ newTowns(first: 100) {{ nodes {{ id }} }} }}
  }}
}}"""
PAGE_QUERY = f"""query NewTownPage($id: ID!) {{
  node(id: $id) {{
    ... on NewTown {{
      id name {ROLLUP}
      subdistricts(first: 100) {{ nodes {{ id name {ROLLUP}
        communities(first: 100) {{ nodes {{ id name {ROLLUP}
          compounds(first: 100) {{ nodes {{ id name {ROLLUP} }} }}
        }} }}
      }} }}
    }}
  }}
}}"""

GOAL_RATIO = 5.0
BARE_NODE_STATEMENTS = 2  # bench/bare.py: the caller, the node
GOAL_LOAD_RATIO = 0.8
GOAL_P99_MS = 50.0


class BenchFailure(RuntimeError):
    """A correctness check failed (bytes differ, a server died, an answer is an error)."""


# ---------------------------------------------------------------------------
# processes: started in their own session, always stopped
# ---------------------------------------------------------------------------

_STARTED: dict[int, subprocess.Popen] = {}  # pid → process (its session / process group id)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: SIGTERM when this script dies
    except OSError:
        pass


def start_process(argv: list[str], env: dict[str, str], log_path: Path | None) -> subprocess.Popen:
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(argv, env=env, cwd=str(ROOT), stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT if log_path else subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=_die_with_parent)
    finally:
        if log_path:
            out.close()
    _STARTED[proc.pid] = proc
    return proc


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def stop_process(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM to the process (grassroots serve passes it on to its children), then SIGKILL to
    whatever is left of its process group."""
    pgid = proc.pid  # start_new_session: the group id is the leader's pid
    try:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        deadline = time.monotonic() + grace
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
        proc.wait(5)
        for _ in range(50):
            if not _group_alive(pgid):
                break
            time.sleep(0.1)
    except ProcessLookupError:
        pass
    finally:
        _STARTED.pop(proc.pid, None)


def stop_all() -> None:
    for proc in list(_STARTED.values()):
        stop_process(proc, grace=5.0)


def _on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through every finally (servers stopped there and at exit)


@contextlib.contextmanager
def running(proc: subprocess.Popen):
    try:
        yield proc
    finally:
        stop_process(proc)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


async def wait_ready(proc: subprocess.Popen, port: int, log_path: Path, processes: int, timeout: float = 120.0) -> None:
    """Until every process logged 'Application startup complete.' and a request gets an HTTP answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchFailure(f"the server exited with {proc.returncode} while starting:\n{log_tail(log_path)}")
        started = log_path.read_text(errors="replace").count("Application startup complete.") if log_path.exists() else 0
        if started >= processes:
            client = RawClient(HOST, port, BENCH_TOKEN)
            try:
                status, _ = await client.post(b'{"query":"{ __typename }"}', timeout=5)
                if status < 500:  # the API answers 200, the bare baseline 400 (it serves NODE_QUERY only)
                    return
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
                pass
            finally:
                await client.close()
        await asyncio.sleep(0.2)
    raise BenchFailure(f"the server did not answer within {timeout:.0f} s:\n{log_tail(log_path)}")


def server_env(database_url: str, port: int, args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRASSROOTS_")}
    env.update(
        DATABASE_URL=database_url, REDIS_URL=f"redis://{HOST}:6379/{args.redis_db}", HOST=HOST, PORT=str(port),
        GRASSROOTS_MAX_QUERY_COST=str(BENCH_MAX_COST), GRASSROOTS_ENV="production",
        GRASSROOTS_DATA_DIR=str(data_dir), GRASSROOTS_CHANNEL_PREFIX=f"grassroots-bench-{os.getpid()}-{port}",
        PYTHONUNBUFFERED="1",
    )
    return env


def vm_kib(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


# ---------------------------------------------------------------------------
# databases
# ---------------------------------------------------------------------------


def dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def url_for(base_url: str, base_size: str, size: str) -> str:
    """The database of ``size``: grassroots_bench_m → grassroots_bench_s / _l (or ``_<size>`` appended)."""
    head, _, name = base_url.rpartition("/")
    name, q, query = name.partition("?")
    stem = re.sub(r"_[sml]$", "", name, flags=re.IGNORECASE) if name.lower().endswith(f"_{base_size.lower()}") else name
    return f"{head}/{stem}_{size.lower()}{q}{query}"


async def database_state(url: str) -> str:
    """'missing', 'empty' or 'ready'."""
    import asyncpg

    try:
        conn = await asyncpg.connect(dsn(url))
    except asyncpg.InvalidCatalogNameError:
        return "missing"
    try:
        if not await conn.fetchval("SELECT to_regclass('public.node') IS NOT NULL"):
            return "empty"
        return "ready" if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM node WHERE kind = 'DISTRICT')") else "empty"
    finally:
        await conn.close()


async def create_database(url: str) -> None:
    import asyncpg

    head, _, name = url.rpartition("/")
    name = name.partition("?")[0]
    conn = await asyncpg.connect(dsn(f"{head}/postgres"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def sample_from_database(url: str) -> dict:
    """What bench/scale.py ``build`` returns, read back: the district and every 1/20th building."""
    import asyncpg

    conn = await asyncpg.connect(dsn(url))
    try:
        district = await conn.fetchval("SELECT id FROM node WHERE kind = 'DISTRICT' ORDER BY id LIMIT 1")
        leaves = [r[0] for r in await conn.fetch("SELECT id FROM node WHERE kind = 'BUILDING' ORDER BY id")]
        counts = {"buildings": len(leaves),
                  "compounds": await conn.fetchval("SELECT count(*) FROM node WHERE kind = 'COMPOUND'")}
    finally:
        await conn.close()
    return {"district_id": district, "building_ids": leaves[::max(1, len(leaves) // 20)], "counts": counts}


async def prepare_database(size: str, url: str, args: argparse.Namespace) -> dict:
    state = await database_state(url)
    build = args.build or (args.build_missing and state != "ready")
    if build:
        if state == "missing":
            await create_database(url)
        from bench.scale import build as scale_build

        print(f"  building size {size} into {url.rsplit('/', 1)[-1]} (bench/scale.py, replace=True) ...", flush=True)
        t0 = time.perf_counter()
        result = await scale_build(size, url, replace=True)
        print(f"  built in {time.perf_counter() - t0:.1f} s", flush=True)
        return result
    if state != "ready":
        raise SystemExit(f"{url} is {state}: run with --build or --build-missing "
                         f"(or: {BIN}/python bench/scale.py --size {size} --database-url {url} --replace)")
    return await sample_from_database(url)


def to_global_id(type_name: str, pk: int) -> str:
    import base64

    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


# ---------------------------------------------------------------------------
# child modes: the API's statement counts; the floor's peak memory
# ---------------------------------------------------------------------------


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def count_statements(url: str, building_gid: str) -> dict:
    """Statements per request, as the server sends them: the caller (build_context →
    viewer_from_token) and the execution, counted on tortoise's ``tortoise.db_client`` logger."""
    from grassroots import db
    from resolvers.messages import locale_from
    from resolvers.viewer import viewer_from_token
    from schema.context import Context
    from schema.loaders import Loaders
    from schema.schema import build_schema

    await db.start(url)
    try:
        schema = build_schema(max_cost=BENCH_MAX_COST)
        logger = logging.getLogger("tortoise.db_client")
        counter = _Counter()
        logger.setLevel(logging.DEBUG)
        logger.addHandler(counter)
        logger.propagate = False

        async def run(document: str, variables: dict | None = None) -> tuple[int, int, Any]:
            counter.count = 0
            viewer = await viewer_from_token(BENCH_TOKEN)
            auth = counter.count
            context = Context(viewer=viewer, locale=locale_from(None), loaders=Loaders(viewer))
            result = await schema.execute(document, variable_values=variables, context_value=context)
            if result.errors:
                raise BenchFailure(f"in-process execution failed: {result.errors}")
            return auth, counter.count - auth, result.data

        out: dict[str, Any] = {}
        for key, document in (("compounds", COMPOUNDS_QUERY), ("buildings", BUILDINGS_QUERY)):
            runs = []
            for _ in range(3):  # the first request of a process may read what it then caches (reported apart)
                auth, execution, _data = await run(document)
                runs.append(auth + execution)
            out[key] = {"auth": auth, "execution": execution, "total": auth + execution, "first_request": runs[0],
                        "stable": len(set(runs[1:])) == 1}
        auth, execution, roots = await run(ROOTS_QUERY)
        pages = {"auth": auth, "execution": execution, "requests": 1}
        for town in roots["districts"][0]["newTowns"]["nodes"]:
            a, e, _ = await run(PAGE_QUERY, {"id": town["id"]})
            pages["auth"] += a
            pages["execution"] += e
            pages["requests"] += 1
        pages["total"] = pages["auth"] + pages["execution"]
        out["paging"] = pages
        auth, execution, _ = await run(NODE_QUERY, {"id": building_gid})
        out["node"] = {"auth": auth, "execution": execution, "total": auth + execution}
        return out
    finally:
        await db.stop()


async def floor_memory(url: str, floor_module: str) -> dict:
    import asyncpg

    floor = importlib.import_module(floor_module)
    before = vm_kib(os.getpid(), "VmHWM")
    conn = await asyncpg.connect(dsn(url))
    try:
        size = 0
        for _ in range(3):
            size = len(await floor.buildings_json(conn, BENCH_TOKEN))
    finally:
        await conn.close()
    return {"vmhwm_kib_before": before, "vmhwm_kib": vm_kib(os.getpid(), "VmHWM"), "bytes": size}


def run_child(mode: list[str], timeout: float) -> dict:
    proc = start_process([sys.executable, str(Path(__file__).resolve()), *mode],
                         env=dict(os.environ, PYTHONUNBUFFERED="1"), log_path=None)
    # the child writes its JSON to a file named in the arguments; wait bounded
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        raise BenchFailure(f"child {mode[0]} did not finish within {timeout:.0f} s") from None
    finally:
        stop_process(proc, grace=2.0)
    if proc.returncode != 0:
        raise BenchFailure(f"child {mode[0]} failed with exit code {proc.returncode}")
    return json.loads(Path(mode[mode.index("--child-out") + 1]).read_text())


# ---------------------------------------------------------------------------
# (a), (b), paging
# ---------------------------------------------------------------------------


def check_equal(what: str, api: bytes, floor: bytes, _work: Path | None = None) -> None:
    """Fails loudly; both answers are kept in a directory that outlives the run."""
    if api == floor:
        return
    out_dir = Path(tempfile.mkdtemp(prefix="grassroots-read-path-mismatch-"))
    at = next((i for i, (x, y) in enumerate(zip(api, floor)) if x != y), min(len(api), len(floor)))
    a_path, f_path = out_dir / f"{what}.api.json", out_dir / f"{what}.floor.json"
    a_path.write_bytes(api)
    f_path.write_bytes(floor)
    raise BenchFailure(
        f"{what}: the API's bytes differ from the floor's ({len(api)} vs {len(floor)} bytes, first difference at "
        f"byte {at}):\n  API:   {api[max(0, at - 80):at + 80]!r}\n  floor: {floor[max(0, at - 80):at + 80]!r}\n"
        f"  both answers written to {a_path} and {f_path}")


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


async def timed(coro: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    result = await coro
    return result, (time.perf_counter() - t0) * 1000


async def paging_once(client: RawClient, single: dict) -> tuple[float, float, int]:
    """(total ms, pages-only ms, requests); the pages put together must equal (a)'s answer."""
    t0 = time.perf_counter()
    roots = orjson.loads(await client.graphql(ROOTS_QUERY))["data"]
    t1 = time.perf_counter()
    district = roots["districts"][0]
    towns = []
    for town in district["newTowns"]["nodes"]:
        towns.append(orjson.loads(await client.graphql(PAGE_QUERY, {"id": town["id"]}))["data"]["node"])
    t2 = time.perf_counter()
    district["newTowns"]["nodes"] = towns
    if roots != single:
        raise BenchFailure("paging: the district and its new towns' pages put together differ from (a)'s answer")
    return (t2 - t0) * 1000, (t2 - t1) * 1000, 1 + len(towns)


async def measure_walks(size: str, url: str, args: argparse.Namespace, work: Path) -> dict:
    import asyncpg

    floor = importlib.import_module(args.floor_module)
    conn = await asyncpg.connect(dsn(url))
    times: dict[str, list[float]] = {"api_a": [], "floor_a": [], "api_b": [], "floor_b": [], "paging": [], "pages": []}
    sizes: dict[str, int] = {}
    floor_statements: dict[str, int] = {}
    memory: list[dict] = []
    paging_requests = 0
    try:
        for key, fn in (("a", floor.compounds_json), ("b", floor.buildings_json)):
            _, n = await floor.counted(fn(conn, BENCH_TOKEN))
            floor_statements[key] = n
        for start in range(args.starts):
            port = free_port()
            data_dir = work / f"serve-{size}-{start}"
            data_dir.mkdir()
            log_path = work / f"serve-{size}-{start}.log"
            proc = start_process([str(BIN / "grassroots"), "serve", "--port", str(port)],
                                 server_env(url, port, args, data_dir), log_path)
            with running(proc):
                await wait_ready(proc, port, log_path, 1)
                started_hwm = vm_kib(proc.pid, "VmHWM")
                client = RawClient(HOST, port, BENCH_TOKEN)
                try:
                    # warm-up: one request of each kind, checked
                    single = await client.graphql(COMPOUNDS_QUERY)
                    check_equal(f"{size}-compounds", single, await floor.compounds_json(conn, BENCH_TOKEN), work)
                    check_equal(f"{size}-buildings", await client.graphql(BUILDINGS_QUERY),
                                await floor.buildings_json(conn, BENCH_TOKEN), work)
                    single_data = orjson.loads(single)["data"]
                    await paging_once(client, single_data)
                    for _ in range(args.rounds):
                        api_a, ms = await timed(client.graphql(COMPOUNDS_QUERY))
                        times["api_a"].append(ms)
                        floor_a, ms = await timed(floor.compounds_json(conn, BENCH_TOKEN))
                        times["floor_a"].append(ms)
                        check_equal(f"{size}-compounds", api_a, floor_a, work)
                        api_b, ms = await timed(client.graphql(BUILDINGS_QUERY))
                        times["api_b"].append(ms)
                        floor_b, ms = await timed(floor.buildings_json(conn, BENCH_TOKEN))
                        times["floor_b"].append(ms)
                        check_equal(f"{size}-buildings", api_b, floor_b, work)
                        sizes = {"a": len(api_a), "b": len(api_b)}
                        del api_a, floor_a, api_b, floor_b
                        total, pages, paging_requests = await paging_once(client, single_data)
                        times["paging"].append(total)
                        times["pages"].append(pages)
                except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, HTTPError) as exc:
                    await asyncio.sleep(1)  # let a dying server finish its last log lines
                    state = "running" if proc.poll() is None else f"exited with {proc.returncode}"
                    raise BenchFailure(f"size {size}, start {start + 1}: a request failed ({type(exc).__name__}: "
                                       f"{str(exc)[:300]}); the server is {state}; its log ends:\n"
                                       f"{log_tail(log_path)}") from exc
                finally:
                    await client.close()
                if proc.poll() is not None:
                    raise BenchFailure(f"the server died during the rounds:\n{log_tail(log_path)}")
                memory.append({"started_kib": started_hwm, "after_b_kib": vm_kib(proc.pid, "VmHWM"),
                               "rss_kib": vm_kib(proc.pid, "VmRSS")})
            print(f"  start {start + 1}/{args.starts}: (a) API {median(times['api_a'][-args.rounds:]):.1f} ms, "
                  f"(b) API {median(times['api_b'][-args.rounds:]):.1f} ms", flush=True)
    finally:
        await conn.close()
    med = {k: median(v) for k, v in times.items()}
    return {
        "size": size, "database": url.rsplit("/", 1)[-1], "starts": args.starts, "rounds": args.rounds,
        "compounds": {"api_ms": med["api_a"], "floor_ms": med["floor_a"], "ratio": med["api_a"] / med["floor_a"],
                      "bytes": sizes.get("a"), "floor_statements": floor_statements["a"],
                      "api_ms_all": times["api_a"], "floor_ms_all": times["floor_a"]},
        "buildings": {"api_ms": med["api_b"], "floor_ms": med["floor_b"], "ratio": med["api_b"] / med["floor_b"],
                      "bytes": sizes.get("b"), "floor_statements": floor_statements["b"],
                      "api_ms_all": times["api_b"], "floor_ms_all": times["floor_b"]},
        "paging": {"ms": med["paging"], "pages_only_ms": med["pages"], "single_ms": med["api_a"],
                   "ratio": med["paging"] / med["api_a"], "requests": paging_requests, "ms_all": times["paging"]},
        "server_memory": {"vmhwm_after_b_kib": max((m["after_b_kib"] or 0) for m in memory),
                          "vmhwm_started_kib": max((m["started_kib"] or 0) for m in memory), "per_start": memory},
    }


# ---------------------------------------------------------------------------
# (c) node(id:) under load
# ---------------------------------------------------------------------------


async def fetch_nodes(port: int, gids: list[str]) -> list[bytes]:
    client = RawClient(HOST, port, BENCH_TOKEN)
    try:
        return [await client.graphql(NODE_QUERY, {"id": g}, timeout=30) for g in gids]
    finally:
        await client.close()


def run_load(port: int, gids: list[str], args: argparse.Namespace, work: Path, label: str) -> dict:
    out_path = work / f"load-{label}.json"
    argv = [sys.executable, str(ROOT / "bench" / "load.py"), "--port", str(port), "--token", BENCH_TOKEN,
            "--ids", ",".join(gids), "--connections", str(args.connections), "--warmup", str(args.load_warmup),
            "--duration", str(args.load_seconds)]
    proc = subprocess.Popen(argv, cwd=str(ROOT), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, preexec_fn=_die_with_parent)
    _STARTED[proc.pid] = proc
    try:
        stdout, stderr = proc.communicate(timeout=args.load_warmup + args.load_seconds + 60)
    except subprocess.TimeoutExpired:
        raise BenchFailure(f"the load generator ({label}) did not finish in time") from None
    finally:
        stop_process(proc, grace=2.0)
    if proc.returncode != 0:
        raise BenchFailure(f"the load generator ({label}) failed:\n{stderr.decode(errors='replace')[-2000:]}")
    out_path.write_bytes(stdout)
    return json.loads(stdout)


async def measure_load(url: str, sample: dict, args: argparse.Namespace, work: Path, floor_answers: list[bytes]) -> dict:
    gids = [to_global_id("Building", pk) for pk in sample["building_ids"]]
    results: dict[str, Any] = {}
    answers: dict[str, list[bytes]] = {}
    for label, argv_of in (
        ("api", lambda port: [str(BIN / "grassroots"), "serve", "--processes", "2", "--port", str(port)]),
        ("bare", lambda port: [sys.executable, str(ROOT / "bench" / "bare.py"), "--processes", "2",
                               "--port", str(port), "--database-url", url]),
    ):
        port = free_port()
        data_dir = work / f"load-{label}"
        data_dir.mkdir()
        log_path = work / f"load-{label}.log"
        proc = start_process(argv_of(port), server_env(url, port, args, data_dir), log_path)
        with running(proc):
            await wait_ready(proc, port, log_path, 2)
            answers[label] = await fetch_nodes(port, gids)
            for gid, got, want in zip(gids, answers[label], floor_answers):
                check_equal(f"node-{label}-{gid}", got, want, work)
            print(f"  (c) {label}: {len(gids)} sampled answers equal the floor's; loading for "
                  f"{args.load_warmup:g} + {args.load_seconds:g} s ...", flush=True)
            results[label] = run_load(port, gids, args, work, label)
            if proc.poll() is not None:
                raise BenchFailure(f"the {label} server died under load:\n{log_tail(log_path)}")
            results[label]["server_vmhwm_kib"] = [vm_kib(c, "VmHWM") for c in _children(proc.pid)]
    for gid, a, b in zip(gids, answers["api"], answers["bare"]):
        check_equal(f"node-api-vs-bare-{gid}", a, b, work)
    api, bare = results["api"], results["bare"]
    return {"api": api, "bare": bare, "rps_ratio": api["rps"] / bare["rps"] if bare["rps"] else float("nan"),
            "ids": len(gids), "connections": args.connections, "seconds": args.load_seconds}


def _children(pid: int) -> list[int]:
    try:
        import psutil

        return [c.pid for c in psutil.Process(pid).children()]
    except Exception:  # noqa: BLE001 - a figure, not a check
        return []


# ---------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------


async def machine(url: str) -> dict:
    import asyncpg

    conn = await asyncpg.connect(dsn(url))
    try:
        pg = await conn.fetchval("SELECT version()")
    finally:
        await conn.close()
    mem_kib = vm_kib_meminfo()
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cores": os.cpu_count(), "cpu": model, "memory_gib": round(mem_kib / 1024 / 1024, 1) if mem_kib else None,
            "postgresql": pg, "python": platform.python_version(), "kernel": platform.release(),
            "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")}


def vm_kib_meminfo() -> int | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    return None


def mib(kib: int | None) -> str:
    return f"{kib / 1024:.0f} MiB" if kib else "n/a"


def print_size(r: dict, counts: dict) -> None:
    print(f"\n== size {r['size']} ({r['database']}): {r['starts']} server starts x {r['rounds']} rounds, medians")
    print(f"{'query':<14} {'floor ms':>9} {'API ms':>9} {'API/floor':>9} {'bytes':>11} {'API stmts':>15} {'floor stmts':>11}")
    notes: list[str] = []
    for key, label in (("compounds", "(a) compounds"), ("buildings", "(b) buildings")):
        q, c = r[key], counts[key]
        stmts = f"{c['total']} ({c['auth']}+{c['execution']})"
        if c.get("first_request", c["total"]) != c["total"]:
            notes.append(f"{label}: the API's first request after a start sent {c['first_request']} statements")
        print(f"{label:<14} {q['floor_ms']:>9.1f} {q['api_ms']:>9.1f} {q['ratio']:>8.2f}x {q['bytes']:>11,} "
              f"{stmts:>15} {q['floor_statements']:>11}")
    for note in notes:
        print(f"  ({note}; the figures above are a warm process's)")
    p, pc = r["paging"], counts["paging"]
    print(f"paging: {p['requests']} requests (district + one per new town) {p['ms']:.1f} ms "
          f"(pages alone {p['pages_only_ms']:.1f} ms) vs the single request (a) {p['single_ms']:.1f} ms: "
          f"{p['ratio']:.2f}x; statements {pc['total']} vs {counts['compounds']['total']}")
    m = r["server_memory"]
    print(f"server peak memory (VmHWM): {mib(m['vmhwm_started_kib'])} after start, {mib(m['vmhwm_after_b_kib'])} "
          f"after the (b) requests")


def print_growth(rows: list[dict], counts: dict) -> None:
    print("\n== growth")
    print(f"{'size':<5} {'buildings':>9} {'(a) floor':>9} {'(a) API':>9} {'ratio':>6} {'stmts':>9} "
          f"{'(b) floor':>9} {'(b) API':>9} {'ratio':>6} {'stmts':>9}")
    for r in rows:
        a, b = r["compounds"], r["buildings"]
        ca, cb = counts[r["size"]]["compounds"], counts[r["size"]]["buildings"]
        print(f"{r['size']:<5} {r['building_count']:>9,} {a['floor_ms']:>9.1f} {a['api_ms']:>9.1f} {a['ratio']:>5.2f}x "
              f"{ca['total']:>4}/{a['floor_statements']:<4} {b['floor_ms']:>9.1f} {b['api_ms']:>9.1f} {b['ratio']:>5.2f}x "
              f"{cb['total']:>4}/{b['floor_statements']:<4}")
    for prev, cur in zip(rows, rows[1:]):
        f = lambda k, q: cur[q][k] / prev[q][k]  # noqa: E731
        print(f"{prev['size']}→{cur['size']}: buildings x{cur['building_count'] / prev['building_count']:.1f}; "
              f"(a) API x{f('api_ms', 'compounds'):.1f}, floor x{f('floor_ms', 'compounds'):.1f}; "
              f"(b) API x{f('api_ms', 'buildings'):.1f}, floor x{f('floor_ms', 'buildings'):.1f}")
    print("  (stmts: API/floor statements per request)")


def goals(report: dict) -> list[tuple[str, str, bool | None]]:
    main = report["sizes"][report["size"]]
    out: list[tuple[str, str, bool | None]] = []
    for key, label in (("compounds", "(a)"), ("buildings", "(b)")):
        ratio = main[key]["ratio"]
        out.append((f"{label} API/floor <= {GOAL_RATIO:g}x", f"{ratio:.2f}x", ratio <= GOAL_RATIO))
    counts = report["statements"]
    sizes = list(report["sizes"])
    for key, label in (("compounds", "(a)"), ("buildings", "(b)")):
        api = [counts[s][key]["total"] for s in sizes]
        floor = [report["sizes"][s][key]["floor_statements"] for s in sizes]
        stable = all(counts[s][key]["stable"] for s in sizes)
        ok = len(set(api)) == 1 and len(set(floor)) == 1 and stable
        shown = "/".join(map(str, api)) + " (" + ",".join(sizes) + ")"
        out.append((f"{label} statements the same at every size", shown, ok if len(sizes) > 1 else None))
    load = report.get("load")
    if load:
        out.append((f"(c) API rps >= {GOAL_LOAD_RATIO:g}x bare", f"{load['rps_ratio']:.2f}x", load["rps_ratio"] >= GOAL_LOAD_RATIO))
        out.append((f"(c) API p99 < {GOAL_P99_MS:g} ms", f"{load['api']['p99_ms']:.1f} ms", load["api"]["p99_ms"] < GOAL_P99_MS))
    p = main["paging"]
    out.append(("paging <= single request (a)", f"{p['ms']:.1f} vs {p['single_ms']:.1f} ms", p["ms"] <= p["single_ms"]))
    return out


async def main_async(args: argparse.Namespace) -> dict:
    sizes = [s.strip().upper() for s in args.sizes.split(",")] if args.sizes else [args.size]
    if args.size not in sizes:
        raise SystemExit(f"--size {args.size} must be one of --sizes {args.sizes}")
    report: dict[str, Any] = {"size": args.size, "sizes": {}, "statements": {}}
    with tempfile.TemporaryDirectory(prefix="grassroots-read-path-") as tmp:
        work = Path(tmp)
        samples: dict[str, dict] = {}
        for size in sizes:
            url = url_for(args.database_url, args.size, size)
            print(f"size {size}: {url.rsplit('/', 1)[-1]}", flush=True)
            samples[size] = sample = await prepare_database(size, url, args)
            gid = to_global_id("Building", sample["building_ids"][0])
            out = work / f"statements-{size}.json"
            report["statements"][size] = run_child(["--child-statements", url, gid, "--child-out", str(out)], timeout=600)
            r = await measure_walks(size, url, args, work)
            r["building_count"] = sample["counts"]["buildings"]
            report["sizes"][size] = r
            print_size(r, report["statements"][size])
        if len(sizes) > 1:
            print_growth([report["sizes"][s] for s in sizes], report["statements"])

        url = url_for(args.database_url, args.size, args.size)
        sample = samples[args.size]
        out = work / "floor-memory.json"
        report["floor_memory"] = run_child(["--child-floor-memory", url, "--floor-module", args.floor_module,
                                            "--child-out", str(out)], timeout=600)
        print(f"\n(d) peak memory (VmHWM): API server {mib(report['sizes'][args.size]['server_memory']['vmhwm_after_b_kib'])} "
              f"after the (b) requests; floor process {mib(report['floor_memory']['vmhwm_kib'])} after three (b) answers "
              f"({mib(report['floor_memory']['vmhwm_kib_before'])} before connecting)")

        if args.load_seconds > 0:
            import asyncpg

            floor = importlib.import_module(args.floor_module)
            conn = await asyncpg.connect(dsn(url))
            try:
                floor_answers = [await floor.node_json(conn, BENCH_TOKEN, to_global_id("Building", pk))
                                 for pk in sample["building_ids"]]
                _, node_floor_statements = await floor.counted(floor.node_json(
                    conn, BENCH_TOKEN, to_global_id("Building", sample["building_ids"][0])))
            finally:
                await conn.close()
            load = await measure_load(url, sample, args, work, floor_answers)
            load["statements"] = {"api": report["statements"][args.size]["node"]["total"], "bare": BARE_NODE_STATEMENTS,
                                  "floor": node_floor_statements}
            report["load"] = load
            a, b = load["api"], load["bare"]
            print(f"\n== (c) node(id:) of a building, {args.connections} keep-alive connections, 2 server processes, "
                  f"{args.load_seconds:g} s after {args.load_warmup:g} s warm-up (size {args.size}, {load['ids']} IDs in turn)")
            print(f"{'':<6} {'rps':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'requests':>9} {'bad':>4} "
                  f"{'gen CPU':>8} {'stmts':>5}")
            for label, x in (("API", a), ("bare", b)):
                print(f"{label:<6} {x['rps']:>8.0f} {x['p50_ms']:>8.1f} {x['p90_ms']:>8.1f} {x['p99_ms']:>8.1f} "
                      f"{x['max_ms']:>8.1f} {x['requests']:>9} {x['bad']:>4} {x['generator_cpu_s']:>7.1f}s "
                      f"{load['statements']['api' if label == 'API' else 'bare']:>5}")
            print(f"API/bare rps: {load['rps_ratio']:.2f}x (the generator is a separate process on the same 2 cores; "
                  f"'gen CPU' is its own CPU time over warm-up + run)")
            if a["bad"] or b["bad"]:
                raise BenchFailure(f"answers that were not a node under load: API {a['bad']}, bare {b['bad']}")

        report["machine"] = m = await machine(url)
    print(f"\n== machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}, "
          f"Linux {m['kernel']}\n   {m['postgresql']}\n   date {m['date']}")
    print("\n== goals")
    report["goals"] = []
    for goal, measured, ok in goals(report):
        verdict = "n/a (one size)" if ok is None else ("met" if ok else "NOT met")
        report["goals"].append({"goal": goal, "measured": measured, "met": ok})
        print(f"  {goal:<42} {measured:>28}  {verdict}")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/grassroots_bench_m")
    parser.add_argument("--size", default="M", type=str.upper, choices=SIZES)
    parser.add_argument("--sizes", help="comma-separated sizes for the growth table, e.g. S,M,L")
    build = parser.add_mutually_exclusive_group()
    build.add_argument("--build", action="store_true", help="generate every size's district first (replace=True)")
    build.add_argument("--build-missing", action="store_true", help="generate only into missing or empty databases")
    parser.add_argument("--starts", type=int, default=3, help="server process starts per size (default 3)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per start (default 5)")
    parser.add_argument("--connections", type=int, default=32, help="(c) concurrent keep-alive connections")
    parser.add_argument("--load-seconds", type=float, default=10.0, help="(c) measured seconds per server (0: skip (c))")
    parser.add_argument("--load-warmup", type=float, default=2.0, help="(c) warm-up seconds per server")
    parser.add_argument("--redis-db", type=int, default=13, help="the Redis database the servers use (default 13)")
    parser.add_argument("--floor-module", default="bench.floor", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    # child modes (run by this script in separate processes)
    parser.add_argument("--child-statements", nargs=2, metavar=("URL", "GID"), help=argparse.SUPPRESS)
    parser.add_argument("--child-floor-memory", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_statements:
        result = asyncio.run(count_statements(*args.child_statements))
        args.child_out.write_text(json.dumps(result))
        return 0
    if args.child_floor_memory:
        result = asyncio.run(floor_memory(args.child_floor_memory, args.floor_module))
        args.child_out.write_text(json.dumps(result))
        return 0

    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the read-path benchmark runs on PostgreSQL (--database-url postgres://...)")
    if not 1 <= args.starts <= 20 or not 1 <= args.rounds <= 100:
        parser.error("--starts must be in 1..20 and --rounds in 1..100")
    if not 0 <= args.load_seconds <= 120 or not 0 <= args.load_warmup <= 60 or not 1 <= args.connections <= 512:
        parser.error("--load-seconds in 0..120, --load-warmup in 0..60, --connections in 1..512")
    atexit.register(stop_all)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    gc.set_threshold(100_000, 50, 100)  # the server's setting (grassroots/app.py): the floor runs with it too
    t0 = time.perf_counter()
    try:
        report = asyncio.run(main_async(args))
    except BenchFailure as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        stop_all()
    report["seconds"] = round(time.perf_counter() - t0, 1)
    print(f"\n(whole run: {report['seconds']:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
