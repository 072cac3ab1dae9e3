"""Open data for machines: sitemap.xml and robots.txt, the feeds, and the DCAT-AP-SE
catalogue. Every absolute URL in them comes from ``TOLK_PUBLIC_URL`` (``open_data.Site``),
never from the request's Host or forwarding headers."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from media_service.deps import SessionDep, SettingsDep
from media_service.errors import NotFound
from media_service.i18n import choose_language
from media_service.models import MediaKind, utcnow
from media_service.services import dcat, feeds, open_data, sitemap
from media_service.services.feeds import FeedScope

router = APIRouter(tags=["open data"])
CACHE = {"cache-control": "public, max-age=300"}
# A feed or catalogue is read by other sites' scripts as well as by harvesters.
READABLE_ANYWHERE = {**CACHE, "access-control-allow-origin": "*"}
DCAT_EXTENSIONS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}


def _scope(name: str) -> FeedScope:
    try:
        return FeedScope(name)
    except ValueError as error:
        raise NotFound(f"no feed {name!r}; there are {', '.join(s.value for s in FeedScope)}") from error


@router.get("/sitemap.xml", summary="Sitemap with the video extension", response_class=Response)
def sitemap_xml(session: SessionDep, settings: SettingsDep) -> Response:
    """Every published item's watch page, with a video entry for each that plays."""
    body = sitemap.sitemap_xml(open_data.Site.of(settings), open_data.published_items(session))
    return Response(body, media_type="application/xml", headers=CACHE)


@router.get("/robots.txt", summary="robots.txt, naming the sitemap", response_class=Response)
def robots_txt(settings: SettingsDep) -> Response:
    return Response(sitemap.robots_txt(open_data.Site.of(settings)), media_type="text/plain", headers=CACHE)


@router.get("/feeds/podcast.rss", summary="Podcast feed of the songs", response_class=Response)
def podcast(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    songs = open_data.published_items(session, MediaKind.SONG)
    body = feeds.podcast_feed(open_data.Site.of(settings), songs, choose_language(request))
    return Response(body, media_type="application/rss+xml", headers=READABLE_ANYWHERE)


@router.get("/feeds/{scope}.rss", summary="RSS 2.0 feed with Media RSS", response_class=Response)
def rss(scope: str, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """``all``, ``films`` or ``songs``; ``?lang=sv|en`` for the feed's own texts."""
    chosen = _scope(scope)
    items = open_data.published_items(session, chosen.kind)
    body = feeds.rss_feed(open_data.Site.of(settings), items, chosen, choose_language(request))
    return Response(body, media_type="application/rss+xml", headers=READABLE_ANYWHERE)


@router.get("/feeds/{scope}.atom", summary="Atom feed", response_class=Response)
def atom(scope: str, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    chosen = _scope(scope)
    items = open_data.published_items(session, chosen.kind)
    body = feeds.atom_feed(open_data.Site.of(settings), items, chosen, choose_language(request))
    return Response(body, media_type="application/atom+xml", headers=READABLE_ANYWHERE)


@router.get("/dcat/catalog.{extension}", summary="DCAT-AP-SE catalogue", response_class=Response)
def dcat_catalogue(extension: str, session: SessionDep, settings: SettingsDep) -> Response:
    """``ttl`` (Turtle), ``jsonld`` (JSON-LD) or ``rdf`` (RDF/XML)."""
    rdf_format = DCAT_EXTENSIONS.get(extension)
    if rdf_format is None:
        raise NotFound(f"no catalogue as .{extension}; there are .ttl, .jsonld and .rdf")
    graph = dcat.catalogue_graph(open_data.Site.of(settings), open_data.published_items(session), utcnow())
    body = dcat.serialise(graph, rdf_format)
    return Response(body, media_type=dcat.FORMATS[rdf_format], headers=READABLE_ANYWHERE)
