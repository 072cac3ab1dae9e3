"""Readiness: whether the database, the job queue and the storage can be reached now (/readyz)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import redis
from sqlalchemy import Engine, text

from media_service.config import Settings, redis_url, without_password
from media_service.jobs.queue import JobQueue
from media_service.storage import Storage

log = logging.getLogger("tolk.health")

# A readiness probe must answer before the balancer's own timeout (a few seconds).
CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    """One dependency's state: ``ok``, or the (English, operator's) reason it is not."""

    name: str
    ok: bool
    detail: str = ""


def _database(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _queue(settings: Settings, queue: JobQueue) -> None:
    url = redis_url(settings)
    if url is None:
        queue.pending(next(iter(queue.hueys)))  # the SQLite queue file answers
        return
    client = redis.Redis.from_url(
        url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS, socket_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def _run(name: str, check: Callable[[], None], redact: Callable[[str], str]) -> Check:
    try:
        check()
    except Exception as error:  # any failure of a dependency is "not ready", never a 500
        detail = redact(f"{type(error).__name__}: {error}")
        log.warning("not ready: %s: %s", name, detail)
        return Check(name, False, detail)
    return Check(name, True)


def readiness(settings: Settings, engine: Engine, queue: JobQueue, storage: Storage) -> list[Check]:
    """Each dependency checked once: ``database``, ``queue``, ``storage``."""
    secrets = [u for u in (settings.database_url, settings.queue_url) if u]

    def redact(message: str) -> str:
        # A driver may quote its URL: no password leaves the process.
        for url in secrets:
            message = message.replace(url, without_password(url))
        return message

    return [
        _run("database", lambda: _database(engine), redact),
        _run("queue", lambda: _queue(settings, queue), redact),
        _run("storage", storage.check, redact),
    ]
