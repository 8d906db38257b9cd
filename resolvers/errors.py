"""Expected failures (payload errors) and access denials (GraphQL errors)."""
from __future__ import annotations

from graphql import GraphQLError


class Problem(Exception):
    """A broken rule or a wrong state: becomes one entry of a payload's ``errors``."""

    def __init__(
        self,
        code: str,
        field: list[str] | str | None = None,
        *,
        zh: str | None = None,
        en: str | None = None,
        **params: object,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.field = [field] if isinstance(field, str) else field
        self.zh = zh
        self.en = en
        self.params = params


class Problems(Exception):
    """Several problems at once (validation of a whole input)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class Denied(GraphQLError):
    """Not logged in, or the object is outside the caller's scope. The message is the
    same whether the object exists or not, so scope boundaries leak nothing."""

    def __init__(self, message: str = "not found or not in your scope", code: str = "FORBIDDEN") -> None:
        super().__init__(message, extensions={"code": code})


class Unauthenticated(Denied):
    def __init__(self, reason: str | None = None) -> None:
        super().__init__(reason or "authentication required: send 'Authorization: Bearer <token>'", "UNAUTHENTICATED")
