"""Embedding: the player alone for iframes (``/embed/{id}``), a demo host page, and oEmbed.

Only ``/embed/{id}`` may be framed by other sites (``Settings.frame_ancestors``, see
``may_be_framed``); the app's security headers keep refusing it for every other page.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from media_service.deps import SessionDep, SettingsDep
from media_service.errors import NotFound
from media_service.i18n import choose_language, translator
from media_service.models import FileRole, MediaItem
from media_service.services import embed, media
from media_service.urls import absolute_url, embed_url, file_url, oembed_url
from media_service.web.pages import player_view, render, templates

router = APIRouter(tags=["embedding"])

_FRAMEABLE_PATH = re.compile(r"/embed/\d+")
# A language tag (BCP 47, loosely) or "off".
CAPTION_CHOICE = r"^(off|[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*)$"


def may_be_framed(path: str) -> bool:
    """Whether the page at ``path`` is the embeddable player (its errors included)."""
    return _FRAMEABLE_PATH.fullmatch(path) is not None


def _embeddable_view(item: MediaItem, language: str) -> dict[str, Any]:
    view = player_view(item, language)
    if view["playable"] is None:
        raise NotFound(f"media item {item.id} has nothing to play yet")
    return view


def _picture_aspect(view: dict[str, Any]) -> float | None:
    return view["player_config"]["filmAspect"] if view["media_tag"] == "video" else None


def _iframe(public_url: str, item: MediaItem, size: embed.FrameSize, language: str) -> str:
    title = translator(language)("embed_frame_title", title=item.title)
    return embed.iframe_html(absolute_url(public_url, embed_url(item)), size, title)


def _embed_code(request: Request, item: MediaItem) -> str:
    """The iframe to paste into another site, in the visitor's language (the watch page's box)."""
    language = choose_language(request)
    size = embed.frame_size(_picture_aspect(player_view(item, language)))
    return _iframe(request.app.state.settings.public_url, item, size, language)


def _oembed_discovery_url(request: Request, item: MediaItem) -> str:
    return oembed_url(request.app.state.settings.public_url, item)


# The watch page's discovery <link> and embed code box use these.
templates.env.globals.update(embed_code=_embed_code, oembed_discovery_url=_oembed_discovery_url)


@router.get("/embed/{item_id}", response_class=HTMLResponse, summary="The player alone, for iframes")
def embed_player(
    item_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    start: Annotated[float, Query(ge=0, allow_inf_nan=False, description="Start at this many seconds")] = 0,
    captions: Annotated[
        str | None, Query(pattern=CAPTION_CHOICE, description="Caption language, or 'off'")
    ] = None,
    sign: Annotated[bool | None, Query(description="Sign language on (1) or off (0)")] = None,
    autoplay: Annotated[bool, Query(description="Start playing, muted (browsers allow no more)")] = False,
) -> HTMLResponse:
    """Published items only, for editors too (see ``services.embed``). Without ``captions`` and
    ``sign`` the viewer's own choices apply."""
    item = media.get_item(session, item_id)
    view = _embeddable_view(item, choose_language(request))
    embed_config = {
        "frameAncestors": embed.frame_ancestor_sources(settings.frame_ancestors),
        "options": {"start": start, "captions": captions, "sign": sign, "autoplay": autoplay},
    }
    return render(request, "embed.html", {**view, "embed_config": embed_config, "fill_window": True})


@router.get("/embed/{item_id}/demo", response_class=HTMLResponse, summary="A demo host page")
def embed_demo(item_id: int, request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """A page as another site would write it: the iframe, tolk-embed.js and buttons driving the
    player through postMessage. Its links are absolute, so it works saved and served elsewhere."""
    item = media.get_item(session, item_id)
    view = _embeddable_view(item, choose_language(request))
    spoken = [t for t in item.captions if t.kind.value in ("captions", "subtitles")]
    context = {
        "item": item,
        "embed_code": _embed_code(request, item),
        "host_script_url": absolute_url(settings.public_url, "/static/js/embed/tolk-embed.js"),
        "caption_tracks": spoken,
        "has_sign_language": view["has_sign_language"],
    }
    return render(request, "embed_host_demo.html", context)


@router.get("/oembed", summary="oEmbed 1.0 for a watch or embed page (https://oembed.com)")
def oembed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    url: Annotated[str, Query(description="A watch or embed page of this site")],
    maxwidth: Annotated[int | None, Query(ge=1)] = None,
    maxheight: Annotated[int | None, Query(ge=1)] = None,
    format: Annotated[str, Query(description="Only json is served")] = "json",  # the spec names it so
) -> JSONResponse:
    """The ``video`` answer; 404 for a URL that is not a published item's page here, 501 for
    a format other than json. Readable from any origin, like the pages it describes."""
    if format != "json":
        raise embed.UnsupportedFormat(f"format {format!r} is not served: use format=json")
    item_id = embed.item_id_from_url(settings.public_url, url)
    if item_id is None:
        raise NotFound(f"{url} is not a watch or embed page of {settings.public_url}")
    item = media.get_item(session, item_id)
    language = choose_language(request)
    view = _embeddable_view(item, language)
    size = embed.frame_size(_picture_aspect(view), maxwidth, maxheight)
    answer = embed.oembed_answer(
        title=item.title,
        html=_iframe(settings.public_url, item, size, language),
        size=size,
        provider_url=absolute_url(settings.public_url, "/"),
        thumbnail=_thumbnail(item, settings.public_url),
    )
    return JSONResponse(answer, headers={"access-control-allow-origin": "*"})


def _thumbnail(item: MediaItem, public_url: str) -> embed.Thumbnail | None:
    poster = item.file_with_role(FileRole.POSTER)
    if poster is None:
        return None
    video = poster.facts.get("video") if poster.facts else None
    if not video:
        return None
    return embed.Thumbnail(absolute_url(public_url, file_url(poster)), video["width"], video["height"])
