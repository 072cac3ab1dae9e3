"""sitemap.xml (sitemaps.org 0.9) with Google's video extension: one ``<url>`` per published
item's watch page, with a ``<video:video>`` for every item that has something to play; and
robots.txt, which names it."""

from __future__ import annotations

from lxml import etree

from media_service.models import FileRole, MediaItem
from media_service.services import open_data
from media_service.services.open_data import Site
from media_service.urls import embed_url, file_url, watch_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
VIDEO_NS = "http://www.google.com/schemas/sitemap-video/1.1"
MAX_VIDEO_SECONDS = 28_800  # the extension's upper bound for video:duration
MAX_DESCRIPTION = 2048


def _sub(parent: etree._Element, namespace: str, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{name}")
    if text is not None:
        element.text = text
    return element


def _video(site: Site, url: etree._Element, item: MediaItem) -> None:
    poster = item.file_with_role(FileRole.POSTER)
    playable = open_data.playable_file(item)
    if poster is None or playable is None:
        return
    video = _sub(url, VIDEO_NS, "video")
    _sub(video, VIDEO_NS, "thumbnail_loc", site.url(file_url(poster)))
    _sub(video, VIDEO_NS, "title", item.title)
    _sub(video, VIDEO_NS, "description", (item.description or item.title)[:MAX_DESCRIPTION])
    _sub(video, VIDEO_NS, "content_loc", site.url(file_url(playable)))
    _sub(video, VIDEO_NS, "player_loc", site.url(embed_url(item)))
    duration = open_data.duration_seconds(item)
    if duration is not None and 1 <= round(duration) <= MAX_VIDEO_SECONDS:
        _sub(video, VIDEO_NS, "duration", str(round(duration)))
    _sub(video, VIDEO_NS, "publication_date", open_data.published_on(item).isoformat())
    _sub(video, VIDEO_NS, "family_friendly", "yes")
    uploader = _sub(video, VIDEO_NS, "uploader", site.publisher_name)
    uploader.set("info", site.publisher_url)
    _sub(video, VIDEO_NS, "live", "no")


def sitemap_xml(site: Site, items: list[MediaItem]) -> bytes:
    """The sitemap of ``items`` (the published ones)."""
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "video": VIDEO_NS})
    for item in items:
        url = _sub(root, SITEMAP_NS, "url")
        _sub(url, SITEMAP_NS, "loc", site.url(watch_url(item)))
        _sub(url, SITEMAP_NS, "lastmod", open_data.modified_on(item).isoformat())
        _video(site, url, item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def robots_txt(site: Site) -> str:
    """Everything public may be crawled; the editor and the API are not for search engines."""
    return "\n".join(
        [
            "User-agent: *",
            "Disallow: /editor",
            "Disallow: /api/",
            "",
            f"Sitemap: {site.url('/sitemap.xml')}",
            "",
        ]
    )
