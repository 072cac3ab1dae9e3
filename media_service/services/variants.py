"""Variants of an item (web, captioned, signed, signed+captioned): what each needs, and ordering.

Ordering checks that the item has what each variant needs and records one job; the worker
runs it with ``media_service.services.variant_jobs.run_variants_job``, which makes every
variant of that job in ONE ffmpeg run and publishes them in the transaction that marks the
job done.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from media_service.errors import Invalid, InvalidField
from media_service.jobs import records
from media_service.jobs.queue import JobQueue, enqueue_after_commit
from media_service.models import (
    CaptionKind,
    CaptionTrack,
    FileRole,
    InterpreterRecording,
    Job,
    JobLane,
    MediaFile,
    MediaItem,
    Variant,
    VariantKind,
)
from media_service.services import signer_windows
from media_service.services.cleanup import delete_after_commit
from media_service.services.interpreters import layout_of, signer_box
from media_service.services.made_from import made_from
from media_service.storage import Storage
from transcode.facts import MediaFacts
from transcode.kinds import spoken_caption_kinds
from transcode.variants import web_is_remux

JOB_KIND = "variants"


class MissingInput(enum.StrEnum):
    """What an item lacks for a variant: every variant is made from the film or song, a
    signed one needs an interpreter recording, a captioned one a caption or subtitle track."""

    SOURCE = "source"
    INTERPRETER = "interpreter"
    CAPTIONS = "captions"
    DESCRIPTIONS = "descriptions"  # a described one: a description track


@dataclass(frozen=True)
class _Chosen:
    """What a job making some variants of an item is made from."""

    source: MediaFile
    recording: InterpreterRecording | None
    track: CaptionTrack | None
    descriptions: CaptionTrack | None = None


def description_track(item: MediaItem) -> CaptionTrack | None:
    """The description track a described variant voices: the one in the item's language, else
    the first."""
    tracks = [t for t in item.captions if t.kind is CaptionKind.DESCRIPTIONS and t.cue_count > 0]
    tracks.sort(key=lambda t: (t.language.split("-")[0] != item.language.split("-")[0], t.id))
    return tracks[0] if tracks else None


def _caption_track(item: MediaItem, track_id: int | None) -> CaptionTrack | None:
    """The chosen track, else captions in the item's language, else any captions or subtitles.

    Only spoken tracks can be burned in (descriptions and chapters are not shown)."""
    if track_id is not None:
        chosen = next((t for t in item.captions if t.id == track_id), None)
        if chosen is None or not chosen.kind.is_spoken:
            raise InvalidField("caption_track_id", f"item {item.id} has no caption track {track_id}")
        return chosen
    best_first = spoken_caption_kinds()
    candidates = [t for t in item.captions if t.kind.is_spoken]
    candidates.sort(key=lambda t: (best_first.index(t.kind), t.language != item.language, t.id))
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


def _choose(
    item: MediaItem,
    kinds: Sequence[VariantKind],
    *,
    interpreter_id: int | None = None,
    caption_track_id: int | None = None,
) -> _Chosen | MissingInput:
    """The inputs of ``kinds`` of ``item``, or the first one it lacks. Raises InvalidField
    for a chosen recording or track the item does not have (never without a chosen id)."""
    source = item.file_with_role(FileRole.SOURCE)
    if source is None:
        return MissingInput.SOURCE
    recording = track = descriptions = None
    if any(kind.has_descriptions for kind in kinds):
        descriptions = description_track(item)
        if descriptions is None:
            return MissingInput.DESCRIPTIONS
    if any(kind.has_signer for kind in kinds):
        recording = _interpreter(item, interpreter_id)
        if recording is None:
            return MissingInput.INTERPRETER
    if any(kind.has_captions for kind in kinds):
        track = _caption_track(item, caption_track_id)
        if track is None:
            return MissingInput.CAPTIONS
    return _Chosen(source, recording, track, descriptions)


def missing_for(item: MediaItem, kind: VariantKind) -> MissingInput | None:
    """What ``item`` still lacks to make a ``kind`` variant, or None when it can be ordered."""
    chosen = _choose(item, [kind])
    return chosen if isinstance(chosen, MissingInput) else None


def missing_inputs(item: MediaItem) -> dict[VariantKind, MissingInput | None]:
    """``missing_for`` of every variant kind, in the order the kinds are listed."""
    return {kind: missing_for(item, kind) for kind in VariantKind}


def _missing_error(item: MediaItem, missing: MissingInput) -> Invalid:
    if missing is MissingInput.SOURCE:
        return Invalid(
            f"item {item.id} has no film or song yet: upload it first (PUT /api/media/{item.id}/file)"
        )
    if missing is MissingInput.INTERPRETER:
        return InvalidField(
            "kinds",
            f"a signed variant needs an interpreter recording; item {item.id} has none "
            f"(upload one to POST /api/media/{item.id}/interpreters)",
        )
    if missing is MissingInput.DESCRIPTIONS:
        return InvalidField(
            "kinds",
            f"a described variant needs a description track; item {item.id} has none (upload one "
            f"with kind descriptions to POST /api/media/{item.id}/captions)",
        )
    return InvalidField(
        "kinds",
        f"a captioned variant needs a caption track; item {item.id} has none "
        f"(upload one to POST /api/media/{item.id}/captions)",
    )


def lane_for(kinds: Sequence[VariantKind], source: MediaFile) -> JobLane:
    """The watchable lane for a ``web`` variant made by a remux (seconds at most, and what makes
    a new film watchable); the general lane for everything else, re-encodes included, so
    that no long job holds up the worker reserved for the watchable lane."""
    if list(kinds) == [VariantKind.WEB] and source.facts and web_is_remux(MediaFacts.from_dict(source.facts)):
        return JobLane.WATCHABLE
    return JobLane.GENERAL


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
    chosen = _choose(item, kinds, interpreter_id=interpreter_id, caption_track_id=caption_track_id)
    if isinstance(chosen, MissingInput):
        raise _missing_error(item, chosen)
    payload: dict[str, object] = {"kinds": [k.value for k in kinds], "source_file_id": chosen.source.id}
    if chosen.recording is not None:
        signer_box(item, chosen.recording, layout_of(chosen.recording))
        payload["interpreter_id"] = chosen.recording.id
    if chosen.track is not None:
        payload["caption_track_id"] = chosen.track.id
    payload.update(made_from(chosen.track, chosen.recording))
    if chosen.descriptions is not None:
        revision = chosen.descriptions.current_revision
        payload["description_track_id"] = chosen.descriptions.id
        payload["description_revision_id"] = revision.id if revision is not None else None
    lane = lane_for(kinds, chosen.source)
    job = records.create_job(session, item, JOB_KIND, payload, lane=lane)
    enqueue_after_commit(session, queue, job.id, lane)
    return job


def after_source_upload(session: Session, storage: Storage, queue: JobQueue, item: MediaItem) -> list[Job]:
    """A new film or song: stop work on the old one, drop its variants and remake them.

    The ``web`` variant is ordered alone first, so the film is watchable as soon as it is:
    when it is a remux (well under a second) it goes to the watchable lane, whose reserved
    worker never waits behind variant jobs. The other variants the item had follow in a
    second job when the item still has what they need.
    """
    # An interpreter recording's window file does not depend on the film.
    records.cancel_active_jobs(session, item, sparing=(signer_windows.JOB_KIND,))
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
