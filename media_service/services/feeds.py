"""Feeds of the library: RSS 2.0 with Media RSS, Atom, and a podcast feed of the songs.

Built with feedgen; Media RSS's ``media:content`` (one per downloadable variant, with the
playable file first), ``media:subTitle`` (each caption track), ``media:thumbnail`` and
``media:license`` come from a small feedgen extension of our own (``MediaRssEntry``), since
feedgen's own media extension has no subtitles. Only published items are listed, dated by
their first publication.
"""

from __future__ import annotations

import enum
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from media_service.models import FileRole, MediaFile, MediaItem, MediaKind
from media_service.services import open_data
from media_service.services.open_data import Site
from media_service.urls import caption_url, document_url, file_url, watch_url

MEDIA_NS = "http://search.yahoo.com/mrss/"
FEED_LENGTH = 100  # the newest items a feed lists


class FeedScope(enum.StrEnum):
    """Which items a feed lists."""

    ALL = "all"
    FILMS = "films"
    SONGS = "songs"

    @property
    def kind(self) -> MediaKind | None:
        return {FeedScope.FILMS: MediaKind.FILM, FeedScope.SONGS: MediaKind.SONG}.get(self)


_TITLES = {
    FeedScope.ALL: {"sv": "Filmer och sånger", "en": "Films and songs"},
    FeedScope.FILMS: {"sv": "Filmer", "en": "Films"},
    FeedScope.SONGS: {"sv": "Sånger", "en": "Songs"},
}
_DESCRIPTION = {
    "sv": "Nytt i mediebiblioteket, med textning och teckenspråk",
    "en": "New in the media library, with captions and sign language",
}


class MediaRss(BaseExtension):
    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS}


class MediaRssEntry(BaseEntryExtension):
    """Media RSS elements of one item, set with ``add``."""

    def __init__(self) -> None:
        self.contents: list[dict[str, str]] = []
        self.subtitles: list[dict[str, str]] = []
        self.thumbnail: str | None = None
        self.licence: tuple[str, str] | None = None
        # feedgen 1.0 writes an Atom link's href alone (its rel, type and length are lost), so
        # the entry's links are written again from these.
        self.atom_links: list[dict[str, str]] = []

    def extend_rss(self, item: Any) -> Any:
        for content in self.contents:
            etree.SubElement(item, f"{{{MEDIA_NS}}}content", content)
        for subtitle in self.subtitles:
            etree.SubElement(item, f"{{{MEDIA_NS}}}subTitle", subtitle)
        if self.thumbnail:
            etree.SubElement(item, f"{{{MEDIA_NS}}}thumbnail", {"url": self.thumbnail})
        if self.licence:
            licence = etree.SubElement(
                item, f"{{{MEDIA_NS}}}license", {"type": "text/html", "href": self.licence[1]}
            )
            licence.text = self.licence[0]
        return item

    def extend_atom(self, entry: Any) -> Any:
        written = [child for child in entry if etree.QName(child).localname == "link"]
        if written and self.atom_links:
            position, tag = entry.index(written[0]), written[0].tag
            for child in written:
                entry.remove(child)
            for offset, link in enumerate(self.atom_links):
                element = etree.Element(tag, {k: v for k, v in link.items() if v})
                entry.insert(position + offset, element)
        return self.extend_rss(entry)


def _medium(media_file: MediaFile) -> str:
    return "video" if media_file.content_type.startswith("video/") else "audio"


def _content(site: Site, media_file: MediaFile, *, default: bool) -> dict[str, str]:
    content = {
        "url": site.url(file_url(media_file)),
        "type": media_file.content_type,
        "fileSize": str(media_file.size_bytes),
        "medium": _medium(media_file),
        "expression": "full",
        "isDefault": "true" if default else "false",
    }
    facts = media_file.facts or {}
    if facts.get("duration"):
        content["duration"] = str(round(facts["duration"]))
    video = facts.get("video")
    if video and not video.get("is_still_image"):
        content["width"], content["height"] = str(video["width"]), str(video["height"])
    return content


def _downloads(item: MediaItem) -> list[MediaFile]:
    """The playable file first, then every other variant (the files a viewer may download)."""
    playable = open_data.playable_file(item)
    files = [playable] if playable is not None else []
    files += [v.file for v in item.variants if v.file is not playable]
    return files


