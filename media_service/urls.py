"""The public URL of every thing Tolk serves, in one place."""

from __future__ import annotations

from urllib.parse import urlencode

from media_service.models import CaptionTrack, MediaFile, MediaItem


def file_url(media_file: MediaFile) -> str:
    extension = media_file.storage_key.rsplit(".", 1)[-1]
    return f"/files/{media_file.id}.{extension}"


def caption_url(track: CaptionTrack) -> str:
    return f"/captions/{track.id}.vtt"


def watch_url(item: MediaItem) -> str:
    return f"/watch/{item.id}"


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
