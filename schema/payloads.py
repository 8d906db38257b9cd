"""Mutation payloads: a ``Problem`` (or ``Problems``) from an operation becomes the payload's
typed ``errors`` — the domain's code enum, the offending input's path and the message from the
catalogue in the caller's language."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError

from resolvers.errors import Problem, Problems
from resolvers.uow import unit_of_work

P = TypeVar("P")


def to_error(error_type: Callable[..., Any], problem: Problem, locale: str) -> Any:
    message = problem.render(locale)
    codes = getattr(error_type, "_codes", None)
    code = codes(problem.code) if codes is not None else problem.code
    extra = {k: v for k, v in problem.params.items() if k in getattr(error_type, "_extra_fields", ())}
    return error_type(code=code, field=problem.field, message=message, **extra)


def payload_errors(error_type: Callable[..., Any], exc: Problem | Problems, locale: str) -> list[Any]:
    problems = exc.problems if isinstance(exc, Problems) else [exc]
    return [to_error(error_type, p, locale) for p in problems]


async def run(
    ctx: Any,
    payload: Callable[..., P],
    error_type: Callable[..., Any],
    body: Callable[[], Awaitable[dict[str, Any]]],
    *,
    integrity: Callable[[IntegrityError], Problem] | None = None,
) -> P:
    """Run ``body`` as one unit of work of the request's caller; its result fields, or its
    problems as the payload's errors."""
    try:
        async with unit_of_work(ctx.viewer, integrity=integrity):
            result = await body()
    except (Problem, Problems) as exc:
        return payload(errors=payload_errors(error_type, exc, ctx.locale))
    return payload(errors=[], **result)
