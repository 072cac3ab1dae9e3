"""What every open-data output says of the library alike: which items are published, their
absolute URLs (from ``TOLK_PUBLIC_URL`` only, never from a request's Host or forwarding
headers), dates, durations, and what makes each accessible.

The JSON-LD of the watch page (``structured_data``), the feeds (``feeds``), the sitemap
(``sitemap``), the DCAT catalogue (``dcat``) and the exports (``catalogue_export``) all build
on these, so they never disagree on what is published or what an item offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Session

from media_service.config import Settings
from media_service.models import FileRole, MediaFile, MediaItem, MediaKind, VariantKind
from media_service.services import accessibility, media, transcripts
from media_service.services.licences import Licence, licence_of
from media_service.storage import Storage
from media_service.urls import absolute_url

SIGN_LANGUAGE = "swl"  # Swedish Sign Language, ISO 639-3: the language every signer is declared in
TRANSCRIPT_MAX_CHARS = 20_000  # of the transcript text carried in JSON-LD


@dataclass(frozen=True)
class Site:
    """The library as the world sees it: its base URL and its publisher, from the settings."""

    public_url: str
    publisher_name: str
    publisher_url: str
    contact_email: str

    @classmethod
    def of(cls, settings: Settings) -> Site:
        public_url = settings.public_url.rstrip("/")
        return cls(
            public_url=public_url,
            publisher_name=settings.publisher_name,
            publisher_url=settings.publisher_url or public_url + "/",
            contact_email=settings.contact_email,
        )

    def url(self, path: str) -> str:
        return absolute_url(self.public_url, path)


def published_items(session: Session, kind: MediaKind | None = None) -> list[MediaItem]:
    """Every published item (of ``kind``), the most recently published first."""
    conditions: list[ColumnElement[bool]] = [MediaItem.published.is_(True)]
    if kind is not None:
        conditions.append(MediaItem.kind == kind)
    query = media.item_query().where(*conditions)
    moment = func.coalesce(MediaItem.published_at, MediaItem.created_at)
    return list(session.scalars(query.order_by(moment.desc(), MediaItem.id.desc())).all())


def as_utc(moment: datetime) -> datetime:
    """A stored (naive UTC) moment with its zone said."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def published_on(item: MediaItem) -> datetime:
    """When the item was first published (its creation, for items published before that was kept)."""
    return as_utc(item.published_at or item.created_at)


def modified_on(item: MediaItem) -> datetime:
    return max(as_utc(item.updated_at), published_on(item))


def playable_file(item: MediaItem) -> MediaFile | None:
    """What the player plays: the ``web`` variant (made for browsers), else the source."""
    web = next((v for v in item.variants if v.kind == VariantKind.WEB), None)
    return web.file if web is not None else item.file_with_role(FileRole.SOURCE)


def duration_seconds(item: MediaItem) -> float | None:
    source = item.file_with_role(FileRole.SOURCE)
    return float(source.facts["duration"]) if source and source.facts else None


def iso_duration(seconds: float) -> str:
    """ISO 8601: ``PT1M5S``, ``PT1H2M5S`` (whole seconds; at least ``PT1S``)."""
    total = max(1, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return text + (f"{secs}S" if secs or text == "PT" else "")


def has_picture(item: MediaItem) -> bool:
    source = item.file_with_role(FileRole.SOURCE)
    video = (source.facts or {}).get("video") if source else None
    return bool(video and not video.get("is_still_image"))


@dataclass(frozen=True)
class Access:
    """What an item offers for access in schema.org's words (accessibilityFeature, accessMode,
    accessModeSufficient), read from its accessibility summary: one rule for every output."""

    summary: accessibility.Summary

    @property
    def caption_languages(self) -> list[str]:
        return list(self.summary.languages.captions)

    @property
    def description_languages(self) -> list[str]:
        return list(self.summary.languages.descriptions)

    @property
    def transcript_languages(self) -> list[str]:
        return list(self.summary.languages.transcript)

    @property
    def sign_language(self) -> bool:
        return self.summary.features.sign_language

    @property
    def features(self) -> list[str]:
        has = self.summary.features
        offered = (
            ("captions", has.captions),
            ("signLanguage", has.sign_language),
            ("audioDescription", has.descriptions),
            ("transcript", has.transcript),
        )
        return [name for name, present in offered if present]

    @property
    def modes(self) -> list[str]:
        has = self.summary.features
        modes = ["auditory"] if has.sound else []
        return modes + (["visual"] if has.picture or has.sign_language else [])

    @property
    def sufficient(self) -> list[list[str]]:
        """Sets of modes that together carry the whole content."""
        has = self.summary.features
        sets = [self.modes]
        if has.captions or has.sign_language:
            sets.append(["visual", "textual"] if has.captions else ["visual"])
        if has.transcript:
            sets.append(["textual"])
        return sets

    def text(self, language: str) -> str:
        """accessibilitySummary: what the item offers and its WCAG statement, in ``language``."""
        return accessibility.described(self.summary, language)


def access_of(item: MediaItem) -> Access:
    return Access(accessibility.summarise(item))


def transcript_text(storage: Storage, item: MediaItem) -> str | None:
    """The words of the item's transcript in its own language (else its first spoken track),
    as plain text, at most ``TRANSCRIPT_MAX_CHARS``; None without captions."""
    track = transcripts.choose_track(item, None, item.language.split("-")[0])
    if track is None:
        return None
    built = transcripts.build_transcript(storage, item, track)
    text = " ".join(line.text for section in built.sections for line in section.lines if line.text)
    return text[:TRANSCRIPT_MAX_CHARS]


def licence_for(item: MediaItem) -> Licence:
    return licence_of(item.licence)


def keywords(item: MediaItem) -> list[str]:
    """Words that find the item: its kind and what makes it accessible, in Swedish."""
    access = access_of(item)
    words = ["film" if item.kind == MediaKind.FILM else "sång"]
    words += [
        w
        for w, has in (
            ("textning", access.caption_languages),
            ("teckenspråk", access.sign_language),
            ("syntolkning", access.description_languages),
        )
        if has
    ]
    return words
