"""Revisions of a caption track: every save is kept, with who and when; compare and restore.

Saving a track (a file uploaded, cues sent by the caption editor or a script, or an earlier
revision restored) writes its normalised WebVTT under a new key and adds a revision; the
newest revision is the track's current file, the one /captions/{id}.vtt serves. Files of
revisions are never changed or removed while their track exists. Each save is one request,
so ``deps.require_editor`` records it in the audit log in the same transaction. After a save,
variants showing the track's earlier captions are outdated and remade (``variant_freshness``).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from sqlalchemy.orm import Session

from media_service.auth import Actor
from media_service.errors import Conflict, InvalidField, NotFound
from media_service.models import CaptionRevision, CaptionTrack, Job
from media_service.services import search
from media_service.services.cleanup import delete_after_rollback
from media_service.services.variant_freshness import Remake, remake_outdated
from media_service.storage import Storage
from transcode.captions import (
    CaptionDocument,
    CaptionNote,
    Cue,
    NormalisedCaptions,
    caption_report,
    normalised,
    read_captions,
    write_srt,
)
from transcode.captions import write_webvtt as webvtt_bytes

MAX_CUES = 100_000
MAX_CUE_TEXT = 5_000
DownloadFormat = Literal["vtt", "srt"]
DOWNLOAD_TYPES = {"vtt": "text/vtt; charset=utf-8", "srt": "application/x-subrip; charset=utf-8"}


@dataclass(frozen=True)
class SavedRevision:
    """A new revision, the report on it (every note, as for an upload) and the jobs ordered
    to remake the variants it made outdated."""

    track: CaptionTrack
    revision: CaptionRevision
    notes: list[CaptionNote]
    jobs: list[Job]


@dataclass(frozen=True)
class CueChange:
    """One difference between two revisions: a cue ``added``, ``removed`` or ``changed``
    (numbers are 1-based, in the older and the newer revision)."""

    change: str
    old_number: int | None
    new_number: int | None
    old: Cue | None
    new: Cue | None


def add_revision(
    session: Session,
    storage: Storage,
    track: CaptionTrack,
    written: NormalisedCaptions,
    actor: Actor,
    *,
    origin: str,
    restored_from: int | None = None,
) -> CaptionRevision:
    """Store ``written`` (see ``transcode.captions.normalised``) as the track's newest revision
    and make it the current file."""
    key = storage.new_key("vtt")
    delete_after_rollback(session, storage, [key])
    storage.write_bytes(key, written.webvtt)
    current = track.current_revision
    revision = CaptionRevision(
        number=current.number + 1 if current is not None else 1,
        storage_key=key,
        cue_count=written.cue_count,
        origin=origin,
        source_format=written.source_format,
        restored_from=restored_from,
        user_id=actor.user_id,
        author=actor.label[:300],
    )
    track.revisions.append(revision)
    track.storage_key = key
    track.source_format = written.source_format
    track.cue_count = written.cue_count
    session.flush()
    # Search finds what viewers see: the cues as stored, and never a speech draft's.
    if track.draft:
        search.index_track(session, track, ())
    else:
        search.index_track(session, track, written.plain, written.plain_index)
    return revision


def get_revision(track: CaptionTrack, number: int) -> CaptionRevision:
    revision = next((r for r in track.revisions if r.number == number), None)
    if revision is None:
        raise NotFound(f"caption track {track.id} has no revision {number}")
    return revision


def read_revision(storage: Storage, revision: CaptionRevision) -> CaptionDocument:
    """A revision as a document (its own file, which Tolk wrote and reads back as written)."""
    return read_captions(storage.read_bytes(revision.storage_key), "stored.vtt")


def revision_report(storage: Storage, revision: CaptionRevision) -> tuple[CaptionDocument, list[CaptionNote]]:
    """A revision's cues and its quality notes, for the editor and the API."""
    document = read_revision(storage, revision)
    return document, caption_report(document)


def _check_base(track: CaptionTrack, base_revision: int | None) -> None:
    current = track.current_revision
    if base_revision is not None and current is not None and current.number != base_revision:
        raise Conflict(
            f"the track has changed since revision {base_revision} (it is at revision {current.number}, "
            f"saved by {current.author or 'someone'}); reload it and make the changes again"
        )


def _saved(
    session: Session,
    track: CaptionTrack,
    revision: CaptionRevision,
    document: CaptionDocument,
    remake: Remake | None,
) -> SavedRevision:
    jobs = remake_outdated(session, track.item, remake)
    return SavedRevision(track, revision, caption_report(document), jobs)


def _clean_text(text: str) -> str:
    # A blank line would end the cue in WebVTT, so lines that are blank are dropped.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines if line.strip())


