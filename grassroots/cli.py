"""grassroots serve | worker | migrate | demo | bootstrap | system-admin | schema"""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from grassroots.settings import ROOT, Settings, SettingsError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging() -> None:
    """The server's and the worker's own lines (grassroots.*, arq's job start/finish) at INFO
    on stderr, next to uvicorn's."""
    import logging

    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    for name in ("grassroots", "arq"):
        logging.getLogger(name).setLevel(logging.INFO)


def listening_socket(host: str, port: int, *, reuse_port: bool = False):
    """A TCP listening socket created as a TCP socket (IPPROTO_TCP), so that asyncio sets
    TCP_NODELAY on every accepted connection, and with TCP_NODELAY set on it as well (Linux
    passes it on to accepted sockets). With ``reuse_port`` several processes bind the same port
    and the kernel spreads connections across them (SO_REUSEPORT)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _serve_one(settings: Settings, host: str, port: int, reuse_port: bool) -> None:
    import uvicorn

    from grassroots.app import create_app

    configure_logging()
    sock = listening_socket(host, port, reuse_port=reuse_port)
    config = uvicorn.Config(create_app(settings), log_level="info", ws="websockets-sansio",
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its clean shutdown: nothing to report
        pass
    finally:
        sock.close()


def run_processes(target, args: tuple, processes: int, name: str) -> int:
    """``processes`` spawned processes each running ``target(*args)``; SIGTERM / SIGINT are passed
    on to all of them; 0 when every one ended cleanly."""
    import multiprocessing
    import os
    import signal

    ctx = multiprocessing.get_context("spawn")
    children = [ctx.Process(target=target, args=args, name=f"{name}-{i}") for i in range(processes)]
    for child in children:
        child.start()

    def forward(signum: int, frame: object) -> None:
        for child in children:
            if child.is_alive() and child.pid:
                os.kill(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for child in children:
        child.join()
    return 0 if all(c.exitcode in (0, -signal.SIGTERM) for c in children) else 1


def _serve(settings: Settings, host: str, port: int, processes: int) -> int:
    """One process, or ``processes`` independent ones each binding the port with SO_REUSEPORT
    (each its own uvicorn, lifespan and worker); SIGTERM / SIGINT are passed on to all of them."""
    if processes <= 1:
        _serve_one(settings, host, port, reuse_port=False)
        return 0
    return run_processes(_serve_one, (settings, host, port, True), processes, "grassroots-serve")


async def _worker(settings: Settings) -> None:
    """Separate worker process: the database once, and arq's loop restarted after Redis faults."""
    import signal

    from grassroots import db
    from workers import queue

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await db.start(settings.database_url)
    try:
        await queue.run_worker(queue.redis_settings(settings.redis_url or ""), stop=stop, namespace=settings.namespace)
    finally:
        await db.stop()


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
    serve.add_argument("--processes", type=int, default=1,
                       help="independent server processes sharing the port (SO_REUSEPORT); more than 1 needs REDIS_URL")
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
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    if args.command == "migrate":
        from models.duplicates import DuplicateRows

        try:
            _migrate(settings)
        except DuplicateRows as exc:  # rows to resolve by hand: the message says which and how
            print(f"error: {exc}", file=sys.stderr)
            return 2
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
        if args.processes > 1 and not settings.redis_url:
            parser.error("--processes above 1 needs REDIS_URL (the embedded Redis and worker serve one process)")
        return _serve(settings, args.host or settings.host, args.port or settings.port, args.processes)
    elif args.command == "worker":
        if not settings.redis_url:
            parser.error("REDIS_URL is required for separate worker processes (embedded mode runs the worker in the web process)")
        configure_logging()
        asyncio.run(_worker(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
