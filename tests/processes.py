"""Real processes for tests: a redis-server we can stop and restart, and `grassroots` commands
(serve, worker) run as they are in production, with their output kept for assertions."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class RedisServer:
    """A throwaway redis-server on a free port (no persistence)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        wait_for(lambda: redis.Redis(port=self.port).ping(), what="redis-server")
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


class GrassrootsProcess:
    """`python -m grassroots.cli <args>` with its own environment; stdout+stderr go to a file."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.log = Path(tempfile.mkstemp(prefix="grassroots-", suffix=".log")[1])
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("GRASSROOTS_", "DATABASE_URL", "REDIS_URL"))}
        full_env.update(env)
        full_env["PYTHONUNBUFFERED"] = "1"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "grassroots.cli", *args], env=full_env,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_healthy(self, base: str, timeout: float = 30) -> None:
        def up() -> bool:
            assert self.proc.poll() is None, self.output
            return httpx.get(base + "/healthz", timeout=2).status_code == 200
        wait_for(up, timeout, what=f"{base}/healthz\n{self.output}")

    def signal(self, signum: int) -> int:
        """Send ``signum``; the exit code, waiting at most 10 s (killed and failed otherwise)."""
        self.proc.send_signal(signum)
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"no exit within 10 s of {signal.Signals(signum).name}\n{self.output}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
