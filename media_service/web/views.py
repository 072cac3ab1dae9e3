"""What the templates need of an item: the views shared by the catalogue, the watch page, the
embed player and the editor."""

from __future__ import annotations

from typing import Any

from media_service.i18n import messages_with_prefix
from media_service.models import (
    FileRole,
    InterpreterRecording,
    MediaFile,
    MediaItem,
    SearchField,
    Variant,
    VariantKind,
)
from media_service.services import accessibility, interpreters, media, search
from media_service.urls import file_url, hls_url, watch_at_url
from transcode.facts import MediaFacts
from transcode.hls import Ladder

# The player's speed menu and its < and > keys (the template and the script read them here).
PLAYBACK_SPEEDS = (0.5, 0.75, 1, 1.25, 1.5, 1.75, 2)
# Speech rates for audio description spoken by the browser (SpeechSynthesisUtterance.rate).
DESCRIPTION_RATES = (0.75, 1, 1.25, 1.5, 2)


def card_view(item: MediaItem) -> dict[str, Any]:
    """What a catalogue card shows of an item (loaded by ``media.listing_query``)."""
    source = item.file_with_role(FileRole.SOURCE)
    facts = source.facts if source and source.facts else None
    return {
        "item": item,
        "source": source,
        "poster": item.file_with_role(FileRole.POSTER),
        "duration": facts["duration"] if facts else None,
        "is_video": bool(facts and facts.get("video") and not facts["video"]["is_still_image"]),
        "has_captions": bool(item.captions),
        "has_sign_language": media.has_sign_language(item),
    }


def item_view(item: MediaItem) -> dict[str, Any]:
    """What the templates need of an item: its card and its accessibility summary."""
    return {**card_view(item), "accessibility": accessibility.summarise(item)}


# How much of a long description a search result shows around its first matching word.
SNIPPET_CHARACTERS = 160


def highlighted_parts(match: search.Match) -> list[tuple[str, bool]]:
    """A match's text as (text, is_match) parts for ``<mark>``; a long text is cut to a
    snippet around its first matching word, with an ellipsis where it was cut."""
    value, spans = match.text, list(match.spans)
    start, end = 0, len(value)
    if end > SNIPPET_CHARACTERS:
        first = spans[0][0] if spans else 0
        start = max(0, first - SNIPPET_CHARACTERS // 4)
        end = min(len(value), start + SNIPPET_CHARACTERS)
    parts: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        parts += [(value[position:span_start], False), (value[span_start:span_end], True)]
        position = span_end
    parts.append((value[position:end], False))
    if end < len(value):
        parts.append(("…", False))
    return [part for part in parts if part[0]]


def search_result_view(item: MediaItem, found: list[search.Match] | None) -> dict[str, Any]:
    """A catalogue card, with what a search matched in it: the title's and description's
    words marked, and the matching cues, each a link to the moment it is said. (No
    accessibility summary: a card does not show one, and it cost a tenth of the page.)"""
    view = card_view(item)
    matches = found or []
    title = next((m for m in matches if m.field == SearchField.TITLE), None)
    description = next((m for m in matches if m.field == SearchField.DESCRIPTION), None)
    view["title_parts"] = highlighted_parts(title) if title else [(item.title, False)]
    view["description_parts"] = highlighted_parts(description) if description else None
    view["cues"] = [
        {"parts": highlighted_parts(m), "start": m.start_seconds, "url": watch_at_url(item, m.start_seconds)}
        for m in matches
        if m.field == SearchField.CAPTION and m.start_seconds is not None
    ]
    return view


def _variant(item: MediaItem, *kinds: VariantKind) -> Variant | None:
    """The item's first variant of ``kinds``, in the order asked."""
    return next((v for kind in kinds for v in item.variants if v.kind == kind), None)


def _display_aspect(media_file: MediaFile, fallback: float) -> float:
    facts = MediaFacts.from_dict(media_file.facts) if media_file.facts else None
    if facts is None or facts.video is None:
        return fallback
    width, height = facts.video.display_size
    return width / height if height else fallback


def _hls_view(media_file: MediaFile) -> dict[str, Any] | None:
    """The film's HLS ladder for the player (``static/js/player/streaming.js``): its master
    playlist and its picture heights, largest first; None while it has none."""
    url = hls_url(media_file)
    if url is None or media_file.ladder is None:
        return None
    return {"url": url, "heights": Ladder.from_dict(media_file.ladder.description).heights}


def _interpreter_view(recording: InterpreterRecording) -> dict[str, Any] | None:
    """The sign window's recording for the player: its browser-ready file and its ladder, never
    the upload itself; None while it has neither (no window rather than a black one). ``key``
    is the chroma key the player applies (``static/js/player/keying.js``), in the terms of
    ``transcode.layout.ChromaKey``."""
    window = recording.window_file
    ladder = hls_url(recording.file)
    if window is None and ladder is None:
        return None
    key = interpreters.layout_of(recording).key
    return {
        "url": file_url(window) if window is not None else None,
        "language": recording.language,
        "offset": recording.offset_seconds,
        "aspect": _display_aspect(window or recording.file, 8 / 9),
        "layout": recording.layout,
        "hls": ladder,
        "key": None
        if key is None
        else {
            "chroma": list(key.chroma),
            "similarity": key.similarity,
            "blend": key.blend,
            "despill": key.despill,
        },
    }


def player_view(item: MediaItem, language: str) -> dict[str, Any]:
    """What the player partial needs: the file to play, and the config its script reads.

    The film plays from the ``web`` variant when there is one (made for browsers), else from
    the source. The sign window uses the first interpreter recording; a ``signed`` variant
    (else ``signed+captioned``) is what the sign-language button switches to where there is
    no recording, or where the device plays one video at a time.
    """
    view = item_view(item)
    web = _variant(item, VariantKind.WEB)
    playable = web.file if web else view["source"]
    film_aspect = _display_aspect(playable, 16 / 9) if playable and view["is_video"] else 16 / 9
    recording = item.interpreters[0] if item.interpreters else None
    signed = _variant(item, VariantKind.SIGNED, VariantKind.SIGNED_CAPTIONED)
    config: dict[str, Any] = {
        "lang": language,
        "strings": messages_with_prefix(language, "player_"),
        "filmAspect": film_aspect,
        "speeds": list(PLAYBACK_SPEEDS),
        "descriptionRates": list(DESCRIPTION_RATES),
        "interpreter": None,
        "signedVariant": None,
        "hls": _hls_view(playable) if playable is not None and view["is_video"] else None,
    }
    if recording is not None:
        config["interpreter"] = _interpreter_view(recording)
    if signed is not None:
        config["signedVariant"] = {
            "url": file_url(signed.file),
            "type": signed.file.content_type,
            "captioned": signed.kind == VariantKind.SIGNED_CAPTIONED,
            # Where its signer is burned in (fractions of the picture), for captions to avoid.
            "signerBox": interpreters.burned_in_placement(item, signed),
        }
    # A song with sign language needs a picture for the interpreter to stand in.
    uses_video = view["is_video"] or config["interpreter"] is not None or signed is not None
    return {
        **view,
        "playable": playable,
        "media_tag": "video" if uses_video else "audio",
        "player_config": config,
    }


def picture_aspect(view: dict[str, Any]) -> float | None:
    """The aspect of the picture a player view shows, or None for a song without one."""
    return view["player_config"]["filmAspect"] if view["media_tag"] == "video" else None
