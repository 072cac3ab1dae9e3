"""The variants job (kind ``variants``, ordered by ``services.variants.order_variants``).

The worker makes every variant of the job in ONE ffmpeg run (``transcode.variants.
build_variants`` decodes once and splits the picture), writes them under temporary names,
probes them, and publishes them, replacing earlier variants of the same kinds, in the same
transaction that marks the job done.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from media_service.db import session_scope
from media_service.jobs.context import JobContext, UnrunnableJob
from media_service.models import (
    CaptionRevision,
    CaptionTrack,
    FileRole,
    InterpreterRecording,
    Job,
    MediaFile,
    MediaItem,
    Variant,
    VariantKind,
)
from media_service.services.cleanup import delete_after_commit
from media_service.services.description_voice import voice_cues, voice_gain
from media_service.services.files import keep_probed_file
from media_service.services.interpreters import layout_from_dict
from media_service.services.ladders import order_ladder
from media_service.services.made_from import layout_record
from media_service.storage import sha256_of
from transcode import variants as builder
from transcode.captions import Cue, parse_captions
from transcode.describe import RecordedDescription, VoicedDescription
from transcode.facts import MediaFacts
from transcode.layout import InterpreterLayout
from transcode.probe import ProbeError, probe
from transcode.runner import run_ffmpeg
from transcode.speech_spans import IN_A_DESCRIPTION, read_speech_spans, speech_detection_args

SOURCE_REPLACED = "the film or song this job was ordered for has been replaced or removed"


@dataclass(frozen=True)
class _Inputs:
    """Everything a variants job reads, loaded from the database at the start of a run."""

    item_id: int
    kinds: list[VariantKind]
    source: builder.MediaFile
    interpreter: builder.MediaFile | None
    layout: InterpreterLayout
    cues: list[Cue]
    cover: builder.MediaFile | None
    # What the variants are made from, recorded with them when they are published.
    caption_revision_id: int | None = None
    interpreter_id: int | None = None
    interpreter_layout: dict[str, Any] | None = None
    # The description cues a described variant voices, in the track's language.
    description_cues: tuple[Cue, ...] = ()
    description_language: str = "sv"
    description_revision_id: int | None = None
    # A describer's recording the non-extended described variants mix instead (its file id).
    description_recording: builder.MediaFile | None = None
    description_file_id: int | None = None


def _ordered_source(item: MediaItem, payload: dict[str, Any]) -> MediaFile | None:
    """The item's film or song if it is still the one the job was ordered for, else None."""
    source = item.file_with_role(FileRole.SOURCE)
    return source if source is not None and source.id == payload["source_file_id"] else None


def _load_inputs(session: Session, context: JobContext, files: contextlib.ExitStack) -> _Inputs:
    """The job's inputs; the stored files it reads are fetched into local paths held open by
    ``files`` (the files themselves on local storage, copies in scratch from a store)."""
    job = session.get(Job, context.job_id)
    if job is None:
        raise UnrunnableJob(f"job {context.job_id} is gone")
    item, payload, storage = job.item, context.payload, context.storage

    def local(key: str) -> Path:
        return files.enter_context(storage.local_file(key))

    source = _ordered_source(item, payload)
    if source is None or not source.facts:
        raise UnrunnableJob(SOURCE_REPLACED)
    interpreter = None
    layout = InterpreterLayout()
    layout_used = None
    if (recording_id := payload.get("interpreter_id")) is not None:
        recording = session.get(InterpreterRecording, recording_id)
        if recording is None or recording.item_id != item.id or not recording.file.facts:
            raise UnrunnableJob(f"interpreter recording {recording_id} was deleted; order the variant again")
        interpreter = builder.MediaFile(
            local(recording.file.storage_key), MediaFacts.from_dict(recording.file.facts)
        )
        # The layout it was ordered with (jobs ordered before that was recorded: the current one).
        layout_used = payload.get("interpreter_layout") or layout_record(recording)
        layout = layout_from_dict(layout_used["layout"], layout_used["offset_seconds"])
    cues: list[Cue] = []
    revision = _ordered_revision(session, item, payload)
    if revision is not None:
        cues = parse_captions(storage.read_bytes(revision.storage_key))
    facts = MediaFacts.from_dict(source.facts)
    described = _ordered_descriptions(session, item, payload)
    recorded = _ordered_recording(session, item, payload)
    return _Inputs(
        item_id=item.id,
        kinds=[VariantKind(k) for k in payload["kinds"]],
        source=builder.MediaFile(local(source.storage_key), facts),
        interpreter=interpreter,
        layout=layout,
        cues=cues,
        cover=_song_cover(item, facts, local),
        caption_revision_id=revision.id if revision is not None else None,
        interpreter_id=recording_id,
        interpreter_layout=layout_used,
        description_cues=tuple(parse_captions(storage.read_bytes(described.storage_key)))
        if described
        else (),
        description_language=described.track.language if described else "sv",
        description_revision_id=described.id if described else None,
        description_recording=builder.MediaFile(
            local(recorded.storage_key), MediaFacts.from_dict(recorded.facts or {})
        )
        if recorded is not None
        else None,
        description_file_id=recorded.id if recorded is not None else None,
    )


