"""arq WorkerSettings for `grassroots worker` (separate processes in production)."""
from __future__ import annotations

import os
from typing import Any

import orjson
from arq import cron, func

from workers import jobs


def _dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, default=str)


async def startup(ctx: dict[str, Any]) -> None:
    from grassroots import db
    from grassroots.settings import Settings

    await db.start(Settings.from_env().database_url)


async def shutdown(ctx: dict[str, Any]) -> None:
    from grassroots import db

    await db.stop()


class WorkerSettings:
    # the period jobs (resolvers/runs.py JOBS) run through run_period_job, recorded in job_run; the
    # older functions stay callable by name (a direct, unrecorded run of the same operation)
    functions = [jobs.ping, jobs.workstation_deadline_check, jobs.end_due_terms, jobs.schedule_meetings,
                 jobs.escalate_incidents, jobs.run_due_jobs,
                 # no result kept: the run's record is its job_run row, and the queue id (the run's)
                 # is free again for the next tick as soon as it ends; long runs (a district's payroll)
                 # get an hour
                 func(jobs.run_period_job, keep_result=0, timeout=3600, max_tries=1),
                 func(jobs.run_started_job, keep_result=0, timeout=3600, max_tries=1)]
    cron_jobs = [
        # the scheduler: what is due comes from the database, so one tick lost (Redis restarting,
        # every worker down) is made up by the next; unique: one tick per five minutes, whatever
        # the number of workers
        cron(jobs.run_due_jobs, minute=set(range(0, 60, 5)), unique=True),
        # incidents cannot wait for the daily run: passed up every minute (unrecorded; the day's
        # run of escalate_incidents is recorded)
        cron(jobs.escalate_incidents, unique=True),
    ]
    job_serializer = staticmethod(_dumps)
    job_deserializer = staticmethod(orjson.loads)
    on_startup = staticmethod(startup)
    on_shutdown = staticmethod(shutdown)
    max_jobs = int(os.environ.get("GRASSROOTS_MAX_JOBS", "10"))
