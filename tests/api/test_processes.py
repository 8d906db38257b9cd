"""The real `grassroots` processes: stopping the server, the multi-process recipe, settings refused."""
from __future__ import annotations

import re
import signal
import socket

import httpx
import pytest

from tests.processes import GrassrootsProcess, RedisServer, free_port, running


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_serve_stops_at_once_without_traceback_or_leftover_redis(database, tmp_path, signum):
    url, _ = database
    port = free_port()
    proc = GrassrootsProcess(["serve", "--port", str(port)],
                             {"DATABASE_URL": url, "GRASSROOTS_DATA_DIR": str(tmp_path / "data")})
    try:
        proc.wait_healthy(f"http://127.0.0.1:{port}")
        redis_pid = int(re.search(r"embedded redis-server pid (\d+)", proc.output).group(1))
        assert running(redis_pid)
        code = proc.signal(signum)  # fails unless the process exits within 10 s
    finally:
        proc.kill()
    out = proc.output
    assert "Traceback" not in out and "shutdown failed" not in out.lower(), out
    assert code in (0, -signum), (code, out)
    assert not running(redis_pid), "the embedded redis-server outlived the server"


async def test_a_client_that_goes_away_mid_request_is_one_line_not_a_traceback(database, tmp_path):
    url, _ = database
    port = free_port()
    proc = GrassrootsProcess(["serve", "--port", str(port)],
                             {"DATABASE_URL": url, "GRASSROOTS_DATA_DIR": str(tmp_path / "data")})
    try:
        proc.wait_healthy(f"http://127.0.0.1:{port}")
        for head, body in (
            (b"Content-Type: application/json\r\nContent-Length: 1000", b'{"query": "{'),
            (b"Content-Type: multipart/form-data; boundary=xx\r\nContent-Length: 100000",
             b'--xx\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{'),
        ):
            with socket.create_connection(("127.0.0.1", port)) as s:  # announces a body, sends part, hangs up
                s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n\r\n" + body)
        from tests.processes import wait_for
        wait_for(lambda: proc.output.count("client disconnected") == 2, 10, "two disconnect lines")
        assert proc.signal(signal.SIGTERM) in (0, -signal.SIGTERM)
    finally:
        proc.kill()
    assert "Traceback" not in proc.output and "Exception in ASGI application" not in proc.output, proc.output


async def test_several_processes_share_the_port_and_set_tcp_nodelay(database, tmp_path):
    """The recommended multi-process recipe: `grassroots serve --processes N` (SO_REUSEPORT)."""
    url, _ = database
    redis = RedisServer().start()
    port = free_port()
    proc = GrassrootsProcess(["serve", "--port", str(port), "--processes", "2"],
                             {"DATABASE_URL": url, "REDIS_URL": redis.url, "GRASSROOTS_DATA_DIR": str(tmp_path / "data")})
    try:
        proc.wait_healthy(f"http://127.0.0.1:{port}")
        from tests.processes import wait_for
        wait_for(lambda: proc.output.count("Application startup complete") == 2, 30, "two server processes")
        pids = set(re.findall(r"Started server process \[(\d+)\]", proc.output))
        assert len(pids) == 2 and all(running(int(p)) for p in pids)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(5):
                assert http.post("/graphql", json={"query": "{ __typename }"}).json() == {"data": {"__typename": "Query"}}
        assert proc.signal(signal.SIGTERM) == 0
        assert not any(running(int(p)) for p in pids)
    finally:
        proc.kill()
        redis.stop()
    assert "Traceback" not in proc.output, proc.output


async def test_accepted_connections_have_tcp_nodelay():
    """Each process's socket is a TCP socket (IPPROTO_TCP) with TCP_NODELAY, so keep-alive answers
    are not held back by Nagle's algorithm (uvicorn --workers' inherited socket lacked it)."""
    import asyncio

    import uvicorn

    from grassroots.cli import listening_socket

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sock = listening_socket("127.0.0.1", 0, reuse_port=True)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            assert (await http.get("/")).status_code == 200
            conns = list(server.server_state.connections)
            assert conns, "no open keep-alive connection"
            for protocol in conns:
                accepted = protocol.transport.get_extra_info("socket")
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        server.should_exit = True
        await task
        sock.close()