def _ordered_recording(session: Session, item: MediaItem, payload: dict[str, Any]) -> MediaFile | None:
    """The describer's recording a described job was ordered with, or None without one."""
    if (file_id := payload.get("description_file_id")) is None:
        return None
    recorded = session.get(MediaFile, file_id)
    if recorded is None or recorded.item_id != item.id or not recorded.facts:
        raise UnrunnableJob(
            f"description recording {file_id} was replaced or deleted; order the variant again"
        )
    return recorded


def _ordered_descriptions(
    session: Session, item: MediaItem, payload: dict[str, Any]
) -> CaptionRevision | None:
    """The description revision a described job was ordered with, or None without one."""
    if (track_id := payload.get("description_track_id")) is None:
        return None
    track = session.get(CaptionTrack, track_id)
    revision_id = payload.get("description_revision_id")
    revision = session.get(CaptionRevision, revision_id) if revision_id is not None else None
    if track is None or track.item_id != item.id or revision is None or revision.track_id != track.id:
        raise UnrunnableJob(f"description track {track_id} was changed or deleted; order the variant again")
    return revision


def _ordered_revision(session: Session, item: MediaItem, payload: dict[str, Any]) -> CaptionRevision | None:
    """The caption revision the job was ordered with (jobs ordered before revisions were
    recorded: the track's current one); None for a job without captions."""
    if (track_id := payload.get("caption_track_id")) is None:
        return None
    track = session.get(CaptionTrack, track_id)
    if track is None or track.item_id != item.id:
        raise UnrunnableJob(f"caption track {track_id} was deleted; order the variant again")
    revision_id = payload.get("caption_revision_id")
    revision = (
        session.get(CaptionRevision, revision_id) if revision_id is not None else track.current_revision
    )
    if revision is None or revision.track_id != track.id:
        raise UnrunnableJob(
            f"caption revision {revision_id} of track {track_id} is gone; order the variant again"
        )
    return revision


def _song_cover(item: MediaItem, facts: MediaFacts, local: Callable[[str], Path]) -> builder.MediaFile | None:
    """A song's cover picture (its poster, made from the cover), or None: a waveform is drawn."""
    if facts.has_video or facts.video is None:
        return None
    poster = item.file_with_role(FileRole.POSTER)
    if poster is None:
        return None
    path = local(poster.storage_key)
    return builder.MediaFile(path, probe(path))


@dataclass(frozen=True)
class _Output:
    kind: VariantKind
    path: Path
    facts: MediaFacts
    size: int
    sha256: str


def run_variants_job(context: JobContext) -> None:
    """Make the job's variants in one ffmpeg run and publish them (the job handler)."""
    with contextlib.ExitStack() as stack:
        with session_scope(context.sessions) as session:
            inputs = _load_inputs(session, context, stack)
        paths = {kind: stack.enter_context(context.scratch_path(".mp4")) for kind in inputs.kinds}
        work_dir = stack.enter_context(context.work_dir())
        descriptions, gain = _voiced_descriptions(context, inputs, work_dir)
        try:
            plan = builder.build_variants(
                builder.VariantJob(
                    source=inputs.source,
                    outputs=paths,
                    interpreter=inputs.interpreter,
                    layout=inputs.layout,
                    cues=inputs.cues,
                    work_dir=work_dir,
                    cover=inputs.cover,
                    encoder=builder.EncoderSettings(
                        preset=context.settings.variant_preset, crf=context.settings.variant_crf
                    ),
                    descriptions=descriptions,
                    voice_gain_db=gain,
                    recording=_recorded_description(context, inputs, work_dir),
                )
            )
        except ValueError as error:
            raise UnrunnableJob(f"the variants cannot be made: {error}") from error
        plan.write_caption_files()
        context.check_cancelled()
        run_ffmpeg(
            plan.args,
            ffmpeg=context.ffmpeg,
            duration=plan.duration,
            timeout=context.timeout,
            on_progress=context.report,
            cancel=context.cancel,
        )
        outputs = [_checked_output(kind, path) for kind, path in paths.items()]
        _publish(context, inputs, outputs)


