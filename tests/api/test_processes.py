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
