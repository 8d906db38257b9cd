"""The monthly payroll job through real arq workers, a real Redis and the database (SQLite, and
PostgreSQL in the second pass): run twice, or by two workers started at the same moment, it writes
each line once; a worker killed half-way (one subdistrict done, the next one not) is taken over on a
later tick and leaves a complete payroll equal to a clean computation; a Redis that lost its queue
between scheduling and running loses no run."""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest
from redis.asyncio import Redis

import resolvers.payroll as payroll_ops
from models.money import JobRun, Payroll, PayrollLine
from models.tree import Node
from policy.kinds import NodeKind, SubdistrictKind
from policy.money import JobStatus
from resolvers import clock, runs
from resolvers.tree import create_node
from resolvers.viewer import SYSTEM
from tests.api.test_job_workers import NS, _until, redis_and_db, worker
from tests.api.test_ledger import make_area, make_person, make_term
from tests.api.test_payroll import march_world
from tests.factory import build_world
from workers import jobs, queue

MARCH = date(2026, 3, 1)
APRIL_2 = date(2026, 4, 2)  # the March payroll is due from 1 April
QUEUED = 3  # March, and January and February caught up (policy/periods.py: not done yet)


@pytest.fixture(autouse=True)
def only_the_payroll(monkeypatch):
    monkeypatch.setenv("GRASSROOTS_SCHEDULER", "1")
    monkeypatch.setattr(runs, "JOBS", {"payroll_draft": runs.JOBS["payroll_draft"]})


async def _two_subdistricts() -> list[int]:
    """build_world's 临湖街道 with the March cases of tests/api/test_payroll.py, and a second
    subdistrict with a head serving the whole month."""
    w = await build_world()
    await march_world(w)
    sd2 = await create_node(w.new_town, NodeKind.SUBDISTRICT, "望湖镇", code="T-SD2", subdistrict_kind=SubdistrictKind.TOWN)
    c2 = await create_node(sd2, NodeKind.COMMUNITY, "望湖社区", code="T-C2")
    p2 = await create_node(c2, NodeKind.COMPOUND, "望湖花园", code="T-P2")
    b2 = await create_node(p2, NodeKind.BUILDING, "1栋", code="T-P2-1", households=90)
    area = await make_area(p2, "望湖片区", [b2])
    await make_term(await make_person(c2, "钱楼长", "351"), area, date(2025, 1, 1))
    return [w.subdistrict.id, sd2.id]


async def _lines() -> set[tuple[int, str, str]]:
    rows = await PayrollLine.filter(payroll__month=MARCH).prefetch_related("payroll")
    return {(line.payroll.subdistrict_id, line.source, str(line.amount)) for line in rows}


async def _expected() -> set[tuple[int, str, str]]:
    """The lines a clean computation writes: recompute (the drafts are replaced) and read."""
    await payroll_ops.compute_payrolls(SYSTEM, month=MARCH)
    return await _lines()


async def _done() -> bool:
    return await JobRun.filter(job="payroll_draft", period="2026-03", status=JobStatus.SUCCEEDED).exists()


async def test_two_workers_at_the_same_moment_write_each_line_once(database):
    async with redis_and_db(database) as redis_url:
        with clock.fixed_today(APRIL_2):
            subdistricts = await _two_subdistricts()
            async with worker(redis_url), worker(redis_url):
                pool = await queue.open_pool(queue.redis_settings(redis_url), NS)
                try:
                    for i in range(4):  # distinct queue ids: only the database can keep it to one run
                        await pool.enqueue_job("run_period_job", "payroll_draft", "2026-03", _job_id=f"pay-{i}")
                    await _until(_done)
                    await asyncio.sleep(0.5)  # the other copies finish too
                finally:
                    await pool.aclose()
            got = await _lines()
            run = await JobRun.get(job="payroll_draft")
            assert (run.status, run.attempt) == (JobStatus.SUCCEEDED, 1)
            assert await Payroll.filter(month=MARCH).count() == 2
            assert {s for s, _, _ in got} == set(subdistricts)
            assert len(got) == await PayrollLine.filter(payroll__month=MARCH).count()  # no line twice
            # the head who started on 17 March: 300 × 15 / 31 = 145.16
            assert any(a == "145.16" for _, src, a in got if src.startswith("BH:"))
            # run twice (an officer's rerun): the same lines, once each
            await runs.run_job(SYSTEM, "payroll_draft", "2026-03", rerun=True)
            assert await _lines() == got and len(got) == await PayrollLine.filter(payroll__month=MARCH).count()
            assert got == await _expected()


