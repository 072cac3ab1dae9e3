"""Finding a stored file or caption track that may be served to the one asking."""

from __future__ import annotations

from sqlalchemy.orm import Session

from media_service.errors import NotFound
from media_service.models import CaptionTrack, MediaFile


def servable_file(session: Session, file_id: int, *, include_unpublished: bool) -> MediaFile:
    """A stored file whose item is published (or any, for editors). Raises NotFound."""
    media_file = session.get(MediaFile, file_id)
    if media_file is None or not (media_file.item.published or include_unpublished):
        raise NotFound(f"no file with id {file_id}")
    return media_file


def servable_track(session: Session, track_id: int, *, include_unpublished: bool) -> CaptionTrack:
    """A caption track whose item is published (or any, for editors). Raises NotFound."""
    track = session.get(CaptionTrack, track_id)
    if track is None or not (track.item.published or include_unpublished):
        raise NotFound(f"no caption track with id {track_id}")
    return track
