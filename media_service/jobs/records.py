"""The state of jobs in the database: queued, running, done, failed or cancelled.

Every change is one conditional UPDATE. A job is claimed only while it is queued, and a
worker changes a running job only while its claim (``worker_token``) stands, so a duplicate
queue message, two workers or a recovering process can never both own a job.
"""

from __future__ import annotations

import contextlib
import enum
import os
import secrets
import socket
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Update, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from media_service.errors import Conflict, NotFound
from media_service.models import Job, JobLane, JobState, MediaItem, utcnow

ERROR_TEXT_LIMIT = 4000
ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


@dataclass(frozen=True)
class WorkerIdentity:
    """Who claims a job: the host, the process id, and a random id of this process's life."""

    host: str
    pid: int
    token: str


_process_tokens: dict[int, str] = {}


def _host() -> str:
    """This host's name, with the process-id namespace this process lives in where there is one
    (Linux). Containers on one machine may share its name (host networking) but never each
    other's process ids: a worker's pid is looked up only where it means the same process."""
    name = socket.gethostname()
    try:
        return f"{name} {os.readlink('/proc/self/ns/pid')}"
    except OSError:
        return name


def this_process() -> WorkerIdentity:
    """The identity of the calling process (a forked child gets its own)."""
    pid = os.getpid()
    token = _process_tokens.setdefault(pid, secrets.token_hex(16))
    return WorkerIdentity(_host(), pid, token)


class Beat(enum.Enum):
    """What a running job's worker learns when it reports in."""

    CONTINUE = "continue"
    CANCEL = "cancel"  # someone asked to cancel the job
    LOST = "lost"  # the claim is gone: the job was given to another worker


def create_job(
    session: Session,
    item: MediaItem,
    kind: str,
    payload: dict[str, Any],
    *,
    lane: JobLane = JobLane.GENERAL,
) -> Job:
    """A new queued job for ``item`` in ``lane``; the caller enqueues it (in that lane) once
    the transaction commits."""
    job = Job(item=item, kind=kind, payload=payload, state=JobState.QUEUED, lane=lane)
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: int, *, include_unpublished: bool) -> Job:
    """A job by id; jobs of unpublished items only for editors. Raises NotFound."""
    job = session.get(Job, job_id)
    if job is None or not (job.item.published or include_unpublished):
        raise NotFound(f"no job with id {job_id}")
    return job


