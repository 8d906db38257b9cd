"""The period jobs and their runs (issue 10): which jobs exist, what each is due for, and running one
so that it happens once whatever the number of workers, restarts and lost queues.

One ``job_run`` row per (job, period, scope): a run claims it with an INSERT … ON CONFLICT DO NOTHING
(the first) or a conditional UPDATE (taking over a FAILED row, or a RUNNING one whose worker stopped
sending heartbeats for ``LEASE``); a RUNNING row with a fresh heartbeat belongs to its worker and is
left to it. The operations themselves are idempotent and derived from the database (unique keys,
conditional updates), so a run taken over after a crash half-way ends with the result of one run.
What is due is asked of the database (``due_runs``): a period not SUCCEEDED is due again on the
next scheduler tick, so a queue lost with Redis loses nothing.

Runs started by an officer (``start_run``): the operation runs as SYSTEM over the whole system (the
jobs are system-wide and their results derived: starting one early computes what the scheduler
would), only for jobs and periods that exist and have begun, and the start is audited with the
officer's name; ``started_by`` on the row names them."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q

from models.money import JobRun
from policy.access import Capability
from policy.money import JobStatus
from policy.periods import Cadence, PeriodError, due_periods, format_period, may_start, parse_period
from resolvers import clock, sql
from resolvers.errors import Denied, Problem
from resolvers.uow import unit_of_work
from resolvers.viewer import SYSTEM, Viewer

log = logging.getLogger("grassroots.runs")

LEASE = timedelta(seconds=60)  # a RUNNING row without a heartbeat for this long is taken over
HEARTBEAT_SECONDS = 10.0

Progress = Callable[[int, int], None]  # (done, total)
Operation = Callable[[Viewer, date, Progress], Awaitable[dict[str, int]]]


@dataclass(frozen=True)
class JobSpec:
    name: str
    cadence: Cadence
    operation: Operation
    description: str = ""


def _count(value: Any) -> int:
    return value if isinstance(value, int) else len(value)


# ---------------------------------------------------------------- the operations (imported lazily:
# some live in modules written alongside this one)

async def _insurance_check(caller: Viewer, start: date, progress: Progress) -> dict[str, int]:
    from resolvers.insurance import check_insurance

    return dict(await check_insurance(caller, on=start))


async def _end_due_terms(caller: Viewer, start: date, progress: Progress) -> dict[str, int]:
    from resolvers.recruitment.terms import end_due_terms

    return {"ended": _count(await end_due_terms(caller, on=start))}


async def _workstation_deadline_check(caller: Viewer, start: date, progress: Progress) -> dict[str, int]:
    from resolvers.workstations import late_workstations

    return {"late": _count(await late_workstations(caller, start))}


async def _schedule_meetings(caller: Viewer, start: date, progress: Progress) -> dict[str, int]:
    from resolvers.meetings import schedule_meetings

    return {"created": _count(await schedule_meetings(caller, on=start))}


async def _escalate_incidents(caller: Viewer, start: date, progress: Progress) -> dict[str, int]:
    from resolvers.incidents import escalate_overdue

    return {"escalated": _count(await escalate_overdue(caller))}


async def _performance_records(caller: Viewer, start: date, progress: Progress) -> dict[str, int]:
    from resolvers.assessment import compute_performance_records

    return dict(await compute_performance_records(caller, month=start))


async def _payroll_draft(caller: Viewer, start: date, progress: Progress) -> dict[str, int]:
    from resolvers.payroll import compute_payrolls

    return dict(await compute_payrolls(caller, month=start))


async def _annual_assessment(caller: Viewer, start: date, progress: Progress) -> dict[str, int]:
    from resolvers.assessment import propose_annual_assessments

    return dict(await propose_annual_assessments(caller, year=start.year))


async def _excellence(caller: Viewer, start: date, progress: Progress) -> dict[str, int]:
    from resolvers.assessment import propose_excellence

    return dict(await propose_excellence(caller, year=start.year))


JOBS: dict[str, JobSpec] = {s.name: s for s in (
    JobSpec("insurance_check", Cadence.DAILY, _insurance_check, "insurance eligibility three months after taking up the post"),
    JobSpec("end_due_terms", Cadence.DAILY, _end_due_terms, "terms ending and resignations taking effect"),
    JobSpec("workstation_deadline_check", Cadence.DAILY, _workstation_deadline_check, "workstations late on a deadline"),
    JobSpec("schedule_meetings", Cadence.DAILY, _schedule_meetings, "the week's meetings of every workstation in use"),
    JobSpec("escalate_incidents", Cadence.DAILY, _escalate_incidents, "incidents not acknowledged in time"),
    JobSpec("performance_records", Cadence.MONTHLY, _performance_records, "the month's performance records"),
    JobSpec("payroll_draft", Cadence.MONTHLY, _payroll_draft, "the month's draft payrolls"),
    JobSpec("annual_assessment", Cadence.YEARLY, _annual_assessment, "the proposed annual assessments"),
    JobSpec("excellence", Cadence.YEARLY, _excellence, "the proposed excellent building heads"),
)}


def spec(job: str, field: list[str] | None = None) -> JobSpec:
    s = JOBS.get(job)
    if s is None:
        raise Problem("UNKNOWN_JOB", field or ["input", "job"], job=job[:48], known=", ".join(JOBS))
    return s


def period_start(s: JobSpec, period: str, field: list[str] | None = None) -> date:
    try:
        return parse_period(s.cadence, period)
    except PeriodError:
        raise Problem("INVALID_PERIOD", field or ["input", "period"], period=period[:16],
                      example=format_period(s.cadence, clock.today())) from None


# ---------------------------------------------------------------- claiming

def _now() -> datetime:
    """Run timestamps are wall-clock time (a test's fixed business day does not age a heartbeat)."""
    return datetime.now(clock.SHANGHAI)


_INSERT = ("INSERT INTO job_run (job, period, scope_path, status, attempt, started_at, heartbeat_at, outcome, "
           "counts, progress, total, started_by) VALUES ($1, $2, $3, 'RUNNING', 1, $4, $5, '', '{}', 0, 0, $6) "
           "ON CONFLICT (job, period, scope_path) DO NOTHING RETURNING id")


@dataclass(frozen=True)
class Claim:
    """A run this worker holds: the row and the attempt it claimed (its heartbeats and its finish
    touch the row only while it is still that attempt, so a worker taken over writes nothing)."""

    run_id: int
    attempt: int


async def claim(job: str, period: str, *, scope_path: str = "/", by: str = "system",
                rerun: bool = False) -> tuple[Claim | None, JobRun]:
    """Claim the run of ``job`` for ``period``: (the claim, the row) when this caller may run it now,
    (None, the row) when another worker runs it (fresh heartbeat) or it SUCCEEDED (and ``rerun`` is
    off). Each step is one atomic statement in its own transaction: of two claims at once exactly
    one wins, on SQLite and on PostgreSQL alike."""
    at = _now()
    rows = await _insert_returning(_INSERT, job, period, scope_path, at, at, by[:100])
    if rows:
        return Claim(rows[0]["id"], 1), await JobRun.get(id=rows[0]["id"])
    takeable = Q(status=JobStatus.FAILED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=at - LEASE)
    if rerun:
        takeable |= Q(status=JobStatus.SUCCEEDED)
    key = dict(job=job, period=period, scope_path=scope_path)
    row = await JobRun.get(**key)
    # conditional on the attempt read: of two takers, the second finds it changed and loses
    taken = await JobRun.filter(takeable, id=row.id, attempt=row.attempt).update(
        status=JobStatus.RUNNING, attempt=F("attempt") + 1, started_at=at, heartbeat_at=at, finished_at=None,
        outcome="", counts={}, progress=0, total=0, started_by=by[:100])
    row = await JobRun.get(id=row.id)
    if taken:
        return Claim(row.id, row.attempt), row
    return None, row


async def _insert_returning(text: str, *args: object) -> list[dict]:
    """Rows of an ``INSERT … RETURNING`` ($n placeholders as in resolvers/sql.py): tortoise's
    ``execute_query`` drops the rows of an INSERT on PostgreSQL, ``execute_query_dict`` keeps them."""
    conn = sql.client()
    if sql.is_sqlite(conn):
        text = re.sub(r"\$\d+", "?", text)
    return await conn.execute_query_dict(text, list(args))


def _mine(c: Claim) -> Any:
    return JobRun.filter(id=c.run_id, attempt=c.attempt, status=JobStatus.RUNNING)


async def execute(c: Claim, caller: Viewer = SYSTEM) -> JobRun:
    """Run the claimed run's operation (it owns its unit of work), heartbeating meanwhile, and record
    how it ended: SUCCEEDED with its counts, or FAILED with a short code and an error id (the
    traceback goes to the log under that id, never to the row)."""
    row = await JobRun.get(id=c.run_id)
    s = JOBS.get(row.job)
    state = {"done": 0, "total": 0}

    def progress(done: int, total: int) -> None:
        state["done"], state["total"] = done, total

    async def beat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            with contextlib.suppress(Exception):  # a missed heartbeat only ages the lease
                await _mine(c).update(heartbeat_at=_now(), progress=state["done"], total=state["total"])

    heart = asyncio.create_task(beat())
    try:
        if s is None:
            raise Problem("UNKNOWN_JOB", ["job"], job=row.job)
        start = parse_period(s.cadence, row.period)
        counts = await s.operation(caller, start, progress)
    except Exception as exc:  # noqa: BLE001 - recorded as FAILED; the next tick retries it
        error_id = uuid.uuid4().hex[:12]
        code = exc.code if isinstance(exc, (Problem, Denied)) and isinstance(getattr(exc, "code", None), str) \
            else "JOB_FAILED"
        log.error("job %s for %s failed (error id %s)", row.job, row.period, error_id, exc_info=exc)
        await _mine(c).update(status=JobStatus.FAILED, finished_at=_now(), heartbeat_at=_now(),
                              outcome=f"{code} (error id {error_id})", progress=state["done"], total=state["total"])
    else:
        clean = {str(k): int(v) for k, v in (counts or {}).items()}
        done = await _mine(c).update(status=JobStatus.SUCCEEDED, finished_at=_now(), heartbeat_at=_now(),
                                     outcome="OK", counts=clean, progress=state["done"] or state["total"],
                                     total=state["total"])
        if not done:
            log.warning("job %s for %s finished after it was taken over (attempt %d)", row.job, row.period, c.attempt)
    finally:
        heart.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heart
    return await JobRun.get(id=c.run_id)


async def run_job(caller: Viewer, job: str, period: str, *, scope_path: str = "/", rerun: bool = False) -> JobRun:
    """Run ``job`` for ``period`` here and now if nobody else does (see ``claim``); the row as it
    stands afterwards. The operation runs as SYSTEM; ``caller`` is who it is recorded for."""
    s = spec(job, ["job"])
    period_start(s, period, ["period"])
    c, row = await claim(job, period, scope_path=scope_path, by=caller.label, rerun=rerun)
    if c is None:
        return row
    return await execute(c)


async def run_claimed(run_id: int, attempt: int) -> JobRun | None:
    """The queue's half of a started run: execute it if the claim still stands (nobody took it
    over since it was enqueued); None otherwise."""
    c = Claim(run_id, attempt)
    if not await _mine(c).exists():
        return None
    await _mine(c).update(heartbeat_at=_now())
    return await execute(c)


# ---------------------------------------------------------------- the scheduler

async def due_runs(on: date, *, scope_path: str = "/") -> list[tuple[str, str]]:
    """(job, period) pairs due on ``on`` (policy/periods.py) and not yet SUCCEEDED, nor RUNNING with
    a fresh heartbeat: asked of the database, so nothing depends on what a queue remembers."""
    wanted = {name: due_periods(s.cadence, on) for name, s in JOBS.items()}
    periods = sorted({p for ps in wanted.values() for p in ps})
    fresh = _now() - LEASE
    busy = {(r["job"], r["period"]) for r in await JobRun.filter(
        Q(status=JobStatus.SUCCEEDED) | Q(status=JobStatus.RUNNING, heartbeat_at__gte=fresh),
        scope_path=scope_path, period__in=periods).values("job", "period")}
    return [(name, p) for name, ps in wanted.items() for p in ps if (name, p) not in busy]


# ---------------------------------------------------------------- the API's side

def _require_officer(caller: Viewer) -> list[str]:
    """Where the caller may start runs (JOB_RUN at some node); Denied when nowhere."""
    caller.require_authenticated()
    paths = caller.scope_paths(Capability.JOB_RUN)
    if not paths:
        raise Denied()
    return paths


Enqueue = Callable[[int, int], Awaitable[Any]]


async def start_run(caller: Viewer, *, job: str, period: str, wait: bool = False,
                    enqueue: Enqueue | None = None) -> tuple[JobRun, bool]:
    """An officer starts ``job`` for ``period`` (a SUCCEEDED run is run again: the operations are
    idempotent). Returns (the row, whether this start claimed it — False: already running).
    ``wait``: run it in this request and return the finished row; otherwise the claimed row
    (RUNNING) is handed to the queue with ``enqueue(run_id, attempt)`` — if the queue is lost,
    the claim's lease runs out and the next scheduler tick takes the run over."""
    paths = _require_officer(caller)
    s = spec(job)
    start = period_start(s, period)
    if not may_start(s.cadence, start, clock.today()):
        raise Problem("PERIOD_NOT_BEGUN", ["input", "period"], period=period)
    period = format_period(s.cadence, start)  # canonical text
    c, row = await claim(job, period, by=caller.label, rerun=True)
    if c is None:
        return row, False
    async with unit_of_work(caller) as uow:
        await uow.audit("jobRunStart", "JobRun", row.id, paths[0], None,
                        {"job": job, "period": period, "attempt": row.attempt}, live=False)
    if wait or enqueue is None:
        return await execute(c), True
    try:
        await enqueue(c.run_id, c.attempt)
    except Exception:  # noqa: BLE001 - the run is claimed in the database: the scheduler takes it over
        log.warning("job run %d could not be queued; the scheduler takes it over after the lease", c.run_id,
                    exc_info=True)
    return row, True


async def job_runs(caller: Viewer, *, job: str | None = None, period: str | None = None,
                   status: JobStatus | None = None) -> Any:
    """The runs, newest first (a queryset for the connection's paging): for holders of JOB_RUN."""
    _require_officer(caller)
    q = JobRun.all()
    if job:
        q = q.filter(job=job)
    if period:
        q = q.filter(period=period)
    if status is not None:
        q = q.filter(status=status)
    return q.order_by("-started_at", "-id")


