"""What every domain's schema shares: global IDs, the Node interface, cursor
connections, and the typed payload errors of the API conventions."""
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from typing import Generic, TypeVar

import strawberry
from graphql import GraphQLError

MAX_PAGE = 100
DEFAULT_PAGE = 20

T = TypeVar("T")


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("="))


MAX_PK = 2**31 - 1  # primary keys are 32-bit integers on every backend
MAX_ID_LENGTH = 200
MAX_SEARCH_LENGTH = 100
_TYPE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")
_PK = re.compile(r"[1-9][0-9]{0,9}")


def from_global_id(gid: str) -> tuple[str, int]:
    """Decode a global ID; raises ValueError when it is not one of ours (a type name, ':',
    and an ASCII decimal key from 1 to MAX_PK)."""
    try:
        if not isinstance(gid, str) or len(gid) > MAX_ID_LENGTH or not gid.isascii():
            raise ValueError
        raw = base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode()
        type_name, _, pk = raw.partition(":")
        if not _TYPE_NAME.fullmatch(type_name) or not _PK.fullmatch(pk) or int(pk) > MAX_PK:
            raise ValueError
        return type_name, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        shown = gid[:40] + "…" if isinstance(gid, str) and len(gid) > 40 else gid
        raise ValueError(f"not a valid ID: {shown!r}") from None


def audit_object_id(value: str) -> int:
    """An audit filter's object id: a number (1..MAX_PK) or a global ID."""
    if re.fullmatch(r"[1-9][0-9]{0,9}", value) and int(value) <= MAX_PK:
        return int(value)
    try:
        return from_global_id(value)[1]
    except ValueError:
        raise GraphQLError("`objectId` is a number or a global ID",
                           extensions={"code": "BAD_USER_INPUT", "field": "objectId"}) from None


def check_search(value: str | None, field: str) -> str | None:
    """A text search argument: at most MAX_SEARCH_LENGTH characters (LIKE patterns stay small)."""
    if value is not None and len(value) > MAX_SEARCH_LENGTH:
        raise GraphQLError(f"`{field}` takes at most {MAX_SEARCH_LENGTH} characters, got {len(value)}",
                           extensions={"code": "BAD_USER_INPUT", "field": field, "maxLength": MAX_SEARCH_LENGTH})
    return value


@strawberry.interface(description="An object with a global ID (Relay).")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @strawberry.field
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not raw.startswith("o:"):
            raise ValueError
        if not re.fullmatch(r"[0-9]{1,9}", raw[2:]):
            raise ValueError
        return int(raw[2:])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise GraphQLError("invalid cursor: pass a pageInfo cursor unchanged",
                           extensions={"code": "BAD_USER_INPUT", "field": "cursor"}) from None


def check_page_args(first: int | None, last: int | None) -> None:
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE:
            raise GraphQLError(f"`{name}` must be between 0 and {MAX_PAGE}, got {value}",
                               extensions={"code": "BAD_USER_INPUT", "field": name})


def paginate(
    items: Sequence[T],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[T]:
    """Relay pagination over an already loaded, ordered list (offset cursors)."""
    check_page_args(first, last)
    start, end = 0, len(items)
    a, b = _offset(after), _offset(before)
    if a is not None:
        start = max(start, a + 1)
    if b is not None:
        end = min(end, b)
    if first is None and last is None:
        first = DEFAULT_PAGE
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    window = items[start:end] if end > start else []
    edges = [Edge(cursor=_cursor(start + i), node=item) for i, item in enumerate(window)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=end < len(items) if b is None else False,
            has_previous_page=start > 0 if a is None else start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=len(items),
    )


@strawberry.interface(description="An expected failure: a rule broken or a wrong state.")
class UserError:
    field: list[str] | None = strawberry.field(description="Path of the offending input, e.g. [\"input\", \"idNumber\"].")
    message: str = strawberry.field(description="Human message, in Chinese unless the request asks for English.")


def error_codes(enum_cls: type):
    """Attach the domain's error-code enum to its error type (used to build errors)."""

    def wrap(cls: type) -> type:
        cls._codes = enum_cls  # type: ignore[attr-defined]
        return cls

    return wrap
