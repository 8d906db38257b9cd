"""grassroots serve | worker | migrate | demo | schema"""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from grassroots.settings import ROOT, Settings


def _migrate(settings: Settings) -> None:
    from grassroots import db

    asyncio.run(db.migrate(settings.database_url))
    print(f"migrated {settings.database_url.split('@')[-1]}")


def _demo(settings: Settings) -> None:
    from grassroots import db
    from grassroots.demo import load_demo

    async def go() -> bool:
        await db.start(settings.database_url)
        try:
            return await load_demo()
        finally:
            await db.stop()

    print("demo district loaded" if asyncio.run(go()) else "database not empty: demo data not loaded")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grassroots", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the GraphQL API (and, embedded, the worker)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    sub.add_parser("worker", help="run arq workers as a separate process (needs REDIS_URL)")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("demo", help="load the demo district when the database is empty")
    schema = sub.add_parser("schema", help="print or write the GraphQL schema (SDL)")
    schema.add_argument("--write", action="store_true", help=f"write {ROOT / 'schema.graphql'}")
    args = parser.parse_args(argv)
    settings = Settings.from_env()

    if args.command == "migrate":
        _migrate(settings)
    elif args.command == "demo":
        _demo(settings)
    elif args.command == "schema":
        from schema.schema import sdl

        text = sdl()
        if args.write:
            Path(ROOT / "schema.graphql").write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    elif args.command == "serve":
        import uvicorn

        from grassroots.app import create_app

        uvicorn.run(create_app(settings), host=args.host or settings.host, port=args.port or settings.port,
                    log_level="info", ws="websockets-sansio")
    elif args.command == "worker":
        if not settings.redis_url:
            parser.error("REDIS_URL is required for separate worker processes (embedded mode runs the worker in the web process)")
        from arq.worker import run_worker

        from workers.settings import WorkerSettings

        WorkerSettings.redis_settings = __import__("workers.queue", fromlist=["redis_settings"]).redis_settings(settings.redis_url)  # type: ignore[attr-defined]
        run_worker(WorkerSettings)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
