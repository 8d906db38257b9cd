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
