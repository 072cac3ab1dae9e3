"""Request and response shapes of the JSON API, and the one place items become JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from media_service.models import CaptionKind, CaptionTrack, FileRole, MediaFile, MediaItem
from media_service.openapi import MAX_ID
from media_service.services.media import CataloguePage, has_sign_language
from media_service.services.search import Match
from media_service.services.shapes import LanguageTag
from media_service.urls import caption_url, file_url, hls_url, watch_at_url, watch_url
from transcode.captions import MAX_TIME_MS


def _as_utc(value: datetime) -> datetime:
    # The database keeps naive UTC; an RFC 3339 date-time needs its offset said.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = Annotated[datetime, AfterValidator(_as_utc)]
"""A moment in an answer: RFC 3339 in UTC (``2026-05-04T12:00:00Z``)."""


def _json_number(value: Any) -> Any:
    # JSON has numbers, and "1" is a string: refuse what pydantic's lax mode would turn into
    # one (strict mode would also refuse 21.0, which JSON Schema counts as an integer).
    if isinstance(value, str | bool | bytes):
        raise ValueError("must be a number, not a string or a boolean")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_number)]
"""An integer in a JSON body: 21 or 21.0, never "21"."""
JsonId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_json_number)]
"""A row's id in a JSON body."""
JsonMilliseconds = Annotated[int, Field(ge=0, le=MAX_TIME_MS), BeforeValidator(_json_number)]
"""A time in a caption track, in integer milliseconds."""
JsonFloat = Annotated[float, BeforeValidator(_json_number)]
"""A number in a JSON body, never a string."""


def raw_body(description: str) -> dict[str, Any]:
    """OpenAPI for a route whose request body is a file sent as it is (streamed, not parsed)."""
    content = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    return {"requestBody": {"required": True, "description": description, "content": content}}


class CaptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: LanguageTag | None = None
    kind: CaptionKind | None = None
    label: Annotated[str, Field(max_length=100)] | None = None


class FileOut(BaseModel):
    id: int
    role: str
    url: str
    content_type: str
    size_bytes: int
    sha256: str
    facts: dict[str, Any] | None
    hls_url: str | None = Field(
        default=None, description="Its HLS master playlist (picture variants and interpreter recordings)"
    )


class CaptionOut(BaseModel):
    id: int
    language: str
    kind: str
    label: str
    url: str
    cue_count: int
    source_format: str
    # Made from speech and not yet approved: only editors see it (POST …/{id}/approve).
    draft: bool = False


class ItemOut(BaseModel):
    id: int
    kind: str
    title: str
    description: str
    language: str
    published: bool
    created_at: Timestamp
    updated_at: Timestamp
    duration: float | None
    watch_url: str
    poster_url: str | None
    source: FileOut | None
    captions: list[CaptionOut]
    has_sign_language: bool
    licence: str = Field(description="SPDX identifier of the item's licence")


class MatchOut(BaseModel):
    """Where a search matched an item: ``field`` is title, description or caption (a cue,
    with its ``start`` in seconds and ``url``, the watch page at that moment); ``highlights``
    are the [start, end) character spans of the matching words in ``text``."""

    item_id: int
    field: str
    text: str
    start: float | None
    url: str
    highlights: list[tuple[int, int]]


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    page: int
    per_page: int
    # For a search (``q``): what matched in each item of the page, in the items' order.
    matches: list[MatchOut] = []


def file_out(media_file: MediaFile) -> FileOut:
    return FileOut(
        id=media_file.id,
        role=media_file.role.value,
        url=file_url(media_file),
        content_type=media_file.content_type,
        size_bytes=media_file.size_bytes,
        sha256=media_file.sha256,
        facts=media_file.facts,
        hls_url=hls_url(media_file),
    )


def caption_out(track: CaptionTrack) -> CaptionOut:
    return CaptionOut(
        id=track.id,
        language=track.language,
        kind=track.kind.value,
        label=track.label,
        url=caption_url(track),
        cue_count=track.cue_count,
        source_format=track.source_format,
        draft=track.draft,
    )


def match_out(item: MediaItem, match: Match) -> MatchOut:
    seconds = match.start_seconds
    return MatchOut(
        item_id=match.item_id,
        field=match.field.value,
        text=match.text,
        start=seconds,
        url=watch_url(item) if seconds is None else watch_at_url(item, seconds),
        highlights=list(match.spans),
    )


def page_out(page: CataloguePage, number: int, per_page: int) -> ItemPage:
    """A page of the listing or of a search, as the API answers it."""
    return ItemPage(
        items=[item_out(i) for i in page.items],
        total=page.total,
        page=number,
        per_page=per_page,
        matches=[match_out(i, m) for i in page.items for m in page.matches.get(i.id, [])],
    )


def item_out(item: MediaItem) -> ItemOut:
    source = item.file_with_role(FileRole.SOURCE)
    poster = item.file_with_role(FileRole.POSTER)
    return ItemOut(
        id=item.id,
        kind=item.kind.value,
        title=item.title,
        description=item.description,
        language=item.language,
        published=item.published,
        created_at=item.created_at,
        updated_at=item.updated_at,
        duration=source.facts["duration"] if source and source.facts else None,
        watch_url=watch_url(item),
        poster_url=file_url(poster) if poster else None,
        source=file_out(source) if source else None,
        captions=[caption_out(t) for t in item.captions],
        has_sign_language=has_sign_language(item),
        licence=item.licence,
    )
