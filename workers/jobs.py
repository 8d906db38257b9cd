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