def _voiced_descriptions(
    context: JobContext, inputs: _Inputs, work_dir: Path
) -> tuple[list[VoicedDescription], float]:
    """The description cues voiced by the voice command, and the gain that makes the voice as
    loud as the programme; nothing for a job without described variants."""
    described = [kind for kind in inputs.kinds if kind.has_descriptions]
    # With a recording only the extended variant voices the text.
    if not described or (
        inputs.description_recording is not None and not any(k.is_extended for k in described)
    ):
        return [], 0.0
    try:
        voiced = voice_cues(
            inputs.description_cues,
            inputs.description_language,
            context.settings.description_voice_command,
            work_dir,
        )
    except ValueError as error:
        raise UnrunnableJob(f"the descriptions cannot be voiced: {error}") from error
    if not voiced:
        raise UnrunnableJob("the description track has no text to voice; order the variant again")
    context.check_cancelled()
    programme = inputs.source.path if inputs.source.facts.audio is not None else None
    gain = voice_gain(
        programme, [d.path for d in voiced], work_dir, ffmpeg=context.ffmpeg, timeout=context.timeout
    )
    return voiced, gain


def _recorded_description(context: JobContext, inputs: _Inputs, work_dir: Path) -> RecordedDescription | None:
    """The describer's recording, where it speaks (``silencedetect`` on it, through the
    runner) and the gain that makes it as loud as the programme; None without one."""
    recording = inputs.description_recording
    if recording is None:
        return None
    context.check_cancelled()
    report = work_dir / "recording-silences.txt"
    run_ffmpeg(
        speech_detection_args(recording.path, report, IN_A_DESCRIPTION),
        ffmpeg=context.ffmpeg,
        timeout=context.timeout,
    )
    duration = recording.facts.duration
    found = report.read_text(encoding="utf-8", errors="replace")
    spans = read_speech_spans(found, duration, IN_A_DESCRIPTION)
    speech = tuple((start / 1000, end / 1000) for start, end in spans)
    programme = inputs.source.path if inputs.source.facts.audio is not None else None
    gain = voice_gain(programme, [recording.path], work_dir, ffmpeg=context.ffmpeg, timeout=context.timeout)
    return RecordedDescription(recording.path, duration, speech, gain)


def _checked_output(kind: VariantKind, path: Path) -> _Output:
    """Probe a finished output: ffmpeg's exit code alone does not prove a playable file."""
    try:
        facts = probe(path)
    except ProbeError as error:
        raise RuntimeError(f"the {kind.value} variant ffmpeg wrote is not usable: {error}") from error
    return _Output(kind, path, facts, path.stat().st_size, sha256_of(path))


def _publish(context: JobContext, inputs: _Inputs, outputs: list[_Output]) -> None:
    """Move the outputs into storage and make them the item's variants, all or nothing."""
    storage = context.storage
    with session_scope(context.sessions) as session:
        context.finish(session)  # not if cancelled (as a replaced film's jobs are)
        item = session.get(MediaItem, inputs.item_id)
        assert item is not None
        # Made from a film replaced since, they must not be shown as the new one's; raised
        # before anything is moved into storage, the scratch outputs are simply removed.
        if _ordered_source(item, context.payload) is None:
            raise UnrunnableJob(SOURCE_REPLACED)
        for output in outputs:
            media_file = keep_probed_file(
                session,
                storage,
                output.path,
                output.facts,
                role=FileRole.VARIANT,
                size=output.size,
                sha256=output.sha256,
            )
            item.files.append(media_file)
            variant = next((v for v in item.variants if v.kind == output.kind), None)
            if variant is None:
                variant = Variant(kind=output.kind, file=media_file)
                item.variants.append(variant)
            else:
                replaced = variant.file
                variant.file = media_file
                item.files.remove(replaced)
                delete_after_commit(session, storage, [replaced.storage_key])
            variant.job_id = context.job_id
            _record_made_from(variant, inputs)
            session.flush()
            order_ladder(session, context.queue, context.settings, item, media_file)


def _record_made_from(variant: Variant, inputs: _Inputs) -> None:
    """What the variant shows, so that a later change marks it outdated."""
    kind = variant.kind
    variant.caption_revision_id = inputs.caption_revision_id if kind.has_captions else None
    variant.interpreter_id = inputs.interpreter_id if kind.has_signer else None
    variant.interpreter_layout = inputs.interpreter_layout if kind.has_signer else None
    from_recording = kind.has_descriptions and not kind.is_extended and inputs.description_file_id is not None
    variant.description_revision_id = (
        inputs.description_revision_id if kind.has_descriptions and not from_recording else None
    )
    variant.description_file_id = inputs.description_file_id if from_recording else None
