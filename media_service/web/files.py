"""Stored files and caption tracks, streamed with Range, HEAD and conditional requests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from media_service.db import session_scope
from media_service.deps import BearerDep, EditorDep, SessionDep, SettingsDep, StorageDep, identify
from media_service.errors import NotFound
from media_service.models import FileRole, MediaFile
from media_service.openapi import Id, file_responses
from media_service.services import documents, embed, ladders
from media_service.services.files import servable_file, servable_track
from media_service.storage import Storage
from media_service.streaming import PLAYLIST_PUBLIC, SEGMENT_PUBLIC, serve_stored, serve_text

router = APIRouter(tags=["files"])

VTT_TYPE = "text/vtt; charset=utf-8"
# A document is never shown by the browser, whatever it holds: a download, in a sandbox with
# nothing allowed, should a browser render it all the same.
DOCUMENT_POLICY = "sandbox; default-src 'none'"


def _document_download(
    request: Request, storage: StorageDep, media_file: MediaFile, extension: str
) -> Response:
    response = serve_stored(
        request,
        storage,
        media_file.storage_key,
        media_file.content_type,
        public=media_file.item.published,
        download_name=f"tolk-{media_file.item_id}-{media_file.id}.{extension}",
        may_redirect=False,  # its sandbox and nosniff must come with it: always from Tolk
    )
    response.headers["content-security-policy"] = DOCUMENT_POLICY
    response.headers["x-content-type-options"] = "nosniff"
    return response


# HEAD answers like GET without the body; it is left out of the OpenAPI document, where one
# operation per path is enough (and two would share an operation id).
@router.get(
    "/files/{file_id:int}.{extension}",
    summary="Stream a file",
    response_class=Response,
    responses=file_responses("video/*", "audio/*", "image/*", "application/octet-stream"),
)
@router.head("/files/{file_id:int}.{extension}", include_in_schema=False)
async def stream_file(
    file_id: Id, extension: str, request: Request, storage: StorageDep, credentials: BearerDep
) -> Response:
    """Any stored file (source, poster, interpreter, variant); ``?download=1`` to save it."""
    # The route players hit hardest: its blocking work (who is asking, the lookup, the file's
    # stat) is done in one worker thread, not one hand-over per dependency (issue #15).
    return await run_in_threadpool(_stream_file, file_id, extension, request, storage, credentials)


def _stream_file(
    file_id: int,
    extension: str,
    request: Request,
    storage: Storage,
    credentials: HTTPAuthorizationCredentials | None,
) -> Response:
    with session_scope(request.app.state.sessions) as session:
        editor = identify(request, session, credentials) is not None
        media_file = servable_file(session, file_id, include_unpublished=editor)
        if not media_file.storage_key.endswith(f".{extension}"):
            raise NotFound(f"no file {file_id}.{extension}")
        if media_file.role == FileRole.DOCUMENT:
            return _document_download(request, storage, media_file, extension)
        download = None
        if request.query_params.get("download"):
            download = f"tolk-{media_file.item_id}-{media_file.id}.{extension}"
        return serve_stored(
            request,
            storage,
            media_file.storage_key,
            media_file.content_type,
            public=media_file.item.published,
            download_name=download,
        )


@router.get(
    "/files/{file_id:int}/{width}x{height}.jpg",
    summary="A smaller copy of a poster",
    response_class=Response,
    responses=file_responses("image/jpeg"),
)
@router.head("/files/{file_id:int}/{width}x{height}.jpg", include_in_schema=False)
def stream_thumbnail(
    file_id: Id,
    width: int,
    height: int,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
    editor: EditorDep,
) -> Response:
    """A poster scaled to one of the sizes oEmbed answers name (made the first time)."""
    poster = servable_file(session, file_id, include_unpublished=editor)
    video = poster.facts.get("video") if poster.facts else None
    if poster.role != FileRole.POSTER or not video:
        raise NotFound(f"file {file_id} is not a poster")
    if (width, height) not in embed.thumbnail_sizes(video["width"], video["height"]):
        raise NotFound(f"no {width}x{height} copy of poster {file_id} is made")
    key = embed.ensure_thumbnail(settings, storage, poster, width, height)
    return serve_stored(request, storage, key, "image/jpeg", public=poster.item.published)


@router.get(
    "/captions/{track_id}.vtt",
    summary="A caption track",
    response_class=Response,
    responses=file_responses("text/vtt"),
)
@router.head("/captions/{track_id}.vtt", include_in_schema=False)
def stream_track(
    track_id: Id, request: Request, session: SessionDep, storage: StorageDep, editor: EditorDep
) -> Response:
    """Normalised WebVTT, readable from any origin."""
    track = servable_track(session, track_id, include_unpublished=editor)
    return serve_stored(request, storage, track.storage_key, VTT_TYPE, public=track.item.published)


@router.get(
    "/hls/{ladder_id}/master.m3u8",
    summary="An HLS master playlist",
    response_class=Response,
    responses=file_responses(ladders.PLAYLIST_TYPE),
)
@router.head("/hls/{ladder_id}/master.m3u8", include_in_schema=False)
def stream_master_playlist(
    ladder_id: Id,
    request: Request,
    session: SessionDep,
    editor: EditorDep,
    height: Annotated[int | None, Query(ge=1, le=10000, description="Only this rendition")] = None,
) -> Response:
    """Every rendition of a ladder with its bandwidth, resolution and codecs, the shared sound
    and the item's caption tracks as WebVTT subtitles; ``?height=`` keeps one rendition."""
    ladder = ladders.servable_ladder(session, ladder_id, include_unpublished=editor)
    text = ladders.master_text(ladder, only_height=height)
    return serve_text(request, text, ladders.PLAYLIST_TYPE, public=ladder.file.item.published)