def _feed(site: Site, path: str, title: str, language: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.register_extension("mediarss", MediaRss, MediaRssEntry)
    feed.id(site.url(path))
    feed.title(f"{site.publisher_name}: {title}")
    feed.description(_DESCRIPTION[language])
    feed.link(href=site.url("/"), rel="alternate")
    feed.link(href=site.url(path), rel="self")
    feed.language(language)
    feed.author({"name": site.publisher_name, "uri": site.publisher_url})
    feed.generator("Tolk")
    return feed


def _add_item(site: Site, feed: FeedGenerator, item: MediaItem, language: str) -> Any:
    entry = feed.add_entry(order="append")
    link = site.url(watch_url(item))
    entry.id(link)
    entry.guid(link, permalink=True)
    entry.title(item.title)
    entry.link(href=link, rel="alternate")
    entry.description(item.description or item.title)
    entry.published(open_data.published_on(item))
    entry.updated(open_data.modified_on(item))
    licence = open_data.licence_for(item)
    entry.rights(licence.name[language])
    downloads = _downloads(item)
    media_rss: MediaRssEntry = entry.mediarss
    media_rss.atom_links = [{"href": link, "rel": "alternate", "type": "text/html"}]
    # RSS has room for one enclosure, feedgen's last: the file the player plays.
    for media_file in reversed(downloads):
        entry.enclosure(site.url(file_url(media_file)), media_file.size_bytes, media_file.content_type)
    media_rss.atom_links += [
        {
            "href": site.url(file_url(f)),
            "rel": "enclosure",
            "type": f.content_type,
            "length": str(f.size_bytes),
        }
        for f in downloads
    ]
    media_rss.atom_links += [
        {
            "href": site.url(document_url(d)),
            "rel": "related",
            "type": d.file.content_type,
            "title": d.title,
            "hreflang": d.language,
        }
        for d in item.documents
    ]
    media_rss.contents = [_content(site, f, default=i == 0) for i, f in enumerate(downloads)]
    media_rss.subtitles = [
        {"type": "text/vtt", "lang": t.language, "href": site.url(caption_url(t))}
        for t in item.captions
        if t.kind.is_spoken
    ]
    poster = item.file_with_role(FileRole.POSTER)
    media_rss.thumbnail = site.url(file_url(poster)) if poster else None
    media_rss.licence = (licence.name[language], licence.url)
    return entry


def _listed(items: list[MediaItem]) -> list[MediaItem]:
    """Items with a file to enclose, newest first, at most ``FEED_LENGTH``."""
    return [i for i in items if open_data.playable_file(i) is not None][:FEED_LENGTH]


def _filled(site: Site, items: list[MediaItem], scope: FeedScope, path: str, language: str) -> FeedGenerator:
    feed = _feed(site, path, _TITLES[scope][language], language)
    listed = _listed(items)
    if listed:  # else feedgen says "now"
        feed.updated(max(open_data.modified_on(i) for i in listed))
    for item in listed:
        _add_item(site, feed, item, language)
    return feed


def rss_feed(site: Site, items: list[MediaItem], scope: FeedScope, language: str) -> bytes:
    """RSS 2.0 with Media RSS of ``items`` (already the published ones of ``scope``)."""
    return _filled(site, items, scope, f"/feeds/{scope.value}.rss", language).rss_str(pretty=True)


def atom_feed(site: Site, items: list[MediaItem], scope: FeedScope, language: str) -> bytes:
    """Atom 1.0 of ``items``: every variant an enclosure link."""
    return _filled(site, items, scope, f"/feeds/{scope.value}.atom", language).atom_str(pretty=True)


def podcast_feed(site: Site, songs: list[MediaItem], language: str) -> bytes:
    """A podcast (RSS 2.0 with the iTunes tags podcast apps read) of the published songs."""
    feed = _filled(site, songs, FeedScope.SONGS, "/feeds/podcast.rss", language)
    feed.load_extension("podcast")
    feed.podcast.itunes_author(site.publisher_name)
    feed.podcast.itunes_category("Music")
    feed.podcast.itunes_explicit("no")
    feed.podcast.itunes_summary(_DESCRIPTION[language])
    for entry, song in zip(feed.entry(), _listed(songs), strict=True):
        duration = open_data.duration_seconds(song)
        if duration is not None:
            entry.podcast.itunes_duration(max(1, round(duration)))
        entry.podcast.itunes_summary(song.description or song.title)
    return feed.rss_str(pretty=True)
