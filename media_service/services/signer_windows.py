"""The sign window's file of an interpreter recording: ordered with the upload, made by a job.

The window never plays the upload (a ProRes or VP9-in-Matroska recording plays in no or few
browsers, one with its index at the end only once downloaded). A job of kind
``signer_window`` makes the file it plays (``transcode.signer_window``: a remux when the
picture is H.264 already, on the watchable lane; else an encode, on the general lane),
probes it, and in one transaction keeps it and names it the recording's ``window_file``.
Until then the window plays the recording's HLS ladder if it has one, and otherwise the
player offers no window (never a black one).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from media_service.db import session_scope
from media_service.jobs import records
from media_service.jobs.context import JobContext, UnrunnableJob
from media_service.jobs.queue import JobQueue, enqueue_after_commit
from media_service.models import FileRole, InterpreterRecording, Job, JobLane, JobState, MediaItem
from media_service.services.cleanup import delete_after_commit
from media_service.services.files import keep_probed_file
from media_service.storage import sha256_of
from transcode.facts import MediaFacts
from transcode.probe import ProbeError, probe
from transcode.signer_window import WindowSettings, build_window, window_is_remux

JOB_KIND = "signer_window"
RECORDING_GONE = "the interpreter recording this window file was ordered for has been replaced or removed"
_ACTIVE = (JobState.QUEUED, JobState.RUNNING)


def order_window(
    session: Session, queue: JobQueue | None, item: MediaItem, recording: InterpreterRecording
) -> Job | None:
    """Queue the job making ``recording``'s window file, unless one is active. Call with the
    recording flushed; it is enqueued when ``session`` commits (without a queue, the workers'
    recovery enqueues it)."""
    facts = MediaFacts.from_dict(recording.file.facts) if recording.file.facts else None
    if facts is None or not facts.has_video:
        return None
    active = session.scalars(
        select(Job).where(Job.item_id == item.id, Job.kind == JOB_KIND, Job.state.in_(_ACTIVE))
    ).all()
    if any(job.payload.get("recording_id") == recording.id for job in active):
        return None
    # A remux takes well under a second and makes the signer watchable: the reserved lane.
    lane = JobLane.WATCHABLE if window_is_remux(facts) else JobLane.GENERAL
    payload = {"recording_id": recording.id, "file_id": recording.file.id}
    job = records.create_job(session, item, JOB_KIND, payload, lane=lane)
    if queue is not None:
        enqueue_after_commit(session, queue, job.id, lane)
    return job


def _ordered_recording(session: Session, context: JobContext) -> InterpreterRecording:
    recording = session.get(InterpreterRecording, context.payload["recording_id"])
    if recording is None or recording.file_id != context.payload["file_id"] or not recording.file.facts:
        raise UnrunnableJob(RECORDING_GONE)
    return recording


def run_window_job(context: JobContext) -> None:
    """Make the window file of the job's recording and publish it (the job handler)."""
    with session_scope(context.sessions) as session:
        recording = _ordered_recording(session, context)
        source_key = recording.file.storage_key
        facts = MediaFacts.from_dict(recording.file.facts or {})
    settings = WindowSettings(preset=context.settings.variant_preset, crf=context.settings.variant_crf)
    with context.work_dir() as work_dir, context.storage.local_file(source_key) as source:
        output = work_dir / "window.mp4"
        try:
            plan = build_window(source, facts, output, settings)
        except ValueError as error:
            raise UnrunnableJob(f"no sign window file can be made: {error}") from error
        context.check_cancelled()
        context.run_ffmpeg(plan.args, plan.duration)
        try:
            made = probe(output)
        except ProbeError as error:
            raise RuntimeError(f"the sign window file ffmpeg wrote is not usable: {error}") from error
        if not made.browser_ready:
            raise RuntimeError(f"the sign window file is not browser-ready: {made.video}")
        size, digest = output.stat().st_size, sha256_of(output)
        with session_scope(context.sessions) as session:
            context.finish(session)  # not if cancelled
            recording = _ordered_recording(session, context)
            media_file = keep_probed_file(
                session, context.storage, output, made, role=FileRole.SIGNER_WINDOW, size=size, sha256=digest
            )
            recording.item.files.append(media_file)
            replaced = recording.window_file
            recording.window_file = media_file
            if replaced is not None:
                recording.item.files.remove(replaced)
                delete_after_commit(session, context.storage, [replaced.storage_key])


def window_job(recording: InterpreterRecording) -> Job | None:
    """The newest job ordered for ``recording``'s window file (for the editor), if any."""
    session = object_session(recording)
    if session is None:
        return None
    jobs = session.scalars(
        select(Job).where(Job.item_id == recording.item_id, Job.kind == JOB_KIND).order_by(Job.id.desc())
    ).all()
    return next((job for job in jobs if job.payload.get("recording_id") == recording.id), None)
