"""Embedding: the player alone for iframes (``/embed/{id}``), a demo host page, and oEmbed.

Only ``/embed/{id}`` may be framed by other sites (``Settings.frame_ancestors``, see
``security_headers.may_be_framed``); every other page refuses to be framed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from media_service.config import Settings
from media_service.deps import SessionDep, SettingsDep, StorageDep
from media_service.errors import NotFound
from media_service.i18n import choose_language
from media_service.models import CaptionKind, FileRole, MediaItem
from media_service.openapi import Id, errors
from media_service.services import embed, media, transcripts
from media_service.storage import Storage
from media_service.urls import absolute_url, file_url, thumbnail_url
from media_service.web.templating import embed_code, iframe, render
from media_service.web.views import picture_aspect, player_view

router = APIRouter(tags=["embedding"])

# A language tag (BCP 47, loosely) or "off".
CAPTION_CHOICE = r"^(off|[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*)$"
DESCRIPTION_CHOICE = r"^(on|off|extended)$"


def _embeddable_view(item: MediaItem, language: str) -> dict[str, Any]:
    """The player of a published item (``media.get_item`` refused others), if it may be embedded."""
    view = player_view(item, language)
    if not embed.is_embeddable(item, view["playable"]):
        raise NotFound(f"media item {item.id} has nothing to play yet")
    return view


@router.get("/embed/{item_id}", response_class=HTMLResponse, summary="The player alone, for iframes")
def embed_player(
    item_id: Id,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    start: Annotated[float, Query(ge=0, allow_inf_nan=False, description="Start at this many seconds")] = 0,
    captions: Annotated[
        str | None, Query(pattern=CAPTION_CHOICE, description="Caption language, or 'off'")
    ] = None,
    sign: Annotated[bool | None, Query(description="Sign language on (1) or off (0)")] = None,
    descriptions: Annotated[
        str | None,
        Query(pattern=DESCRIPTION_CHOICE, description="Audio description 'on', 'extended' or 'off'"),
    ] = None,
    autoplay: Annotated[bool, Query(description="Start playing, muted (browsers allow no more)")] = False,
) -> HTMLResponse:
    """Published items only, for editors too (see ``services.embed``). Without ``captions``,
    ``sign`` and ``descriptions`` the viewer's own choices apply."""
    item = media.get_item(session, item_id)
    view = _embeddable_view(item, choose_language(request))
    embed_config = {
        "frameAncestors": embed.frame_ancestor_sources(settings.frame_ancestors),
        "options": {
            "start": start,
            "captions": captions,
            "sign": sign,
            "descriptions": descriptions,
            "autoplay": autoplay,
        },
    }
    return render(request, "embed.html", {**view, "embed_config": embed_config, "fill_window": True})


@router.get("/embed/{item_id}/demo", response_class=HTMLResponse, summary="A demo host page")
def embed_demo(item_id: Id, request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """A page as another site would write it: the iframe, tolk-embed.js and buttons driving the
    player through postMessage. Its links are absolute, so it works saved and served elsewhere."""
    item = media.get_item(session, item_id)
    view = _embeddable_view(item, choose_language(request))
    context = {
        "item": item,
        "embed_code": embed_code(request, item),
        "host_script_url": absolute_url(settings.public_url, "/static/js/embed/tolk-embed.js"),
        "demo_script_url": absolute_url(settings.public_url, "/static/js/embed/demo-host.js"),
        "caption_tracks": transcripts.spoken_tracks(item),
        "has_sign_language": view["has_sign_language"],
        "has_descriptions": any(track.kind == CaptionKind.DESCRIPTIONS for track in item.captions),
    }
    return render(request, "embed_host_demo.html", context)


@router.get(
    "/oembed", summary="oEmbed 1.0 for a watch or embed page (https://oembed.com)", responses=errors(404, 501)
)
def oembed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
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
    size = embed.frame_size(picture_aspect(view), maxwidth, maxheight)
    answer = embed.oembed_answer(
        title=item.title,
        html=iframe(settings.public_url, item, size, language, embed.embed_options(url)),
        size=size,
        provider_url=absolute_url(settings.public_url, "/"),
        thumbnail=_thumbnail(settings, storage, item, maxwidth, maxheight),
    )
    return JSONResponse(answer, headers={"access-control-allow-origin": "*"})


def _thumbnail(
    settings: Settings, storage: Storage, item: MediaItem, maxwidth: int | None, maxheight: int | None
) -> embed.Thumbnail | None:
    """The poster, or a smaller copy of it, within maxwidth and maxheight (oEmbed 2.3.4: the
    thumbnail must respect them too); none when not even the smallest copy fits."""
    poster = item.file_with_role(FileRole.POSTER)
    video = poster.facts.get("video") if poster is not None and poster.facts else None
    if poster is None or not video:
        return None
    size = embed.thumbnail_size(video["width"], video["height"], maxwidth, maxheight)
    if size is None:
        return None
    if size == (video["width"], video["height"]):
        return embed.Thumbnail(absolute_url(settings.public_url, file_url(poster)), *size)
    embed.ensure_thumbnail(settings, storage, poster, *size)
    return embed.Thumbnail(absolute_url(settings.public_url, thumbnail_url(poster, *size)), *size)
