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


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    """urlsafe base64 of "Type:pk" without padding (one C call: a tree walk makes tens of thousands)."""
    return binascii.b2a_base64(f"{type_name}:{pk}".encode(), newline=False).translate(_URLSAFE).rstrip(b"=").decode()


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
    """A page of an ordered list. Its ``nodes`` are a plain list; ``edges`` (and their cursors) are
    built only when asked for, so a large tree walk that reads ``nodes`` makes no cursor at all."""

    edges: list[Edge[T]] = strawberry.field(resolver=lambda self: self.make_edges())
    page_info: PageInfo
    total_count: int
    nodes: list[T]
    start: strawberry.Private[int] = 0  # offset of the first node in the whole list
    kept: strawberry.Private[list[int] | None] = None  # offsets of the nodes when some were dropped (``map``)

    def make_edges(self) -> list[Edge[T]]:
        return [Edge(cursor=_cursor(o), node=n) for o, n in zip(self.offsets(), self.nodes)]

    def offsets(self) -> list[int] | range:
        return self.kept if self.kept is not None else range(self.start, self.start + len(self.nodes))

    def map(self, fn) -> "Connection":
        """The same page with each node replaced by ``fn(node)``; a node for which it returns None
        is dropped, and the others keep their cursors."""
        kept, nodes = [], []
        for o, n in zip(self.offsets(), self.nodes):
            m = fn(n)
            if m is not None:
                kept.append(o)
                nodes.append(m)
        return Connection(page_info=self.page_info, total_count=self.total_count, nodes=nodes, start=self.start,
                          kept=kept)


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
    wrap=None,
) -> Connection[T]:
    """Relay pagination over an already loaded, ordered list (offset cursors); ``wrap`` turns the
    items of the page (only those) into what the schema returns."""
    check_page_args(first, last)
    start, end = 0, len(items)
    if after is not None or before is not None:
        a, b = _offset(after), _offset(before)
    else:
        a = b = None
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
    window = list(items[start:end]) if end > start else []
    if wrap is not None:
        window = [wrap(i) for i in window]
    n = len(window)
    return Connection(
        page_info=PageInfo(
            has_next_page=end < len(items) if b is None else False,
            has_previous_page=start > 0,
            start_cursor=_cursor(start) if n else None,
            end_cursor=_cursor(start + n - 1) if n else None,
        ),
        total_count=len(items),
        nodes=window,
        start=start,
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