def _changes_one(session: Session, statement: Update) -> bool:
    """Run a conditional UPDATE of one job; True when its conditions held (one row changed)."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)  # what an UPDATE returns; its type says Result
    return result.rowcount == 1


def _owned(job_id: int, worker: WorkerIdentity) -> tuple[Any, ...]:
    return (Job.id == job_id, Job.state == JobState.RUNNING, Job.worker_token == worker.token)


def claim(session: Session, job_id: int, worker: WorkerIdentity) -> bool:
    """Take a queued job for ``worker``; False if it is not queued (already taken, cancelled)."""
    now = utcnow()
    return _changes_one(
        session,
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED)
        .values(
            state=JobState.RUNNING,
            attempts=Job.attempts + 1,
            worker_host=worker.host,
            worker_pid=worker.pid,
            worker_token=worker.token,
            heartbeat_at=now,
            started_at=now,
            finished_at=None,
            progress=0.0,
            eta_seconds=None,
        ),
    )


def beat(
    session: Session, job_id: int, worker: WorkerIdentity, progress: float, eta_seconds: float | None
) -> Beat:
    """Record progress and that the worker is alive; say whether to go on."""
    cancel_requested = session.execute(
        update(Job)
        .where(*_owned(job_id, worker))
        .values(progress=progress, eta_seconds=eta_seconds, heartbeat_at=utcnow())
        .returning(Job.cancel_requested)
    ).scalar_one_or_none()
    if cancel_requested is None:
        return Beat.LOST
    return Beat.CANCEL if cancel_requested else Beat.CONTINUE


def finish(session: Session, job_id: int, worker: WorkerIdentity) -> bool:
    """Mark a job done, in the transaction that publishes its outputs; False if not ours or
    if it was cancelled meanwhile (its outputs are then not to be published)."""
    return _changes_one(
        session,
        update(Job)
        .where(*_owned(job_id, worker), Job.cancel_requested.is_(False))
        .values(state=JobState.DONE, progress=1.0, eta_seconds=0.0, error=None, finished_at=utcnow()),
    )


def _requeue_values(error: str | None) -> dict[str, Any]:
    return {
        "state": JobState.QUEUED,
        "error": error,
        "worker_host": None,
        "worker_pid": None,
        "worker_token": None,
        "heartbeat_at": None,
        "progress": 0.0,
        "eta_seconds": None,
    }


def _end(session: Session, conditions: tuple[Any, ...], state: JobState, error: str | None) -> bool:
    values: dict[str, Any] = {"state": state, "finished_at": utcnow(), "eta_seconds": None}
    if error is not None:
        values["error"] = error
    return _changes_one(session, update(Job).where(*conditions).values(**values))


def fail(
    session: Session,
    job_id: int,
    worker: WorkerIdentity,
    error: str,
    *,
    retry: bool,
    max_attempts: int,
) -> JobState | None:
    """After a failed attempt: queue the job again while attempts remain, else fail it.

    ``error`` (the last lines of ffmpeg's output) is kept either way. Returns the new state,
    or None when the job was no longer this worker's.
    """
    error = error[-ERROR_TEXT_LIMIT:]
    if retry and _changes_one(
        session,
        update(Job)
        .where(*_owned(job_id, worker), Job.attempts < max_attempts, Job.cancel_requested.is_(False))
        .values(**_requeue_values(error)),
    ):
        return JobState.QUEUED
    return JobState.FAILED if _end(session, _owned(job_id, worker), JobState.FAILED, error) else None


def cancelled(session: Session, job_id: int, worker: WorkerIdentity) -> bool:
    """Record that a running job stopped because it was cancelled."""
    return _end(session, _owned(job_id, worker), JobState.CANCELLED, None)


def cancelled_if_requested(session: Session, job_id: int, worker: WorkerIdentity) -> bool:
    """End this worker's job as cancelled when a cancel was asked for; False if none was."""
    return _end(session, (*_owned(job_id, worker), Job.cancel_requested.is_(True)), JobState.CANCELLED, None)


def release(session: Session, job_id: int, worker: WorkerIdentity) -> bool:
    """Give a job back because this worker is shutting down; the attempt does not count."""
    if cancelled_if_requested(session, job_id, worker):
        return True
    values = {**_requeue_values(None), "attempts": Job.attempts - 1}
    return _changes_one(session, update(Job).where(*_owned(job_id, worker)).values(**values))


def request_cancel(session: Session, job: Job) -> Job:
    """Cancel a job: a queued one at once, a running one as soon as its worker notices.

    Cancelling a cancelled job changes nothing; a done or failed job cannot be cancelled.
    """
    session.execute(
        update(Job)
        .where(Job.id == job.id, Job.state == JobState.QUEUED)
        .values(state=JobState.CANCELLED, cancel_requested=True, finished_at=utcnow())
    )
    session.execute(
        update(Job).where(Job.id == job.id, Job.state == JobState.RUNNING).values(cancel_requested=True)
    )
    session.refresh(job)
    if job.state in (JobState.DONE, JobState.FAILED):
        raise Conflict(f"job {job.id} has already ended ({job.state.value}); there is nothing to cancel")
    return job


def cancel_active_jobs(session: Session, item: MediaItem, *, sparing: Collection[str] = ()) -> None:
    """Cancel every queued or running job of ``item`` (its source was replaced), except jobs of
    the kinds in ``sparing`` (work on other files of the item, which the new source leaves as
    they were)."""
    jobs = select(Job).where(Job.item_id == item.id, Job.state.in_(ACTIVE_STATES))
    if sparing:
        jobs = jobs.where(Job.kind.not_in(list(sparing)))
    for job in session.scalars(jobs):
        with contextlib.suppress(Conflict):  # it ended meanwhile: there is nothing to cancel
            request_cancel(session, job)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _worker_gone(job: Job, me: WorkerIdentity) -> bool:
    """True when the job's worker was a process on this host (and in this process-id namespace)
    that no longer runs."""
    if job.worker_host != me.host or job.worker_pid is None:
        return False
    if job.worker_pid == me.pid:
        return job.worker_token != me.token  # an earlier life of this pid (a restarted container)
    return not _process_alive(job.worker_pid)


def recover(
    session: Session, me: WorkerIdentity, *, stale_after: float, max_attempts: int
) -> dict[int, JobState]:
    """Take back running jobs whose worker died; returns each one's new state.

    A worker on this host that is gone is known at once; a worker elsewhere is given up on
    when its heartbeat is older than ``stale_after`` seconds. The interrupted attempt counts:
    a job that kills its worker every time must end as failed, not run forever. Jobs that
    come back ``queued`` are for the caller to enqueue.
    """
    cutoff = utcnow() - timedelta(seconds=stale_after)
    taken_back: dict[int, JobState] = {}
    for job in session.scalars(select(Job).where(Job.state == JobState.RUNNING)).all():
        stale = job.heartbeat_at is None or job.heartbeat_at < cutoff
        if not (stale or _worker_gone(job, me)):
            continue
        claimed = (Job.id == job.id, Job.state == JobState.RUNNING, Job.worker_token == job.worker_token)
        note = f"attempt {job.attempts} stopped: its worker ({job.worker_host}, pid {job.worker_pid}) died"
        if job.cancel_requested:
            state, done = JobState.CANCELLED, _end(session, claimed, JobState.CANCELLED, None)
        elif job.attempts >= max_attempts:
            state, done = JobState.FAILED, _end(session, claimed, JobState.FAILED, note)
        else:
            state = JobState.QUEUED
            done = _changes_one(session, update(Job).where(*claimed).values(**_requeue_values(note)))
        if done:
            taken_back[job.id] = state
    return taken_back


def running_among(session: Session, job_ids: Collection[int]) -> set[int]:
    """Those of ``job_ids`` that are running now (by any worker)."""
    if not job_ids:
        return set()
    rows = session.scalars(select(Job.id).where(Job.id.in_(list(job_ids)), Job.state == JobState.RUNNING))
    return set(rows)


def queued_jobs(session: Session) -> list[tuple[int, JobLane]]:
    """Every queued job with its lane, oldest first."""
    rows = session.execute(select(Job.id, Job.lane).where(Job.state == JobState.QUEUED).order_by(Job.id))
    return [(job_id, lane) for job_id, lane in rows]


def queued_job_ids(session: Session) -> list[int]:
    """Every queued job, oldest first."""
    return [job_id for job_id, _lane in queued_jobs(session)]


def lanes_of(session: Session, job_ids: Sequence[int]) -> dict[int, JobLane]:
    """The lane of each of ``job_ids`` (jobs that are gone are left out)."""
    if not job_ids:
        return {}
    return dict(session.execute(select(Job.id, Job.lane).where(Job.id.in_(job_ids))).tuples())
