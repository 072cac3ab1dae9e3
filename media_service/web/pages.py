"""Server-rendered pages: the catalogue, the watch page with its player, and the transcript."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from media_service.config import PROJECT_ROOT
from media_service.deps import EditorDep, SessionDep, StorageDep
from media_service.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGES,
    choose_language,
    messages_with_prefix,
    translator,
)
from media_service.models import FileRole, MediaFile, MediaItem, MediaKind, Variant, VariantKind
from media_service.services import media, transcripts
from media_service.urls import caption_url, file_url, transcript_url, watch_url
from transcode.facts import MediaFacts

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=PROJECT_ROOT / "templates")
PER_PAGE = 24


def format_duration(seconds: float | None) -> str:
    """``1:05`` or ``1:02:05``."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_size(size: int) -> str:
    """``12.3 MB``: decimal units, as people read file sizes."""
    value = float(size)
    for unit in ("B", "kB", "MB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


templates.env.filters["duration"] = format_duration
templates.env.filters["filesize"] = format_size
templates.env.globals.update(
    file_url=file_url, caption_url=caption_url, watch_url=watch_url, transcript_url=transcript_url
)


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page in the visitor's language, remembering an explicit ?lang= choice."""
    language = choose_language(request)
    others = [code for code in LANGUAGES if code != language]
    response = templates.TemplateResponse(
        request,
        name,
        {"lang": language, "t": translator(language), "other_languages": others, **context},
        status_code=status_code,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response


def item_view(item: MediaItem) -> dict[str, Any]:
    """What the templates need of an item."""
    source = item.file_with_role(FileRole.SOURCE)
    facts = source.facts if source and source.facts else None
    return {
        "item": item,
        "source": source,
        "poster": item.file_with_role(FileRole.POSTER),
        "duration": facts["duration"] if facts else None,
        "is_video": bool(facts and facts.get("video") and not facts["video"]["is_still_image"]),
        "has_captions": bool(item.captions),
        "has_sign_language": media.has_sign_language(item),
    }


def _variant(item: MediaItem, *kinds: VariantKind) -> Variant | None:
    """The item's first variant of ``kinds``, in the order asked."""
    return next((v for kind in kinds for v in item.variants if v.kind == kind), None)


def _display_aspect(media_file: MediaFile, fallback: float) -> float:
    facts = MediaFacts.from_dict(media_file.facts) if media_file.facts else None
    if facts is None or facts.video is None:
        return fallback
    width, height = facts.video.display_size
    return width / height if height else fallback


def player_view(item: MediaItem, language: str) -> dict[str, Any]:
    """What the player partial needs: the file to play, and the config its script reads.

    The film plays from the ``web`` variant when there is one (made for browsers), else from
    the source. The sign window uses the first interpreter recording; a ``signed`` variant
    (else ``signed+captioned``) is what the sign-language button switches to where there is
    no recording, or where the device plays one video at a time.
    """
    view = item_view(item)
    web = _variant(item, VariantKind.WEB)
    playable = web.file if web else view["source"]
    film_aspect = _display_aspect(playable, 16 / 9) if playable and view["is_video"] else 16 / 9
    recording = item.interpreters[0] if item.interpreters else None
    signed = _variant(item, VariantKind.SIGNED, VariantKind.SIGNED_CAPTIONED)
    config: dict[str, Any] = {
        "lang": language,
        "strings": messages_with_prefix(language, "player_"),
        "filmAspect": film_aspect,
        "interpreter": None,
        "signedVariant": None,
    }
    if recording is not None:
        config["interpreter"] = {
            "url": file_url(recording.file),
            "language": recording.language,
            "offset": recording.offset_seconds,
            "aspect": _display_aspect(recording.file, 8 / 9),
            "layout": recording.layout,
        }
    if signed is not None:
        config["signedVariant"] = {
            "url": file_url(signed.file),
            "type": signed.file.content_type,
            "captioned": signed.kind == VariantKind.SIGNED_CAPTIONED,
        }
    # A song with sign language needs a picture for the interpreter to stand in.
    uses_video = view["is_video"] or recording is not None or signed is not None
    return {
        **view,
        "playable": playable,
        "media_tag": "video" if uses_video else "audio",
        "player_config": config,
    }


@router.get("/", response_class=HTMLResponse)
def catalogue(
    request: Request,
    session: SessionDep,
    editor: EditorDep,
    kind: MediaKind | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    query = media.CatalogueQuery(kind=kind, include_unpublished=editor, page=page, per_page=PER_PAGE)
    items, total = media.list_items(session, query)
    pages = max(1, -(-total // PER_PAGE))
    return render(
        request,
        "catalogue.html",
        {"entries": [item_view(i) for i in items], "kind": kind, "page": page, "pages": pages},
    )


@router.get("/watch/{item_id}", response_class=HTMLResponse)
def watch(item_id: int, request: Request, session: SessionDep, editor: EditorDep) -> HTMLResponse:
    item = media.get_item(session, item_id, include_unpublished=editor)
    return render(request, "watch.html", player_view(item, choose_language(request)))


@router.get("/watch/{item_id}/transcript", response_class=HTMLResponse)
def transcript(
    item_id: int,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    editor: EditorDep,
    track: int | None = None,
) -> HTMLResponse:
    """The plain transcript (WCAG 1.2.8): what is said and described, as text on its own page."""
    item = media.get_item(session, item_id, include_unpublished=editor)
    chosen = transcripts.choose_track(item, track, choose_language(request))
    context = {
        "item": item,
        "transcript": transcripts.build_transcript(storage, item, chosen) if chosen else None,
        "tracks": transcripts.spoken_tracks(item),
    }
    return render(request, "transcript.html", context)
