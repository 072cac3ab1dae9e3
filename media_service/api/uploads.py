"""/api/uploads: resumable uploads (tus 1.0, https://tus.io/protocols/resumable-upload) of
films, songs and interpreter recordings.

A dropped connection, or a crash of the server, costs only the chunk in flight: the client asks
(HEAD) how much arrived and goes on from there. Tolk serves the protocol itself (the durable
state is ``services.resumable``; why not a library is said there); this module is the thin HTTP
layer: headers in, headers out. Extensions: creation, creation-with-upload, termination,
expiration and checksum (sha1, sha256, md5). Not offered, and refused with 400 when asked for:
creation-defer-length and concatenation.

Who may upload: an editor (a browser's writes with the session's CSRF header; see ``deps``).
OPTIONS needs no one, so a browser's CORS preflight works; other sites' pages may upload only
from the origins in ``TOLK_UPLOAD_ORIGINS``, and only with an API token (no cookies).

Create an upload with ``POST /api/uploads`` and ``Upload-Length``, with ``Upload-Metadata``
naming ``item_id``, ``target`` (``source`` or ``interpreter``), ``filename`` and ``filetype``
(and, for an interpreter, optionally ``language``; for the whole file, optionally ``checksum``:
``sha256 <base64>``, checked before the file is stored). When the last byte arrives the file
is checked against Upload-Length (and that checksum), then probed and stored like
``PUT /api/media/{id}/file``, moved into storage without a copy.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from media_service.api.tus import (
    ALLOWED_HEADERS,
    ALLOWED_METHODS,
    EXTENSIONS,
    TUS_VERSION,
    TusResumable,
    TusRoute,
    UploadChecksum,
    UploadConcat,
    UploadDeferLength,
    UploadLength,
    UploadMetadata,
    UploadOffset,
    allowed_origin,
    check_content_type,
    check_version,
    expires,
    has_body,
    offset_body,
    offset_headers,
    responses,
)
from media_service.api.tus import checksum as tus_checksum
from media_service.auth import Actor
from media_service.config import Settings
from media_service.deps import (
    AuthenticatedEditor,
    SettingsDep,
    StorageDep,
    UploadingEditor,
    declared_length,
)
from media_service.errors import Invalid, ServiceError, TooLarge
from media_service.services import media, resumable
from media_service.services.resumable import WrittenUpload
from media_service.services.resumable.completion import Uploader, finish_upload, item_id_of, target_of
from media_service.services.shapes import whole_number
from media_service.storage import Storage

PREFIX = "/api/uploads"


def _uploads(settings: Settings) -> resumable.ResumableUploads:
    return resumable.ResumableUploads.for_settings(settings)


async def _finish(
    request: Request, storage: Storage, settings: Settings, actor: Actor, held: WrittenUpload
) -> None:
    """Store the finished upload (see ``services.resumable.completion``)."""
    uploader = Uploader(actor, request.method, request.url.path)
    app = request.app
    await finish_upload(app.state.sessions, storage, settings, app.state.job_queue, uploader, held)


router = APIRouter(prefix=PREFIX, tags=["uploads"], route_class=TusRoute)


def _discovery(request: Request, settings: Settings) -> Response:
    headers = {
        "Tus-Version": TUS_VERSION,
        "Tus-Max-Size": str(settings.max_upload_bytes),
        "Tus-Extension": ",".join(EXTENSIONS),
        "Tus-Checksum-Algorithm": ",".join(resumable.CHECKSUM_ALGORITHMS),
    }
    if allowed_origin(request, settings) and "access-control-request-method" in request.headers:
        headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        headers["Access-Control-Max-Age"] = "86400"
    return Response(status_code=204, headers=headers)


@router.options(
    "",
    status_code=204,
    summary="What this tus server offers (no credentials needed)",
    response_class=Response,
    responses={204: {"description": "Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm"}},
)
def tus_discovery(request: Request, settings: SettingsDep) -> Response:
    """Also a browser's CORS preflight: answered for the origins in TOLK_UPLOAD_ORIGINS."""
    return _discovery(request, settings)


@router.options("/", include_in_schema=False)
def tus_discovery_slash(request: Request, settings: SettingsDep) -> Response:
    return _discovery(request, settings)


@router.options("/{upload_id}", include_in_schema=False)
def tus_preflight(upload_id: str, request: Request, settings: SettingsDep) -> Response:
    return _discovery(request, settings)


