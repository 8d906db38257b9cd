"""The Starlette application: GraphQL over HTTP and websockets, GraphiQL served locally,
a health check that goes through the worker, and the lifespan that starts the database,
Redis (embedded or external) and, in the embedded mode, the arq worker."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL

from grassroots import db
from grassroots.bodylimit import BodySizeLimit
from grassroots.ide import graphiql_html, static_routes
from grassroots.settings import Settings
from schema.context import build_context
from schema.schema import build_schema
from workers import queue
from workers.broadcast import Broadcaster

log = logging.getLogger("grassroots")


GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


def negotiate(accept: str | None) -> str:
    """The media type of a GraphQL answer (GraphQL over HTTP): application/graphql-response+json
    when the client asks for it at least as strongly as application/json; application/json when
    there is no Accept header, for */*, or when it is preferred."""
    if not accept:
        return "application/json"
    best: dict[str, float] = {}
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        best[media] = max(q, best.get(media, 0.0))
    new = best.get(GRAPHQL_RESPONSE_JSON, 0.0)
    old = max(best.get("application/json", 0.0), best.get("application/*", 0.0), best.get("*/*", 0.0))
    return GRAPHQL_RESPONSE_JSON if new > 0 and new >= old else "application/json"


def is_request_error(result: Any) -> bool:
    """A request error (the document does not parse or validate, or the variables do not coerce):
    no data and no error with a path, as opposed to a field error that nulled the root."""
    errors = getattr(result, "errors", None)
    return bool(errors) and getattr(result, "data", None) is None and all(not e.path for e in errors)


class TextFrameWebSocketAdapter(ASGIWebSocketAdapter):
    """graphql-transport-ws messages as text frames: standard clients (npm graphql-ws, GraphiQL)
    close the connection with 4004 on a binary frame."""

    async def send_json(self, message: Any) -> None:
        from starlette.websockets import WebSocketDisconnect
        from strawberry.http.exceptions import WebSocketDisconnected

        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GrassrootsGraphQL(GraphQL):
    websocket_adapter_class = TextFrameWebSocketAdapter  # type: ignore[assignment]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        from starlette.requests import ClientDisconnect
        from starlette.websockets import WebSocketDisconnect

        try:
            await super().__call__(scope, receive, send)
        except (ClientDisconnect, WebSocketDisconnect, ConnectionError) as exc:
            # a client that goes away mid-request is routine: one line, no traceback
            log.info("client disconnected during %s %s (%s)", scope.get("method", "websocket"), scope.get("path"),
                     type(exc).__name__)

    async def get_sub_response(self, request: Any) -> Any:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = negotiate(request.headers.get("accept"))
        return sub_response

    async def process_result(self, request: Any, result: Any) -> Any:
        data = await super().process_result(request, result)
        if negotiate(request.headers.get("accept")) == GRAPHQL_RESPONSE_JSON and is_request_error(result):
            # GraphQL over HTTP: a request error is a 400 without a data entry
            data.pop("data", None)
        return data

    def create_response(self, response_data: Any, sub_response: Any) -> Any:
        response = super().create_response(response_data, sub_response)
        media = getattr(sub_response, "media_type", None) or "application/json"
        response.headers["content-type"] = media
        if media == GRAPHQL_RESPONSE_JSON and isinstance(response_data, dict) and "data" not in response_data \
                and response.status_code == 200:
            response.status_code = 400
        return response

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
    schema = build_schema(production=settings.production, timeout_seconds=settings.execution_timeout_seconds,
                          max_cost=settings.max_query_cost)
    graphql = GrassrootsGraphQL(
        schema,
        keep_alive=True,
        graphql_ide=None if settings.production else "graphiql",
        multipart_uploads_enabled=True,
        allow_queries_via_get=False,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        gc.set_threshold(100_000, 50, 100)  # large responses: see docs/operations.md, "Performance notes"
        async with contextlib.AsyncExitStack() as stack:
            await db.start(settings.database_url)
            stack.push_async_callback(db.stop)
            if settings.redis_url:
                redis = queue.redis_settings(settings.redis_url)
            else:
                embedded = queue.EmbeddedRedis(settings.data_dir)
                stack.callback(embedded.close)
                redis = embedded.settings()
            app.state.pool = await queue.open_pool(redis, settings.namespace)
            stack.push_async_callback(app.state.pool.aclose)
            app.state.broadcaster = Broadcaster(app.state.pool, settings.namespace)
            # what start-up built (modules, the schema, pools) lives as long as the process: moved out
            # of the collector's sight, so a large response's collections do not walk it again and again
            gc.collect()
            gc.freeze()
            if settings.embedded_worker:
                stop = asyncio.Event()
                task = asyncio.create_task(queue.run_worker(redis, stop=stop, namespace=settings.namespace))

                async def stop_worker() -> None:
                    stop.set()
                    await task

                stack.push_async_callback(stop_worker)
            yield

    async def healthz(request: Request) -> JSONResponse:
        try:
            result = await queue.run_and_wait(request.app.state.pool, "ping", timeout=5)
        except TimeoutError:
            return JSONResponse({"ok": False, "error": "no worker answered within 5 s"}, status_code=503)
        except Exception:  # report, do not crash; the exception's text (addresses, say) stays in the log
            error_id = uuid.uuid4().hex[:12]
            log.exception("health check failed (error id %s)", error_id)
            return JSONResponse({"ok": False, "error": f"the worker queue is unavailable (error id {error_id})",
                                 "errorId": error_id}, status_code=503)
        return JSONResponse({"ok": True, "worker": result})

    async def payroll_download(request: Request) -> Response:
        """The payroll as a file (/exports/payroll/<global id>.xlsx|.csv), authenticated like
        /graphql (Authorization: Bearer, or an API key); out of scope answers like missing: 404."""
        from urllib.parse import quote

        from resolvers import exports
        from resolvers.errors import Denied, Unauthenticated
        from resolvers.viewer import viewer_from_headers
        from schema.common import from_global_id

        name, fmt = request.path_params["name"], request.path_params["fmt"]
        try:
            viewer = await viewer_from_headers(request.headers)
            viewer.require_authenticated()
        except Unauthenticated as exc:
            return JSONResponse({"error": exc.reason}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        try:
            type_name, pk = from_global_id(name)
            if type_name != "Payroll" or fmt not in exports.CONTENT_TYPES:
                raise ValueError
            f = await exports.payroll_file(viewer, pk, fmt)
        except (ValueError, Denied):
            return JSONResponse({"error": "NOT_FOUND"}, status_code=404)
        disposition = f"attachment; filename=\"{f.ascii_file_name}\"; filename*=UTF-8''{quote(f.file_name)}"
        return Response(f.content, media_type=f.content_type,
                        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})

    async def home(request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    routes = [
        Route("/healthz", healthz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/exports/payroll/{name}.{fmt}", payroll_download, methods=["GET"]),
        WebSocketRoute("/graphql", graphql),
    ]
    if not settings.production:  # production serves the API only: no IDE, its assets or a page leading there
        routes += [Route("/", home), *static_routes()]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(
        BodySizeLimit, max_body_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes)])
    app.state.settings = settings
    return app
