"""The public URL of every thing Tolk serves, in one place."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import inspect

from media_service.models import CaptionTrack, Document, MediaFile, MediaItem


def file_url(media_file: MediaFile) -> str:
    extension = media_file.storage_key.rsplit(".", 1)[-1]
    return f"/files/{media_file.id}.{extension}"


def thumbnail_url(poster: MediaFile, width: int, height: int) -> str:
    """A smaller copy of a poster (for oEmbed's thumbnail), made when first asked for."""
    return f"/files/{poster.id}/{width}x{height}.jpg"


def caption_url(track: CaptionTrack) -> str:
    return f"/captions/{track.id}.vtt"


def watch_url(item: MediaItem) -> str:
    return f"/watch/{item.id}"


def watch_at_url(item: MediaItem, seconds: float) -> str:
    """The watch page starting the film at ``seconds`` (the player reads ``?t=``)."""
    return f"{watch_url(item)}?t={seconds:.3f}"


def transcript_url(item: MediaItem) -> str:
    """The plain transcript page of an item (WCAG 1.2.8)."""
    return f"{watch_url(item)}/transcript"


def embed_url(item: MediaItem) -> str:
    """The player alone, for iframes on other sites."""
    return f"/embed/{item.id}"


def absolute_url(public_url: str, path: str) -> str:
    """``path`` on this site as the world reaches it (``Settings.public_url``)."""
    return public_url.rstrip("/") + path


def oembed_url(public_url: str, item: MediaItem) -> str:
    """The oEmbed answer for an item's watch page, as its discovery link gives it."""
    query = urlencode({"url": absolute_url(public_url, watch_url(item)), "format": "json"})
    return absolute_url(public_url, f"/oembed?{query}")


def hls_url(media_file: MediaFile) -> str | None:
    """The HLS master playlist of a file's ladder, or None while it has none."""
    state = inspect(media_file)
    if state.detached and "ladder" in state.unloaded:
        return None  # a file just stored (an upload's answer) has no ladder yet
    return f"/hls/{media_file.ladder.id}/master.m3u8" if media_file.ladder is not None else None


def document_url(document: Document) -> str:
    """A document that goes with an item, always served as a download."""
    extension = document.file.storage_key.rsplit(".", 1)[-1]
    return f"/documents/{document.id}.{extension}"