@router.get(
    "/hls/{ladder_id}/subtitles/{track_id}.m3u8",
    summary="A caption track as an HLS subtitle playlist",
    response_class=Response,
    responses=file_responses(ladders.PLAYLIST_TYPE),
)
@router.head("/hls/{ladder_id}/subtitles/{track_id}.m3u8", include_in_schema=False)
def stream_subtitle_playlist(
    ladder_id: Id, track_id: Id, request: Request, session: SessionDep, editor: EditorDep
) -> Response:
    """One segment: the whole normalised WebVTT track (``/captions/{id}.vtt``)."""
    ladder = ladders.servable_ladder(session, ladder_id, include_unpublished=editor)
    text = ladders.subtitle_text(ladder, track_id)
    return serve_text(request, text, ladders.PLAYLIST_TYPE, public=ladder.file.item.published)


@router.get(
    "/hls/{ladder_id}/{folder}/{name}",
    summary="A rendition playlist or segment of an HLS ladder",
    response_class=Response,
    responses=file_responses(ladders.PLAYLIST_TYPE, "video/mp4", "video/iso.segment"),
)
@router.head("/hls/{ladder_id}/{folder}/{name}", include_in_schema=False)
def stream_ladder_file(
    ladder_id: Id,
    folder: str,
    name: str,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    editor: EditorDep,
) -> Response:
    """Segments are cached long (they never change), playlists briefly; Range and
    conditional requests as for every stored file."""
    ladder = ladders.servable_ladder(session, ladder_id, include_unpublished=editor)
    found = ladders.ladder_file(ladder, f"{folder}/{name}")
    return serve_stored(
        request,
        storage,
        found.key,
        found.content_type,
        public=ladder.file.item.published,
        public_caching=PLAYLIST_PUBLIC if found.is_playlist else SEGMENT_PUBLIC,
        # Its segments' URLs are relative: a playlist is served from Tolk's own address.
        may_redirect=not found.is_playlist,
    )


@router.get(
    "/documents/{document_id:int}.{extension}",
    summary="A document that goes with an item (always a download)",
    response_class=Response,
    responses=file_responses("application/pdf", "application/octet-stream"),
)
@router.head("/documents/{document_id:int}.{extension}", include_in_schema=False)
def stream_document(
    document_id: Id,
    extension: str,
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    editor: EditorDep,
) -> Response:
    """Served as an attachment with ``nosniff`` and a CSP sandbox: never rendered inline."""
    document = documents.servable_document(session, document_id, include_unpublished=editor)
    if not document.file.storage_key.endswith(f".{extension}"):
        raise NotFound(f"no document {document_id}.{extension}")
    return _document_download(request, storage, document.file, extension)
