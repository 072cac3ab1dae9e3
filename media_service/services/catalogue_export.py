"""The library's metadata as data: every published item with its accessibility, as JSON and
as CSV (``/api/catalogue.json`` and ``.csv``), the same rows for both."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from media_service.models import FileRole, MediaItem
from media_service.services import open_data
from media_service.services.open_data import Site
from media_service.urls import caption_url, document_url, embed_url, file_url, transcript_url, watch_url

# The CSV's columns, in order; a list is written with its entries separated by spaces.
COLUMNS = (
    "id",
    "kind",
    "title",
    "description",
    "language",
    "published",
    "modified",
    "duration_seconds",
    "licence",
    "licence_url",
    "watch_url",
    "embed_url",
    "content_url",
    "poster_url",
    "transcript_url",
    "caption_languages",
    "caption_urls",
    "sign_language",
    "audio_description_languages",
    "accessibility_features",
    "accessibility_summary_sv",
    "accessibility_summary_en",
    "document_urls",
)


def item_row(site: Site, item: MediaItem) -> dict[str, Any]:
    """One item's metadata: plain values, lists and absolute URLs."""
    access = open_data.access_of(item)
    licence = open_data.licence_for(item)
    playable = open_data.playable_file(item)
    poster = item.file_with_role(FileRole.POSTER)
    spoken = [t for t in item.captions if t.kind.is_spoken]
    return {
        "id": item.id,
        "kind": item.kind.value,
        "title": item.title,
        "description": item.description,
        "language": item.language,
        "published": open_data.published_on(item).isoformat(),
        "modified": open_data.modified_on(item).isoformat(),
        "duration_seconds": open_data.duration_seconds(item),
        "licence": licence.spdx,
        "licence_url": licence.url,
        "watch_url": site.url(watch_url(item)),
        "embed_url": site.url(embed_url(item)) if playable else None,
        "content_url": site.url(file_url(playable)) if playable else None,
        "poster_url": site.url(file_url(poster)) if poster else None,
        "transcript_url": site.url(transcript_url(item)) if spoken else None,
        "caption_languages": access.caption_languages,
        "caption_urls": [site.url(caption_url(t)) for t in spoken],
        "sign_language": open_data.SIGN_LANGUAGE if access.sign_language else None,
        "audio_description_languages": access.description_languages,
        "accessibility_features": access.features,
        "accessibility_summary_sv": access.text("sv"),
        "accessibility_summary_en": access.text("en"),
        "document_urls": [site.url(document_url(d)) for d in item.documents],
    }


def catalogue_json(site: Site, items: list[MediaItem], generated: datetime) -> dict[str, Any]:
    return {
        "publisher": {"name": site.publisher_name, "url": site.publisher_url},
        "generated": open_data.as_utc(generated).isoformat(),
        "items": [item_row(site, item) for item in items],
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def catalogue_csv(site: Site, items: list[MediaItem]) -> str:
    """RFC 4180 CSV with a header row (CRLF line ends, fields quoted where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        row = item_row(site, item)
        writer.writerow([_cell(row[name]) for name in COLUMNS])
    return out.getvalue()
