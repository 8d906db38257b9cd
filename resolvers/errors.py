"""Expected failures (payload errors) and access denials — plain exceptions, free of GraphQL:
``schema/`` turns a ``Problem`` into a payload's typed errors and a ``Denied`` into a GraphQL
error with ``extensions.code``. Every code's message is in the catalogue (resolvers/messages.py)."""
from __future__ import annotations


class Problem(Exception):
    """A broken rule or a wrong state: becomes one entry of a payload's ``errors``. ``code`` is
    what the client branches on; its message is the catalogue's entry for ``code`` — or for
    ``message`` when one code words several situations — filled with the named ``params``."""

    def __init__(self, code: str, field: list[str] | str | None = None, *, message: str | None = None,
                 **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.field = [field] if isinstance(field, str) else field
        self.message_key = message or code
        self.params = params

    def render(self, locale: str) -> str:
        from resolvers.messages import render

        return render(self.message_key, locale, self.params)


class Problems(Exception):
    """Several problems at once (validation of a whole input)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class Denied(Exception):
    """Not logged in, or the object is outside the caller's scope. The message is the same
    whether the object exists or not, so scope boundaries leak nothing. ``code`` is the GraphQL
    error code (FORBIDDEN, UNAUTHENTICATED); ``reason`` names the catalogue message."""

    def __init__(self, reason: str = "OUT_OF_SCOPE", code: str = "FORBIDDEN", **params: object) -> None:
        from resolvers.messages import render

        self.reason = reason
        self.code = code
        self.params = params
        self.message = render(reason, "en", params)
        super().__init__(self.message)

    def render(self, locale: str) -> str:
        from resolvers.messages import render

        return render(self.reason, locale, self.params)


class Unauthenticated(Denied):
    def __init__(self, reason: str | None = None) -> None:
        super().__init__(reason or "AUTHENTICATION_REQUIRED", "UNAUTHENTICATED")
