"""Running jobs: claim, progress, heartbeat, cancel, bounded retries; and the pool of workers.

A ``JobRunner`` runs one job id taken from the queue. While the job's handler works, a
watcher thread writes its progress and a heartbeat to the database twice a second and reads
back whether the job was cancelled (or given to another worker): then it sets the job's
``cancel`` event, which stops ffmpeg. A ``WorkerPool`` runs Huey's consumer with thread
workers, inside the web service or alone (``tolk worker``), and takes back the jobs of
workers that died.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huey.consumer import Consumer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from media_service.config import Settings
from media_service.db import session_scope
from media_service.jobs import records
from media_service.jobs.queue import JobQueue
from media_service.models import Job, JobState
from media_service.storage import Storage
from transcode.binary import ffmpeg_path
from transcode.runner import FfmpegCancelled, FfmpegFailed, FfmpegTimeout, Progress

log = logging.getLogger("tolk.jobs")

BEAT_SECONDS = 0.5  # how often progress is written and a cancel request is looked for
QUEUE_POLL_SECONDS = 0.1  # the longest an idle worker waits before looking at an SQLite queue again


class UnrunnableJob(Exception):
    """A job that cannot succeed however often it is tried (its inputs are gone)."""


class JobInterrupted(Exception):
    """The job was cancelled, given away or its worker is stopping."""


class ClaimLost(Exception):
    """The job stopped being this worker's before it could be published."""


@dataclass
class JobContext:
    """What a handler gets: its job, the service's parts, a progress callback and a cancel event."""

    job_id: int
    kind: str
    payload: dict[str, Any]
    settings: Settings
    sessions: sessionmaker[Session]
    storage: Storage
    worker: records.WorkerIdentity
    cancel: threading.Event = field(default_factory=threading.Event)
    latest: Progress | None = None

    @property
    def ffmpeg(self) -> str:
        return ffmpeg_path(self.settings.ffmpeg_path)

    @property
    def timeout(self) -> float:
        return self.settings.job_timeout_seconds

    def report(self, progress: Progress) -> None:
        """Keep the newest progress; the watcher writes it to the database."""
        self.latest = progress

    def check_cancelled(self) -> None:
        """Raise ``JobInterrupted`` if the job must stop."""
        if self.cancel.is_set():
            raise JobInterrupted

    @contextmanager
    def scratch_path(self, suffix: str = "") -> Iterator[Path]:
        """A temporary output path, marked as this job's so recovery can remove it after a crash."""
        with self.storage.scratch_path(f"{_job_marker(self.job_id)}{suffix}") as path:
            yield path

    @contextmanager
    def work_dir(self) -> Iterator[Path]:
        """A temporary folder of this job's (caption files and such), removed afterwards."""
        folder = Path(tempfile.mkdtemp(prefix=f"{_job_marker(self.job_id)}-", dir=self.storage.scratch))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def finish(self, session: Session) -> None:
        """Mark the job done in ``session``, the transaction that publishes its outputs."""
        self.check_cancelled()
        if not records.finish(session, self.job_id, self.worker):
            raise ClaimLost


Handler = Callable[[JobContext], None]


def _job_marker(job_id: int) -> str:
    return f".job{job_id}"


def remove_job_scratch(storage: Storage, job_id: int) -> None:
    """Remove what a crashed run of ``job_id`` left in the scratch space."""
    marker = _job_marker(job_id)
    for path in storage.scratch.glob(f"partial-*{marker}.*"):
        path.unlink(missing_ok=True)
    for folder in storage.scratch.glob(f"{marker}-*"):
        shutil.rmtree(folder, ignore_errors=True)


def _handlers() -> dict[str, Handler]:
    # Imported here: the services create jobs and so import this package.
    from media_service.services import variants

    return {variants.JOB_KIND: variants.run_variants_job}


