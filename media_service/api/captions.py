"""/api/media/{id}/captions: caption tracks of an item."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from media_service.api import caption_revisions
from media_service.api.schemas import CaptionOut, CaptionUpdate, LanguageTag, caption_out
from media_service.deps import EditorActor, EditorDep, RemakeDep, RequireEditor, SessionDep, StorageDep
from media_service.errors import NotFound
from media_service.models import CaptionKind
from media_service.openapi import Id, errors
from media_service.services import captions, media

router = APIRouter(prefix="/api/media/{item_id}/captions", tags=["captions"])


@router.get("", response_model=list[CaptionOut], summary="List caption tracks")
def list_tracks(item_id: Id, session: SessionDep, editor: EditorDep) -> list[CaptionOut]:
    item = media.get_item(session, item_id, include_unpublished=editor)
    return [caption_out(t) for t in (captions.all_tracks(item) if editor else item.captions)]


@router.post(
    "",
    response_model=CaptionOut,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a WebVTT or SRT caption file",
    responses=errors(507),
)
def upload_track(
    item_id: Id,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
    remake: RemakeDep,
    file: Annotated[UploadFile, File(description="WebVTT or SRT, UTF-8")],
    language: Annotated[LanguageTag, Form(description="BCP 47 tag, e.g. sv or en")],
    kind: Annotated[CaptionKind, Form()] = CaptionKind.CAPTIONS,
    label: Annotated[str, Form(max_length=100)] = "",
) -> CaptionOut:
    """Stored as normalised WebVTT; for a language and kind the item has, a new revision of
    that track (see its `revisions`), and the variants showing the earlier one are remade.

    A file that does not parse is refused with 422 naming the line. A plain (not async) route:
    parsing and storing run in a worker thread, never on the event loop (a large file is read
    in a worker process).
    """
    item = media.get_item(session, item_id, include_unpublished=True)
    data = file.file.read(captions.MAX_CAPTION_BYTES + 1)
    upload = captions.upload_caption_file(
        session,
        storage,
        item,
        data,
        language=language,
        kind=kind,
        actor=actor,
        label=label,
        filename=file.filename,
        remake=remake,
        with_report=False,  # the answer has none
    )
    return caption_out(upload.track)


@router.get("/{track_id:int}", response_model=CaptionOut, summary="Get a caption track")
def get_track(item_id: Id, track_id: Id, session: SessionDep, editor: EditorDep) -> CaptionOut:
    item = media.get_item(session, item_id, include_unpublished=editor)
    track = captions.get_track(item, track_id)
    if track.draft and not editor:  # a draft made from speech is the editors' until approved
        raise NotFound(f"item {item.id} has no caption track {track_id}")
    return caption_out(track)


@router.patch(
    "/{track_id:int}",
    response_model=CaptionOut,
    dependencies=[RequireEditor],
    summary="Update a caption track",
    responses=errors(409),
)
def update_track(item_id: Id, track_id: Id, body: CaptionUpdate, session: SessionDep) -> CaptionOut:
    """Change a track's label, language or kind (409 if another track has that language and kind)."""
    item = media.get_item(session, item_id, include_unpublished=True)
    track = captions.update_track(
        session, captions.get_track(item, track_id), **body.model_dump(exclude_unset=True)
    )
    return caption_out(track)


@router.delete(
    "/{track_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[RequireEditor],
    summary="Delete a caption track",
)
def delete_track(
    item_id: Id, track_id: Id, session: SessionDep, storage: StorageDep, remake: RemakeDep
) -> Response:
    """With every revision; variants showing it are remade from another track, if any."""
    item = media.get_item(session, item_id, include_unpublished=True)
    captions.delete_track(session, storage, item, captions.get_track(item, track_id), remake=remake)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


router.include_router(caption_revisions.router)
