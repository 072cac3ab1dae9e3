"""The task queue that carries "run job N": Huey over SQLite in the data directory, or Redis.

The queue holds nothing else: a lost or duplicated message is harmless, because the job's
state lives in the database and a job is claimed there only while it is queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from huey import RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper
from sqlalchemy import event
from sqlalchemy.orm import Session

from media_service.config import Settings, without_password

log = logging.getLogger("tolk.jobs")

_PENDING = "tolk_enqueue_on_commit"


def make_huey(settings: Settings) -> Huey:
    """Redis when ``queue_url`` is set, else SQLite next to the database."""
    if settings.queue_url:
        if not settings.queue_url.startswith(("redis://", "rediss://", "unix://")):
            shown = without_password(settings.queue_url)
            raise ValueError(f"TOLK_QUEUE_URL must be a redis:// URL, not {shown!r}")
        return RedisHuey(settings.queue_name, url=settings.queue_url, results=False, blocking=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.queue_name, filename=str(settings.data_dir / "queue.db"), results=False)


class JobQueue:
    """Enqueue job ids; a worker pool gives it the function that runs them."""

    def __init__(self, settings: Settings) -> None:
        self.huey = make_huey(settings)
        self._run_job: Callable[[int], None] | None = None
        self._task: TaskWrapper = self.huey.task(name="run_job")(self._execute)

    @property
    def uses_redis(self) -> bool:
        return isinstance(self.huey, RedisHuey)

    def serve(self, run_job: Callable[[int], None]) -> None:
        """Run messages taken from the queue with ``run_job`` (done by a worker pool)."""
        self._run_job = run_job

    def _execute(self, job_id: int) -> None:
        if self._run_job is None:
            raise RuntimeError("this queue has no worker to run jobs")
        self._run_job(job_id)

    def enqueue(self, job_id: int, *, delay: float = 0) -> None:
        """Ask a worker to run job ``job_id`` (after ``delay`` seconds)."""
        if delay > 0:
            self._task.schedule(args=(job_id,), delay=delay)
        else:
            self._task(job_id)

    def is_idle(self) -> bool:
        """True when no message waits, now or scheduled for later."""
        return self.huey.pending_count() == 0 and self.huey.scheduled_count() == 0

    def close(self) -> None:
        self.huey.storage.close()


def enqueue_after_commit(session: Session, queue: JobQueue, job_id: int) -> None:
    """Enqueue ``job_id`` once ``session`` commits (a worker must find the job in the database).

    If the queue cannot be reached then, the job stays queued in the database and is
    enqueued again by the workers' recovery.
    """
    pending: list[int] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []

        def flush(finished: Session) -> None:
            for queued_id in finished.info.pop(_PENDING, []):
                try:
                    queue.enqueue(queued_id)
                except Exception:
                    log.exception("job %s could not be enqueued; recovery will enqueue it", queued_id)

        event.listen(session, "after_commit", flush, once=True)
        event.listen(session, "after_soft_rollback", lambda s, _tx: s.info.pop(_PENDING, None), once=True)
    pending.append(job_id)
