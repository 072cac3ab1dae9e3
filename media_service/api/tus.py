"""The tus 1.0 protocol's HTTP side: its constants, headers, checks and the route class that puts
``Tus-Resumable`` (and CORS for allowed origins) on every answer. ``api/uploads.py`` holds the
routes; the durable state is ``services.resumable``."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from email.utils import formatdate
from typing import Annotated, Any

from fastapi import Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from media_service.config import Settings
from media_service.deps import declared_length
from media_service.errors import ServiceError, UnsupportedMedia, http_error_body
from media_service.i18n import answer_language
from media_service.openapi import errors
from media_service.services import resumable
from media_service.services.resumable import Upload

TUS_VERSION = "1.0.0"
EXTENSIONS = ("creation", "creation-with-upload", "termination", "expiration", "checksum")
OFFSET_STREAM = "application/offset+octet-stream"
# CORS: what another site's page may send and read (tus clients need these headers).
ALLOWED_METHODS = "POST, HEAD, PATCH, DELETE, OPTIONS"
ALLOWED_HEADERS = (
    "Authorization, Content-Type, Tus-Resumable, Upload-Length, Upload-Offset, Upload-Metadata, "
    "Upload-Checksum, Upload-Defer-Length, Upload-Concat, X-Requested-With"
)
EXPOSED_HEADERS = (
    "Location, Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires, Tus-Resumable, "
    "Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm"
)

TUS_ERRORS = {
    400: "Malformed tus headers, a body longer than the rest of the upload, an unsupported "
    "checksum algorithm or extension",
    401: "No editor: log in, or send an API token",
    403: "A browser write without the session's CSRF token",
    404: "No such upload (never made, or ended)",
    408: "The body was cut off or stalled: what arrived is kept; ask with HEAD",
    409: "Upload-Offset is not the server's offset: ask with HEAD",
    410: "The upload expired unfinished",
    412: "Tus-Resumable missing or not 1.0.0",
    413: "Upload-Length larger than Tus-Max-Size",
    415: "Not application/offset+octet-stream, or the finished file is not media",
    422: "Metadata that cannot be stored (no such item, target), or a damaged file",
    423: "Another request is writing this upload: try again shortly",
    429: "This account already sends as many uploads as it may at once: try again after Retry-After",
    460: "Checksum mismatch: nothing of the body was kept",
    503: "The service receives as many uploads as it can, or is busy: try again after Retry-After",
    507: "The server's disk is full: nothing of the body was kept",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return errors(*codes, descriptions=TUS_ERRORS)


def offset_body(required: bool) -> dict[str, Any]:
    content = {OFFSET_STREAM: {"schema": {"type": "string", "format": "binary"}}}
    description = "The bytes of the upload from Upload-Offset on (or from 0, at creation)."
    return {"requestBody": {"required": required, "description": description, "content": content}}


def allowed_origin(request: Request, settings: Settings) -> str | None:
    origin = request.headers.get("origin")
    allowed = settings.upload_origins.split()
    return origin if origin and ("*" in allowed or origin in allowed) else None


class TusRoute(APIRoute):
    """A tus route: every answer, errors too, carries ``Tus-Resumable`` (and the CORS headers for
    an allowed origin); errors are Tolk's JSON body, so a cross-origin client can read them."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def tus_handler(request: Request) -> Response:
            try:
                response = await handle(request)
            except ServiceError as error:
                body = error.to_dict(answer_language(request))
                response = JSONResponse(body, status_code=error.status_code, headers=error.headers)
            except HTTPException as error:
                body = http_error_body(error.status_code, str(error.detail), answer_language(request))
                response = JSONResponse(body, status_code=error.status_code, headers=error.headers)
            response.headers["Tus-Resumable"] = TUS_VERSION
            if response.status_code == 412:
                response.headers["Tus-Version"] = TUS_VERSION
            settings: Settings = request.app.state.settings
            if origin := allowed_origin(request, settings):
                response.headers["Access-Control-Allow-Origin"] = origin
                response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
                response.headers["Vary"] = "Origin"
            return response

        return tus_handler


class VersionMismatch(ServiceError):
    status_code = 412
    code = "tus_version"


TusResumable = Annotated[str | None, Header(alias="Tus-Resumable", description="The protocol version: 1.0.0")]
UploadLength = Annotated[str | None, Header(alias="Upload-Length", description="The file's size in bytes")]
UploadMetadata = Annotated[
    str | None,
    Header(
        alias="Upload-Metadata",
        description="Comma-separated 'key base64value' pairs: item_id, target (source or "
        "interpreter), filename, filetype; optionally language, checksum ('sha256 <base64>')",
    ),
]
UploadOffset = Annotated[str | None, Header(alias="Upload-Offset", description="Where the body goes")]
UploadChecksum = Annotated[
    str | None, Header(alias="Upload-Checksum", description="'<sha1|sha256|md5> <base64>' of the body")
]
UploadDeferLength = Annotated[str | None, Header(alias="Upload-Defer-Length", description="Not supported")]
UploadConcat = Annotated[str | None, Header(alias="Upload-Concat", description="Not supported")]


def check_version(sent: str | None) -> None:
    if sent != TUS_VERSION:
        raise VersionMismatch(
            f"send Tus-Resumable: {TUS_VERSION} (this server speaks tus {TUS_VERSION} only)"
        )


def checksum(value: str | None) -> resumable.Checksum | None:
    return resumable.Checksum.parse(value) if value is not None else None


def expires(upload: Upload) -> str:
    return formatdate(upload.expires, usegmt=True)


def offset_headers(upload: Upload, offset: int) -> dict[str, str]:
    headers = {"Upload-Offset": str(offset)}
    if not upload.stored:
        headers["Upload-Expires"] = expires(upload)
    return headers


def has_body(request: Request) -> bool:
    length = declared_length(request)
    return bool(length) or (length is None and "transfer-encoding" in request.headers)


def check_content_type(request: Request) -> None:
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type != OFFSET_STREAM:
        raise UnsupportedMedia(f"send the bytes of an upload as Content-Type: {OFFSET_STREAM}")
