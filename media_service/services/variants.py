"""Variants of an item (web, captioned, signed, signed+captioned): ordered as jobs, made by ffmpeg.

Ordering checks that the item has what each variant needs and records one job; the worker
makes every variant of that job in ONE ffmpeg run (``transcode.variants.build_variants``
decodes once and splits the picture), writes them under temporary names, probes them, and
publishes them, replacing earlier variants of the same kinds, in the same transaction that
marks the job done.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from media_service.db import session_scope
from media_service.errors import Invalid
from media_service.jobs import records
from media_service.jobs.queue import JobQueue, enqueue_after_commit
from media_service.jobs.worker import JobContext, UnrunnableJob
from media_service.models import (
    CaptionKind,
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
from media_service.services.files import keep_probed_file
from media_service.services.interpreters import InvalidField, layout_of, signer_box
from media_service.services.media import SIGNED_VARIANTS
from media_service.storage import Storage, sha256_of
from transcode import variants as builder
from transcode.captions import Cue, parse_captions
from transcode.facts import MediaFacts
from transcode.layout import InterpreterLayout
from transcode.probe import ProbeError, probe
from transcode.runner import run_ffmpeg

JOB_KIND = "variants"
CAPTIONED_KINDS = (VariantKind.CAPTIONED, VariantKind.SIGNED_CAPTIONED)
# Tracks a captioned variant can burn in, best first (descriptions and chapters are not shown).
BURNABLE_CAPTIONS = (CaptionKind.CAPTIONS, CaptionKind.SUBTITLES)
SOURCE_REPLACED = "the film or song this job was ordered for has been replaced or removed"


def _caption_track(item: MediaItem, track_id: int | None) -> CaptionTrack | None:
    """The chosen track, else captions in the item's language, else any captions or subtitles."""
    if track_id is not None:
        chosen = next((t for t in item.captions if t.id == track_id), None)
        if chosen is None or chosen.kind not in BURNABLE_CAPTIONS:
            raise InvalidField("caption_track_id", f"item {item.id} has no caption track {track_id}")
        return chosen
    candidates = [t for t in item.captions if t.kind in BURNABLE_CAPTIONS]
    candidates.sort(key=lambda t: (BURNABLE_CAPTIONS.index(t.kind), t.language != item.language, t.id))
    return candidates[0] if candidates else None


def _interpreter(item: MediaItem, recording_id: int | None) -> InterpreterRecording | None:
    """The chosen recording, else the newest."""
    if recording_id is not None:
        chosen = next((r for r in item.interpreters if r.id == recording_id), None)
        if chosen is None:
            message = f"item {item.id} has no interpreter recording {recording_id}"
            raise InvalidField("interpreter_id", message)
        return chosen
    return max(item.interpreters, key=lambda r: r.id, default=None)


def order_variants(
    session: Session,
    queue: JobQueue,
    item: MediaItem,
    kinds: Sequence[VariantKind],
    *,
    interpreter_id: int | None = None,
    caption_track_id: int | None = None,
) -> Job:
    """Queue one job making ``kinds`` of ``item`` together; raises Invalid naming what is missing."""
    kinds = list(dict.fromkeys(kinds))
    if not kinds:
        raise InvalidField("kinds", "order at least one of: " + ", ".join(k.value for k in VariantKind))
    source = item.file_with_role(FileRole.SOURCE)
    if source is None:
        raise Invalid(
            f"item {item.id} has no film or song yet: upload it first (PUT /api/media/{item.id}/file)"
        )
    payload: dict[str, object] = {"kinds": [k.value for k in kinds], "source_file_id": source.id}
    if any(k in SIGNED_VARIANTS for k in kinds):
        recording = _interpreter(item, interpreter_id)
        if recording is None:
            raise InvalidField(
                "kinds",
                f"a signed variant needs an interpreter recording; item {item.id} has none "
                f"(upload one to POST /api/media/{item.id}/interpreters)",
            )
        signer_box(item, recording, layout_of(recording))
        payload["interpreter_id"] = recording.id
    if any(k in CAPTIONED_KINDS for k in kinds):
        track = _caption_track(item, caption_track_id)
        if track is None:
            raise InvalidField(
                "kinds",
                f"a captioned variant needs a caption track; item {item.id} has none "
                f"(upload one to POST /api/media/{item.id}/captions)",
            )
        payload["caption_track_id"] = track.id
    job = records.create_job(session, item, JOB_KIND, payload)
    enqueue_after_commit(session, queue, job.id)
    return job


def after_source_upload(session: Session, storage: Storage, queue: JobQueue, item: MediaItem) -> list[Job]:
    """A new film or song: stop work on the old one, drop its variants and remake them.

    The ``web`` variant is ordered alone first, so the film is watchable as soon as it is
    (a remux of a browser-ready source takes well under a second); the other variants the
    item had follow in a second job when the item still has what they need.
    """
    records.cancel_active_jobs(session, item)
    # The item was read before the upload streamed in, holding no lock: a job of the old film
    # may have published variants since.
    session.refresh(item, ["files", "variants"])
    stale = list(item.variants)
    remake = [v.kind for v in stale if v.kind is not VariantKind.WEB]
    for variant in stale:
        _remove_variant(session, storage, item, variant)
    jobs = [order_variants(session, queue, item, [VariantKind.WEB])]
    # When the new film no longer fits them (a layout, an offset), the editor orders them again.
    with contextlib.suppress(Invalid):
        if remake:
            jobs.append(order_variants(session, queue, item, remake))
    return jobs


