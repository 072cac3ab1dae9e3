"""The public URL of every thing Tolk serves, in one place."""

from __future__ import annotations

from media_service.models import CaptionTrack, MediaFile, MediaItem


def file_url(media_file: MediaFile) -> str:
    extension = media_file.storage_key.rsplit(".", 1)[-1]
    return f"/files/{media_file.id}.{extension}"


def caption_url(track: CaptionTrack) -> str:
    return f"/captions/{track.id}.vtt"


def watch_url(item: MediaItem) -> str:
    return f"/watch/{item.id}"
