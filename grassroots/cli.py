"""grassroots serve | worker | migrate | demo | bootstrap | system-admin | schema"""
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


async def _bootstrap(settings: Settings, name: str, code: str, username: str, display_name: str, password: str) -> str:
    from tortoise.transactions import in_transaction

    from grassroots import db
    from grassroots.demo import create_district, create_user
    from models.access import User
    from models.tree import Node
    from policy.kinds import NodeKind, Role

    if len(password) < 10:
        raise ValueError("the password needs at least 10 characters")
    await db.start(settings.database_url)
    try:
        if await Node.filter(kind=NodeKind.DISTRICT, code=code).exists():
            raise ValueError(f"a district with code {code!r} exists already")
        if await User.filter(username=username).exists():
            raise ValueError(f"username {username!r} is taken")
        async with in_transaction():
            district = await create_district(name, code)
            first = not await User.filter(is_system_admin=True).exists()  # a fresh installation
            await create_user(username, display_name, password, [(Role.ADMIN, district)], system_admin=first)
        return f"district {name} ({code}) created with administrator {username}" + (
            " (also the system administrator)" if first else "")
    finally:
        await db.stop()


async def _system_admin(settings: Settings, username: str, revoke: bool) -> str:
    """The system administrator owns what every district shares (the working-day calendar); only
    the operator names one, here, never through the API."""
    from grassroots import db
    from models.access import User

    await db.start(settings.database_url)
    try:
        if not await User.filter(username=username).update(is_system_admin=not revoke):
            raise ValueError(f"no user {username!r}")
        return f"{username} is {'no longer ' if revoke else ''}a system administrator"
    finally:
        await db.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grassroots", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the GraphQL API (and, embedded, the worker)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    sub.add_parser("worker", help="run arq workers as a separate process (needs REDIS_URL)")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("demo", help="load the demo district when the database is empty")
    boot = sub.add_parser("bootstrap", help="create a district and its first administrator (fresh installation)")
    boot.add_argument("--district", required=True, help="the district's name, e.g. 临江新区")
    boot.add_argument("--code", required=True, help="the district's code, e.g. LJ")
    boot.add_argument("--admin", required=True, help="the administrator's username")
    boot.add_argument("--display-name", default="系统管理员")
    sysadm = sub.add_parser("system-admin", help="make a user the system administrator (the national working-day calendar)")
    sysadm.add_argument("username")
    sysadm.add_argument("--revoke", action="store_true", help="take the system administrator's right away")
    schema = sub.add_parser("schema", help="print or write the GraphQL schema (SDL)")
    schema.add_argument("--write", action="store_true", help=f"write {ROOT / 'schema.graphql'}")
    args = parser.parse_args(argv)
    settings = Settings.from_env()

    if args.command == "migrate":
        _migrate(settings)
    elif args.command == "demo":
        _demo(settings)
    elif args.command == "bootstrap":
        import getpass
        import os

        password = os.environ.get("GRASSROOTS_ADMIN_PASSWORD") or getpass.getpass(f"password for {args.admin}: ")
        try:
            print(asyncio.run(_bootstrap(settings, args.district, args.code, args.admin, args.display_name, password)))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    elif args.command == "system-admin":
        try:
            print(asyncio.run(_system_admin(settings, args.username, args.revoke)))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
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