class _Watcher(threading.Thread):
    """Writes a running job's progress and heartbeat, and notices cancel and shutdown."""

    def __init__(self, context: JobContext, stopping: threading.Event) -> None:
        super().__init__(name=f"job-{context.job_id}-watcher", daemon=True)
        self.context = context
        self.stopping = stopping
        self.reason: records.Beat | None = None
        self._done = threading.Event()

    def run(self) -> None:
        context = self.context
        while not self._done.wait(BEAT_SECONDS):
            if self.stopping.is_set():
                context.cancel.set()
            progress = context.latest
            fraction = progress.fraction if progress else 0.0
            eta = progress.eta_seconds if progress else None
            try:
                with session_scope(context.sessions) as session:
                    signal = records.beat(session, context.job_id, context.worker, fraction, eta)
            except SQLAlchemyError:
                log.warning("job %s: progress not recorded this time", context.job_id, exc_info=True)
                continue
            if signal is not records.Beat.CONTINUE:
                self.reason = signal
                context.cancel.set()

    def stop(self) -> None:
        self._done.set()
        self.join()


class JobRunner:
    """Runs one job at a time per calling thread; several threads may share one runner."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        storage: Storage,
        queue: JobQueue,
        *,
        handlers: dict[str, Handler] | None = None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.storage = storage
        self.queue = queue
        self.handlers = handlers if handlers is not None else _handlers()
        self.stopping = threading.Event()
        self.worker = records.this_process()

    def run(self, job_id: int) -> None:
        """Claim job ``job_id`` and run it to an end; does nothing if it is not queued."""
        with session_scope(self.sessions) as session:
            if not records.claim(session, job_id, self.worker):
                return
            job = session.get(Job, job_id)
            assert job is not None
            context = JobContext(
                job_id=job_id,
                kind=job.kind,
                payload=dict(job.payload),
                settings=self.settings,
                sessions=self.sessions,
                storage=self.storage,
                worker=self.worker,
            )
        log.info("job %s (%s) started", job_id, context.kind)
        watcher = _Watcher(context, self.stopping)
        watcher.start()
        try:
            self._run_handler(context)
        except Exception as error:
            watcher.stop()  # before the final state is written: no heartbeat after it
            self._after_error(context, error, watcher.reason)
        else:
            watcher.stop()
            log.info("job %s done", job_id)

    def _after_error(self, context: JobContext, error: Exception, reason: records.Beat | None) -> None:
        if isinstance(error, FfmpegCancelled | JobInterrupted | ClaimLost):
            self._after_interruption(context, reason)
        elif isinstance(error, UnrunnableJob | FfmpegTimeout):
            self._after_failure(context, str(error), retry=False)
        elif isinstance(error, FfmpegFailed):
            self._after_failure(context, f"{error}\n{error.stderr_tail}".strip(), retry=True)
        else:
            log.error("job %s failed", context.job_id, exc_info=error)
            self._after_failure(context, f"{type(error).__name__}: {error}", retry=True)

    def _run_handler(self, context: JobContext) -> None:
        handler = self.handlers.get(context.kind)
        if handler is None:
            raise UnrunnableJob(f"no handler for jobs of kind {context.kind!r}")
        handler(context)

    def _after_interruption(self, context: JobContext, reason: records.Beat | None) -> None:
        with session_scope(self.sessions) as session:
            if reason is records.Beat.CANCEL:
                records.cancelled(session, context.job_id, self.worker)
                log.info("job %s cancelled", context.job_id)
            elif self.stopping.is_set():
                records.release(session, context.job_id, self.worker)
                log.info("job %s given back: this worker is stopping", context.job_id)
            elif records.cancelled_if_requested(session, context.job_id, self.worker):
                # The cancel came after the last heartbeat, just before the job could finish.
                log.info("job %s cancelled", context.job_id)
            else:
                log.info("job %s was given to another worker", context.job_id)

    def _after_failure(self, context: JobContext, error: str, *, retry: bool) -> None:
        log.warning("job %s attempt failed: %s", context.job_id, error.splitlines()[0] if error else "")
        with session_scope(self.sessions) as session:
            state = records.fail(
                session,
                context.job_id,
                self.worker,
                error,
                retry=retry,
                max_attempts=self.settings.job_max_attempts,
            )
        if state is JobState.QUEUED:
            self.queue.enqueue(context.job_id, delay=self.settings.job_retry_delay_seconds)

    def recover(self) -> list[int]:
        """Take back jobs of dead workers and clear their scratch files; returns the ids queued
        again (not yet enqueued)."""
        with session_scope(self.sessions) as session:
            taken_back = records.recover(
                session,
                self.worker,
                stale_after=self.settings.job_heartbeat_timeout_seconds,
                max_attempts=self.settings.job_max_attempts,
            )
        for job_id in taken_back:
            remove_job_scratch(self.storage, job_id)
        return [job_id for job_id, state in taken_back.items() if state is JobState.QUEUED]

    def enqueue_waiting(self) -> int:
        """Enqueue every queued job again (the queue may have lost them); returns how many."""
        with session_scope(self.sessions) as session:
            waiting = records.queued_job_ids(session)
        for job_id in waiting:
            self.queue.enqueue(job_id)
        return len(waiting)


class _EmbeddedConsumer(Consumer):
    """Huey's consumer without its signal handlers: the host process (uvicorn) owns signals."""

    def _set_signal_handlers(self) -> None:
        pass


