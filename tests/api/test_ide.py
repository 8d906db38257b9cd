"""GraphiQL is served with every asset from our own server (no CDN)."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from grassroots.ide import STATIC_DIR, VENDORED_FILES, graphiql_html, static_routes


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"


class OfflineGraphQL(GraphQL):
    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql_html())


class _AssetCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.attrs_seen: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("script", "link"):
            return
        attributes = dict(attrs)
        self.attrs_seen.append(attributes)
        url = attributes.get("src") if tag == "script" else attributes.get("href")
        if url:
            self.urls.append(url.strip())


def _app() -> Starlette:
    graphql_app = OfflineGraphQL(strawberry.Schema(query=Query))
    return Starlette(
        routes=[
            Route("/graphql", graphql_app),
            WebSocketRoute("/graphql", graphql_app),
            *static_routes(),
        ]
    )


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_graphiql_page_loads_only_local_assets(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "GraphiQL" in page
    assert "unpkg.com" not in page
    assert "integrity=" not in page

    collector = _AssetCollector()
    collector.feed(page)
    # data: URIs (the favicon) are inline, not fetched
    asset_urls = [u for u in collector.urls if not u.startswith("data:")]
    assert asset_urls, "no script/link assets found"
    for url in asset_urls:
        assert not url.startswith(("http://", "https://", "//")), url
        assert url.startswith("/static/graphiql/"), url
    assert len(asset_urls) == len(VENDORED_FILES)

    for url in asset_urls:
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 0, url
        name = url.rsplit("/", 1)[1]
        assert asset.content == (STATIC_DIR / name).read_bytes()


async def test_page_keeps_subscriptions_and_uses_endpoint() -> None:
    page = graphiql_html(endpoint="/api/graphql", static_prefix="/assets/gql/")
    assert 'new URL("/api/graphql", window.location.href)' in page
    # subscriptions over ws, derived from the endpoint as in strawberry's template
    assert "subscriptionUrl" in page
    assert "httpUrlToWebSockeUrl(fetchURL)" in page
    assert 'src="/assets/gql/graphiql.min.js"' in page
    # the endpoint cannot break out of the <script> element
    hostile = graphiql_html(endpoint="/g</script><script>alert(1)//")
    assert "</script><script>alert(1)" not in hostile


async def test_graphql_endpoint_still_answers_queries(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ hello }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "hi"}}


def test_every_vendored_file_is_listed_in_versions() -> None:
    versions = (STATIC_DIR / "VERSIONS.txt").read_text(encoding="utf-8")
    for name in VENDORED_FILES.values():
        assert (STATIC_DIR / name).stat().st_size > 0
        assert name in versions
