"""The ``tolk`` command: serve, demo, worker, user add, token create, doctor."""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import logging
import logging.config
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from media_service.auth import Actor
from media_service.config import Settings, get_settings, without_password
from media_service.db import make_engine, make_session_factory, migrate, session_scope
from media_service.errors import ServiceError
from media_service.logs import log_config
from media_service.models import JobState, User, UserRole
from media_service.services import accounts, audit
from media_service.storage import Storage, open_storage

# The web app, the job system, the demo and the doctor are imported by the commands that use
# them: account commands then start in a fraction of the time (no FastAPI, no ffmpeg code).
if TYPE_CHECKING:
    from media_service.jobs.queue import JobQueue
    from media_service.jobs.worker import WorkerPool

SHUTDOWN_GRACE_SECONDS = 5
# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms).
# Work in worker threads (parsing a caption file, rendering a page) hands the GIL back at
# every database call; with 5 ms each hand-over, a request of a few hundred such calls waited
# seconds behind one long parse. 1 ms keeps the event loop and short requests moving.
GIL_SWITCH_INTERVAL_SECONDS = 0.001


def _open(settings: Settings) -> tuple[sessionmaker[Session], Storage]:
    """Database (migrated) and storage, for commands that run outside the web service."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url)
    sessions = make_session_factory(make_engine(settings.resolved_database_url))
    return sessions, open_storage(settings)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from media_service.app import create_app, prepare_for_requests
    from media_service.zero_copy import PROTOCOL

    sys.setswitchinterval(GIL_SWITCH_INTERVAL_SECONDS)
    settings = get_settings()
    app = create_app(settings)
    prepare_for_requests(app)
    _freeze_startup_objects()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="info",
        log_config=log_config(settings.log_format),
        # httptools, with files sent by the kernel's sendfile (media_service/zero_copy.py).
        http=PROTOCOL,
        access_log=settings.log_format != "json",
        # Forwarding headers are believed only from the proxies the operator names.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        # Open progress streams (Server-Sent Events) would hold a shutdown until their jobs end.
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )
    return 0


def _freeze_startup_objects() -> None:
    """Leave the objects made while starting (modules, classes, routes, mappers: about 240,000)
    out of the garbage collector's passes from now on.

    Every full collection went through all of them: 100 ms and more, paused in the middle of
    whatever request was running, and a third of a catalogue page's time in collections
    (bench/catalogue.py). They live as long as the process, so there is nothing to collect.
    """
    gc.collect()
    gc.freeze()


@contextmanager
def _workers(
    settings: Settings, sessions: sessionmaker[Session], storage: Storage, queue: JobQueue, count: int
) -> Iterator[WorkerPool]:
    """Job workers in this process while the block runs; running jobs are given back after."""
    from media_service.app import job_handlers
    from media_service.jobs.worker import JobRunner, WorkerPool

    pool = WorkerPool(JobRunner(settings, sessions, storage, queue, handlers=job_handlers()), count)
    pool.start()
    try:
        yield pool
    finally:
        pool.stop()


def demo(args: argparse.Namespace) -> int:
    from media_service.demo import fill_demo_library
    from media_service.jobs.queue import JobQueue
    from media_service.jobs.worker import wait_for_jobs

    settings = get_settings()
    sessions, storage = _open(settings)
    queue = JobQueue(settings)
    try:
        created, jobs = asyncio.run(fill_demo_library(settings, sessions, storage, queue))
        if not created:
            print("the library already has content; no demo content added")
            return 0
        print(f"demo content added: items {', '.join(map(str, created))}")
        if not args.wait:
            print(f"variants ordered (jobs {', '.join(map(str, jobs))}); `tolk serve` makes them")
            return 0
        with _workers(settings, sessions, storage, queue, max(1, settings.workers)):
            states = wait_for_jobs(sessions, jobs, report=print)
        return 0 if all(state is JobState.DONE for state in states.values()) else 1
    finally:
        queue.close()


def worker(args: argparse.Namespace) -> int:
    """Run job workers alone, e.g. on another machine sharing the database, the store and Redis."""
    from media_service.jobs.queue import JobQueue
    from media_service.services.cleanup import sweep_orphans

    settings = get_settings()
    logging.config.dictConfig(log_config(settings.log_format))
    sessions, storage = _open(settings)
    # What this worker's earlier life was moving into the store when it died is marked on its
    # own disk alone: only it can remove such files at once (the service's sweeper, elsewhere,
    # waits out their grace period).
    sweep_orphans(sessions, storage)
    queue = JobQueue(settings)
    count = args.workers or max(1, settings.workers)
    if settings.worker_metrics_port:
        from media_service.metrics import serve_worker_metrics

        serve_worker_metrics(settings.worker_metrics_port)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    where = without_password(settings.queue_url or "") if queue.uses_redis else settings.data_dir / "queue.db"
    with _workers(settings, sessions, storage, queue, count):
        print(f"tolk worker: {count} worker(s) taking jobs from {where}; stop with Ctrl+C", flush=True)
        while not stop.wait(1):
            pass
        print("stopping: running jobs are given back to the queue", flush=True)
    queue.close()
    return 0


def token_create(args: argparse.Namespace) -> int:
    """Make an API token (``--user``: acting as that account) and print it; the log records it."""
    sessions, _storage = _open(get_settings())
    try:
        with session_scope(sessions) as session:
            owner = None
            if args.user:
                owner = accounts.find_user(session, args.user)
                if owner is None:
                    print(f"tolk: there is no account named {args.user!r}", file=sys.stderr)
                    return 1
            token, plaintext = accounts.issue_token(session, owner, args.name)
            audit.record(
                session,
                Actor.operator(),
                "create_token",
                summary="Make an API token",
                details={"name": token.name, "username": owner.username if owner else None},
            )
    except ServiceError as error:
        print(f"tolk: {error.message}", file=sys.stderr)
        return 1
    print(plaintext)
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        print("tolk: the passwords differ", file=sys.stderr)
        return None
    return password


def user_add(args: argparse.Namespace) -> int:
    """Add an editor or admin account; the password is asked for (or read from stdin)."""
    password = _read_password(args.password_stdin)
    if password is None:
        return 1
    sessions, _storage = _open(get_settings())
    try:
        with session_scope(sessions) as session:
            user = accounts.add_user(
                session, args.username, password, role=UserRole(args.role), display_name=args.name
            )
            audit.record(
                session,
                Actor.operator(),
                "add_user",
                summary="Add an account",
                details={"username": user.username, "role": user.role.value},
            )
    except ServiceError as error:
        print(f"tolk: {error.message}", file=sys.stderr)
        return 1
    print(f"added {user.role.value} {user.username!r}: log in at /editor/login")
    return 0


def _change_user(username: str, action: str, change: Callable[[Session, User], None]) -> int:
    """Apply ``change`` to an account, with an audit entry; 1 when there is no such account."""
    sessions, _storage = _open(get_settings())
    try:
        with session_scope(sessions) as session:
            user = accounts.find_user(session, username)
            if user is None:
                print(f"tolk: no account {username!r}", file=sys.stderr)
                return 1
            change(session, user)
            audit.record(
                session,
                Actor.operator(),
                action,
                summary=action.replace("_", " ").capitalize(),
                details={"username": user.username},
            )
    except ServiceError as error:
        print(f"tolk: {error.message}", file=sys.stderr)
        return 1
    print(f"{action.replace('_', ' ')}: {username!r}")
    return 0


def user_password(args: argparse.Namespace) -> int:
    """Give an account a new password; every session of it ends."""
    password = _read_password(args.password_stdin)
    if password is None:
        return 1
    return _change_user(
        args.username, "set_password", lambda session, user: accounts.set_password(session, user, password)
    )


def user_disable(args: argparse.Namespace) -> int:
    """Disable an account (``--enable`` to undo): no login, no session, no token of it works."""
    action = "enable_user" if args.enable else "disable_user"
    return _change_user(
        args.username, action, lambda session, user: accounts.set_disabled(session, user, not args.enable)
    )


def doctor(_args: argparse.Namespace) -> int:
    from media_service.doctor import run_checks

    failures = 0
    for check in run_checks(get_settings()):
        print(f"[{'ok' if check.ok else 'off' if check.off else 'FAIL'}] {check.name}: {check.detail}")
        failures += not (check.ok or check.off)
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tolk", description="Tolk media service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the web service")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.set_defaults(handler=serve)
    demo_parser = commands.add_parser("demo", help="fill an empty library with demo content")
    demo_parser.add_argument(
        "--wait", action="store_true", help="make the ordered variants now and wait for them"
    )
    demo_parser.set_defaults(handler=demo)
    worker_parser = commands.add_parser("worker", help="run job workers without the web service")
    worker_parser.add_argument(
        "--workers", type=int, default=0, help="how many jobs at once (default: TOLK_WORKERS or 1)"
    )
    worker_parser.set_defaults(handler=worker)
    user = commands.add_parser("user", help="editor and admin accounts").add_subparsers(
        dest="action", required=True
    )
    add = user.add_parser("add", help="add an account (asks for its password)")
    add.add_argument("username", help="the name to log in with, e.g. anna")
    add.add_argument("--role", choices=[r.value for r in UserRole], default=UserRole.EDITOR.value)
    add.add_argument("--name", default="", help="the name shown, e.g. 'Anna Berg'")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=user_add)
    password = user.add_parser("password", help="set an account's password (ends its sessions)")
    password.add_argument("username")
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    password.set_defaults(handler=user_password)
    disable = user.add_parser("disable", help="disable an account (--enable to undo)")
    disable.add_argument("username")
    disable.add_argument("--enable", action="store_true", help="enable the account again")
    disable.set_defaults(handler=user_disable)
    token = commands.add_parser("token", help="API tokens").add_subparsers(dest="action", required=True)
    create = token.add_parser("create", help="make a token and print it (shown once)")
    create.add_argument("name", help="who or what the token is for")
    create.add_argument("--user", help="the account it acts as (default: an operator's token, as an editor)")
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