@router.post(
    "",
    status_code=201,
    summary="Create a resumable upload (optionally with its first bytes)",
    response_class=Response,
    responses={
        201: {"description": "Created: Location names the upload; Upload-Offset when bytes were sent"},
        **responses(400, 401, 403, 404, 408, 412, 413, 415, 422, 429, 460, 503, 507),
    },
    openapi_extra=offset_body(required=False),
)
async def create_upload(
    request: Request,
    storage: StorageDep,
    settings: SettingsDep,
    actor: UploadingEditor,
    tus_resumable: TusResumable = None,
    upload_length: UploadLength = None,
    upload_metadata: UploadMetadata = None,
    upload_checksum: UploadChecksum = None,
    upload_defer_length: UploadDeferLength = None,
    upload_concat: UploadConcat = None,
) -> Response:
    """Refused before a byte is kept when the file could not be stored (no such item, too
    large). A body (``creation-with-upload``) is written as by PATCH; when it completes the
    upload, the file is stored before the answer."""
    check_version(tus_resumable)
    if upload_concat is not None:
        raise ServiceError(
            "uploads in parts (Upload-Concat, concatenation) are not supported: send one upload"
        )
    if upload_defer_length is not None:
        raise ServiceError("Upload-Defer-Length is not supported: send the size in Upload-Length")
    length = whole_number(upload_length)
    if length is None:
        raise ServiceError.told("api_upload_length", value=repr(upload_length or ""))
    metadata = upload_metadata or ""
    fields = resumable.parse_metadata(metadata)
    label = media.file_label(fields.get("filename", "")[:300])
    if length > settings.max_upload_bytes:
        raise TooLarge.told("api_upload_too_large", name=label, size=length, limit=settings.max_upload_bytes)
    if length == 0:
        raise Invalid.told("api_upload_empty", name=label)
    target_of(fields)
    await run_in_threadpool(media.item_kind, request.app.state.sessions, item_id_of(fields))
    sends_bytes = has_body(request)
    if sends_bytes:
        check_content_type(request)
    checksum = tus_checksum(upload_checksum)
    uploads = _uploads(settings)
    upload = await run_in_threadpool(uploads.create, length, metadata)
    headers = {
        "Location": f"{settings.public_url.rstrip('/')}{PREFIX}/{upload.id}",
        "Upload-Expires": expires(upload),
    }
    if sends_bytes:
        try:
            with uploads.writing(upload.id) as held:
                offset = await held.receive(
                    0,
                    request.stream(),
                    checksum=checksum,
                    declared_length=declared_length(request),
                    idle_seconds=settings.upload_idle_seconds,
                )
                if offset == length:
                    await _finish(request, storage, settings, actor, held)
                upload = held.upload
        except resumable.BodyCutOff:
            raise  # what arrived is kept; the upload expires if the client never comes back
        except BaseException:
            uploads.remove(upload.id)  # a refused first chunk: nothing of the upload is kept
            raise
        headers.update(offset_headers(upload, offset))
    return Response(status_code=201, headers=headers)


@router.head(
    "/{upload_id}",
    status_code=200,
    summary="How much of an upload the server has",
    response_class=Response,
    responses={
        200: {"description": "Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires"},
        **responses(401, 404, 410, 412),
    },
)
def upload_status(
    upload_id: str, settings: SettingsDep, actor: AuthenticatedEditor, tus_resumable: TusResumable = None
) -> Response:
    """Never cached. A stored upload answers its full length."""
    check_version(tus_resumable)
    upload = _uploads(settings).find(upload_id)
    headers = {
        **offset_headers(upload, upload.offset),
        "Upload-Length": str(upload.length),
        "Cache-Control": "no-store",
    }
    if upload.metadata:
        headers["Upload-Metadata"] = upload.metadata
    return Response(status_code=200, headers=headers)


@router.patch(
    "/{upload_id}",
    status_code=204,
    summary="Send bytes of an upload from its offset",
    response_class=Response,
    responses={
        204: {"description": "Kept: Upload-Offset is the new offset"},
        **responses(400, 401, 403, 404, 408, 409, 410, 412, 415, 422, 423, 429, 460, 503, 507),
    },
    openapi_extra=offset_body(required=True),
)
async def send_upload_bytes(
    upload_id: str,
    request: Request,
    storage: StorageDep,
    settings: SettingsDep,
    actor: UploadingEditor,
    tus_resumable: TusResumable = None,
    upload_offset: UploadOffset = None,
    upload_checksum: UploadChecksum = None,
) -> Response:
    """Every check comes before a byte is kept, and the offset advances only once the bytes are
    on disk. The last bytes are answered once the file is checked and stored (415 or 422 when
    it is refused: the upload then ends)."""
    check_version(tus_resumable)
    uploads = _uploads(settings)
    uploads.find(upload_id)
    check_content_type(request)
    offset = whole_number(upload_offset)
    if offset is None:
        raise ServiceError("send Upload-Offset: where these bytes go, in bytes (digits only)")
    checksum = tus_checksum(upload_checksum)
    with uploads.writing(upload_id) as held:
        new_offset = await held.receive(
            offset,
            request.stream(),
            checksum=checksum,
            declared_length=declared_length(request),
            idle_seconds=settings.upload_idle_seconds,
        )
        if new_offset == held.upload.length and not held.upload.stored:
            await _finish(request, storage, settings, actor, held)
        upload = held.upload
    return Response(status_code=204, headers=offset_headers(upload, new_offset))


@router.delete(
    "/{upload_id}",
    status_code=204,
    summary="End an upload and remove what was sent",
    response_class=Response,
    responses={204: {"description": "Removed"}, **responses(401, 403, 404, 410, 412, 423)},
)
def terminate_upload(
    upload_id: str, settings: SettingsDep, actor: AuthenticatedEditor, tus_resumable: TusResumable = None
) -> Response:
    """A stored file stays in the library: only the upload is forgotten."""
    check_version(tus_resumable)
    _uploads(settings).terminate(upload_id)
    return Response(status_code=204)
