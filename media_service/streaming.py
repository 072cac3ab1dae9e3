"""Serving stored files by RFC 9110: Range requests (section 14), conditional requests (section
13), HEAD, ETag and Last-Modified.

Starlette's ``FileResponse`` does ranges too, but not by the RFC: it answers 400 to a range
unit it does not know and to an invalid range (14.2: ignore the header, send the whole file),
416 when one of several ranges lies past the end (14.1.2: serve the satisfiable ones), applies
ranges to HEAD (14.2: GET only) and knows neither If-Match nor If-Unmodified-Since. So the rules
are Tolk's own, here, and this module streams the bytes itself.

Choices the RFC leaves to the server (14.2, 15.3.7): overlapping or adjacent ranges are
coalesced into one; one range left is a plain 206 with Content-Range, several are a
``multipart/byteranges`` answer with the parts in the order the client asked for them; a
request for more than ``MAX_PARTS`` separate parts is served whole (200), as 14.2 allows for "a
set of many small ranges".

``serve_stored`` serves a file by its storage key the same way from either backend: a local
file is read directly; an object in S3 is streamed chunk by chunk (each range a ranged GET of
its own, read in a worker thread: never a whole object in memory), or, with
``TOLK_S3_SERVE=redirect``, a GET is answered 307 to a short-lived presigned URL once the access
check and the preconditions are passed (HEAD is answered here either way). Size and times come
from the object's HEAD, so ETag and Last-Modified are made as for a local file.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

import anyio
from fastapi import Request, Response
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from media_service.errors import NotFound, PreconditionFailed, RangeNotSatisfiable
from media_service.media_types import attachment_disposition
from media_service.metrics import SERVED_BYTES
from media_service.storage import CHUNK_BYTES, Storage, StoredFileMissing
from media_service.zero_copy import ZERO_COPY_SEND

log = logging.getLogger("tolk")

# Stored files never change under a key (a replacement gets a new one), but an item can be
# unpublished: shared caches keep a published file only briefly, then revalidate (a cheap 304).
PUBLIC = "public, max-age=300"
PRIVATE = "private, no-cache"
# HLS: a segment never changes and is of no use without a playlist, so it is cached long;
# playlists (which an unpublished item stops serving) briefly.
SEGMENT_PUBLIC = "public, max-age=31536000, immutable"
PLAYLIST_PUBLIC = "public, max-age=10"
# A redirect to a presigned URL is good only while the URL lasts: never cached.
REDIRECT_CACHING = "private, no-store"
MAX_PARTS = 50
# A longer Range header is a broken client or an attack (14.2); it is ignored, not parsed.
MAX_RANGE_HEADER = 4096
_CORS = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "Content-Length, Content-Range, Accept-Ranges, ETag",
}
# 14.1.2: int-range = first-pos "-" [ last-pos ]; suffix-range = "-" suffix-length.
_RANGE_SPEC = re.compile(r"([0-9]+)-([0-9]*)|-([0-9]+)")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# 8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, in a list (13.1.1, 13.1.2).
_ENTITY_TAG = re.compile(r'(W/)?"([\x21\x23-\x7e\x80-\xff]*)"')


@dataclass(frozen=True)
class ByteRange:
    """Bytes ``first`` to ``last`` of a file, both included (as Content-Range writes them)."""

    first: int
    last: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class Validators:
    """What conditional requests compare with: a strong ETag and Last-Modified (8.8)."""

    etag: str
    last_modified: datetime

    @classmethod
    def of_times(cls, modified: float, size: int) -> Validators:
        # As Starlette made them (so clients' cached tags stay valid): a stored file never
        # changes under its key, so its time in storage and size name one representation.
        base = f"{modified}-{size}"
        tag = hashlib.md5(base.encode(), usedforsecurity=False).hexdigest()
        return cls(f'"{tag}"', datetime.fromtimestamp(int(modified), UTC))

    @property
    def last_modified_header(self) -> str:
        return formatdate(self.last_modified.timestamp(), usegmt=True)


def parse_range(header: str, size: int) -> list[ByteRange] | None:
    """The satisfiable ranges of a Range header (RFC 9110 14.1, 14.2), coalesced.

    None: the header is to be ignored and the whole file sent (a unit other than ``bytes``, an
    invalid ranges-specifier, too many parts, an empty file). An empty list: valid, but no
    range is satisfiable (416).
    """
    unit, equals, range_set = header.partition("=")
    # 14.1: range units are case-insensitive tokens; an unknown one is ignored (14.2).
    if not equals or not _TOKEN.fullmatch(unit) or unit.lower() != "bytes" or len(header) > MAX_RANGE_HEADER:
        return None
    asked: list[ByteRange] = []
    specs = [part.strip(" \t") for part in range_set.split(",")]
    if not any(specs):
        return None  # 1#range-spec: at least one
    for spec in filter(None, specs):  # 5.6.1: empty list elements are ignored
        match = _RANGE_SPEC.fullmatch(spec)
        if match is None:
            return None  # an other-range, undefined for bytes: the specifier is invalid (14.1.1)
        first, last, suffix = match.groups()
        if suffix is not None:
            if int(suffix) > 0 and size > 0:  # 14.1.2: a suffix of 0 is not satisfiable
                asked.append(ByteRange(max(0, size - int(suffix)), size - 1))
            continue
        if last and int(last) < int(first):
            return None  # 14.1.1: an int-range whose last-pos is below its first-pos is invalid
        if int(first) < size:  # 14.1.2: satisfiable when first-pos is inside the file
            asked.append(ByteRange(int(first), min(int(last), size - 1) if last else size - 1))
    if size == 0:
        return None  # nothing to cut a range from: the (empty) whole is the answer
    parts = coalesce(asked)
    return None if len(parts) > MAX_PARTS else parts


def coalesce(ranges: list[ByteRange]) -> list[ByteRange]:
    """Merge overlapping or adjacent ranges (14.2 allows it), keeping the order the client asked
    in for what remains (15.3.7.2: the server SHOULD)."""
    merged: list[tuple[ByteRange, int]] = []  # (range, position of its earliest member)
    for position, byte_range in sorted(enumerate(ranges), key=lambda pair: pair[1].first):
        if merged and byte_range.first <= merged[-1][0].last + 1:
            previous, earliest = merged[-1]
            widened = ByteRange(previous.first, max(previous.last, byte_range.last))
            merged[-1] = (widened, min(earliest, position))
        else:
            merged.append((byte_range, position))
    return [byte_range for byte_range, _ in sorted(merged, key=lambda pair: pair[1])]


def _entity_tags(header: str) -> list[tuple[bool, str]] | None:
    """The (weak, opaque-tag) members of an If-Match / If-None-Match list; None for ``*``.

    A member that is not an entity-tag is skipped: it can match nothing.
    """
    if header.strip() == "*":
        return None
    tags = []
    for member in header.split(","):
        match = _ENTITY_TAG.fullmatch(member.strip(" \t"))
        if match:
            tags.append((match[1] is not None, match[2]))
    return tags


def _opaque(etag: str) -> str:
    return etag.removeprefix("W/").strip('"')


def _strong_match(header: str, etag: str) -> bool:
    """If-Match (13.1.1): ``*``, or a member equal by the strong comparison (8.8.3.2)."""
    tags = _entity_tags(header)
    return tags is None or any(not weak and tag == _opaque(etag) for weak, tag in tags)


def _weak_match(header: str, etag: str) -> bool:
    """If-None-Match (13.1.2): ``*``, or a member equal by the weak comparison."""
    tags = _entity_tags(header)
    return tags is None or any(tag == _opaque(etag) for _, tag in tags)


def _http_date(value: str) -> datetime | None:
    """An HTTP-date (5.6.7, all three forms), or None when the value is not exactly one date."""
    # IMF-fixdate has one comma (after the day name); more is a list, which 13.1.3/13.1.4 ignore.
    if value.count(",") > 1:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _if_range_holds(header: str, validators: Validators) -> bool:
    """If-Range (13.1.5): an entity-tag compared strongly, or a date equal to Last-Modified."""
    value = header.strip(" \t")
    if value.startswith(('"', "W/")):
        match = _ENTITY_TAG.fullmatch(value)
        return match is not None and match[1] is None and match[2] == _opaque(validators.etag)
    date = _http_date(value)
    return date is not None and date == validators.last_modified


class Precondition:
    """What RFC 9110 13.2.2 makes of a request's preconditions for one stored file."""

    NOT_MODIFIED = 304
    FAILED = 412


