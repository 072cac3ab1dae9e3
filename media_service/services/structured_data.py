"""schema.org JSON-LD for a watch page: a VideoObject (for a song, a MusicRecording with its
video) with captions, transcript, documents and the accessibility properties, so search
engines and other sites know what the item is and that it is accessible."""

from __future__ import annotations

import json
from typing import Any

from media_service.models import FileRole, InterpreterRecording, MediaItem, MediaKind, Variant
from media_service.services import open_data
from media_service.services.open_data import Site
from media_service.storage import Storage
from media_service.urls import caption_url, document_url, embed_url, file_url, transcript_url, watch_url


def _publisher(site: Site) -> dict[str, Any]:
    return {"@type": "Organization", "name": site.publisher_name, "url": site.publisher_url}


def _sign_language_videos(site: Site, item: MediaItem) -> list[dict[str, Any]]:
    """The signer as its own recording and the variants with the signer in the picture."""
    videos: list[dict[str, Any]] = []
    recordings: list[InterpreterRecording] = list(item.interpreters)
    for recording in recordings:
        videos.append(
            {
                "@type": "VideoObject",
                "name": f"{item.title} (teckenspråkstolk)",
                "inLanguage": recording.language or open_data.SIGN_LANGUAGE,
                "contentUrl": site.url(file_url(recording.file)),
                "encodingFormat": recording.file.content_type,
            }
        )
    signed: list[Variant] = [v for v in item.variants if v.kind.has_signer]
    for variant in signed:
        videos.append(
            {
                "@type": "VideoObject",
                "name": f"{item.title} ({variant.kind.value})",
                "inLanguage": [item.language, open_data.SIGN_LANGUAGE],
                "contentUrl": site.url(file_url(variant.file)),
                "encodingFormat": variant.file.content_type,
                "contentSize": str(variant.file.size_bytes),
            }
        )
    return videos


def video_object(site: Site, storage: Storage, item: MediaItem, language: str) -> dict[str, Any] | None:
    """The VideoObject of a published item with something to play, else None; the
    accessibility summary is in ``language`` (the page's)."""
    playable = open_data.playable_file(item)
    poster = item.file_with_role(FileRole.POSTER)
    duration = open_data.duration_seconds(item)
    if playable is None or poster is None or duration is None:
        return None
    access = open_data.access_of(item)
    licence = open_data.licence_for(item)
    video: dict[str, Any] = {
        "@type": "VideoObject",
        "@id": site.url(watch_url(item)) + "#video",
        "name": item.title,
        "description": item.description or item.title,
        "thumbnailUrl": [site.url(file_url(poster))],
        "uploadDate": open_data.published_on(item).isoformat(),
        "duration": open_data.iso_duration(duration),
        "contentUrl": site.url(file_url(playable)),
        "encodingFormat": playable.content_type,
        "embedUrl": site.url(embed_url(item)),
        "url": site.url(watch_url(item)),
        "inLanguage": item.language,
        "publisher": _publisher(site),
        "license": licence.url,
        "isAccessibleForFree": True,
        "caption": [
            {
                "@type": "MediaObject",
                "name": track.label,
                "contentUrl": site.url(caption_url(track)),
                "encodingFormat": "text/vtt",
                "inLanguage": track.language,
            }
            for track in item.captions
            if track.kind.is_spoken
        ],
        "accessibilityFeature": access.features,
        "accessMode": access.modes,
        "accessModeSufficient": [
            {"@type": "ItemList", "itemListElement": modes} for modes in access.sufficient
        ],
        "accessibilitySummary": access.text(language),
        "accessibilityHazard": "none",
        "hasPart": [
            {
                "@type": "DigitalDocument",
                "name": document.title,
                "inLanguage": document.language,
                "url": site.url(document_url(document)),
                "encodingFormat": document.file.content_type,
                "contentSize": str(document.file.size_bytes),
                "license": licence.url,
            }
            for document in item.documents
        ],
        "associatedMedia": _sign_language_videos(site, item),
    }
    transcript = open_data.transcript_text(storage, item)
    if transcript:
        video["transcript"] = transcript
        video["hasPart"].append(
            {"@type": "WebPage", "name": "Transcript", "url": site.url(transcript_url(item))}
        )
    return video


def watch_page_json_ld(site: Site, storage: Storage, item: MediaItem, language: str) -> str | None:
    """The JSON-LD block of a watch page (None without something to play), safe inside a
    ``<script>`` element: ``<``, ``>`` and ``&`` are escaped, so no title closes it."""
    video = video_object(site, storage, item, language)
    if video is None:
        return None
    if item.kind == MediaKind.SONG:
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "MusicRecording",
            "name": item.title,
            "url": site.url(watch_url(item)),
            "inLanguage": item.language,
            "duration": video["duration"],
            "license": video["license"],
            "video": video,
        }
    else:
        data = {"@context": "https://schema.org", **video}
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
