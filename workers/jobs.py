"""The jobs. Every job is idempotent: running it twice has the effect of running it once."""
from __future__ import annotations

from typing import Any

from models.tree import Node


async def ping(ctx: dict[str, Any]) -> dict[str, Any]:
    """Round trip through the queue and the database: what /healthz asks the worker."""
    return {"pong": True, "nodes": await Node.all().count()}


async def workstation_deadline_check(ctx: dict[str, Any]) -> dict[str, int]:
    """Daily: count workstations late on either campaign deadline (the roll-ups show which)."""
    from policy.workstations import is_late
    from resolvers.clock import today
    from models.workstations import Workstation

    on = today()
    late = 0
    for w in await Workstation.filter(campaign_id__isnull=False).prefetch_related("campaign"):
        late += is_late(premises_ready_on=w.premises_ready_on, in_use_on=w.in_use_on,
                        premises_deadline=w.campaign.premises_deadline, in_use_deadline=w.campaign.in_use_deadline, today=on)
    return {"late": late}


async def end_due_terms(ctx: dict[str, Any]) -> dict[str, int]:
    """Daily: end resignations whose end date has come and terms past their end, audited as
    "system" (idempotent: a term already ended is not touched again). The operation owns its
    unit of work; the API would call the same one."""
    from resolvers import clock
    from resolvers.recruitment import terms
    from resolvers.viewer import SYSTEM

    return {"ended": len(await terms.end_due_terms(SYSTEM, on=clock.today()))}
