"""Captions from speech: ordering a draft recognised from the sound, or the editor's own text
timed to it; approving a draft; what the model is and whether it loads.

The work runs as a durable job (``services.speech_jobs``). Its result is a revision of a draft
caption track in the item's language: drafts are never shown to viewers (``MediaItem.captions``
leaves them out) until an editor approves one, which makes it an ordinary track.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from media_service.auth import Actor
from media_service.config import Settings
from media_service.errors import Conflict, Invalid, InvalidField, worded
from media_service.jobs import records
from media_service.jobs.queue import JobQueue, enqueue_after_commit
from media_service.models import CaptionKind, CaptionTrack, FileRole, Job, MediaItem
from media_service.services import search
from media_service.services.captions import all_tracks
from media_service.services.languages import normalise_language
from media_service.speech import model as speech_model
from media_service.storage import Storage

MAX_TEXT_CHARACTERS = 200_000
ERROR_PREFIX = "speech:"  # a job error of this module's: "speech:<problem>:<model>\n<detail>"


class SpeechMode(enum.StrEnum):
    """``recognise``: a draft from the speech; ``align``: the editor's text timed to the speech."""

    RECOGNISE = "recognise"
    ALIGN = "align"


JOB_KINDS = {SpeechMode.RECOGNISE: "captions_from_speech", SpeechMode.ALIGN: "captions_aligned"}
MODE_OF_KIND = {kind: mode for mode, kind in JOB_KINDS.items()}


def models_dir(settings: Settings) -> Path:
    """Where packaged models are joined from their parts."""
    return settings.data_dir / "models"


def _source_with_sound(item: MediaItem) -> int:
    source = item.file_with_role(FileRole.SOURCE)
    if source is None or not source.facts or not source.facts.get("audio"):
        raise Invalid.told("api_speech_no_sound", item=item.id)
    return source.id


def draft_track(item: MediaItem, language: str) -> CaptionTrack | None:
    """The item's captions track in ``language``; a Conflict when it is one viewers see."""
    track = next(
        (t for t in all_tracks(item) if t.language == language and t.kind is CaptionKind.CAPTIONS), None
    )
    if track is not None and not track.draft:
        raise Conflict.told("api_speech_track_exists", language=language)
    return track


def order_speech_captions(
    session: Session,
    queue: JobQueue,
    item: MediaItem,
    mode: SpeechMode,
    *,
    language: str | None = None,
    text: str | None = None,
    actor: Actor | None = None,
) -> Job:
    """Queue a job making a draft captions track of ``item`` from its speech.

    ``language`` defaults to the item's (Whisper's own detection is only a fallback). ``align``
    needs ``text``: the words to time, line breaks kept. Refused: an item without sound (422),
    a text empty or too long (422), and a language whose captions viewers already see (409).
    """
    source_id = _source_with_sound(item)
    try:
        language = normalise_language(language or item.language)
    except Invalid as error:
        raise InvalidField("language", error.message) from error
    draft_track(item, language)
    payload: dict[str, object] = {"source_file_id": source_id, "language": language}
    if actor is not None:  # whom the draft's revision names, beside the recogniser
        payload.update(user_id=actor.user.id if actor.user else None, ordered_by=actor.label)
    if mode is SpeechMode.ALIGN:
        text = (text or "").strip()
        if not text:
            raise _field_error("text", "api_speech_text_empty")
        if len(text) > MAX_TEXT_CHARACTERS:
            raise _field_error(
                "text", "api_speech_text_too_long", length=len(text), limit=MAX_TEXT_CHARACTERS
            )
        payload["text"] = text
    job = records.create_job(session, item, JOB_KINDS[mode], payload)
    enqueue_after_commit(session, queue, job.id)
    return job


def _field_error(field: str, key: str, **values: object) -> InvalidField:
    error = InvalidField(field, worded(key, "en", values))
    error.key, error.values = key, dict(values)
    return error


def approve_draft(session: Session, storage: Storage, track: CaptionTrack) -> CaptionTrack:
    """Show a draft to viewers: it becomes an ordinary track (and searchable). Conflict if it
    is not a draft."""
    if not track.draft:
        raise Conflict.told("api_speech_not_draft")
    track.draft = False
    session.flush()
    search.index_stored_track(session, storage, track)
    session.expire(track.item, ["captions", "draft_captions"])
    return track


