"""Where a film has speech, for timing its audio descriptions: the ``find_speech`` job, and
the description warnings the caption editor and the API show.

The speech is found once per source file, from its sound (``transcode.speech_spans``), by a
durable job ordered when the item gets a description track, when a film with one is replaced,
or by an editor from the caption editor. Its result is stored on the source's ``MediaFile``
(``speech_spans``), written in the transaction that marks the job done: a job killed at any
moment leaves nothing half-written and runs again. ``description_timing`` reads it beside a
description track's cues (``transcode.captions.description_timing`` holds the rule).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.orm import Session

from media_service.db import session_scope
from media_service.errors import Invalid
from media_service.jobs import records
from media_service.jobs.context import JobContext, UnrunnableJob
from media_service.jobs.queue import JobQueue, enqueue_after_commit
from media_service.models import CaptionKind, CaptionTrack, FileRole, Job, MediaFile, MediaItem
from media_service.services.caption_revisions import read_revision
from media_service.storage import Storage
from transcode.captions import CaptionNote
from transcode.captions.description_timing import WORDS_PER_MINUTE, timing_notes
from transcode.speech_spans import Span, read_speech_spans, speech_detection_args

JOB_KIND = "find_speech"
SOURCE_REPLACED = "the film this job was ordered for has been replaced or removed"


class SpeechStatus(enum.StrEnum):
    """How far the speech of an item's film is known."""

    FOUND = "found"  # spans stored (perhaps none: a film without speech)
    FINDING = "finding"  # a find_speech job is queued or running
    UNKNOWN = "unknown"  # never looked for (or the job failed): an editor may order it
    NO_SOUND = "no_sound"  # the source has no sound, or there is no source


def _source_with_sound(item: MediaItem) -> MediaFile | None:
    source = item.file_with_role(FileRole.SOURCE)
    if source is None or not source.facts or not source.facts.get("audio"):
        return None
    return source


def _active_job(item: MediaItem, source: MediaFile) -> Job | None:
    return next(
        (
            job
            for job in item.jobs
            if job.kind == JOB_KIND
            and job.state in records.ACTIVE_STATES
            and job.payload.get("source_file_id") == source.id
        ),
        None,
    )


def speech_status(item: MediaItem) -> SpeechStatus:
    source = _source_with_sound(item)
    if source is None:
        return SpeechStatus.NO_SOUND
    if source.speech_spans is not None:
        return SpeechStatus.FOUND
    return SpeechStatus.FINDING if _active_job(item, source) is not None else SpeechStatus.UNKNOWN


def order_speech_detection(session: Session, queue: JobQueue, item: MediaItem) -> Job | None:
    """Queue a ``find_speech`` job for the item's source, unless its speech is known or being
    found, or it has no sound (then None)."""
    source = _source_with_sound(item)
    if source is None or source.speech_spans is not None:
        return None
    active = _active_job(item, source)
    if active is not None:
        return active
    job = records.create_job(session, item, JOB_KIND, {"source_file_id": source.id})
    enqueue_after_commit(session, queue, job.id)
    return job


def find_speech(
    session: Session, queue: JobQueue, storage: Storage, track: CaptionTrack
) -> DescriptionTiming:
    """An editor's request to find the speech of a description track's film (unless it is
    known or being found); the track's timing after it. 422 for a track of another kind and
    a film without sound."""
    _check_descriptions(track)
    if _source_with_sound(track.item) is None:
        raise Invalid.told("api_speech_no_sound", item=track.item_id)
    order_speech_detection(session, queue, track.item)
    return description_timing(storage, track)


def after_description_change(session: Session, queue: JobQueue | None, item: MediaItem) -> None:
    """A description track was stored, or a film with one replaced: find its speech if unknown."""
    has_descriptions = any(track.kind is CaptionKind.DESCRIPTIONS for track in item.captions)
    if queue is not None and has_descriptions:
        order_speech_detection(session, queue, item)


def run_find_speech_job(context: JobContext) -> None:
    """Find the source's speech and store it with the job's end (the job handler)."""
    source_id = context.payload["source_file_id"]
    with session_scope(context.sessions) as session:
        source = session.get(MediaFile, source_id)
        if source is None or source.role is not FileRole.SOURCE or not source.facts:
            raise UnrunnableJob(SOURCE_REPLACED)
        source_key = source.storage_key
        duration = float(source.facts.get("duration") or 0.0)
    with context.work_dir() as folder, context.storage.local_file(source_key) as path:
        report = folder / "silences.txt"
        context.run_ffmpeg(speech_detection_args(path, report), duration or None)
        text = report.read_text(encoding="utf-8", errors="replace") if report.exists() else ""
    spans = read_speech_spans(text, duration)
    with session_scope(context.sessions) as session:
        context.finish(session)
        source = session.get(MediaFile, source_id)
        job = session.get(Job, context.job_id)
        if source is None or job is None or source.item.file_with_role(FileRole.SOURCE) is not source:
            raise UnrunnableJob(SOURCE_REPLACED)
        source.speech_spans = [list(span) for span in spans]
        job.payload = {**job.payload, "result": {"spans": len(spans)}}


def _check_descriptions(track: CaptionTrack) -> None:
    if track.kind is not CaptionKind.DESCRIPTIONS:
        raise Invalid.told("api_timing_not_descriptions", kind=track.kind.value)


@dataclass(frozen=True)
class DescriptionTiming:
    """A description track against the film's speech: how far the speech is known, the spans
    (milliseconds), the film's length, and the warnings per cue (``description.*`` notes)."""

    status: SpeechStatus
    speech: tuple[Span, ...]
    duration_ms: int | None
    words_per_minute: int
    notes: list[CaptionNote]


def description_timing(storage: Storage, track: CaptionTrack) -> DescriptionTiming:
    """The speech of ``track``'s film and the warnings of its cues; 422 for a track that is
    not of kind ``descriptions``."""
    _check_descriptions(track)
    item = track.item
    status = speech_status(item)
    source = item.file_with_role(FileRole.SOURCE)
    duration = (source.facts or {}).get("duration") if source is not None else None
    duration_ms = round(float(duration) * 1000) if duration else None
    speech: tuple[Span, ...] = ()
    if status is SpeechStatus.FOUND and source is not None and source.speech_spans is not None:
        speech = tuple((int(start), int(end)) for start, end in source.speech_spans)
    revision = track.current_revision
    cues = read_revision(storage, revision).cues if revision is not None else ()
    notes = timing_notes(cues, speech, duration_ms) if status is SpeechStatus.FOUND else []
    return DescriptionTiming(status, speech, duration_ms, WORDS_PER_MINUTE, notes)