def cues_document(track_document: CaptionDocument | None, cues: Sequence[Cue]) -> CaptionDocument:
    """The track's document (its STYLE and REGION blocks and header kept) with ``cues``;
    raises InvalidField naming the cue (``cues.3``) that cannot be a cue."""
    if len(cues) > MAX_CUES:
        raise InvalidField("cues", f"a track may have at most {MAX_CUES} cues")
    cleaned = []
    for number, cue in enumerate(cues, 1):
        if len(cue.text) > MAX_CUE_TEXT:
            raise InvalidField(f"cues.{number}", f"a cue's text may be at most {MAX_CUE_TEXT} characters")
        if cue.end_ms <= cue.start_ms:
            raise InvalidField(f"cues.{number}", "a cue must end after it starts")
        text = _clean_text(cue.text)
        if "-->" in text or "-->" in cue.identifier:
            raise InvalidField(f"cues.{number}", "a cue cannot hold '-->' (WebVTT reads it as a timing line)")
        cleaned.append(Cue(cue.start_ms, cue.end_ms, text, cue.identifier.strip(), cue.settings.strip()))
    base = track_document or CaptionDocument(cues=())
    document = replace(base, cues=tuple(cleaned), notes=(), source_format="vtt")
    try:
        webvtt_bytes(document)
    except ValueError as error:
        raise InvalidField("cues", str(error)) from error
    return document


def save_cues(
    session: Session,
    storage: Storage,
    track: CaptionTrack,
    cues: Sequence[Cue],
    actor: Actor,
    *,
    base_revision: int | None = None,
    remake: Remake | None = None,
) -> SavedRevision:
    """A new revision from cues (the caption editor's save, or a script's JSON).

    ``base_revision`` is the revision the cues were edited from: if the track has moved on
    since, 409 rather than losing the other save. Refused with 422 naming the cue: one that
    does not end after it starts, or holds ``-->``.
    """
    _check_base(track, base_revision)
    current = track.current_revision
    document = cues_document(read_revision(storage, current) if current is not None else None, cues)
    revision = add_revision(session, storage, track, normalised(document), actor, origin="editor")
    return _saved(session, track, revision, document, remake)


def save_file(
    session: Session,
    storage: Storage,
    track: CaptionTrack,
    written: NormalisedCaptions,
    actor: Actor,
    *,
    base_revision: int | None = None,
    remake: Remake | None = None,
) -> SavedRevision:
    """A new revision from an uploaded file, read by ``captions.normalise_caption_file`` (with
    its report)."""
    _check_base(track, base_revision)
    revision = add_revision(session, storage, track, written, actor, origin="upload")
    jobs = remake_outdated(session, track.item, remake)
    return SavedRevision(track, revision, list(written.report), jobs)


def restore_revision(
    session: Session,
    storage: Storage,
    track: CaptionTrack,
    number: int,
    actor: Actor,
    *,
    remake: Remake | None = None,
) -> SavedRevision:
    """Make revision ``number`` current again, as a new revision (history is never rewritten)."""
    document = read_revision(storage, get_revision(track, number))
    written = normalised(document)
    revision = add_revision(session, storage, track, written, actor, origin="restore", restored_from=number)
    return _saved(session, track, revision, document, remake)


def _identity(cue: Cue) -> tuple[int, int, str, str, str]:
    return (cue.start_ms, cue.end_ms, cue.text, cue.identifier, cue.settings)


def diff_cues(old: Sequence[Cue], new: Sequence[Cue]) -> list[CueChange]:
    """The cue-level difference between two lists of cues, in order (difflib's matching; a
    replaced run pairs its cues one to one as changed, the rest added or removed)."""
    matcher = difflib.SequenceMatcher(
        None, [_identity(c) for c in old], [_identity(c) for c in new], autojunk=False
    )
    changes = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(old_end - old_start, new_end - new_start) if tag == "replace" else 0
        for offset in range(paired):
            i, j = old_start + offset, new_start + offset
            changes.append(CueChange("changed", i + 1, j + 1, old[i], new[j]))
        for i in range(old_start + paired, old_end):
            changes.append(CueChange("removed", i + 1, None, old[i], None))
        for j in range(new_start + paired, new_end):
            changes.append(CueChange("added", None, j + 1, None, new[j]))
    return changes


def diff_revisions(
    storage: Storage, track: CaptionTrack, number: int, against: int | None = None
) -> tuple[CaptionRevision, CaptionRevision | None, list[CueChange]]:
    """Revision ``number`` compared with ``against`` (default: the one before it; the first
    revision is compared with no cues): the two revisions and the changes."""
    newer = get_revision(track, number)
    if against is None:
        older = next((r for r in reversed(track.revisions) if r.number < number), None)
    else:
        older = get_revision(track, against)
    old_cues = read_revision(storage, older).cues if older is not None else ()
    return newer, older, diff_cues(old_cues, read_revision(storage, newer).cues)


def revision_download(storage: Storage, revision: CaptionRevision, file_format: DownloadFormat) -> bytes:
    """A revision's file: the stored WebVTT as it is, or SRT written from it."""
    data = storage.read_bytes(revision.storage_key)
    if file_format == "vtt":
        return data
    return write_srt(read_captions(data, "stored.vtt"))


def download_name(track: CaptionTrack, revision: CaptionRevision, file_format: DownloadFormat) -> str:
    """Tolk's own name for a downloaded revision, never anything a user typed."""
    return f"tolk-{track.item_id}-captions-{track.id}-r{revision.number}.{file_format}"
