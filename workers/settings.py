"""arq WorkerSettings for `grassroots worker` (separate processes in production)."""
from __future__ import annotations

import os
from typing import Any

import orjson
from arq import cron

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
    functions = [jobs.ping, jobs.workstation_deadline_check, jobs.end_due_terms, jobs.schedule_meetings,
                 jobs.escalate_incidents]
    cron_jobs = [
        cron(jobs.schedule_meetings, hour={0, 6}, minute={5}, unique=True),
        cron(jobs.escalate_incidents, unique=True),  # every minute
        cron(jobs.workstation_deadline_check, hour={1}, minute={0}, unique=True),
        cron(jobs.end_due_terms, hour={0}, minute={30}, unique=True),
    ]
    job_serializer = staticmethod(_dumps)
    job_deserializer = staticmethod(orjson.loads)
    on_startup = staticmethod(startup)
    on_shutdown = staticmethod(shutdown)
    max_jobs = int(os.environ.get("GRASSROOTS_MAX_JOBS", "10"))
