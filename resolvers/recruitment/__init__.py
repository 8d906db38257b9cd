"""Recruitment of building heads, from campaign to first day, and end of service
(docs/policy.md §5, §11): the operations, free of GraphQL. Each takes the caller (a ``Viewer``,
or ``SYSTEM`` for jobs) and plain arguments, owns its unit of work (authorise, load, decide with
``policy/``, persist, audit) and returns models or small dataclasses.

- ``campaigns``: open, close, list; seats and needs
- ``applications``: submit, police opinion, withdraw; ``take_step`` (the frame of every step)
- ``steps``: review, interview, shortlist, notice, confirm, file, agreement, training, publish
- ``objections``: raise, resolve
- ``terms``: resign, terminate, renew, ``end_due_terms`` (the daily job's operation)

Every step is recorded with who and when (the application's history)."""
from __future__ import annotations

from datetime import date


# the count of terms the daily job ends on ``on`` (tests/api/test_recruitment.py asks for it by this name)
async def end_due_terms(on: date) -> int:
    """How many terms ``terms.end_due_terms(SYSTEM, on=on)`` ended."""
    from resolvers.recruitment.terms import end_due_terms as end
    from resolvers.viewer import SYSTEM

    return len(await end(SYSTEM, on=on))
