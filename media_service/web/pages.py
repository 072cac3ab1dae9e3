"""Server-rendered pages: the catalogue, the watch page with its player, and the transcript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from media_service.deps import EditorDep, SessionDep, SettingsDep, StorageDep
from media_service.i18n import choose_language
from media_service.models import MediaKind
from media_service.services import (
    accessibility,
    embed,
    media,
    open_data,
    search,
    structured_data,
    transcripts,
)
from media_service.services.paging import page_count
from media_service.services.variant_freshness import outdated_variants
from media_service.web.templating import render
from media_service.web.views import player_view, search_result_view

router = APIRouter(include_in_schema=False)
PER_PAGE = 24
# As in the API: far past any catalogue, and small enough that its offset fits the databases' integers.
MAX_PAGE = 1_000_000


@router.get("/", response_class=HTMLResponse)
def catalogue(
    request: Request,
    session: SessionDep,
    editor: EditorDep,
    kind: MediaKind | None = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    q: Annotated[str, Query(max_length=search.MAX_QUERY_LENGTH)] = "",
) -> HTMLResponse:
    """The catalogue, newest first, or the items matching a search (``q``), best first, each
    with what matched: cues link to the moment they are said."""
    query = media.CatalogueQuery(kind=kind, include_unpublished=editor, page=page, per_page=PER_PAGE, text=q)
    found = media.catalogue_page(session, query)
    context = {
        "entries": [search_result_view(i, found.matches.get(i.id)) for i in found.items],
        "kind": kind,
        "page": page,
        "pages": page_count(found.total, PER_PAGE),
        "total": found.total,
        "q": q.strip(),
        "searching": bool(search.query_words(q)),
    }
    return render(request, "catalogue.html", context)


@router.get("/watch/{item_id}", response_class=HTMLResponse)
def watch(
    item_id: int,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
    editor: EditorDep,
) -> HTMLResponse:
    item = media.get_item(session, item_id, include_unpublished=editor)
    language = choose_language(request)
    view = player_view(item, language)
    # An editor's preview of an unpublished item offers no embed code: it would not play.
    context = {
        **view,
        "embeddable": embed.is_embeddable(item, view["playable"]),
        # A download whose captions or signer differ from the item's says so.
        "outdated": outdated_variants(item),
        # schema.org JSON-LD for search engines: published items only.
        "json_ld": structured_data.watch_page_json_ld(open_data.Site.of(settings), storage, item, language)
        if item.published
        else None,
        "licence": open_data.licence_for(item),
        "accessibility_statement": accessibility.statement(view["accessibility"], language),
    }
    return render(request, "watch.html", context)


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
