"""The per-request GraphQL context: the caller, the locale, the request, and fresh DataLoaders
(never shared between requests)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from resolvers import events
from resolvers.errors import Denied, Unauthenticated
from resolvers.messages import locale_from
from resolvers.viewer import Viewer, viewer_from_headers


@dataclass
class Context:
    viewer: Viewer
    locale: str
    loaders: Any  # schema.loaders.Loaders, created per request
    request: Any = None
    response: Any = None
    broadcaster: Any = None  # workers.broadcast.Broadcaster
    connection_params: dict[str, Any] | None = None  # websocket: the connection_init payload
    extras: dict[str, Any] = field(default_factory=dict)

    async def authenticate_websocket(self) -> Viewer:
        """Subscriptions authenticate in the connection phase, from the connection_init payload."""
        from schema.loaders import Loaders

        headers = {str(k).lower(): v for k, v in (self.connection_params or {}).items()}
        self.viewer = await viewer_from_headers(headers)
        self.loaders = Loaders(self.viewer)
        if "accept-language" in headers:
            self.locale = locale_from(headers["accept-language"])
        return self.viewer

    async def recheck_websocket(self) -> Viewer:
        """A live subscription's credential, checked again (Denied once the token is revoked or
        expired, the user deactivated or the key revoked); grants are re-read as well."""
        params = self.connection_params
        if params is None and self.request is not None:  # not a websocket: the request's own headers
            params = dict(self.request.headers)
        headers = {str(k).lower(): v for k, v in (params or {}).items()}
        viewer = await viewer_from_headers(headers, touch=False)
        if not viewer.authenticated:
            raise Unauthenticated()
        self.viewer = viewer
        return viewer


async def build_context(request: Any, response: Any = None) -> Context:
    from schema.loaders import Loaders

    headers = dict(request.headers) if request is not None else {}
    try:
        viewer = await viewer_from_headers(headers)
    except Denied as exc:  # bad credentials: every field that needs a caller says so
        viewer = Viewer(credential_error=exc.reason)
    app = getattr(request, "app", None)
    broadcaster = getattr(getattr(app, "state", None), "broadcaster", None)
    events.use_publisher(broadcaster)  # this request's committed changes go to its live subscribers
    return Context(
        viewer=viewer,
        locale=locale_from(headers.get("accept-language")),
        loaders=Loaders(viewer),
        request=request,
        response=response,
        broadcaster=broadcaster,
    )
