"""/api/media: list, create, read, update and delete items, and upload their film or song."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from media_service.api.schemas import ItemOut, ItemPage, item_out, page_out, raw_body
from media_service.deps import (
    EditorDep,
    RequireEditor,
    SessionDep,
    SettingsDep,
    StorageDep,
    UploadChange,
    declared_length,
)
from media_service.models import MediaKind
from media_service.openapi import Id, errors
from media_service.services import digests, media, search, sources
from media_service.services.shapes import ItemCreate, ItemUpdate

router = APIRouter(prefix="/api/media", tags=["media"])
# Far past any catalogue, and small enough that its offset fits the databases' integers.
MAX_PAGE = 1_000_000


@router.get("", response_model=ItemPage, summary="List media")
def list_media(
    session: SessionDep,
    editor: EditorDep,
    kind: MediaKind | None = None,
    has_captions: bool | None = None,
    has_sign_language: bool | None = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 24,
    q: Annotated[
        str,
        Query(
            max_length=search.MAX_QUERY_LENGTH,
            description="Search words: items whose title, description or captions hold every "
            "one (Swedish word forms alike), best match first, with what matched in `matches`",
        ),
    ] = "",
) -> ItemPage:
    """Published items, newest first (editors also see unpublished ones), or those matching
    a search."""
    query = media.CatalogueQuery(
        kind=kind,
        has_captions=has_captions,
        has_sign_language=has_sign_language,
        include_unpublished=editor,
        page=page,
        per_page=per_page,
        text=q,
    )
    return page_out(media.catalogue_page(session, query), page, per_page)


@router.post(
    "",
    response_model=ItemOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[RequireEditor],
    summary="Create an item",
)
def create_media(body: ItemCreate, session: SessionDep) -> ItemOut:
    """A new item with no file yet; upload its film or song with PUT /api/media/{id}/file."""
    return item_out(media.create_item(session, body.model_dump()))


@router.get("/{item_id}", response_model=ItemOut, summary="Get an item")
def get_media(item_id: Id, session: SessionDep, editor: EditorDep) -> ItemOut:
    return item_out(media.get_item(session, item_id, include_unpublished=editor))


@router.patch("/{item_id}", response_model=ItemOut, dependencies=[RequireEditor], summary="Update")
def update_media(item_id: Id, body: ItemUpdate, session: SessionDep) -> ItemOut:
    item = media.get_item(session, item_id, include_unpublished=True)
    return item_out(media.update_item(session, item, body.model_dump(exclude_unset=True)))


@router.delete(
    "/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[RequireEditor],
    summary="Delete an item and all its files",
)
def delete_media(item_id: Id, session: SessionDep, storage: StorageDep) -> Response:
    media.delete_item(session, storage, media.get_item(session, item_id, include_unpublished=True))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/{item_id}/file",
    response_model=ItemOut,
    status_code=status.HTTP_201_CREATED,
    summary="Upload the film or song",
    responses=errors(408, 413, 415, 429, 503, 507),
    openapi_extra=raw_body("The media file itself as the raw request body (streamed to disk)."),
)
async def upload_media_file(
    item_id: Id,
    request: Request,
    change: UploadChange,
    storage: StorageDep,
    settings: SettingsDep,
    filename: Annotated[str, Query(max_length=300, description="Original name, for display")] = "",
) -> ItemOut:
    """Stream the body to disk, probe it, make a poster; replaces an earlier file.

    Refused with 415 when it is not media, 422 when it is damaged or has no usable stream,
    413 when it is larger than the limit, 400 when it does not match a Content-Digest,
    Repr-Digest (sha-256, sha-512) or Content-MD5 sent with it, 408 when the body stalls;
    nothing of a refused file is kept. 429 (this account) or 503 (the service) with
    Retry-After when as many uploads are running as may.
    """
    item, _jobs = await sources.replace_source(
        request.app.state.sessions,
        storage,
        settings,
        request.app.state.job_queue,
        item_id,
        digests.checked_body(request.stream(), request.headers),
        original_name=filename,
        declared_length=declared_length(request),
        change=change,
    )
    return item_out(item)
