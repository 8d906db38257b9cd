"""The jobs. Every job is idempotent: running it twice has the effect of running it once."""
from __future__ import annotations

from typing import Any

from models.tree import Node


async def ping(ctx: dict[str, Any]) -> dict[str, Any]:
    """Round trip through the queue and the database: what /healthz asks the worker."""
    return {"pong": True, "nodes": await Node.all().count()}


async def workstation_deadline_check(ctx: dict[str, Any]) -> dict[str, int]:
    """Daily: count workstations late on either campaign deadline (the roll-ups show which); the
    same operation as the ``workstations(lateOnly: true)`` field, called by the system."""
    from resolvers.clock import today
    from resolvers.viewer import SYSTEM
    from resolvers.workstations import late_workstations

    return {"late": len(await late_workstations(SYSTEM, today()))}


async def end_due_terms(ctx: dict[str, Any]) -> dict[str, int]:
    """Daily: end resignations whose end date has come and terms past their end, audited as
    "system" (idempotent: a term already ended is not touched again). The operation owns its
    unit of work; the API would call the same one."""
    from resolvers import clock
    from resolvers.recruitment import terms
    from resolvers.viewer import SYSTEM

    return {"ended": len(await terms.end_due_terms(SYSTEM, on=clock.today()))}


async def schedule_meetings(ctx: dict[str, Any]) -> dict[str, int]:
    """Daily: this week's workstation meeting and building heads' meeting for every workstation in
    use (idempotent: one per workstation, kind and week, held by a unique key)."""
    from resolvers import clock
    from resolvers.meetings import schedule_meetings as schedule
    from resolvers.viewer import SYSTEM

    return {"created": await schedule(SYSTEM, on=clock.today())}


async def escalate_incidents(ctx: dict[str, Any]) -> dict[str, int]:
    """Every minute: pass each incident whose level did not acknowledge in time up to the next
    level, recorded (idempotent: a level is passed over once)."""
    from resolvers.incidents import escalate_overdue
    from resolvers.viewer import SYSTEM

    return {"escalated": await escalate_overdue(SYSTEM)}


async def run_due_jobs(ctx: dict[str, Any]) -> dict[str, int]:
    """Every five minutes: ask the database which (job, period) runs are due and not done
    (policy/periods.py: today for the daily jobs, the month or year just ended for the others, a
    few earlier ones if not SUCCEEDED) and queue each once (the queue id is the run's, so a tick
    while it is queued or running adds nothing). Nothing is remembered in Redis: a queue lost with
    Redis is found again from the database on the next tick. GRASSROOTS_SCHEDULER=0 turns the
    tick off (the jobs can still be started by hand)."""
    import os

    from resolvers import clock, runs

    if os.environ.get("GRASSROOTS_SCHEDULER", "1") == "0":
        return {"queued": 0}
    queued = 0
    pool = ctx["redis"]
    prefix = getattr(pool, "default_queue_name", "arq")  # the deployment's queue: its ids are its own
    for job, period in await runs.due_runs(clock.today()):
        if await pool.enqueue_job("run_period_job", job, period, _job_id=f"{prefix}:run:{job}:{period}") is not None:
            queued += 1
    return {"queued": queued}


async def run_period_job(ctx: dict[str, Any], job: str, period: str) -> dict[str, Any]:
    """Run ``job`` for ``period`` unless another worker does (resolvers/runs.py claims the run row)."""
    from resolvers import runs
    from resolvers.viewer import SYSTEM

    row = await runs.run_job(SYSTEM, job, period)
    return {"run": row.id, "status": row.status.value, "attempt": row.attempt, "counts": row.counts}


async def run_started_job(ctx: dict[str, Any], run_id: int, attempt: int) -> dict[str, Any]:
    """An officer's started run (claimed already by ``jobRunStart``): executed if still theirs."""
    from resolvers import runs

    row = await runs.run_claimed(run_id, attempt)
    return {"run": run_id, "status": row.status.value if row else "TAKEN_OVER"}