class WorkerPool:
    """Thread workers taking jobs from the queue, with recovery of dead workers' jobs."""

    def __init__(self, runner: JobRunner, workers: int) -> None:
        if workers < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.runner = runner
        self.queue = runner.queue
        self.queue.serve(runner.run)
        self.consumer = _EmbeddedConsumer(
            self.queue.huey,
            workers=workers,
            periodic=False,
            worker_type="thread",
            initial_delay=0.05,
            max_delay=QUEUE_POLL_SECONDS,
            check_worker_health=False,
        )
        self._janitor = threading.Thread(target=self._look_after_jobs, name="job-janitor", daemon=True)

    def start(self) -> None:
        """Take back interrupted jobs, enqueue every queued one, then start the workers."""
        requeued = self.runner.recover()
        if requeued:
            log.warning("jobs %s were interrupted by a stopped worker and run again", requeued)
        self.runner.enqueue_waiting()
        self.consumer.start()
        self._janitor.start()

    def stop(self, timeout: float = 30) -> None:
        """Stop ffmpeg in running jobs (they are queued again) and wait for the workers."""
        self.runner.stopping.set()
        self.consumer.shutdown_timeout = timeout
        self.consumer.stop(graceful=True)
        self._janitor.join(timeout)
        self.queue.close()

    def _look_after_jobs(self) -> None:
        # Often enough to pick up a dead remote worker's job soon after its heartbeat is stale.
        interval = min(30.0, self.runner.settings.job_heartbeat_timeout_seconds / 2)
        while not self.runner.stopping.wait(interval):
            try:
                for job_id in self.runner.recover():
                    self.queue.enqueue(job_id)
                if self.queue.is_idle():
                    self.runner.enqueue_waiting()
            except Exception:
                log.exception("looking after jobs failed; trying again in %s s", interval)


def wait_for_jobs(
    sessions: sessionmaker[Session],
    job_ids: Sequence[int],
    *,
    report: Callable[[str], None] | None = None,
    timeout: float | None = None,
) -> dict[int, JobState]:
    """Wait until every job in ``job_ids`` has ended; returns each one's final state.

    ``report`` gets a line whenever a job's state or whole percent changes. Raises
    ``TimeoutError`` after ``timeout`` seconds.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    seen: dict[int, tuple[JobState, int]] = {}
    while True:
        with session_scope(sessions) as session:
            jobs = [session.get(Job, job_id) for job_id in job_ids]
            now = {job.id: (job.state, int(job.progress * 100)) for job in jobs if job is not None}
            finished = {job.id: job.state for job in jobs if job is not None and job.is_finished}
        for job_id, (state, percent) in now.items():
            if report is not None and seen.get(job_id) != (state, percent):
                report(f"job {job_id}: {state.value} {percent} %")
        seen = now
        if len(finished) == len(now):
            return finished
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"jobs {sorted(set(now) - set(finished))} still running")
        time.sleep(BEAT_SECONDS)
