"""Caption tracks: upload (WebVTT or SRT), list, read, relabel and delete.

An upload for a language and kind the item already has is a new revision of that track
(``caption_revisions``); the earlier revisions are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from media_service.auth import Actor
from media_service.errors import Conflict, Invalid, InvalidField, NotFound
from media_service.models import CaptionKind, CaptionRevision, CaptionTrack, Job, MediaItem
from media_service.services import search, speech_spans
from media_service.services.caption_revisions import add_revision
from media_service.services.cleanup import delete_after_commit
from media_service.services.languages import default_label, normalise_language
from media_service.services.offload import in_worker_process
from media_service.services.variant_freshness import Remake, remake_outdated
from media_service.storage import Storage
from transcode.captions import (
    CaptionError,
    CaptionNote,
    NormalisedCaptions,
    normalise_captions,
)

MAX_CAPTION_BYTES = 5 * 1024 * 1024
# A file larger than this is read in a worker process (``offload``): reading 5 MB of cues takes
# seconds of CPU, which in a thread would hold every other request up at the GIL.
OFFLOAD_CAPTION_BYTES = 256 * 1024


class CaptionFileInvalid(Invalid):
    """A caption file that does not parse: the line it fails on, in the parser's words in
    English and Swedish."""

    field = "file"

    def __init__(self, error: CaptionError) -> None:
        super().__init__(str(error), line=error.line)
        self.message_en = error.message
        self.message_sv = error.message_sv
        # What else reading found, for the editor's report (the first error is the message).
        self.other_notes = [note for note in error.notes if note is not error.first]

    def message_in(self, language: str | None) -> str:
        return f"rad {self.line}: {self.message_sv}" if language == "sv" else self.message


@dataclass(frozen=True)
class CaptionUpload:
    """A stored caption file and its report: how many cues, and every note on it (what browsers
    would drop or correct, and the quality warnings), none of which stops a file from being
    stored; the revision it became, and the jobs ordered to remake variants it made outdated."""

    track: CaptionTrack
    cue_count: int
    notes: list[CaptionNote]
    revision: CaptionRevision
    jobs: list[Job]


def _check_size(data: bytes) -> None:
    if not data:
        raise InvalidField("file", "the caption file is empty")
    if len(data) > MAX_CAPTION_BYTES:
        raise InvalidField("file", f"a caption file may be at most {MAX_CAPTION_BYTES} bytes")


def normalise_caption_file(
    data: bytes, filename: str | None, *, with_report: bool = True
) -> NormalisedCaptions:
    """An uploaded WebVTT or SRT file, read as browsers read it and written as the normalised
    WebVTT Tolk stores, with its report when asked for; a large file in a worker process.
    Raises InvalidField for an empty or too large file and CaptionFileInvalid, naming the
    line, for one that does not parse."""
    _check_size(data)
    try:
        # The search index's stems are made with the rest: in the worker process for a large
        # file, so no second of stemming runs in the service's threads.
        if len(data) > OFFLOAD_CAPTION_BYTES:
            return in_worker_process(
                normalise_captions, data, filename, with_report=with_report, index_text=search.stems
            )
        return normalise_captions(data, filename, with_report=with_report, index_text=search.stems)
    except CaptionError as error:
        raise CaptionFileInvalid(error) from error


def upload_caption_file(
    session: Session,
    storage: Storage,
    item: MediaItem,
    data: bytes,
    *,
    language: str,
    kind: CaptionKind,
    actor: Actor,
    label: str | None = None,
    filename: str | None = None,
    remake: Remake | None = None,
    with_report: bool = True,
) -> CaptionUpload:
    """Check a WebVTT or SRT file and store it as normalised WebVTT, with its report (unless
    ``with_report`` is false: a script's upload, whose answer has none).

    A track for the same language and kind gets it as a new revision (saved by ``actor``),
    and variants showing its earlier captions are remade as ``remake`` says (and, for a
    description track, the film's speech is looked for through its queue). Refused with
    422: a language that is not a BCP 47 tag, an empty or too large file, and one that does
    not parse (naming its line).
    """
    try:
        language = normalise_language(language)
    except Invalid as error:
        raise InvalidField("language", error.message) from error
    written = normalise_caption_file(data, filename, with_report=with_report)
    track = next((t for t in all_tracks(item) if t.language == language and t.kind == kind), None)
    if track is None:
        track = CaptionTrack(language=language, kind=kind)
        item.captions.append(track)
    if (label or "").strip() or not track.label:
        track.label = (label or "").strip()[:100] or default_label(language)
    revision = add_revision(session, storage, track, written, actor, origin="upload")
    jobs = remake_outdated(session, item, remake)
    if kind is CaptionKind.DESCRIPTIONS and remake is not None:
        # The editor times descriptions against the film's speech: find it once, now.
        speech_spans.after_description_change(session, remake.queue, item)
    return CaptionUpload(track, written.cue_count, list(written.report), revision, jobs)


def all_tracks(item: MediaItem) -> list[CaptionTrack]:
    """The item's tracks, drafts made from speech among them (editors see those too)."""
    return sorted([*item.captions, *item.draft_captions], key=lambda t: t.id)


def get_track(item: MediaItem, track_id: int) -> CaptionTrack:
    """One of the item's tracks, a draft or not, for editors (viewers never get a track id
    of a draft: nothing they see lists one)."""
    track = next((t for t in all_tracks(item) if t.id == track_id), None)
    if track is None:
        raise NotFound(f"item {item.id} has no caption track {track_id}")
    return track


def update_track(
    session: Session,
    track: CaptionTrack,
    *,
    language: str | None = None,
    kind: CaptionKind | None = None,
    label: str | None = None,
) -> CaptionTrack:
    """Relabel a track or change its language or kind; refuses a clash with another track."""
    new_language = normalise_language(language) if language is not None else track.language
    new_kind = kind or track.kind
    clash = any(
        t is not track and t.language == new_language and t.kind == new_kind for t in all_tracks(track.item)
    )
    if clash:
        raise Conflict(f"the item already has a {new_kind.value} track in {new_language!r}")
    if language is not None and label is None and track.label == default_label(track.language):
        label = default_label(new_language)
    track.language, track.kind = new_language, new_kind
    if label is not None:
        track.label = label.strip()[:100] or default_label(new_language)
    session.flush()
    return track


def delete_track(
    session: Session, storage: Storage, item: MediaItem, track: CaptionTrack, *, remake: Remake | None = None
) -> list[Job]:
    """Remove a track with every revision; variants showing it are remade (from another track,
    when the item has one) as ``remake`` says."""
    keys = list(dict.fromkeys([track.storage_key, *(r.storage_key for r in track.revisions)]))
    (item.draft_captions if track.draft else item.captions).remove(track)
    session.flush()
    delete_after_commit(session, storage, keys)
    return remake_outdated(session, item, remake)
