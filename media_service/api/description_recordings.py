"""/api/media/{id}/description-recording: a describer's recording of the audio description.

The described variants mix it instead of the description track (``described+extended`` keeps
voicing the track); see ``services.description_recordings``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from media_service.api.schemas import FileOut, file_out, raw_body
from media_service.deps import (
    EditorDep,
    RemakeDep,
    RequireEditor,
    SessionDep,
    SettingsDep,
    StorageDep,
    UploadChange,
    declared_length,
)
from media_service.errors import NotFound
from media_service.openapi import Id, errors
from media_service.services import description_recordings, digests, media

router = APIRouter(prefix="/api/media/{item_id}/description-recording", tags=["descriptions"])


@router.get("", response_model=FileOut, summary="The item's description recording")
def get_description_recording(item_id: Id, session: SessionDep, editor: EditorDep) -> FileOut:
    item = media.get_item(session, item_id, include_unpublished=editor)
    recording = description_recordings.description_recording(item)
    if recording is None:
        raise NotFound(f"item {item_id} has no description recording")
    return file_out(recording)


@router.put(
    "",
    response_model=FileOut,
    summary="Upload (or replace) the description recording",
    responses=errors(408, 413, 415, 429, 503, 507),
    openapi_extra=raw_body(
        "The describer's recording as the raw request body (sound, or a video with sound; its "
        "time 0 is the film's start). 422 when it has no sound."
    ),
)
async def put_description_recording(
    item_id: Id,
    request: Request,
    change: UploadChange,
    storage: StorageDep,
    settings: SettingsDep,
    remake: RemakeDep,
    filename: Annotated[str, Query(max_length=300, description="Original name, for display")] = "",
) -> FileOut:
    """The described variants are mixed from it from now on (a recording wins over a
    description track); those made before are outdated and remade."""
    recording = await description_recordings.upload_description_recording(
        request.app.state.sessions,
        storage,
        settings,
        item_id,
        digests.checked_body(request.stream(), request.headers),
        original_name=filename,
        declared_length=declared_length(request),
        change=change,
        remake=remake,
    )
    return file_out(recording)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[RequireEditor],
    summary="Delete the description recording",
)
def delete_description_recording(
    item_id: Id, session: SessionDep, storage: StorageDep, remake: RemakeDep
) -> Response:
    item = media.get_item(session, item_id, include_unpublished=True)
    description_recordings.delete_description_recording(session, storage, item, remake=remake)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
