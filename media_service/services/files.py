"""Stored files: keeping a probed file, and finding one that may be served to the one asking."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, joinedload

from media_service.errors import NotFound
from media_service.media_types import content_type_for, extension_for
from media_service.models import CaptionTrack, FileRole, MediaFile
from media_service.services.cleanup import delete_after_rollback
from media_service.storage import Storage
from transcode.facts import MediaFacts


def keep_probed_file(
    session: Session,
    storage: Storage,
    path: Path,
    facts: MediaFacts,
    *,
    role: FileRole,
    size: int,
    sha256: str,
    original_name: str = "",
) -> MediaFile:
    """Move a complete, probed file into storage and return its (unattached) record.

    The file is removed again if ``session`` rolls back, so no stored file outlives its row.
    """
    key = storage.new_key(extension_for(facts))
    delete_after_rollback(session, storage, [key])  # first: marks it as entering storage
    storage.commit(path, key)
    return MediaFile(
        role=role,
        storage_key=key,
        content_type=content_type_for(facts),
        size_bytes=size,
        sha256=sha256,
        facts=facts.to_dict(),
        original_name=original_name[:300],
    )


def servable_file(session: Session, file_id: int, *, include_unpublished: bool) -> MediaFile:
    """A stored file whose item is published (or any, for editors). Raises NotFound."""
    # With its item in the same query: one round trip for every file served.
    media_file = session.get(MediaFile, file_id, options=[joinedload(MediaFile.item)])
    if media_file is None or not (media_file.item.published or include_unpublished):
        raise NotFound(f"no file with id {file_id}")
    return media_file


def servable_track(session: Session, track_id: int, *, include_unpublished: bool) -> CaptionTrack:
    """A caption track whose item is published (or any, for editors). Raises NotFound."""
    track = session.get(CaptionTrack, track_id)
    # A draft made from speech is the editors' until one approves it, published item or not.
    if track is None or not ((track.item.published and not track.draft) or include_unpublished):
        raise NotFound(f"no caption track with id {track_id}")
    return track
