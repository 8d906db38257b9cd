"""GraphiQL served entirely from our own server (no CDN; for offline intranets).

strawberry's GraphiQL page (``strawberry/static/graphiql.html``) loads React,
GraphiQL, the explorer plugin and js-cookie from unpkg.com.  The same files,
byte for byte, are vendored in ``grassroots/static/graphiql/`` (see
``VERSIONS.txt`` there); :func:`graphiql_html` rewrites strawberry's own
template to load them from ``static_prefix`` and :func:`static_routes` serves
them.  Subscriptions keep working as in strawberry's template: the page derives
the ``ws://``/``wss://`` URL from the (absolute) GraphQL endpoint URL.

Usage::

    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route, WebSocketRoute
    from strawberry.asgi import GraphQL

    from grassroots.ide import graphiql_html, static_routes


    class GrassrootsGraphQL(GraphQL):
        async def render_graphql_ide(self, request):
            return HTMLResponse(graphiql_html())


    graphql_app = GrassrootsGraphQL(schema)
    app = Starlette(
        routes=[
            Route("/graphql", graphql_app),
            WebSocketRoute("/graphql", graphql_app),
            *static_routes(),
        ]
    )

If the IDE must be off in production, pass ``graphql_ide=None`` to the
``GraphQL`` constructor (strawberry then answers 404 instead of calling
``render_graphql_ide``).
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from strawberry.http.ides import get_graphql_ide_html

__all__ = ["STATIC_DIR", "VENDORED_FILES", "graphiql_html", "static_routes"]

STATIC_DIR = Path(__file__).resolve().parent / "static" / "graphiql"

# (npm package, path inside the package) -> vendored file name.  The version in
# the CDN URL is ignored on purpose: VERSIONS.txt records what is vendored.
VENDORED_FILES: dict[tuple[str, str], str] = {
    ("react", "umd/react.production.min.js"): "react.production.min.js",
    ("react-dom", "umd/react-dom.production.min.js"): "react-dom.production.min.js",
    ("js-cookie", "dist/js.cookie.min.js"): "js.cookie.min.js",
    ("graphiql", "graphiql.min.js"): "graphiql.min.js",
    ("graphiql", "graphiql.min.css"): "graphiql.min.css",
    ("@graphiql/plugin-explorer", "dist/index.umd.js"): "plugin-explorer.umd.js",
    ("@graphiql/plugin-explorer", "dist/style.css"): "plugin-explorer.css",
}

# https://unpkg.com/<package>@<version>/<path>  (package may be @scope/name)
_CDN_URL = re.compile(
    r"https?://(?:unpkg\.com|cdn\.jsdelivr\.net/npm)/"
    r"(?P<package>(?:@[\w.-]+/)?[\w.-]+)@(?P<version>[\w.-]+)/(?P<path>[^\"'\s>]+)"
)
# Attributes that only make sense for cross-origin CDN loads.
_CDN_ATTRIBUTES = re.compile(r"\s+(?:integrity=\"[^\"]*\"|crossorigin(?:=\"[^\"]*\")?)(?=[\s>/])")
# Any remaining absolute (or protocol-relative) src/href means an asset we do not vendor.
_REMOTE_ASSET = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
_FETCH_URL_LINE = 'const fetchURL = window.location.href.split("?")[0];'


def _script_string(value: str) -> str:
    """A JS string literal that is also safe inside an HTML <script> element."""
    return (
        json.dumps(value)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


@lru_cache(maxsize=8)
def graphiql_html(endpoint: str = "/graphql", static_prefix: str = "/static/graphiql") -> str:
    """strawberry's GraphiQL page, loading every asset from ``static_prefix``.

    ``endpoint`` is the GraphQL URL (relative to the page or absolute); the
    page POSTs queries there and opens subscriptions on its ``ws(s)://`` twin.
    Raises ``RuntimeError`` if strawberry's template references an asset that
    is not vendored (e.g. after a strawberry upgrade) instead of silently
    falling back to the CDN.
    """
    template = get_graphql_ide_html("graphiql")
    prefix = static_prefix.rstrip("/")

    def local_url(match: re.Match[str]) -> str:
        key = (match["package"], match["path"])
        try:
            name = VENDORED_FILES[key]
        except KeyError:
            raise RuntimeError(
                f"strawberry's GraphiQL template loads {match[0]}, which is not vendored "
                f"in {STATIC_DIR}; vendor it and add it to VENDORED_FILES"
            ) from None
        return html.escape(f"{prefix}/{name}", quote=True)

    page = _CDN_URL.sub(local_url, template)
    page = _CDN_ATTRIBUTES.sub("", page)
    if _REMOTE_ASSET.search(page):
        raise RuntimeError("strawberry's GraphiQL template still references a remote asset")

    if _FETCH_URL_LINE not in page:
        raise RuntimeError("strawberry's GraphiQL template no longer defines fetchURL as expected")
    page = page.replace(
        _FETCH_URL_LINE,
        f"const fetchURL = new URL({_script_string(endpoint)}, window.location.href).toString();",
    )
    return page


def static_routes() -> list[Mount]:
    """Routes serving the vendored GraphiQL assets at ``/static/graphiql``."""
    return [
        Mount(
            "/static/graphiql",
            app=StaticFiles(directory=STATIC_DIR),
            name="graphiql-static",
        )
    ]
