"""The Starlette application: GraphQL over HTTP and websockets, GraphiQL served locally,
a health check that goes through the worker, and the lifespan that starts the database,
Redis (embedded or external) and, in the embedded mode, the arq worker."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from grassroots import db
from grassroots.bodylimit import BodySizeLimit
from grassroots.ide import graphiql_html, static_routes
from grassroots.settings import Settings
from resolvers.context import build_context
from schema.schema import build_schema
from workers import queue
from workers.broadcast import Broadcaster

log = logging.getLogger("grassroots")


class GrassrootsGraphQL(GraphQL):
    async def get_context(self, request: Any, response: Any = None) -> Any:
        return await build_context(request, response)

    async def on_ws_connect(self, context: Any) -> Any:
        """Authenticate subscriptions in the connection phase: the connection_init payload
        carries {"Authorization": "Bearer <token>"} (or an API key); anything else is refused."""
        from strawberry.exceptions import ConnectionRejectionError

        from resolvers.errors import Denied

        try:
            viewer = await context.authenticate_websocket()
        except Denied as exc:
            raise ConnectionRejectionError({"message": exc.message}) from None
        if not viewer.authenticated:
            raise ConnectionRejectionError({"message": "authentication required"})
        return {"username": viewer.label}

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_html())

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    schema = build_schema(production=settings.production, timeout_seconds=settings.execution_timeout_seconds)
    graphql = GrassrootsGraphQL(
        schema,
        keep_alive=True,
        graphql_ide=None if settings.production else "graphiql",
        multipart_uploads_enabled=True,
        allow_queries_via_get=False,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        gc.set_threshold(100_000, 50, 100)  # large responses: see ENGINEERING.md
        async with contextlib.AsyncExitStack() as stack:
            await db.start(settings.database_url)
            stack.push_async_callback(db.stop)
            if settings.redis_url:
                redis = queue.redis_settings(settings.redis_url)
            else:
                embedded = queue.EmbeddedRedis(settings.data_dir)
                stack.callback(embedded.close)
                redis = embedded.settings()
            app.state.pool = await queue.open_pool(redis)
            stack.push_async_callback(app.state.pool.aclose)
            app.state.broadcaster = Broadcaster(app.state.pool)
            if settings.embedded_worker:
                worker = queue.build_worker(redis, in_process=True)
                task = asyncio.create_task(worker.async_run())

                async def stop_worker() -> None:
                    await worker.close()
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

                stack.push_async_callback(stop_worker)
            yield

    async def healthz(request: Request) -> JSONResponse:
        try:
            result = await queue.run_and_wait(request.app.state.pool, "ping", timeout=5)
        except TimeoutError:
            return JSONResponse({"ok": False, "error": "no worker answered within 5 s"}, status_code=503)
        except Exception as exc:  # report, do not crash
            return JSONResponse({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, status_code=503)
        return JSONResponse({"ok": True, "worker": result})

    async def home(request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    routes = [
        Route("/", home),
        Route("/healthz", healthz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        *static_routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(
        BodySizeLimit, max_body_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes)])
    app.state.settings = settings
    return app
