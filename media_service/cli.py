"""The ``tolk`` command: serve, demo, token create, doctor."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable

import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from media_service.app import create_app
from media_service.auth import create_token
from media_service.config import Settings, get_settings
from media_service.db import make_engine, make_session_factory, migrate, session_scope
from media_service.demo import fill_demo_library
from media_service.doctor import run_checks
from media_service.storage import Storage


def _open(settings: Settings) -> tuple[sessionmaker[Session], Storage]:
    """Database (migrated) and storage, for commands that run outside the web service."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url)
    sessions = make_session_factory(make_engine(settings.resolved_database_url))
    return sessions, Storage(settings.files_dir, settings.scratch_dir)


def serve(args: argparse.Namespace) -> int:
    uvicorn.run(create_app(get_settings()), host=args.host, port=args.port, log_level="info")
    return 0


def demo(_args: argparse.Namespace) -> int:
    settings = get_settings()
    sessions, storage = _open(settings)
    created = asyncio.run(fill_demo_library(settings, sessions, storage))
    if created:
        print(f"demo content added: items {', '.join(map(str, created))}")
    else:
        print("the library already has content; no demo content added")
    return 0


def token_create(args: argparse.Namespace) -> int:
    sessions, _storage = _open(get_settings())
    with session_scope(sessions) as session:
        token = create_token(session, args.name)
    print(token)
    return 0


def doctor(_args: argparse.Namespace) -> int:
    failures = 0
    for check in run_checks(get_settings()):
        print(f"[{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
        failures += not check.ok
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tolk", description="Tolk media service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the web service")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.set_defaults(handler=serve)
    commands.add_parser("demo", help="fill an empty library with demo content").set_defaults(handler=demo)
    token = commands.add_parser("token", help="API tokens").add_subparsers(dest="action", required=True)
    create = token.add_parser("create", help="make a token and print it (shown once)")
    create.add_argument("name", help="who or what the token is for")
    create.set_defaults(handler=token_create)
    commands.add_parser("doctor", help="check ffmpeg, PyAV, database and storage").set_defaults(
        handler=doctor
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
