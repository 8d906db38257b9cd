"""The one place that knows how tortoise is configured, started, migrated and closed."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as _migrate

APP = "grassroots"
MODEL_MODULES = [
    "models.tree",
    "models.people",
    "models.workstations",
    "models.recruitment",
    "models.parameters",
    "models.access",
    "models.audit",
    "models.calendar",
    "models.meetings",
    "models.duties",
    "models.requests",
    "models.money",
]


class NoResetConnection(asyncpg.Connection):
    """A pooled PostgreSQL connection returned to the pool without asyncpg's reset statement
    (``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``), a second round trip
    after every statement. Nothing here leaves session state behind: no session-level advisory
    locks, cursors, LISTEN or SET (an open transaction is still rolled back by asyncpg)."""

    def get_reset_query(self) -> str:
        return ""


def _connection(database_url: str) -> str | dict[str, Any]:
    if database_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        config = expand_db_url(database_url)
        if config["engine"] == "tortoise.backends.asyncpg":
            config["credentials"]["connection_class"] = NoResetConnection
            return config
    return database_url


def tortoise_config(database_url: str) -> dict[str, Any]:
    if database_url.startswith("sqlite://"):
        path = database_url.removeprefix("sqlite://")
        if path not in (":memory:", "") and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            APP: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "Asia/Shanghai",
    }


# For the `tortoise` command line (makemigrations): tortoise -c grassroots.db.TORTOISE_ORM
TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL") or "sqlite://var/grassroots.sqlite3")


async def migrate(database_url: str) -> None:
    """Apply every migration (idempotent) in a context of its own, closed afterwards."""
    ctx = TortoiseContext()
    with ctx:
        try:
            await _migrate(config=tortoise_config(database_url))
        finally:
            await ctx.close_connections()


_context: TortoiseContext | None = None


async def start(database_url: str) -> TortoiseContext:
    """Open the process-wide context (the global fallback every task falls back to)."""
    global _context
    if _context is not None:
        await stop()
    ctx = TortoiseContext()
    with ctx:
        await ctx.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    _context = ctx
    return ctx


async def stop() -> None:
    """Close exactly the context ``start`` opened (an unclosed SQLite connection hangs exit)."""
    global _context
    if _context is not None:
        ctx, _context = _context, None
        await ctx.close_connections()