def speech_jobs(item: MediaItem) -> list[Job]:
    """The item's speech jobs, newest first (the captions page follows them)."""
    return sorted(
        (job for job in item.jobs if job.kind in MODE_OF_KIND), key=lambda job: job.id, reverse=True
    )


@dataclass(frozen=True)
class DraftReview:
    """A draft and what its newest revision asks an editor to check: words heard with low
    confidence and, of a timed text, words that could not be placed (each a dict of ``cue``,
    ``word`` and ``start_ms``)."""

    track: CaptionTrack
    mode: SpeechMode | None
    low_confidence: list[dict[str, object]]
    unplaced: list[dict[str, object]]


def review_draft(track: CaptionTrack) -> DraftReview:
    """What the editor should look at in ``track`` (a draft or not) before approving it."""
    revision = track.current_revision
    notes = (revision.speech if revision is not None else None) or {}
    mode = str(notes.get("mode"))
    return DraftReview(
        track,
        SpeechMode(mode) if mode in SpeechMode._value2member_map_ else None,
        list(notes.get("low_confidence") or []),
        list(notes.get("unplaced") or []),
    )


def recognition_installed() -> bool:
    """Whether the ``tolk[asr]`` extra is installed (the model may still be wrong: see
    ``check_model``, which the jobs and ``tolk doctor`` run)."""
    return speech_model.asr_installed()


# --- The model, and the words for what is wrong with it ---

_PROBLEM_KEYS = {
    speech_model.Problem.NOT_INSTALLED: "api_speech_not_installed",
    speech_model.Problem.MODEL_MISSING: "api_speech_model_missing",
    speech_model.Problem.MODEL_INCOMPLETE: "api_speech_model_incomplete",
    speech_model.Problem.CHECKSUM: "api_speech_checksum",
    speech_model.Problem.DOES_NOT_LOAD: "api_speech_does_not_load",
}


def problem_text(problem: speech_model.Problem, model: str, language: str) -> str:
    """What is wrong with the model, for an editor or an operator, in ``language``."""
    return worded(_PROBLEM_KEYS[problem], language, {"model": model})


def job_error(error: speech_model.ModelUnavailable, model: str) -> str:
    """A job's error text for a model problem: the problem (translated when shown) and detail."""
    return f"{ERROR_PREFIX}{error.problem.value}:{model}\n{error.detail}"


def job_error_text(error: str | None, language: str) -> str | None:
    """A job's error as an editor reads it in ``language``: a model problem in words, with
    the detail after it; other errors as they are."""
    if error is None or not error.startswith(ERROR_PREFIX):
        return error
    head, _, detail = error.partition("\n")
    problem, _, model = head[len(ERROR_PREFIX) :].partition(":")
    try:
        worded_problem = problem_text(speech_model.Problem(problem), model, language)
    except ValueError:
        return error
    return f"{worded_problem} ({detail})" if detail else worded_problem


@dataclass(frozen=True)
class ModelStatus:
    """What ``tolk doctor`` says of the model: its name, folder and size, and whether it loads."""

    name: str
    ok: bool
    folder: Path | None
    size_bytes: int | None
    problem: speech_model.Problem | None
    detail: str


def check_model(settings: Settings, *, load: bool = True) -> ModelStatus:
    """Find the configured model (joining a packaged one) and, with ``load``, load it."""
    name = settings.asr_model
    try:
        if not speech_model.asr_installed():
            raise speech_model.ModelUnavailable(
                speech_model.Problem.NOT_INSTALLED, "faster-whisper is not installed (install tolk[asr])"
            )
        files = speech_model.model_files(name, models_dir(settings))
        if load:
            speech_model.load_model(files, threads=settings.asr_threads)
    except speech_model.ModelUnavailable as error:
        return ModelStatus(name, False, None, None, error.problem, error.detail)
    return ModelStatus(name, True, files.folder, files.size_bytes, None, "loads" if load else "found")
