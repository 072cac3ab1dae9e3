"""The task queues that carry "run job N": Huey over SQLite in the data directory, or Redis.

There is one queue per lane (``JobLane``). The ``watchable`` lane carries only the short work
that makes a new film watchable (a remux); a worker reserved for it takes nothing else, so it
never waits behind a variant job that takes minutes. Every other job goes to the ``general``
lane.

The queues hold nothing else: a lost or duplicated message is harmless, because the job's
state (and lane) lives in the database and a job is claimed there only while it is queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from huey import RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper
from sqlalchemy import event
from sqlalchemy.orm import Session

from media_service.config import Settings, redis_url
from media_service.models import JobLane

log = logging.getLogger("tolk.jobs")

_PENDING = "tolk_enqueue_on_commit"


def lane_queue_name(settings: Settings, lane: JobLane) -> str:
    """The Huey queue of ``lane``: the general lane keeps the installation's queue name, so
    messages queued before lanes existed are still run."""
    return settings.queue_name if lane is JobLane.GENERAL else f"{settings.queue_name}-{lane.value}"


def make_huey(settings: Settings, lane: JobLane = JobLane.GENERAL) -> Huey:
    """Redis when ``queue_url`` is set, else SQLite next to the database (one file, a queue
    name per lane)."""
    name = lane_queue_name(settings, lane)
    url = redis_url(settings)
    if url is not None:
        return RedisHuey(name, url=url, results=False, blocking=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(settings.data_dir / "queue.db"), results=False)


class JobQueue:
    """Enqueue job ids in their lane; a worker pool gives it the function that runs them."""

    def __init__(self, settings: Settings) -> None:
        self.hueys: dict[JobLane, Huey] = {lane: make_huey(settings, lane) for lane in JobLane}
        self._run_job: Callable[[int], None] | None = None
        self._tasks: dict[JobLane, TaskWrapper] = {
            lane: huey.task(name="run_job")(self._execute) for lane, huey in self.hueys.items()
        }

    @property
    def huey(self) -> Huey:
        """The general lane's Huey."""
        return self.hueys[JobLane.GENERAL]

    @property
    def uses_redis(self) -> bool:
        return isinstance(self.huey, RedisHuey)

    def serve(self, run_job: Callable[[int], None]) -> None:
        """Run messages taken from the queues with ``run_job`` (done by a worker pool)."""
        self._run_job = run_job

    def _execute(self, job_id: int) -> None:
        if self._run_job is None:
            raise RuntimeError("this queue has no worker to run jobs")
        self._run_job(job_id)

    def enqueue(self, job_id: int, *, lane: JobLane = JobLane.GENERAL, delay: float = 0) -> None:
        """Ask a worker of ``lane`` to run job ``job_id`` (after ``delay`` seconds)."""
        task = self._tasks[lane]
        if delay > 0:
            task.schedule(args=(job_id,), delay=delay)
        else:
            task(job_id)

    def pending(self, lane: JobLane) -> int:
        """Messages waiting in ``lane`` now."""
        return int(self.hueys[lane].pending_count())

    def is_idle(self) -> bool:
        """True when no message waits in any lane, now or scheduled for later."""
        return all(h.pending_count() == 0 and h.scheduled_count() == 0 for h in self.hueys.values())

    def close(self) -> None:
        for huey in self.hueys.values():
            huey.storage.close()


def enqueue_after_commit(
    session: Session, queue: JobQueue, job_id: int, lane: JobLane = JobLane.GENERAL
) -> None:
    """Enqueue ``job_id`` in ``lane`` once ``session`` commits (a worker must find the job in
    the database).

    If the queue cannot be reached then, the job stays queued in the database and is
    enqueued again by the workers' recovery.
    """
    pending: list[tuple[int, JobLane]] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []

        def flush(finished: Session) -> None:
            for queued_id, queued_lane in finished.info.pop(_PENDING, []):
                try:
                    queue.enqueue(queued_id, lane=queued_lane)
                except Exception:
                    log.exception("job %s could not be enqueued; recovery will enqueue it", queued_id)

        event.listen(session, "after_commit", flush, once=True)
        event.listen(session, "after_soft_rollback", lambda s, _tx: s.info.pop(_PENDING, None), once=True)
    pending.append((job_id, lane))
