"""GraphQL of the scheduled jobs' runs (issue 10): ``jobRuns`` and ``jobRunStart``, a few lines around
the operations of resolvers/runs.py."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from models.money import JobRun as JobRunModel
from policy.access import Capability
from policy.money import JobStatus
from resolvers import runs as ops
from resolvers.errors import Problem, Problems
from schema.common import DEFAULT_PAGE, Connection, Node, PageInfo, UserError, _cursor, _offset, check_page_args
from schema.common import error_codes, to_global_id
from schema.nodes import register
from schema.payloads import payload_errors

JobStatusEnum = strawberry.enum(JobStatus, name="JobStatus")


@strawberry.type(description="One run of a scheduled job for one period (a day 2026-11-05, a month 2026-11, a "
                             "year 2026): one per job and period, taken over by the next worker if one fails.")
class JobRun(Node):
    job: str
    period: str
    status: JobStatusEnum  # type: ignore[valid-type]
    attempt: int = strawberry.field(description="1 for the first run; one more each time it was taken over or rerun.")
    started_at: datetime
    heartbeat_at: datetime = strawberry.field(description="Last sign of life of the worker running it.")
    finished_at: datetime | None
    outcome: str = strawberry.field(description="OK, or a short error code with the error id of the server's log.")
    counts: JSON = strawberry.field(description="What the run did, by name (e.g. {\"ended\": 2}).")
    progress: int
    total: int
    started_by: str = strawberry.field(description="\"system\" for the scheduler, else the officer who started it.")

    @classmethod
    def of(cls, r: JobRunModel) -> "JobRun":
        return cls(id=to_global_id("JobRun", r.id), job=r.job, period=r.period, status=r.status, attempt=r.attempt,
                   started_at=r.started_at, heartbeat_at=r.heartbeat_at, finished_at=r.finished_at,
                   outcome=r.outcome, counts=dict(r.counts or {}), progress=r.progress, total=r.total,
                   started_by=r.started_by)


@strawberry.enum
class JobRunErrorCode(Enum):
    UNKNOWN_JOB = "UNKNOWN_JOB"
    INVALID_PERIOD = "INVALID_PERIOD"
    PERIOD_NOT_BEGUN = "PERIOD_NOT_BEGUN"


@error_codes(JobRunErrorCode)
@strawberry.type
class JobRunError(UserError):
    code: JobRunErrorCode


@strawberry.input
class JobRunStartInput:
    job: str = strawberry.field(description="insurance_check, end_due_terms, workstation_deadline_check, "
                                            "schedule_meetings, escalate_incidents (daily); performance_records, "
                                            "payroll_draft (monthly); annual_assessment, excellence (yearly).")
    period: str = strawberry.field(description="2026-11-05 for a daily job, 2026-11 monthly, 2026 yearly; begun already.")
    wait: bool = strawberry.field(default=False, description="Run it within this request and answer the finished "
                                                             "run; otherwise it is queued and answered RUNNING.")


@strawberry.type
class JobRunPayload:
    run: JobRun | None = None
    already_running: bool = strawberry.field(default=False, description="Another worker runs it now: left to it.")
    errors: list[JobRunError] = strawberry.field(default_factory=list)


def _enqueuer(info: Info):
    pool = getattr(getattr(getattr(info.context.request, "app", None), "state", None), "pool", None)
    if pool is None:
        return None

    async def enqueue(run_id: int, attempt: int) -> None:
        await pool.enqueue_job("run_started_job", run_id, attempt, _job_id=f"{pool.default_queue_name}:run:{run_id}:{attempt}")

    return enqueue


@strawberry.type
class RunQuery:
    @strawberry.field(description="Runs of the scheduled jobs, newest first (officers who may start runs).")
    async def job_runs(self, info: Info, job: str | None = None, period: str | None = None,
                       status: JobStatusEnum | None = None,  # type: ignore[valid-type]
                       first: int | None = None, after: str | None = None) -> Connection[JobRun]:
        check_page_args(first, None)
        a = _offset(after)
        start, limit = (a + 1 if a is not None else 0), (DEFAULT_PAGE if first is None else first)
        q = await ops.job_runs(info.context.viewer, job=job, period=period, status=status)
        total = await q.count()
        rows = [JobRun.of(r) for r in await q.offset(start).limit(limit)] if limit else []
        n = len(rows)
        return Connection(
            page_info=PageInfo(has_next_page=start + n < total, has_previous_page=start > 0,
                               start_cursor=_cursor(start) if n else None,
                               end_cursor=_cursor(start + n - 1) if n else None),
            total_count=total, nodes=rows, start=start)


@strawberry.type
class RunMutation:
    @strawberry.mutation(description="Start a scheduled job for a period now (ADMIN, SUBDISTRICT_OFFICER): a run that "
                                     "succeeded is run again (every job is idempotent); one already running is left "
                                     "to its worker. Audited with your name.")
    async def job_run_start(self, info: Info, input: JobRunStartInput) -> JobRunPayload:
        try:
            row, claimed = await ops.start_run(info.context.viewer, job=input.job, period=input.period,
                                               wait=input.wait, enqueue=_enqueuer(info))
        except (Problem, Problems) as exc:
            return JobRunPayload(errors=payload_errors(JobRunError, exc, info.context.locale))
        return JobRunPayload(run=JobRun.of(row), already_running=not claimed)


TYPES: list[type] = [JobRun]  # concrete Node types of this module, added to the schema


def _visible(info: Info, run: JobRunModel) -> bool:
    """A run is the system's: shown to whoever may start runs (JOB_RUN at some node)."""
    v = info.context.viewer
    return v.system or bool(v.scope_paths(Capability.JOB_RUN))


register("JobRun", JobRunModel, JobRun.of, _visible)