def evaluate_preconditions(
    headers: Mapping[str, str], method: str, validators: Validators
) -> tuple[int | None, bool]:
    """(status, use_range): 304 or 412 when a precondition says so, else None; and whether a
    Range header may be honoured (If-Range). Evaluated in the order of RFC 9110 13.2.2."""
    if_match = headers.get("if-match")
    if if_match is not None:
        # Step 1; a false If-Match is 412 (a GET has changed nothing that could have succeeded).
        if not _strong_match(if_match, validators.etag):
            return Precondition.FAILED, False
    elif (if_unmodified_since := headers.get("if-unmodified-since")) is not None:
        # Step 2; 13.1.4: an invalid date is ignored.
        date = _http_date(if_unmodified_since)
        if date is not None and validators.last_modified > date:
            return Precondition.FAILED, False
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        # Step 3: a match means "you have it": 304 for GET and HEAD, 412 for others.
        if _weak_match(if_none_match, validators.etag):
            return (Precondition.NOT_MODIFIED if method in ("GET", "HEAD") else Precondition.FAILED), False
    elif method in ("GET", "HEAD") and (if_modified_since := headers.get("if-modified-since")) is not None:
        # Step 4; 13.1.3: an invalid date is ignored.
        date = _http_date(if_modified_since)
        if date is not None and validators.last_modified <= date:
            return Precondition.NOT_MODIFIED, False
    # Step 5: Range is for GET only (14.2), and If-Range without Range is ignored (13.1.5).
    use_range = method == "GET" and "range" in headers
    if use_range and (if_range := headers.get("if-range")) is not None:
        use_range = _if_range_holds(if_range, validators)
    return None, use_range


