"""The scheduled jobs through real arq workers and a real Redis: two workers given the same run do it
once; a worker killed half-way is taken over on a later tick; a queue lost with Redis is found again
from the database on the next tick."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from redis.asyncio import Redis

from grassroots import db
from models.money import JobRun
from policy.money import JobStatus
from resolvers import clock, runs
from tests.api.test_job_runs import DAY, DUE, probe
from tests.processes import RedisServer
from workers import jobs, queue

NS = "grassroots:test-runs"


@pytest.fixture(autouse=True)
def scheduler_on(monkeypatch):
    """The tick is what these tests are about (tests/conftest.py turns it off elsewhere)."""
    monkeypatch.setenv("GRASSROOTS_SCHEDULER", "1")


@contextlib.asynccontextmanager
async def redis_and_db(database) -> AsyncIterator[str]:
    url, redis_url = database
    server = None
    if redis_url is None:  # SQLite runs: a throwaway real redis-server
        server = RedisServer().start()
        redis_url = server.url
    await db.start(url)
    try:
        with clock.fixed_today(DUE):
            yield redis_url
    finally:
        await db.stop()
        if server is not None:
            server.stop()


@contextlib.asynccontextmanager
async def worker(redis_url: str) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(queue.run_worker(queue.redis_settings(redis_url), stop=stop, namespace=NS,
                                                cron_jobs=[], poll_delay=0.05))
    try:
        yield
    finally:
        stop.set()
        await task


async def _until(predicate, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def _succeeded() -> bool:
    return await JobRun.filter(job="probe", status=JobStatus.SUCCEEDED).exists()


async def test_two_workers_given_the_same_run_at_the_same_moment_do_it_once(database, monkeypatch):
    p = probe(monkeypatch, delay=0.3)
    async with redis_and_db(database) as redis_url, worker(redis_url), worker(redis_url):
        pool = await queue.open_pool(queue.redis_settings(redis_url), NS)
        try:
            # distinct queue ids: the queue does not deduplicate them, the database must
            for i in range(4):
                assert await pool.enqueue_job("run_period_job", "probe", DAY, _job_id=f"twin-{i}") is not None
            await _until(_succeeded)

            async def drained() -> bool:  # every copy taken off the queue and finished
                return not await pool.zcard(queue.queue_name(NS)) and not await pool.keys("arq:in-progress:twin-*")
            await _until(drained)
        finally:
            await pool.aclose()
        assert p.calls == 1
        run = await JobRun.get(job="probe")
        assert (run.status, run.attempt, run.counts) == (JobStatus.SUCCEEDED, 1, {"calls": 1})


async def test_a_lost_queue_is_found_again_from_the_database_on_the_next_tick(database, monkeypatch):
    p = probe(monkeypatch, only=True)
    async with redis_and_db(database) as redis_url:
        pool = await queue.open_pool(queue.redis_settings(redis_url), NS)
        try:
            assert await jobs.run_due_jobs({"redis": pool}) == {"queued": 1}
            assert await jobs.run_due_jobs({"redis": pool}) == {"queued": 0}  # queued already: not twice
            r = Redis.from_url(redis_url)
            await r.flushdb()  # Redis lost everything (the embedded one keeps nothing on disk)
            await r.aclose()
            async with worker(redis_url):
                await asyncio.sleep(0.3)
                assert p.calls == 0 and await JobRun.all().count() == 0  # nothing left to run
                assert await jobs.run_due_jobs({"redis": pool}) == {"queued": 1}  # the next tick
                await _until(_succeeded)
            assert await jobs.run_due_jobs({"redis": pool}) == {"queued": 0}  # done: not due any more
        finally:
            await pool.aclose()
        assert p.calls == 1


async def test_a_worker_killed_half_way_is_taken_over_by_a_later_tick(database, monkeypatch):
    hang = asyncio.Event()  # never set: the first call hangs until its worker is stopped
    p = probe(monkeypatch, only=True, block=hang)
    monkeypatch.setattr(runs, "LEASE", timedelta(seconds=1))
    async with redis_and_db(database) as redis_url:
        pool = await queue.open_pool(queue.redis_settings(redis_url), NS)
        try:
            async with worker(redis_url):
                assert await jobs.run_due_jobs({"redis": pool}) == {"queued": 1}
                await _until(lambda: asyncio.sleep(0, p.calls == 1))
            for task in p.tasks:  # the worker process dies: nothing of its run goes on
                task.cancel()
            # the worker is gone mid-run: the row says RUNNING, with the heartbeat it last sent
            run = await JobRun.get(job="probe")
            assert (run.status, run.attempt) == (JobStatus.RUNNING, 1)
            assert await jobs.run_due_jobs({"redis": pool}) == {"queued": 0}  # within its lease: left to it
            await asyncio.sleep(1.2)
            r = Redis.from_url(redis_url)
            await r.flushdb()  # whatever arq kept of the dead worker's job
            await r.aclose()
            async with worker(redis_url):
                assert await jobs.run_due_jobs({"redis": pool}) == {"queued": 1}
                await _until(_succeeded)
        finally:
            await pool.aclose()
        run = await JobRun.get(job="probe")
        assert (run.status, run.attempt, run.counts, p.calls) == (JobStatus.SUCCEEDED, 2, {"calls": 2}, 2)
