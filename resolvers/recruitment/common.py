"""What the recruitment operations share: loading in scope (locked), the application's history,
the step order, and the wording of a code in one situation."""
from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from tortoise.models import Model

from models.recruitment import Application, ApplicationEvent
from models.tree import Node
from policy.access import Capability
from policy.kinds import NodeKind
from policy.recruitment import STEP_ZH, StepError, check_step
from resolvers.errors import Denied, Problem
from resolvers.business_dates import not_future  # noqa: F401 - the operations' date check
from resolvers.locks import locked
from resolvers.viewer import Viewer

M = TypeVar("M", bound=Model)

# the business-date argument of each step (a date in the future is refused)
DATE_ARGS = {
    "REVIEW": "reviewedOn", "INTERVIEW": "interviewedOn", "SHORTLIST": "shortlistedOn", "NOTICE": "postedOn",
    "CONFIRM": "confirmedOn", "FILE": "filedOn", "AGREEMENT": "signedOn", "TRAINING": "trainedOn", "PUBLISH": "publishedOn",
}


def worded(key: str, **params: Any) -> dict[str, Any]:
    """The catalogue's texts of ``key`` (resolvers/messages.py), for a Problem raised under a code
    whose own entry words another situation: ``Problem("REQUIRED", f, **worded("RECRUITMENT_SCORE_RANGE"))``."""
    return {"message": key, **params}


async def held(caller: Viewer, model: type[M], pk: int, capability: Capability) -> M:
    """The object an operation acts on, locked until its unit of work ends: a concurrent step
    on the same object waits and then sees this one's outcome (resolvers/locks.py). Out of scope
    is the same as missing."""
    obj = await locked(model, id=pk)
    if obj is None or not caller.can_read(obj.path):  # type: ignore[attr-defined]
        raise Denied()
    caller.require(capability, obj.path)  # type: ignore[attr-defined]
    return obj


async def event(caller: Viewer, app: Application, step: str, on: date | None, note: str = "") -> None:
    await ApplicationEvent.create(application_id=app.id, step=step, on=on, by_user_id=caller.user_id,
                                  by_label=caller.label, note=note)


def advance(app: Application, step: str) -> None:
    """Move to the step's status, or refuse naming the step that must come first."""
    try:
        app.status = check_step(step, app.status)
    except StepError as e:
        if e.missing:
            raise Problem("STEP_OUT_OF_ORDER", ["id"], missing_step=e.missing, step=step,
                          step_zh=STEP_ZH[step], missing_zh=STEP_ZH[e.missing]) from None
        raise Problem("STEP_OUT_OF_ORDER", ["id"], missing_step=None, **worded(
            "RECRUITMENT_STEP_IN_STATUS", status=e.status.value, step=step, step_zh=STEP_ZH[step])) from None


async def chain_node(container: Node) -> Node:
    return container if container.kind != NodeKind.COMPOUND else await Node.get(id=container.parent_id)