async def _read(
    handle: anyio.AsyncFile[bytes], parts: list[tuple[bytes, ByteRange]], trailer: bytes
) -> AsyncIterator[bytes]:
    async with handle:
        for prefix, byte_range in parts:
            if prefix:
                yield prefix
            await handle.seek(byte_range.first)
            left = byte_range.length
            while left > 0:
                chunk = await handle.read(min(CHUNK_BYTES, left))
                if not chunk:
                    raise OSError(f"{handle.name} is shorter than it was a moment ago")
                left -= len(chunk)
                SERVED_BYTES.inc(len(chunk))
                yield chunk
    if trailer:
        yield trailer


class LocalFileResponse(Response):
    """Parts of a local file: handed to the server's zero-copy send (the kernel's sendfile,
    media_service/zero_copy.py) when the server offers it, else read and streamed in chunks.

    Made in the route's worker thread, which opens the file (so the event loop never waits on
    the disk, nor hands over to a thread once more); it is closed once the answer is sent.
    """

    def __init__(
        self,
        path: Path,
        parts: list[tuple[bytes, ByteRange]],
        trailer: bytes,
        status_code: int,
        headers: dict[str, str],
    ) -> None:
        super().__init__(status_code=status_code, headers=headers)
        self.handle = path.open("rb")
        self.parts = parts
        self.trailer = trailer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if ZERO_COPY_SEND not in scope.get("extensions", {}):
            chunks = _read(anyio.wrap_file(self.handle), self.parts, self.trailer)
            streamed = StreamingResponse(chunks, status_code=self.status_code)
            streamed.raw_headers = self.raw_headers
            await streamed(scope, receive, send)
            return
        with self.handle:
            await send(
                {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
            )
            for number, (prefix, byte_range) in enumerate(self.parts, start=1):
                if prefix:
                    await send({"type": "http.response.body", "body": prefix, "more_body": True})
                await send(
                    {
                        "type": ZERO_COPY_SEND,
                        "file": self.handle,
                        "offset": byte_range.first,
                        "count": byte_range.length,
                        "more_body": bool(self.trailer) or number < len(self.parts),
                    }
                )
                SERVED_BYTES.inc(byte_range.length)
            if self.trailer or not self.parts:
                await send({"type": "http.response.body", "body": self.trailer, "more_body": False})


async def _read_stored(
    storage: Storage, key: str, parts: list[tuple[bytes, ByteRange]], trailer: bytes
) -> AsyncIterator[bytes]:
    for prefix, byte_range in parts:
        if prefix:
            yield prefix
        chunks = storage.read_range(key, byte_range.first, byte_range.last)
        try:
            # Each chunk is read in a worker thread: the event loop never waits on the store.
            while (chunk := await anyio.to_thread.run_sync(next, chunks, None)) is not None:
                SERVED_BYTES.inc(len(chunk))
                yield chunk
        finally:
            chunks.close()  # a client gone mid-way: the store's connection is let go
    if trailer:
        yield trailer


# The answer that sends the chosen parts (with their multipart headers) and the closing
# trailer: parts, trailer, status, headers.
_Body = Callable[[list[tuple[bytes, ByteRange]], bytes, int, dict[str, str]], Response]


def _body_response(
    request: Request,
    body: _Body,
    status_code: int,
    headers: dict[str, str],
    parts: list[tuple[bytes, ByteRange]],
    trailer: bytes = b"",
) -> Response:
    headers["content-length"] = str(sum(len(p) + r.length for p, r in parts) + len(trailer))
    if request.method == "HEAD":
        # 9.3.2: the same header fields as GET, no content.
        return Response(status_code=status_code, headers=headers)
    return body(parts, trailer, status_code, headers)


def _missing(where: str, error: Exception) -> NotFound:
    # A row whose file is gone (removed by hand, a lost disk or bucket): the client gets a 404.
    log.error("stored file missing: %s", where)
    return NotFound("the file is missing from storage")


def serve_stored(
    request: Request,
    storage: Storage,
    key: str,
    content_type: str,
    *,
    public: bool,
    download_name: str | None = None,
    public_caching: str = PUBLIC,
    may_redirect: bool = True,
) -> Response:
    """The answer for the stored file at ``key``, as for a local file,
    from whichever backend holds it. A GET may be redirected to the store itself (when the
    storage serves by redirect and ``may_redirect``: not for playlists, whose relative URLs
    must resolve against Tolk's, nor for what needs Tolk's own headers)."""
    try:
        found = storage.stat(key)
    except StoredFileMissing as error:
        raise _missing(key, error) from error
    validators = Validators.of_times(found.modified, found.size)
    if found.path is not None:
        path = found.path
        body: _Body = lambda parts, trailer, status, headers: LocalFileResponse(  # noqa: E731
            path, parts, trailer, status, headers
        )
    else:
        body = lambda parts, trailer, status, headers: StreamingResponse(  # noqa: E731
            _read_stored(storage, key, parts, trailer), status_code=status, headers=headers
        )
    caching = public_caching if public else PRIVATE
    accel_uri = storage.accel_redirect_uri(key)
    if accel_uri is not None:
        # An internal redirect within nginx: the client's URL is unchanged, so playlists and
        # documents may go this way too.
        return accel_redirect_response(accel_uri, content_type, caching=caching, download_name=download_name)
    if may_redirect and request.method == "GET":
        url = storage.redirect_url(
            key, content_type=content_type, cache_control=caching, download_name=download_name
        )
        if url is not None:
            headers = _validator_headers(validators, caching)
            status, _ = evaluate_preconditions(request.headers, request.method, validators)
            if status == Precondition.NOT_MODIFIED:
                return Response(status_code=304, headers=headers)
            if status == Precondition.FAILED:
                raise PreconditionFailed(
                    "the file does not match the request's If-Match or If-Unmodified-Since"
                )
            return Response(
                status_code=307, headers={"location": url, "cache-control": REDIRECT_CACHING, **_CORS}
            )
    return _serve(
        request,
        found.size,
        validators,
        body,
        content_type,
        public=public,
        download_name=download_name,
        public_caching=public_caching,
    )


def _validator_headers(validators: Validators, caching: str) -> dict[str, str]:
    return {
        "etag": validators.etag,
        "last-modified": validators.last_modified_header,
        "cache-control": caching,
        **_CORS,
    }


def _serve(
    request: Request,
    size: int,
    validators: Validators,
    body: _Body,
    content_type: str,
    *,
    public: bool,
    download_name: str | None,
    public_caching: str,
) -> Response:
    headers = _validator_headers(validators, public_caching if public else PRIVATE)
    status, use_range = evaluate_preconditions(request.headers, request.method, validators)
    if status == Precondition.NOT_MODIFIED:
        return Response(status_code=304, headers=headers)
    if status == Precondition.FAILED:
        raise PreconditionFailed("the file does not match the request's If-Match or If-Unmodified-Since")
    headers["accept-ranges"] = "bytes"
    headers["x-content-type-options"] = "nosniff"
    ranges = parse_range(request.headers["range"], size) if use_range else None
    if ranges == []:
        raise RangeNotSatisfiable(
            f"no range asked for is inside the file of {size} bytes",
            headers={**_CORS, "content-range": f"bytes */{size}", "accept-ranges": "bytes"},
        )
    if download_name is not None:
        headers["content-disposition"] = attachment_disposition(download_name)
    whole = ByteRange(0, size - 1)
    if not ranges:
        headers["content-type"] = content_type
        return _body_response(request, body, 200, headers, [(b"", whole)] if size else [])
    if len(ranges) == 1:
        (only,) = ranges
        headers["content-type"] = content_type
        headers["content-range"] = f"bytes {only.first}-{only.last}/{size}"
        return _body_response(request, body, 206, headers, [(b"", only)])
    # 14.6: multipart/byteranges, each part with its own Content-Type and Content-Range.
    boundary = secrets.token_hex(16)
    headers["content-type"] = f"multipart/byteranges; boundary={boundary}"
    parts = []
    for index, byte_range in enumerate(ranges):
        part_header = (
            ("\r\n" if index else "")
            + f"--{boundary}\r\nContent-Type: {content_type}\r\n"
            + f"Content-Range: bytes {byte_range.first}-{byte_range.last}/{size}\r\n\r\n"
        )
        parts.append((part_header.encode("latin-1"), byte_range))
    return _body_response(request, body, 206, headers, parts, f"\r\n--{boundary}--\r\n".encode("latin-1"))


def serve_text(request: Request, text: str, content_type: str, *, public: bool) -> Response:
    """A small answer made per request (a master playlist): a strong ETag of its bytes, 304
    for a matching If-None-Match, briefly cached, readable from any origin."""
    body = text.encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"etag": etag, "cache-control": PLAYLIST_PUBLIC if public else PRIVATE, **_CORS}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and _weak_match(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    headers["content-length"] = str(len(body))
    return Response(b"" if request.method == "HEAD" else body, media_type=content_type, headers=headers)


def accel_redirect_response(
    uri: str, content_type: str, *, caching: str, download_name: str | None = None
) -> Response:
    """An empty answer that has nginx send the file at its internal ``uri`` (X-Accel-Redirect):
    Tolk has checked access; nginx answers Range, HEAD and conditional requests itself, with
    sendfile. nginx keeps the Content-Type, Cache-Control and Content-Disposition given here,
    and deploy/nginx/tolk.conf adds the other headers from this answer to the file's."""
    headers = {
        "x-accel-redirect": quote(uri),
        "content-type": content_type,
        "cache-control": caching,
        "x-content-type-options": "nosniff",
        **_CORS,
    }
    if download_name is not None:
        headers["content-disposition"] = attachment_disposition(download_name)
    return Response(status_code=200, headers=headers)
