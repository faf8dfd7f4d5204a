"""The ``tobira`` command: serve, demo, chat, staff add, line check, migrate, purge."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import os
import secrets
import sys
from pathlib import Path

DATA_DIR = Path(".tobira")
DEMO_STAFF = ("demo", "demo-caseworker-2026")


def _local_defaults(db_name: str) -> None:
    """Embedded defaults for a machine with nothing configured: a SQLite file and a local key."""
    DATA_DIR.mkdir(exist_ok=True)
    os.environ.setdefault("TOBIRA_DATABASE_URL", f"sqlite:///{DATA_DIR / db_name}")
    if not os.environ.get("TOBIRA_SECRET_KEY"):
        key_file = DATA_DIR / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(32))
            key_file.chmod(0o600)
        os.environ["TOBIRA_SECRET_KEY"] = key_file.read_text().strip()


def _settings():  # type: ignore[no-untyped-def]
    from bot.settings import Settings

    try:
        return Settings()
    except Exception as exc:  # pydantic's message names the setting
        raise SystemExit(f"configuration error: {exc}") from exc


# ---------------------------------------------------------------------------- serve / demo


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = _settings()
    settings.require_secret()
    from bot.app import create_app

    create_app(settings)  # fail fast on a broken city YAML or secret before binding the port
    uvicorn.run(
        "bot.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=settings.workers,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _local_defaults("demo.db")
    settings = _settings()
    from bot.db import migrate

    migrate(settings.database_url)
    asyncio.run(_ensure_staff(settings.database_url, *DEMO_STAFF, "admin"))
    base = f"http://{args.host}:{args.port}"
    print(
        "\n".join(
            [
                "tobira demo — embedded mode (SQLite file .tobira/demo.db, fictional city とびら市)",
                f"  a city page with the chat widget:  {base}/demo",
                f"  caseworker console: {base}/console/   user {DEMO_STAFF[0]} / password {DEMO_STAFF[1]}",
                "  or talk to the bot in another terminal:   .venv/bin/tobira chat",
                "  (after you consent there, reload the console's queue: the widget updates it live)",
                f"  health: {base}/healthz   metrics: {base}/metrics",
                "Stop with Ctrl+C.",
            ]
        ),
        flush=True,
    )
    args_serve = argparse.Namespace(host=args.host, port=args.port)
    return cmd_serve(args_serve)


async def _ensure_staff(url: str, username: str, password: str, role: str) -> None:
    from sqlmodel import select

    from bot.db import Database
    from handoff.auth import create_staff
    from handoff.models import Staff

    db = Database(url)
    try:
        async with db.session() as s:
            if (await s.exec(select(Staff).where(Staff.username == username))).first() is None:
                await create_staff(s, username, password, role)
    finally:
        await db.dispose()


# ---------------------------------------------------------------------------- staff


def cmd_staff_add(args: argparse.Namespace) -> int:
    settings = _settings()
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            print("the passwords differ", file=sys.stderr)
            return 2
    from bot.db import Database, migrate
    from handoff.auth import AuthError, create_staff

    migrate(settings.database_url)

    async def add() -> None:
        db = Database(settings.database_url)
        try:
            async with db.session() as s:
                await create_staff(s, args.username, password, args.role, args.agency or "")
        finally:
            await db.dispose()

    try:
        asyncio.run(add())
    except AuthError as exc:
        print(f"not added: {exc}", file=sys.stderr)
        return 1
    print(f"added {args.username} ({args.role})")
    return 0


# ---------------------------------------------------------------------------- chat


def cmd_chat(args: argparse.Namespace) -> int:
    _local_defaults("demo.db")
    return asyncio.run(_chat(args.name))


async def _chat(name: str) -> int:
    from bot.app import create_app
    from bot.messages import Inbound

    app = create_app(_settings())
    async with app.router.lifespan_context(app):
        service = app.state.service
        print(
            "tobira chat — type a number to choose, or write freely. Ctrl+D to leave.\n", flush=True
        )
        reply = await service.handle(Inbound("cli", name, _now(), event="follow"))
        while True:
            for message in reply.messages:
                print(f"bot> {message}\n".replace("\n", "\n     ").rstrip() + "\n", flush=True)
            for i, option in enumerate(reply.options, 1):
                print(f"  [{i}] {option.label}")
            try:
                line = input("you> ").strip()
            except EOFError:
                print()
                return 0
            if not line:
                continue
            if line.isdigit() and 1 <= int(line) <= len(reply.options):
                reply = await service.handle(
                    Inbound("cli", name, _now(), code=reply.options[int(line) - 1].code)
                )
            else:
                reply = await service.handle(Inbound("cli", name, _now(), text=line))


def _now() -> dt.datetime:
    override = os.environ.get("TOBIRA_CHAT_NOW")  # lets a scripted session pretend days have passed
    return dt.datetime.fromisoformat(override) if override else dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------------------- line / housekeeping


def cmd_line_check(args: argparse.Namespace) -> int:
    from bot.channels.line_check import check

    return int(asyncio.run(check(_settings())))


def cmd_migrate(args: argparse.Namespace) -> int:
    """Upgrade the schema once, as its own deploy step (safe while workers run or start)."""
    settings = _settings()
    from bot.db import migrate

    print(f"database schema at revision {migrate(settings.database_url)}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from bot.app import create_app

    async def run() -> int:
        app = create_app(_settings())
        async with app.router.lifespan_context(app):
            return int(await app.state.service.purge_expired(dt.datetime.now(dt.UTC)))

    print(f"deleted {asyncio.run(run())} conversations past the retention period")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tobira", description="tobira — the anonymous front door")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser(
        "demo", help="run on the embedded default with the demo city and a demo account"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=cmd_demo)

    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument(
        "--name", default="local", help="who you are to the bot (kept only as a keyed hash)"
    )
    chat.set_defaults(func=cmd_chat)

    staff = sub.add_parser("staff", help="console accounts")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="create a console account")
    add.add_argument("username")
    add.add_argument("--role", choices=("staff", "supervisor", "admin"), default="staff")
    add.add_argument("--agency", default="")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(func=cmd_staff_add)

    line = sub.add_parser("line", help="LINE Official Account")
    line_sub = line.add_subparsers(dest="line_command", required=True)
    check = line_sub.add_parser("check", help="verify the channel credentials and webhook settings")
    check.set_defaults(func=cmd_line_check)

    migrate = sub.add_parser("migrate", help="upgrade the database schema (once, under a lock)")
    migrate.set_defaults(func=cmd_migrate)

    purge = sub.add_parser("purge", help="run the retention purge now (docs/PRIVACY.md)")
    purge.set_defaults(func=cmd_purge)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
