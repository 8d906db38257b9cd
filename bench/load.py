"""A small HTTP/1.1 client and a closed-loop load generator, for bench/read_path.py.

    .venv/bin/python bench/load.py --port P --token T --ids ID1,ID2,... \
        [--connections 32] [--warmup 2] [--duration 10] [--max-requests 2000000]

The load generator is raw asyncio (one event loop, no HTTP library): ``connections`` keep-alive
connections, each sending NODE_QUERY (bench/queries.py) for the next global ID in ``--ids`` as soon
as its previous answer is in (closed loop, no pipelining). Answers that arrive during the warm-up
are not counted; then for ``duration`` seconds every answer's latency (request written → last body
byte read) is recorded. Bounded in time (warm-up + duration, plus 30 s to drain) and in count
(``--max-requests``). It prints one JSON object: requests, rps, p50/p90/p99/max in ms, non-200 or
malformed answers, and the CPU seconds the generator itself used (it shares the machine's cores
with the servers under test, so read_path.py runs it as a separate process and reports this).

``RawClient`` is also the harness's client for the single large requests (a) and (b).
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402

from bench.queries import NODE_QUERY  # noqa: E402


class HTTPError(RuntimeError):
    pass


def request_bytes(host: str, port: int, body: bytes, token: str | None, path: str = "/graphql") -> bytes:
    head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
            "Accept: application/json", f"Content-Length: {len(body)}"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def graphql_body(query: str, variables: dict | None = None) -> bytes:
    return orjson.dumps({"query": query, "variables": variables} if variables else {"query": query})


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 response: (status, body); Content-Length or chunked bodies."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if length is not None:
        return status, await reader.readexactly(length)
    if not chunked:
        raise HTTPError("response without Content-Length or chunked encoding")
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return status, b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


class RawClient:
    """One keep-alive HTTP/1.1 connection to the server under test."""

    def __init__(self, host: str, port: int, token: str | None) -> None:
        self.host, self.port, self.token = host, port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)

    async def post(self, body: bytes, timeout: float = 300.0) -> tuple[int, bytes]:
        if self.writer is None:
            await self.connect()
        assert self.reader is not None and self.writer is not None
        self.writer.write(request_bytes(self.host, self.port, body, self.token))
        try:
            return await asyncio.wait_for(read_response(self.reader), timeout)
        except BaseException:
            await self.close()  # a half-read answer leaves the connection unusable
            raise

    async def graphql(self, query: str, variables: dict | None = None, timeout: float = 300.0) -> bytes:
        status, body = await self.post(graphql_body(query, variables), timeout)
        if status != 200:
            raise HTTPError(f"HTTP {status}: {body[:500]!r}")
        return body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except (ConnectionError, OSError):
                pass
        self.reader = self.writer = None


async def run_load(host: str, port: int, token: str, ids: list[str], connections: int, warmup: float,
                   duration: float, max_requests: int) -> dict:
    requests = [request_bytes(host, port, graphql_body(NODE_QUERY, {"id": gid}), token) for gid in ids]
    latencies: list[float] = []
    bad = 0
    sent = 0
    t_start = time.perf_counter()
    measure_from = t_start + warmup
    stop_at = measure_from + duration

    async def one(k: int) -> None:
        nonlocal bad, sent
        reader, writer = await asyncio.open_connection(host, port)
        i = k
        try:
            while sent < max_requests:
                t0 = time.perf_counter()
                if t0 >= stop_at:
                    break
                writer.write(requests[i % len(requests)])
                i += connections
                sent += 1
                status, body = await read_response(reader)
                t1 = time.perf_counter()
                if t0 >= measure_from:
                    latencies.append(t1 - t0)
                    if status != 200 or not body.startswith(b'{"data":{"node":{'):
                        bad += 1
        finally:
            writer.close()

    await asyncio.wait_for(asyncio.gather(*(one(k) for k in range(connections))), warmup + duration + 30)
    elapsed = min(time.perf_counter(), stop_at) - measure_from
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "connections": connections, "warmup_s": warmup, "duration_s": round(elapsed, 3),
        "requests": len(lat), "bad": bad, "rps": len(lat) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": lat[-1] * 1000 if lat else float("nan"),
        "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan"),
        "generator_cpu_s": usage.ru_utime + usage.ru_stime,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--ids", required=True, help="comma-separated global IDs, used in turn")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--max-requests", type=int, default=2_000_000)
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback only")
    if not 0 < args.duration <= 120 or not 0 <= args.warmup <= 60:
        parser.error("--duration must be in (0, 120] and --warmup in [0, 60] seconds")
    ids = [i for i in args.ids.split(",") if i]
    result = asyncio.run(run_load(args.host, args.port, args.token, ids, args.connections, args.warmup,
                                  args.duration, args.max_requests))
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main()
