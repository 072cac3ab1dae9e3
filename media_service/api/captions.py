"""/api/media/{id}/captions: caption tracks of an item."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from media_service.api.schemas import CaptionOut, CaptionUpdate, caption_out
from media_service.deps import EditorDep, RequireEditor, SessionDep, StorageDep
from media_service.errors import Invalid
from media_service.models import CaptionKind
from media_service.services import captions, media

router = APIRouter(prefix="/api/media/{item_id}/captions", tags=["captions"])


@router.get("", response_model=list[CaptionOut], summary="List caption tracks")
def list_tracks(item_id: int, session: SessionDep, editor: EditorDep) -> list[CaptionOut]:
    item = media.get_item(session, item_id, include_unpublished=editor)
    return [caption_out(t) for t in item.captions]


@router.post(
    "",
    response_model=CaptionOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[RequireEditor],
    summary="Upload a WebVTT or SRT caption file",
)
async def upload_track(
    item_id: int,
    session: SessionDep,
    storage: StorageDep,
    file: Annotated[UploadFile, File(description="WebVTT or SRT, UTF-8")],
    language: Annotated[str, Form(description="BCP 47 tag, e.g. sv or en")],
    kind: Annotated[CaptionKind, Form()] = CaptionKind.CAPTIONS,
    label: Annotated[str, Form(max_length=100)] = "",
) -> CaptionOut:
    """Stored as normalised WebVTT; a track of the same language and kind is replaced.

    A file that does not parse is refused with 422 naming the line.
    """
    item = media.get_item(session, item_id, include_unpublished=True)
    data = await file.read(captions.MAX_CAPTION_BYTES + 1)
    if not data:
        raise Invalid("the caption file is empty")
    track = captions.store_caption_track(
        session, storage, item, data, language=language, kind=kind, label=label, filename=file.filename
    )
    return caption_out(track)


@router.get("/{track_id}", response_model=CaptionOut, summary="Get a caption track")
def get_track(item_id: int, track_id: int, session: SessionDep, editor: EditorDep) -> CaptionOut:
    item = media.get_item(session, item_id, include_unpublished=editor)
    return caption_out(captions.get_track(item, track_id))


@router.patch(
    "/{track_id}", response_model=CaptionOut, dependencies=[RequireEditor], summary="Update a caption track"
)
def update_track(item_id: int, track_id: int, body: CaptionUpdate, session: SessionDep) -> CaptionOut:
    """Change a track's label, language or kind (409 if another track has that language and kind)."""
    item = media.get_item(session, item_id, include_unpublished=True)
    track = captions.update_track(
        session, captions.get_track(item, track_id), **body.model_dump(exclude_unset=True)
    )
    return caption_out(track)


@router.delete(
    "/{track_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[RequireEditor],
    summary="Delete a caption track",
)
def delete_track(item_id: int, track_id: int, session: SessionDep, storage: StorageDep) -> Response:
    item = media.get_item(session, item_id, include_unpublished=True)
    captions.delete_track(session, storage, item, captions.get_track(item, track_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
