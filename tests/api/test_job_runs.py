"""Runs of the scheduled jobs (resolvers/runs.py): recorded once per job and period, claimed by one
worker, taken over after a failure or a stale heartbeat; jobRuns and jobRunStart through the API."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import pytest

from grassroots import db
from models.audit import AuditEntry
from models.meetings import Meeting
from models.money import JobRun
from models.recruitment import HeadChangeFiling
from policy.money import JobStatus
from policy.periods import Cadence
from resolvers import clock, runs
from resolvers.clock import SHANGHAI
from resolvers.viewer import SYSTEM
from tests.api import test_jobs
from tests.api import test_requests as rq
from tests.factory import PASSWORD, build_world

DUE = test_jobs.DUE  # 2026-03-02, a Monday
DAY = DUE.isoformat()

# Jobs whose runs are exercised end to end: (job, period, the count the first run reports). The
# jobs of the background work run on a world without heads here (their figures are tested with them).
EXISTING = [
    ("end_due_terms", DAY, {"ended": 2}),
    ("schedule_meetings", DAY, {"created": 2}),
    ("escalate_incidents", DAY, {"escalated": 0}),
    ("workstation_deadline_check", DAY, {"late": 0}),
    # the background work's jobs, wired (their effects: tests/api/test_insurance.py,
    # test_assessment.py, test_excellence.py; the payroll through workers: test_payroll_jobs.py)
    ("insurance_check", DAY, {"eligible": 0, "assessment_overdue": 0, "not_eligible": 0, "not_serving": 0, "ended": 0}),
    ("performance_records", "2026-02", {"compounds": 0, "created": 0, "updated": 0, "frozen": 0}),
    ("annual_assessment", "2025", {"created": 0, "updated": 0, "kept": 0}),
    ("excellence", "2025", {"compounds": 0, "proposed": 0, "kept": 0}),
]


@contextlib.asynccontextmanager
async def started(database) -> AsyncIterator[None]:
    await db.start(database[0])
    try:
        with clock.fixed_today(DUE):
            yield
    finally:
        await db.stop()


class Probe:
    """A job that counts its calls (not idempotent on purpose: two runs would show as two calls)."""

    def __init__(self, delay: float = 0.0, fail: bool = False, block: asyncio.Event | None = None) -> None:
        self.calls = 0
        self.delay, self.fail, self.block = delay, fail, block
        self.tasks: list[asyncio.Task] = []  # the calls' tasks (a test "kills" a worker by cancelling them)

    async def __call__(self, caller, start: date, progress) -> dict[str, int]:
        self.calls += 1
        self.tasks.append(asyncio.current_task())
        progress(1, 2)
        if self.block is not None and self.calls == 1:
            await self.block.wait()
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("secret internals: password=hunter2")
        return {"calls": self.calls}


def probe(monkeypatch, cadence: Cadence = Cadence.DAILY, *, only: bool = False, **kw) -> Probe:
    p = Probe(**kw)
    jobs = {} if only else dict(runs.JOBS)
    jobs["probe"] = runs.JobSpec("probe", cadence, p)
    monkeypatch.setattr(runs, "JOBS", jobs)
    return p


async def _world_for(job: str) -> None:
    if job == "end_due_terms":
        await test_jobs._world_with_due_terms()
    else:
        w = await build_world()
        if job == "schedule_meetings":
            await rq.station_head(w, w.compound_a, "zhanzhang", "601")
            from models.workstations import Workstation
            await Workstation.filter(compound_id=w.compound_a.id).update(in_use_on=date(2026, 1, 5))


@pytest.mark.parametrize("job,period,counts", EXISTING, ids=[e[0] for e in EXISTING])
async def test_a_run_is_recorded_once_with_its_counts_and_a_rerun_has_no_second_effect(database, job, period, counts):
    async with started(database):
        await _world_for(job)
        first = await runs.run_job(SYSTEM, job, period)
        assert (first.job, first.period, first.scope_path, first.status, first.attempt, first.outcome) == (
            job, period, "/", JobStatus.SUCCEEDED, 1, "OK")
        assert first.counts == counts and first.started_by == "system"
        assert first.finished_at is not None and first.finished_at >= first.started_at

        # the scheduler does not repeat a SUCCEEDED run
        again = await runs.run_job(SYSTEM, job, period)
        assert (again.id, again.attempt, again.counts, again.finished_at) == (first.id, 1, counts, first.finished_at)
        # an officer's rerun runs it again, on the same row: the operation is idempotent
        rerun = await runs.run_job(SYSTEM, job, period, rerun=True)
        assert (rerun.id, rerun.attempt, rerun.status) == (first.id, 2, JobStatus.SUCCEEDED)
        assert all(v == 0 for v in rerun.counts.values()) or job == "workstation_deadline_check"
        assert await JobRun.filter(job=job).count() == 1
        if job == "end_due_terms":
            assert await HeadChangeFiling.filter(change="END").count() == 2
        if job == "schedule_meetings":
            assert await Meeting.all().count() == 2


async def test_runs_started_at_the_same_moment_run_the_operation_once(database, monkeypatch):
    p = probe(monkeypatch, delay=0.2)
    async with started(database):
        rows = await asyncio.gather(*(runs.run_job(SYSTEM, "probe", DAY) for _ in range(10)))
        assert p.calls == 1
        assert len({r.id for r in rows}) == 1
        run = await JobRun.get(job="probe")
        assert (run.status, run.attempt, run.counts, run.progress, run.total) == (JobStatus.SUCCEEDED, 1, {"calls": 1}, 1, 2)
        # the others answered with the row as they found it: running (on another worker) or done
        assert {r.status for r in rows} <= {JobStatus.RUNNING, JobStatus.SUCCEEDED}


async def _stale(run_id: int, seconds: int = 120) -> None:
    await JobRun.filter(id=run_id).update(heartbeat_at=datetime.now(SHANGHAI) - timedelta(seconds=seconds))


async def test_a_run_whose_worker_died_is_taken_over_and_a_live_one_is_left_alone(database, monkeypatch):
    p = probe(monkeypatch)
    async with started(database):
        c, row = await runs.claim("probe", DAY)  # a worker claimed it ... and was killed
        assert c is not None and row.status == JobStatus.RUNNING
        # its heartbeat is fresh: left to it, and not due
        assert (await runs.run_job(SYSTEM, "probe", DAY)).status == JobStatus.RUNNING and p.calls == 0
        assert ("probe", DAY) not in await runs.due_runs(DUE)
        await _stale(row.id)
        assert ("probe", DAY) in await runs.due_runs(DUE)
        done = await runs.run_job(SYSTEM, "probe", DAY)
        assert (done.id, done.status, done.attempt, p.calls) == (row.id, JobStatus.SUCCEEDED, 2, 1)
        assert ("probe", DAY) not in await runs.due_runs(DUE)
        # the dead worker coming back to life finishes nothing: the run is no longer its attempt
        assert await runs.run_claimed(c.run_id, c.attempt) is None
        assert p.calls == 1


async def test_a_worker_taken_over_cannot_overwrite_the_run(database, monkeypatch):
    p = probe(monkeypatch)
    async with started(database):
        slow, row = await runs.claim("probe", DAY)
        await _stale(row.id)
        fast, _ = await runs.claim("probe", DAY)
        assert fast is not None and fast.attempt == 2
        await runs.execute(fast)
        await JobRun.filter(id=row.id).update(counts={"calls": 99})  # what the winner recorded, marked
        await runs.execute(slow)  # the slow one ends later: its finish is not recorded
        run = await JobRun.get(id=row.id)
        assert (run.status, run.attempt, run.counts) == (JobStatus.SUCCEEDED, 2, {"calls": 99})


async def test_a_failed_run_is_recorded_without_internals_and_retried(database, monkeypatch, caplog):
    p = probe(monkeypatch, fail=True)
    async with started(database):
        failed = await runs.run_job(SYSTEM, "probe", DAY)
        assert failed.status == JobStatus.FAILED and failed.finished_at is not None
        assert failed.outcome.startswith("JOB_FAILED (error id ") and "secret" not in failed.outcome
        error_id = failed.outcome.removeprefix("JOB_FAILED (error id ").rstrip(")")
        assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)
        assert ("probe", DAY) in await runs.due_runs(DUE)
        p.fail = False
        done = await runs.run_job(SYSTEM, "probe", DAY)
        assert (done.id, done.status, done.attempt, done.outcome, done.counts) == (
            failed.id, JobStatus.SUCCEEDED, 2, "OK", {"calls": 2})


async def test_what_is_due_comes_from_the_database(database, monkeypatch):
    probe(monkeypatch, Cadence.MONTHLY)
    async with started(database):
        due = await runs.due_runs(date(2026, 3, 2))
        assert {p for j, p in due if j == "probe"} == {"2026-02", "2026-01", "2025-12"}
        assert {p for j, p in due if j == "end_due_terms"} == {"2026-03-02"}
        assert {p for j, p in due if j == "excellence"} == {"2025", "2024"}
        await runs.run_job(SYSTEM, "probe", "2026-01")
        assert {p for j, p in await runs.due_runs(date(2026, 3, 2)) if j == "probe"} == {"2026-02", "2025-12"}


# ---------------------------------------------------------------- through the API

START = """mutation($i: JobRunStartInput!){ jobRunStart(input: $i){
  alreadyRunning run { id job period status attempt counts outcome startedBy finishedAt } errors { code field message } } }"""
LIST = """query($j: String, $s: JobStatus, $f: Int, $a: String){ jobRuns(job: $j, status: $s, first: $f, after: $a){
  totalCount pageInfo { hasNextPage endCursor } nodes { id job period status attempt startedBy } } }"""


async def _officers(api):
    w = await build_world()
    await rq.station_head(w, w.compound_a, "zhanzhang", "601")
    return w, await api.as_user("linhu", PASSWORD), await api.as_user("zhanzhang", PASSWORD)


async def test_an_officer_starts_a_run_and_lists_the_runs(api, monkeypatch):
    monkeypatch.setenv("GRASSROOTS_SCHEDULER", "0")
    w, officer, head = await _officers(api)
    today = clock.today().isoformat()
    out = (await officer.gql(START, {"i": {"job": "schedule_meetings", "period": today, "wait": True}}))["jobRunStart"]
    assert out["errors"] == [] and out["alreadyRunning"] is False
    run = out["run"]
    assert (run["job"], run["period"], run["status"], run["attempt"], run["startedBy"], run["outcome"]) == (
        "schedule_meetings", today, "SUCCEEDED", 1, "linhu", "OK")
    assert set(run["counts"]) == {"created"}
    # started again by hand: rerun on the same row
    again = (await officer.gql(START, {"i": {"job": "schedule_meetings", "period": today, "wait": True}}))["jobRunStart"]
    assert (again["run"]["id"], again["run"]["attempt"], again["run"]["counts"]) == (run["id"], 2, {"created": 0})
    entries = await AuditEntry.filter(action="jobRunStart").order_by("id")
    assert [(e.actor_label, e.path, e.after["attempt"]) for e in entries] == [
        ("linhu", w.subdistrict.path, 1), ("linhu", w.subdistrict.path, 2)]

    # queued (no wait): answered RUNNING, done by the worker
    queued = (await officer.gql(START, {"i": {"job": "end_due_terms", "period": today}}))["jobRunStart"]
    assert queued["errors"] == [] and queued["run"]["status"] == "RUNNING"
    for _ in range(200):
        rows = (await officer.gql(LIST, {"j": "end_due_terms"}))["jobRuns"]["nodes"]
        if rows[0]["status"] != "RUNNING":
            break
        await asyncio.sleep(0.05)
    assert rows == [{"id": queued["run"]["id"], "job": "end_due_terms", "period": today, "status": "SUCCEEDED",
                     "attempt": 1, "startedBy": "linhu"}]

    listed = (await officer.gql(LIST, {"f": 1}))["jobRuns"]
    assert listed["totalCount"] == 2 and listed["pageInfo"]["hasNextPage"] is True
    assert listed["nodes"][0]["job"] == "end_due_terms"  # newest first
    rest = (await officer.gql(LIST, {"f": 5, "a": listed["pageInfo"]["endCursor"]}))["jobRuns"]["nodes"]
    assert [r["job"] for r in rest] == ["schedule_meetings"]
    assert (await officer.gql(LIST, {"s": "FAILED"}))["jobRuns"]["totalCount"] == 0
    node = await officer.gql("query($id: ID!){ node(id: $id){ ... on JobRun { job } } }", {"id": run["id"]})
    assert node["node"] == {"job": "schedule_meetings"}

    # a station head may neither start nor read runs
    body = await head.raw(START, {"i": {"job": "schedule_meetings", "period": today, "wait": True}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await head.raw(LIST)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await head.gql("query($id: ID!){ node(id: $id){ id } }", {"id": run["id"]}))["node"] is None
    assert await JobRun.all().count() == 2
    for c in (officer, head):
        await c.close()


@pytest.mark.parametrize("job,period,code,field", [
    ("payroll", "2026-01", "UNKNOWN_JOB", "job"),
    ("end_due_terms", "2026-01", "INVALID_PERIOD", "period"),
    ("payroll_draft", "2026-01-05", "INVALID_PERIOD", "period"),
    ("excellence", "2099", "PERIOD_NOT_BEGUN", "period"),
])
async def test_an_unknown_job_or_a_bad_period_is_a_typed_error_naming_the_field(api, job, period, code, field):
    _, officer, _ = await _officers(api)
    out = (await officer.gql(START, {"i": {"job": job, "period": period, "wait": True}}, lang="en"))["jobRunStart"]
    assert out["run"] is None
    assert [(e["code"], e["field"]) for e in out["errors"]] == [(code, ["input", field])]
    assert period in out["errors"][0]["message"] or job in out["errors"][0]["message"]
    assert await JobRun.all().count() == 0
    await officer.close()
