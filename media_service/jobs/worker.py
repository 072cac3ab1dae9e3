"""Running jobs: claim, progress, heartbeat, cancel, bounded retries; and the pool of workers.

A ``JobRunner`` runs one job id taken from the queue. While the job's handler works, a
watcher thread writes its progress and a heartbeat to the database twice a second and reads
back whether the job was cancelled (or given to another worker): then it sets the job's
``cancel`` event, which stops ffmpeg. A ``WorkerPool`` runs Huey's consumers with thread
workers, inside the web service or alone (``tolk worker``): the general workers, and one
reserved for the ``watchable`` lane, so that a new film's remux never waits behind variant
jobs. It also takes back the jobs of workers that died.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from huey.consumer import Consumer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from media_service.config import Settings
from media_service.db import session_scope
from media_service.jobs import records
from media_service.jobs.context import (
    ClaimLost,
    Handlers,
    JobContext,
    JobInterrupted,
    UnrunnableJob,
    jobs_in_scratch,
    remove_job_scratch,
)
from media_service.jobs.queue import JobQueue
from media_service.metrics import JOB_SECONDS, JOBS_FAILED
from media_service.models import Job, JobLane, JobState
from media_service.storage import Storage
from transcode.runner import FfmpegCancelled, FfmpegFailed, FfmpegTimeout

log = logging.getLogger("tolk.jobs")

BEAT_SECONDS = 0.5  # how often progress is written and a cancel request is looked for
QUEUE_POLL_SECONDS = 0.1  # the longest an idle worker waits before looking at an SQLite queue again


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
    """Runs one job at a time per calling thread; several threads may share one runner.

    ``handlers`` says which function runs the jobs of each kind (the application's table);
    a job of a kind not in it fails as unrunnable.
    """

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        storage: Storage,
        queue: JobQueue,
        *,
        handlers: Handlers,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.storage = storage
        self.queue = queue
        self.handlers = handlers
        self.stopping = threading.Event()
        self.worker = records.this_process()

    def run(self, job_id: int) -> None:
        """Claim job ``job_id`` and run it to an end; does nothing if it is not queued."""
        with session_scope(self.sessions) as session:
            if not records.claim(session, job_id, self.worker):
                return
            job = session.get(Job, job_id)
            assert job is not None
            lane = job.lane
            context = JobContext(
                job_id=job_id,
                kind=job.kind,
                payload=dict(job.payload),
                settings=self.settings,
                sessions=self.sessions,
                storage=self.storage,
                worker=self.worker,
                queue=self.queue,
            )
        fields = {"job_id": job_id, "kind": context.kind, "lane": lane.value}
        log.info("job %s (%s) started", job_id, context.kind, extra={**fields, "event": "started"})
        started = time.perf_counter()
        watcher = _Watcher(context, self.stopping)
        watcher.start()
        try:
            self._run_handler(context)
        except Exception as error:
            watcher.stop()  # before the final state is written: no heartbeat after it
            outcome = self._after_error(context, lane, error, watcher.reason)
        else:
            watcher.stop()
            outcome = "done"
        seconds = time.perf_counter() - started
        JOB_SECONDS.labels(context.kind, outcome).observe(seconds)
        log.info(
            "job %s %s after %.1f s",
            job_id,
            outcome,
            seconds,
            extra={**fields, "event": outcome, "duration_s": round(seconds, 3)},
        )

    def _after_error(
        self, context: JobContext, lane: JobLane, error: Exception, reason: records.Beat | None
    ) -> str:
        """Record how the job ended; returns the outcome metrics and logs name it by."""
        if isinstance(error, FfmpegCancelled | JobInterrupted | ClaimLost):
            self._after_interruption(context, reason)
            return "interrupted"
        if isinstance(error, UnrunnableJob | FfmpegTimeout):
            return self._after_failure(context, lane, str(error), retry=False)
        if isinstance(error, FfmpegFailed):
            return self._after_failure(context, lane, f"{error}\n{error.stderr_tail}".strip(), retry=True)
        log.error("job %s failed", context.job_id, exc_info=error)
        return self._after_failure(context, lane, f"{type(error).__name__}: {error}", retry=True)

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

    def _after_failure(self, context: JobContext, lane: JobLane, error: str, *, retry: bool) -> str:
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
            self.queue.enqueue(context.job_id, lane=lane, delay=self.settings.job_retry_delay_seconds)
            return "retried"
        if state is not JobState.FAILED:
            return "interrupted"  # no longer this worker's to record
        JOBS_FAILED.labels(context.kind).inc()
        return "failed"

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

    def clear_leftover_scratch(self) -> int:
        """Remove what dead processes left in this worker's scratch space: their partial files,
        and the files and folders of jobs that no one runs now (a job a killed worker had was run
        again elsewhere, whose recovery could not reach this disk); returns how many went."""
        removed = self.storage.clear_abandoned_scratch()
        # Listed before the states are read: a job claimed meanwhile is running, so spared.
        marked = jobs_in_scratch(self.storage)
        with session_scope(self.sessions) as session:
            ended = marked - records.running_among(session, marked)
        for job_id in ended:
            remove_job_scratch(self.storage, job_id)
        return removed + len(ended)

    def enqueue_waiting(self) -> int:
        """Enqueue every queued job again, each in its lane (the queue may have lost them);
        returns how many."""
        with session_scope(self.sessions) as session:
            waiting = records.queued_jobs(session)
        for job_id, lane in waiting:
            self.queue.enqueue(job_id, lane=lane)
        return len(waiting)

    def enqueue_again(self, job_ids: Sequence[int]) -> None:
        """Enqueue jobs taken back by ``recover``, each in its lane."""
        with session_scope(self.sessions) as session:
            lanes = records.lanes_of(session, job_ids)
        for job_id, lane in lanes.items():
            self.queue.enqueue(job_id, lane=lane)


class _EmbeddedConsumer(Consumer):
    """Huey's consumer without its signal handlers: the host process (uvicorn) owns signals."""

    def _set_signal_handlers(self) -> None:
        pass


def _consumer(queue: JobQueue, lane: JobLane, workers: int) -> _EmbeddedConsumer:
    return _EmbeddedConsumer(
        queue.hueys[lane],
        workers=workers,
        periodic=False,
        worker_type="thread",
        initial_delay=0.05,
        max_delay=QUEUE_POLL_SECONDS,
        check_worker_health=False,
    )


class WorkerPool:
    """Thread workers taking jobs from the queues, with recovery of dead workers' jobs.

    ``workers`` take the general lane; ``watchable_workers`` (one by default) are reserved
    for the watchable lane and take nothing else, so a remux never waits for a variant job.
    A pool of one lane alone (the other count 0) serves only that lane.
    """

    def __init__(self, runner: JobRunner, workers: int, *, watchable_workers: int = 1) -> None:
        if workers < 0 or watchable_workers < 0 or workers + watchable_workers < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.runner = runner
        self.queue = runner.queue
        self.queue.serve(runner.run)
        counts = {JobLane.GENERAL: workers, JobLane.WATCHABLE: watchable_workers}
        self.consumers = {
            lane: _consumer(self.queue, lane, count) for lane, count in counts.items() if count > 0
        }
        self._janitor = threading.Thread(target=self._look_after_jobs, name="job-janitor", daemon=True)

    def start(self) -> None:
        """Take back interrupted jobs, enqueue every queued one, then start the workers."""
        requeued = self.runner.recover()
        if requeued:
            log.warning("jobs %s were interrupted by a stopped worker and run again", requeued)
        if cleared := self.runner.clear_leftover_scratch():
            log.warning("removed %d scratch files and folders that stopped workers left", cleared)
        self.runner.enqueue_waiting()
        for consumer in self.consumers.values():
            consumer.start()
        self._janitor.start()

    def stop(self, timeout: float = 30) -> None:
        """Stop ffmpeg in running jobs (they are queued again) and wait for the workers."""
        self.runner.stopping.set()
        for consumer in self.consumers.values():
            consumer.shutdown_timeout = timeout
            consumer.stop(graceful=True)
        self._janitor.join(timeout)
        self.queue.close()

    def _look_after_jobs(self) -> None:
        # Often enough to pick up a dead remote worker's job soon after its heartbeat is stale.
        interval = min(30.0, self.runner.settings.job_heartbeat_timeout_seconds / 2)
        while not self.runner.stopping.wait(interval):
            try:
                self.runner.enqueue_again(self.runner.recover())
                self.runner.clear_leftover_scratch()
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
