"""Serving stored files: HTTP Range (206/416), HEAD, ETag and Last-Modified with 304."""

from __future__ import annotations

import logging
from email.utils import parsedate_to_datetime
from pathlib import Path

from fastapi import Request, Response
from starlette.responses import FileResponse

from media_service.errors import NotFound

log = logging.getLogger("tolk")

# Stored files never change under a key (a replacement gets a new one), but an item can be
# unpublished: shared caches keep a published file only briefly, then revalidate (a cheap 304).
PUBLIC = "public, max-age=300"
PRIVATE = "private, no-cache"


def _not_modified(request: Request, etag: str, last_modified: str) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False


def serve_file(
    request: Request,
    path: Path,
    content_type: str,
    *,
    public: bool,
    download_name: str | None = None,
) -> Response:
    """A response for ``path`` that honours Range, HEAD and conditional requests.

    Every stored file may be read from any origin (captions and media for embedding sites'
    players); private files are still only served to editors by the caller.
    """
    try:
        stat_result = path.stat()
    except FileNotFoundError as error:
        # A row whose file is gone (removed by hand, a lost disk): the client gets a 404.
        log.error("stored file missing: %s", path)
        raise NotFound("the file is missing from storage") from error
    response = FileResponse(
        path,
        stat_result=stat_result,
        media_type=content_type,
        filename=download_name,
        content_disposition_type="attachment" if download_name else "inline",
    )
    response.headers["cache-control"] = PUBLIC if public else PRIVATE
    response.headers["access-control-allow-origin"] = "*"
    response.headers["access-control-expose-headers"] = "Content-Length, Content-Range, Accept-Ranges"
    response.headers["x-content-type-options"] = "nosniff"
    if _not_modified(request, response.headers["etag"], response.headers["last-modified"]):
        keep = ("etag", "last-modified", "cache-control", "access-control-allow-origin")
        return Response(status_code=304, headers={k: response.headers[k] for k in keep})
    return response
