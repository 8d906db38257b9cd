"""What a client may see of an error: every GraphQL error carries ``extensions.code``, and no
raw database or Python text ever reaches a client.

``mask_errors`` runs on every result (see ``schema.schema.GrassrootsSchema``):

- an error that already has a code (FORBIDDEN, UNAUTHENTICATED, QUERY_TOO_COSTLY, …) is kept;
- a ``Problem`` raised outside a mutation's payload becomes that code and its message;
- a value too long for its column becomes BAD_USER_INPUT naming the field and the maximum
  (the value is not echoed);
- GraphQL's own errors get GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED / BAD_USER_INPUT;
  where a scalar's parser raised a Python exception, its text is cut off;
- anything else is INTERNAL, with an error id that is in the server log with the traceback.

``refuse_bad_text`` refuses, before execution, NUL characters and lone surrogates anywhere
in the variables or in the document's string literals (no database stores them).
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError

log = logging.getLogger("grassroots.errors")

_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")
# escapes in GraphQL string literals: \u0000, and surrogates not forming a pair
_BAD_ESCAPE = re.compile(
    r"\\u0000|\\u\{0+\}|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}",
)
# strawberry's scalar parsers append the Python exception's text ("Invalid isoformat string: …")
_PARSER_TEXT = re.compile(r'(Value cannot represent a \w+: ".*")\. [^"]*$', re.S)
_LENGTH = re.compile(r"^(?P<field>\w+): Length of .* (?P<length>\d+) > (?P<max>\d+)$", re.S)


def _bad_value(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if _BAD_CHAR.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _bad_value(key, path) or _bad_value(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _bad_value(item, f"{path}[{index}]")
            if found:
                return found
    return None


def refuse_bad_text(query: str | None, variables: dict | None) -> GraphQLError | None:
    where = _bad_value(variables or {}, "variables")
    if where is None and query and (_BAD_CHAR.search(query) or _BAD_ESCAPE.search(query)):
        where = "query"
    if where is None:
        return None
    return GraphQLError(
        f"{where}: text may not contain NUL characters or unpaired surrogates",
        extensions={"code": "BAD_USER_INPUT", "field": where},
    )


def _problem_message(problem: Any, locale: str) -> str:
    try:
        return problem.render(locale)
    except Exception:  # a message template missing a parameter: the code says enough
        return problem.code


def internal(original: BaseException | None, where: Any = None) -> tuple[str, dict]:
    error_id = uuid.uuid4().hex[:12]
    log.error("internal error %s at %s", error_id, where, exc_info=original)
    return f"internal error; reference {error_id}", {"code": "INTERNAL", "errorId": error_id}


def mask_error(error: GraphQLError, locale: str = "zh") -> GraphQLError:
    extensions = dict(error.extensions or {})
    if extensions.get("code"):
        return error
    original = error.original_error
    from tortoise.exceptions import ValidationError

    from resolvers.errors import Denied, Problem

    message = error.message
    if error.path is None:
        message = _PARSER_TEXT.sub(r"\1.", message)
    if isinstance(original, Denied):  # out of scope (same as missing) or no valid credentials
        message = original.render(locale)
        extensions["code"] = original.code
    elif isinstance(original, Problem):
        message = _problem_message(original, locale)
        extensions["code"] = original.code
        if original.field:
            extensions["field"] = original.field
    elif isinstance(original, ValidationError) and (m := _LENGTH.match(str(original))):
        message = f"{m['field']}: at most {m['max']} characters (got {m['length']})"
        extensions.update(code="BAD_USER_INPUT", field=m["field"], maxLength=int(m["max"]))
    elif original is not None and not isinstance(original, GraphQLError):
        if error.path is None:  # a scalar's parser raised while coercing an input
            message = message.split(";", 1)[0].rstrip(".") + "."
            extensions["code"] = "BAD_USER_INPUT"
        else:
            message, codes = internal(original, error.path)
            extensions.update(codes)
    elif error.path is not None:
        if message.startswith("Cannot return null"):
            message, codes = internal(error, error.path)
            extensions.update(codes)
        else:
            extensions["code"] = "BAD_USER_INPUT"
    elif message.startswith("Syntax Error"):
        extensions["code"] = "GRAPHQL_PARSE_FAILED"
    elif message.startswith("Variable '$"):
        extensions["code"] = "BAD_USER_INPUT"
    else:
        extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=original, extensions=extensions)


def mask_errors(errors: Iterable[GraphQLError] | None, locale: str = "zh") -> list[GraphQLError] | None:
    if errors is None:
        return None
    return [mask_error(e, locale) for e in errors]
