"""Database engine, sessions and migrations."""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


# Plain (not async) routes run in a pool of 40 threads (anyio's default), and each may hold a
# connection for its request; job workers and background work hold a few more. The pool lets all
# of them connect at once rather than time out at SQLAlchemy's default of 15.
POOL_SIZE = 10
POOL_OVERFLOW = 40
# How long a request waits for a connection, or for SQLite's write lock, before it is answered
# 503 with Retry-After (see app.py) instead of waiting on.
WAIT_SECONDS = 15


# The statements that make SQLite's driver open a write transaction.
WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class FairLock:
    """A lock that its waiters take in the order they came (first come, first served)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._guard:
            if not self._held and not self._waiting:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        if turn.acquire(timeout=timeout):
            return True  # release() handed the lock over
        with self._guard:
            if turn in self._waiting:
                self._waiting.remove(turn)
                return False
        return True  # handed over just as the wait ended

    def release(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().release()  # stays held: the next waiter has it now
            else:
                self._held = False


def _gate_writes(engine: Engine, timeout: float) -> None:
    """Let one connection of this process at a time into a write transaction, in turn.

    SQLite has one write lock, and a writer that finds it taken polls for it, sleeping up to
    100 ms between tries: under load the newest writers win and the oldest starve until they
    give up ("database is locked"), seconds later. Queued here instead, each writer waits only
    for those before it; another process (a ``tolk`` command) is still met by SQLite's own
    busy timeout.
    """
    gate = FairLock()

    @event.listens_for(engine, "before_cursor_execute")
    def _enter(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if connection.info.get("writing") or not statement.lstrip()[:7].upper().startswith(WRITE_STATEMENTS):
            return
        if not gate.acquire(timeout):
            # Raised as SQLite says it, so the service answers it as "busy" (503, Retry-After).
            raise sqlite3.OperationalError("database is locked (waited for this process's other writers)")
        connection.info["writing"] = True

    def _leave(info: dict[str, Any]) -> None:
        if info.pop("writing", False):
            gate.release()

    event.listen(engine, "commit", lambda connection: _leave(connection.info))
    event.listen(engine, "rollback", lambda connection: _leave(connection.info))
    # A connection returned to the pool unfinished (rolled back by the pool) lets go too.
    event.listen(engine, "checkin", lambda _dbapi, record: _leave(record.info))
    event.listen(engine, "invalidate", lambda _dbapi, record, _error: _leave(record.info))


def make_engine(url: str) -> Engine:
    """An engine for SQLite (WAL, foreign keys, waits on locks) or PostgreSQL."""
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, "pool_timeout": WAIT_SECONDS}
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": WAIT_SECONDS}, **pool
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # FULL: a commit survives a power loss, so no row is lost whose replaced file was
            # already deleted after that commit.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        _gate_writes(engine, WAIT_SECONDS)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the schema at ``url`` up to the newest migration."""
    command.upgrade(alembic_config(url), "head")


def writes_held_back(session: Session) -> AbstractContextManager[Session]:
    """Keep ``session``'s pending writes (the audit entry, a token's last use) from being
    flushed by a query while an upload streams in and is probed, which may take minutes.

    The first flush opens the write transaction, and on SQLite that is the database's one
    write lock: held open, it makes every other writer wait (and give up, "database is
    locked"). Reads take no lock in WAL mode; an explicit ``flush`` inside still writes.
    """
    return session.no_autoflush
