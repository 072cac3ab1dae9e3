"""Server-rendered pages: the catalogue and the watch page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from media_service.config import PROJECT_ROOT
from media_service.deps import EditorDep, SessionDep
from media_service.i18n import LANGUAGE_COOKIE, LANGUAGES, choose_language, translator
from media_service.models import FileRole, MediaItem, MediaKind
from media_service.services import media
from media_service.urls import caption_url, file_url, watch_url

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


templates.env.filters["duration"] = format_duration
templates.env.globals.update(file_url=file_url, caption_url=caption_url, watch_url=watch_url)


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
    return render(request, "watch.html", item_view(item))
