"""The speech jobs (kinds ``captions_from_speech`` and ``captions_aligned``, ordered by
``services.speech.order_speech_captions``).

The worker loads the model first (a missing or wrong one fails the job at once, saying why,
with no retry), has ffmpeg write the sound as 16 kHz mono samples to scratch space, recognises
the words (with progress, and stopping soon after a cancel), places the editor's text on them
for ``align``, builds cues by the quality rules, and saves them as a new revision of the
item's draft captions track in the transaction that marks the job done. Nothing is saved when
no speech was found: the job's ``result`` says 0 cues.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from media_service.auth import Actor
from media_service.db import session_scope
from media_service.errors import Conflict, Invalid
from media_service.jobs.context import JobContext, JobInterrupted, UnrunnableJob
from media_service.models import CaptionKind, CaptionTrack, FileRole, Job, MediaItem, User, UserRole
from media_service.services.caption_revisions import add_revision
from media_service.services.languages import default_label
from media_service.services.speech import (
    MODE_OF_KIND,
    SpeechMode,
    draft_track,
    job_error,
    models_dir,
)
from media_service.speech import model as speech_model
from media_service.speech.align import align_text
from media_service.speech.cues import build_cues, low_confidence_words, unplaced_words
from media_service.speech.recognise import RecognitionCancelled, read_audio, recognise
from transcode.captions import CaptionDocument, normalised
from transcode.runner import Progress, run_ffmpeg
from transcode.speech_audio import speech_audio_args

SOURCE_REPLACED = "the film or song this job was ordered for has been replaced or removed"
DECODE_SHARE = 0.05  # of the progress bar: writing the sound out takes little of the time


def _load(context: JobContext) -> tuple[Any, float]:
    with session_scope(context.sessions) as session:
        job = session.get(Job, context.job_id)
        if job is None:
            raise UnrunnableJob(f"job {context.job_id} is gone")
        source = job.item.file_with_role(FileRole.SOURCE)
        if source is None or source.id != context.payload["source_file_id"] or not source.facts:
            raise UnrunnableJob(SOURCE_REPLACED)
        return source.storage_key, float(source.facts.get("duration") or 0.0)


def _model(context: JobContext) -> speech_model.LoadedModel:
    name = context.settings.asr_model
    try:
        files = speech_model.model_files(name, models_dir(context.settings))
        return speech_model.load_model(files, threads=context.settings.asr_threads)
    except speech_model.ModelUnavailable as error:
        raise UnrunnableJob(job_error(error, name)) from error


class _Reporter:
    """Progress of the whole job from the progress of its two steps, with an ETA."""

    def __init__(self, context: JobContext, duration: float) -> None:
        self.context, self.duration, self.started = context, duration, time.monotonic()

    def step(self, low: float, high: float, fraction: float) -> None:
        done = low + (high - low) * max(0.0, min(1.0, fraction))
        elapsed = time.monotonic() - self.started
        eta = elapsed * (1 - done) / done if done > 0.01 else None
        self.context.report(Progress(done, done * self.duration, eta, None))


def run_speech_job(context: JobContext) -> None:
    """Recognise (and for ``align``, time the given text), then save the draft (the handler)."""
    mode = MODE_OF_KIND[context.kind]
    source_key, duration = _load(context)
    model = _model(context)
    reporter = _Reporter(context, duration)
    with context.scratch_path(".f32") as audio_path:
        with context.storage.local_file(source_key) as source_path:
            run_ffmpeg(
                speech_audio_args(source_path, audio_path),
                ffmpeg=context.ffmpeg,
                duration=duration or None,
                timeout=context.timeout,
                on_progress=lambda p: reporter.step(0.0, DECODE_SHARE, p.fraction),
                cancel=context.cancel,
            )
        context.check_cancelled()
        try:
            recognition = recognise(
                model,
                read_audio(audio_path),
                language=context.payload["language"],
                on_progress=lambda f: reporter.step(DECODE_SHARE, 1.0, f),
                cancel=context.cancel,
            )
        except RecognitionCancelled as error:
            raise JobInterrupted from error
    words = recognition.words
    if mode is SpeechMode.ALIGN and words:
        words = align_text(context.payload["text"], words)
    cues, groups = build_cues(words)
    notes = {
        "mode": mode.value,
        "model": context.settings.asr_model,
        "heard_language": recognition.language,
        "low_confidence": [asdict(n) for n in low_confidence_words(groups)]
        if mode is SpeechMode.RECOGNISE
        else [],
        "unplaced": [asdict(n) for n in unplaced_words(groups)],
    }
    _publish(context, CaptionDocument(cues=tuple(cues)), notes)


def _orderer(session: Any, payload: dict[str, Any]) -> Actor:
    user = session.get(User, payload["user_id"]) if payload.get("user_id") else None
    label = f"{payload.get('ordered_by') or 'editor'} (speech recognition)"
    return Actor(role=UserRole.EDITOR, label=label, user=user)


def _publish(context: JobContext, document: CaptionDocument, notes: dict[str, Any]) -> None:
    """Save the cues as the draft's newest revision, in the transaction that ends the job."""
    payload = context.payload
    with session_scope(context.sessions) as session:
        context.finish(session)
        job = session.get(Job, context.job_id)
        assert job is not None
        item: MediaItem = job.item
        source = item.file_with_role(FileRole.SOURCE)
        if source is None or source.id != payload["source_file_id"]:
            raise UnrunnableJob(SOURCE_REPLACED)
        result: dict[str, Any] = {
            "cues": len(document.cues),
            "unplaced": len(notes["unplaced"]),
            "low_confidence": len(notes["low_confidence"]),
        }
        if document.cues:
            try:
                track = draft_track(item, payload["language"])
            except (Conflict, Invalid) as error:  # captions were uploaded meanwhile
                raise UnrunnableJob(error.message) from error
            # Who ordered it is read before a new track joins the session: the query would
            # flush the track before its revision gives it a file.
            orderer = _orderer(session, payload)
            if track is None:
                track = CaptionTrack(
                    language=payload["language"],
                    kind=CaptionKind.CAPTIONS,
                    label=default_label(payload["language"]),
                    draft=True,
                )
                item.draft_captions.append(track)
            origin = "align" if notes["mode"] == SpeechMode.ALIGN.value else "speech"
            revision = add_revision(
                session,
                context.storage,
                track,
                normalised(document),
                orderer,
                origin=origin,
            )
            revision.speech = notes
            result.update(track_id=track.id, revision=revision.number)
        job.payload = {**payload, "result": result}
