"""Request and response shapes of the JSON API, and the one place items become JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from media_service.errors import Invalid
from media_service.models import CaptionKind, CaptionTrack, FileRole, MediaFile, MediaItem, MediaKind
from media_service.services.captions import normalise_language
from media_service.services.media import has_sign_language
from media_service.urls import caption_url, file_url, watch_url


def _clean_title(value: str) -> str:
    if not value.strip():
        raise ValueError("the title must not be blank")
    return value.strip()


def _language_tag(value: str) -> str:
    try:
        return normalise_language(value)
    except Invalid as error:
        raise ValueError(error.message) from error


Title = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_clean_title)]
Description = Annotated[str, Field(max_length=20000)]
LanguageTag = Annotated[str, AfterValidator(_language_tag)]


def raw_body(description: str) -> dict[str, Any]:
    """OpenAPI for a route whose request body is a file sent as it is (streamed, not parsed)."""
    content = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    return {"requestBody": {"required": True, "description": description, "content": content}}


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: MediaKind
    title: Title
    description: Description = ""
    language: LanguageTag = Field(default="sv", description="BCP 47 tag of the spoken or sung language")
    published: bool = False


class ItemUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: MediaKind | None = None
    title: Title | None = None
    description: Description | None = None
    language: LanguageTag | None = None
    published: bool | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> ItemUpdate:
        nulls = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null; leave a field out to keep it")
        return self


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


class CaptionOut(BaseModel):
    id: int
    language: str
    kind: str
    label: str
    url: str
    cue_count: int
    source_format: str


class ItemOut(BaseModel):
    id: int
    kind: str
    title: str
    description: str
    language: str
    published: bool
    created_at: datetime
    updated_at: datetime
    duration: float | None
    watch_url: str
    poster_url: str | None
    source: FileOut | None
    captions: list[CaptionOut]
    has_sign_language: bool


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    page: int
    per_page: int


def file_out(media_file: MediaFile) -> FileOut:
    return FileOut(
        id=media_file.id,
        role=media_file.role.value,
        url=file_url(media_file),
        content_type=media_file.content_type,
        size_bytes=media_file.size_bytes,
        sha256=media_file.sha256,
        facts=media_file.facts,
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
    )
