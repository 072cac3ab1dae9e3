"""Stored files and caption tracks, streamed with Range, HEAD and conditional requests."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from media_service.deps import EditorDep, SessionDep, StorageDep
from media_service.errors import NotFound
from media_service.services.files import servable_file, servable_track
from media_service.streaming import serve_file

router = APIRouter(tags=["files"])

VTT_TYPE = "text/vtt; charset=utf-8"


# HEAD answers like GET without the body; it is left out of the OpenAPI document, where one
# operation per path is enough (and two would share an operation id).
@router.get("/files/{file_id}.{extension}", summary="Stream a file")
@router.head("/files/{file_id}.{extension}", include_in_schema=False)
def stream_file(
    file_id: int,
    extension: str,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    editor: EditorDep,
) -> Response:
    """Any stored file (source, poster, interpreter, variant); ``?download=1`` to save it."""
    media_file = servable_file(session, file_id, include_unpublished=editor)
    if not media_file.storage_key.endswith(f".{extension}"):
        raise NotFound(f"no file {file_id}.{extension}")
    download = None
    if request.query_params.get("download"):
        download = f"tolk-{media_file.item_id}-{media_file.id}.{extension}"
    return serve_file(
        request,
        storage.path(media_file.storage_key),
        media_file.content_type,
        public=media_file.item.published,
        download_name=download,
    )


@router.get("/captions/{track_id}.vtt", summary="A caption track")
@router.head("/captions/{track_id}.vtt", include_in_schema=False)
def stream_track(
    track_id: int, request: Request, session: SessionDep, storage: StorageDep, editor: EditorDep
) -> Response:
    """Normalised WebVTT, readable from any origin."""
    track = servable_track(session, track_id, include_unpublished=editor)
    return serve_file(request, storage.path(track.storage_key), VTT_TYPE, public=track.item.published)
