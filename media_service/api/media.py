"""/api/media: list, create, read, update and delete items, and upload their film or song."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from media_service.api.schemas import ItemCreate, ItemOut, ItemPage, ItemUpdate, item_out, raw_body
from media_service.deps import (
    EditorDep,
    RequireEditor,
    SessionDep,
    SettingsDep,
    StorageDep,
    declared_length,
    writes_held_back,
)
from media_service.models import MediaKind
from media_service.services import media, variants

router = APIRouter(prefix="/api/media", tags=["media"])


@router.get("", response_model=ItemPage, summary="List media")
def list_media(
    session: SessionDep,
    editor: EditorDep,
    kind: MediaKind | None = None,
    has_captions: bool | None = None,
    has_sign_language: bool | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 24,
) -> ItemPage:
    """Published items, newest first (editors also see unpublished ones)."""
    query = media.CatalogueQuery(
        kind=kind,
        has_captions=has_captions,
        has_sign_language=has_sign_language,
        include_unpublished=editor,
        page=page,
        per_page=per_page,
    )
    items, total = media.list_items(session, query)
    return ItemPage(items=[item_out(i) for i in items], total=total, page=page, per_page=per_page)


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
def get_media(item_id: int, session: SessionDep, editor: EditorDep) -> ItemOut:
    return item_out(media.get_item(session, item_id, include_unpublished=editor))


@router.patch("/{item_id}", response_model=ItemOut, dependencies=[RequireEditor], summary="Update")
def update_media(item_id: int, body: ItemUpdate, session: SessionDep) -> ItemOut:
    item = media.get_item(session, item_id, include_unpublished=True)
    return item_out(media.update_item(session, item, body.model_dump(exclude_unset=True)))


@router.delete(
    "/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[RequireEditor],
    summary="Delete an item and all its files",
)
def delete_media(item_id: int, session: SessionDep, storage: StorageDep) -> Response:
    media.delete_item(session, storage, media.get_item(session, item_id, include_unpublished=True))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/{item_id}/file",
    response_model=ItemOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[RequireEditor],
    summary="Upload the film or song",
    openapi_extra=raw_body("The media file itself as the raw request body (streamed to disk)."),
)
async def upload_media_file(
    item_id: int,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
    filename: Annotated[str, Query(max_length=300, description="Original name, for display")] = "",
) -> ItemOut:
    """Stream the body to disk, probe it, make a poster; replaces an earlier file.

    Refused with 415 when it is not media, 422 when it is damaged or has no usable stream,
    413 when it is larger than the limit; nothing of a refused file is kept.
    """
    with writes_held_back(session):
        item = media.get_item(session, item_id, include_unpublished=True)
        await media.store_source(
            session,
            storage,
            settings,
            item,
            request.stream(),
            original_name=filename,
            declared_length=declared_length(request),
        )
    variants.after_source_upload(session, storage, request.app.state.job_queue, item)
    return item_out(item)