async def test_a_worker_killed_half_way_leaves_a_complete_payroll(database, monkeypatch):
    original = payroll_ops.compute_payrolls
    hang = asyncio.Event()  # never set: the first worker dies while it waits
    calls = []
    hung: list[asyncio.Task] = []

    async def half_then_hang(caller, *, month, subdistrict_id=None):
        if month == MARCH:
            calls.append(month)
        if month == MARCH and len(calls) == 1:  # the first subdistrict's transaction commits, then the worker is killed
            first = await Node.filter(kind=NodeKind.SUBDISTRICT).order_by("id").first()
            await original(caller, month=month, subdistrict_id=first.id)
            hung.append(asyncio.current_task())
            await hang.wait()
        return await original(caller, month=month, subdistrict_id=subdistrict_id)

    monkeypatch.setattr(payroll_ops, "compute_payrolls", half_then_hang)
    monkeypatch.setattr(runs, "LEASE", timedelta(seconds=1))
    async with redis_and_db(database) as redis_url:
        with clock.fixed_today(APRIL_2):
            await _two_subdistricts()
            pool = await queue.open_pool(queue.redis_settings(redis_url), NS)
            try:
                async with worker(redis_url):
                    assert await jobs.run_due_jobs({"redis": pool}) == {"queued": QUEUED}
                    await _until(lambda: asyncio.sleep(0, len(calls) == 1))
                    await _until(lambda: Payroll.filter(month=MARCH).exists())
                    await asyncio.sleep(0.5)  # January and February finish
                for task in hung:  # the worker process dies: nothing of its run goes on
                    task.cancel()
                # killed half-way: one subdistrict's draft written, the other's not; the run says RUNNING
                assert await Payroll.filter(month=MARCH).count() == 1
                assert (await JobRun.get(job="payroll_draft", period="2026-03")).status == JobStatus.RUNNING
                await asyncio.sleep(1.2)  # the lease runs out
                r = Redis.from_url(redis_url)
                await r.flushdb()  # whatever arq kept of the dead worker's job
                await r.aclose()
                async with worker(redis_url):
                    assert await jobs.run_due_jobs({"redis": pool}) == {"queued": 1}  # March only: the rest done
                    await _until(_done)
            finally:
                await pool.aclose()
            run = await JobRun.get(job="payroll_draft", period="2026-03")
            assert (run.status, run.attempt) == (JobStatus.SUCCEEDED, 2)
            assert await Payroll.filter(month=MARCH).count() == 2
            got = await _lines()
            assert len(got) == await PayrollLine.filter(payroll__month=MARCH).count()
            monkeypatch.setattr(payroll_ops, "compute_payrolls", original)
            assert got == await _expected()
            totals = {p.subdistrict_id: p.total for p in await Payroll.filter(month=MARCH)}
            assert all(t > Decimal("0") for t in totals.values())


async def test_a_redis_restart_between_scheduling_and_running_loses_no_payroll(database):
    async with redis_and_db(database) as redis_url:
        with clock.fixed_today(APRIL_2):
            await _two_subdistricts()
            pool = await queue.open_pool(queue.redis_settings(redis_url), NS)
            try:
                assert await jobs.run_due_jobs({"redis": pool}) == {"queued": QUEUED}
                r = Redis.from_url(redis_url)
                await r.flushdb()  # Redis restarted empty (the embedded one keeps nothing on disk)
                await r.aclose()
                async with worker(redis_url):
                    await asyncio.sleep(0.3)
                    assert not await Payroll.exists()  # the queued run was lost with Redis
                    assert await jobs.run_due_jobs({"redis": pool}) == {"queued": QUEUED}  # found from the database
                    await _until(_done)
            finally:
                await pool.aclose()
            assert await Payroll.filter(month=MARCH).count() == 2
