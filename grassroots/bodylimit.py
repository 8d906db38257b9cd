"""Request-body bounds, applied before anything parses the body (and so before authentication).

An ASGI middleware: a request whose ``Content-Length`` is over the bound is answered
``413`` at once, without reading the body; a body sent without a length (chunked) is
counted as it streams in and refused as soon as it passes the bound. Bodies within the
bound are handed on unchanged. Two bounds (settings, see README "Limits"):

- ``multipart/form-data`` (file uploads, ``treeImport``): ``GRASSROOTS_MAX_UPLOAD_BYTES``,
  default 10 MiB + 64 KiB (the import file limit plus the multipart envelope);
- everything else (JSON GraphQL requests): ``GRASSROOTS_MAX_BODY_BYTES``, default 1 MiB.

A body past the bound is never stored: up to ``DRAIN_FACTOR`` times the bound is read and
discarded (so that a client still sending gets to read the answer), a larger declared
length is answered at once and the connection closed.

The answer is a GraphQL-shaped JSON error with ``extensions.code = "PAYLOAD_TOO_LARGE"``.
"""
from __future__ import annotations

from typing import Any

import orjson

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024 + 64 * 1024
DRAIN_FACTOR = 4


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(self, app: Any, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
                 max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    def limit_for(self, scope: dict) -> tuple[int, str]:
        content_type = b""
        for name, value in scope.get("headers") or ():
            if name == b"content-type":
                content_type = value
        if content_type.split(b";", 1)[0].strip().lower() == b"multipart/form-data":
            return self.max_upload_bytes, "upload"
        return self.max_body_bytes, "request body"

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, what = self.limit_for(scope)
        for name, value in scope.get("headers") or ():
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0:
                    await self.refuse(send, 400, "BAD_REQUEST", "invalid Content-Length header")
                    return
                if declared > limit:
                    if declared <= DRAIN_FACTOR * limit:  # let the client finish sending, unread
                        message = {"more_body": True}
                        while message.get("more_body", False):
                            message = await receive()
                            if message["type"] != "http.request":
                                break
                    await self.refuse_too_large(send, limit, what)
                    return

        # Count what actually arrives (chunked bodies have no Content-Length): read the
        # body up to the bound, then replay it to the application.
        messages: list[dict] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                messages.append(message)
                break
            received += len(message.get("body", b""))
            if received > limit:
                # discard (never store) a bounded rest, so that a client still sending can read
                # the answer instead of a reset connection; past that, answer and close anyway
                while message.get("more_body", False) and received <= DRAIN_FACTOR * limit:
                    message = await receive()
                    if message["type"] != "http.request":
                        break
                    received += len(message.get("body", b""))
                await self.refuse_too_large(send, limit, what)
                return
            messages.append(message)
            if not message.get("more_body", False):
                break

        async def replay() -> dict:
            if messages:
                return messages.pop(0)
            return await receive()

        await self.app(scope, replay, send)

    async def refuse_too_large(self, send: Any, limit: int, what: str) -> None:
        await self.refuse(send, 413, "PAYLOAD_TOO_LARGE", f"the {what} exceeds the limit of {limit} bytes",
                          limit=limit)

    @staticmethod
    async def refuse(send: Any, status: int, code: str, message: str, **extra: object) -> None:
        body = orjson.dumps({"data": None, "errors": [{"message": message, "extensions": {"code": code, **extra}}]})
        await send({
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        })
        await send({"type": "http.response.body", "body": body})
