"""Caption tracks: upload (WebVTT or SRT), list, read, relabel and delete."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from media_service.errors import Conflict, Invalid, NotFound
from media_service.models import CaptionKind, CaptionTrack, MediaItem
from media_service.services.cleanup import delete_after_commit, delete_after_rollback
from media_service.storage import Storage
from transcode.captions import CaptionError, parse_captions, to_webvtt

MAX_CAPTION_BYTES = 5 * 1024 * 1024
# BCP 47: a primary language subtag, then optional script, region and variant subtags.
_BCP47 = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?(-[a-zA-Z0-9]{5,8})*$")
LANGUAGE_NAMES = {
    "sv": ("Svenska", "Swedish"),
    "en": ("English", "English"),
    "swl": ("Svenskt teckenspråk", "Swedish Sign Language"),
    "fi": ("Suomi", "Finnish"),
    "ar": ("العربية", "Arabic"),
}


def normalise_language(tag: str) -> str:
    """A BCP 47 tag in its usual case (``sv``, ``en-GB``); raises Invalid for anything else."""
    tag = tag.strip()
    if not _BCP47.match(tag):
        raise Invalid(f"{tag!r} is not a BCP 47 language tag such as 'sv' or 'en-GB'")
    parts = tag.split("-")
    shaped = [parts[0].lower()]
    for part in parts[1:]:
        shaped.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part)
    return "-".join(shaped)


def default_label(language: str) -> str:
    """The track's name in its own language, e.g. 'Svenska'."""
    return LANGUAGE_NAMES.get(language.split("-")[0], (language, language))[0]


def store_caption_track(
    session: Session,
    storage: Storage,
    item: MediaItem,
    data: bytes,
    *,
    language: str,
    kind: CaptionKind,
    label: str | None = None,
    filename: str | None = None,
) -> CaptionTrack:
    """Parse a WebVTT or SRT file and store it as normalised WebVTT.

    A track for the same language and kind is replaced. A parse error is refused with 422 and
    the line it is on.
    """
    language = normalise_language(language)
    if len(data) > MAX_CAPTION_BYTES:
        raise Invalid(f"a caption file may be at most {MAX_CAPTION_BYTES} bytes")
    try:
        cues = parse_captions(data, filename)
    except CaptionError as error:
        raise Invalid(str(error), line=error.line) from error
    key = storage.new_key("vtt")
    storage.write_bytes(key, to_webvtt(cues).encode("utf-8"))
    delete_after_rollback(session, storage, [key])
    source_format = "vtt" if data.removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT") else "srt"
    track = next((t for t in item.captions if t.language == language and t.kind == kind), None)
    if track is None:
        track = CaptionTrack(language=language, kind=kind)
        item.captions.append(track)
    else:
        delete_after_commit(session, storage, [track.storage_key])
    track.label = (label or "").strip()[:100] or default_label(language)
    track.storage_key = key
    track.source_format = source_format
    track.cue_count = len(cues)
    session.flush()
    return track


def get_track(item: MediaItem, track_id: int) -> CaptionTrack:
    track = next((t for t in item.captions if t.id == track_id), None)
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
        t is not track and t.language == new_language and t.kind == new_kind for t in track.item.captions
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


def delete_track(session: Session, storage: Storage, item: MediaItem, track: CaptionTrack) -> None:
    item.captions.remove(track)
    session.flush()
    delete_after_commit(session, storage, [track.storage_key])