def _remove_variant(session: Session, storage: Storage, item: MediaItem, variant: Variant) -> None:
    storage_key = variant.file.storage_key
    item.variants.remove(variant)
    item.files.remove(variant.file)
    session.flush()
    delete_after_commit(session, storage, [storage_key])


# --- the worker's side ----------------------------------------------------------------------


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


def _ordered_source(item: MediaItem, payload: dict) -> MediaFile | None:
    """The item's film or song if it is still the one the job was ordered for, else None."""
    source = item.file_with_role(FileRole.SOURCE)
    return source if source is not None and source.id == payload["source_file_id"] else None


def _load_inputs(session: Session, context: JobContext) -> _Inputs:
    job = session.get(Job, context.job_id)
    if job is None:
        raise UnrunnableJob(f"job {context.job_id} is gone")
    item, payload, storage = job.item, context.payload, context.storage
    source = _ordered_source(item, payload)
    if source is None or not source.facts:
        raise UnrunnableJob(SOURCE_REPLACED)
    interpreter = None
    layout = InterpreterLayout()
    if (recording_id := payload.get("interpreter_id")) is not None:
        recording = session.get(InterpreterRecording, recording_id)
        if recording is None or recording.item_id != item.id or not recording.file.facts:
            raise UnrunnableJob(f"interpreter recording {recording_id} was deleted; order the variant again")
        interpreter = builder.MediaFile(
            storage.path(recording.file.storage_key), MediaFacts.from_dict(recording.file.facts)
        )
        layout = layout_of(recording)
    cues: list[Cue] = []
    if (track_id := payload.get("caption_track_id")) is not None:
        track = session.get(CaptionTrack, track_id)
        if track is None or track.item_id != item.id:
            raise UnrunnableJob(f"caption track {track_id} was deleted; order the variant again")
        cues = parse_captions(storage.path(track.storage_key).read_bytes())
    facts = MediaFacts.from_dict(source.facts)
    return _Inputs(
        item_id=item.id,
        kinds=[VariantKind(k) for k in payload["kinds"]],
        source=builder.MediaFile(storage.path(source.storage_key), facts),
        interpreter=interpreter,
        layout=layout,
        cues=cues,
        cover=_song_cover(storage, item, facts),
    )


def _song_cover(storage: Storage, item: MediaItem, facts: MediaFacts) -> builder.MediaFile | None:
    """A song's cover picture (its poster, made from the cover), or None: a waveform is drawn."""
    if facts.has_video or facts.video is None:
        return None
    poster = item.file_with_role(FileRole.POSTER)
    if poster is None:
        return None
    path = storage.path(poster.storage_key)
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
    with session_scope(context.sessions) as session:
        inputs = _load_inputs(session, context)
    with contextlib.ExitStack() as stack:
        paths = {kind: stack.enter_context(context.scratch_path(".mp4")) for kind in inputs.kinds}
        work_dir = stack.enter_context(context.work_dir())
        try:
            plan = builder.build_variants(
                builder.VariantJob(
                    source=inputs.source,
                    outputs={builder.VariantKind(kind.value): path for kind, path in paths.items()},
                    interpreter=inputs.interpreter,
                    layout=inputs.layout,
                    cues=inputs.cues,
                    work_dir=work_dir,
                    cover=inputs.cover,
                    encoder=builder.EncoderSettings(
                        preset=context.settings.variant_preset, crf=context.settings.variant_crf
                    ),
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
        _publish(context, inputs.item_id, outputs)


def _checked_output(kind: VariantKind, path: Path) -> _Output:
    """Probe a finished output: ffmpeg's exit code alone does not prove a playable file."""
    try:
        facts = probe(path)
    except ProbeError as error:
        raise RuntimeError(f"the {kind.value} variant ffmpeg wrote is not usable: {error}") from error
    return _Output(kind, path, facts, path.stat().st_size, sha256_of(path))


def _publish(context: JobContext, item_id: int, outputs: list[_Output]) -> None:
    """Move the outputs into storage and make them the item's variants, all or nothing."""
    storage = context.storage
    with session_scope(context.sessions) as session:
        context.finish(session)  # not if cancelled (as a replaced film's jobs are)
        item = session.get(MediaItem, item_id)
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
            earlier = next((v for v in item.variants if v.kind == output.kind), None)
            if earlier is None:
                item.variants.append(Variant(kind=output.kind, file=media_file, job_id=context.job_id))
                continue
            replaced = earlier.file
            earlier.file = media_file
            earlier.job_id = context.job_id
            item.files.remove(replaced)
            delete_after_commit(session, storage, [replaced.storage_key])
