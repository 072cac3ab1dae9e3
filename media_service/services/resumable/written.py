"""Writing to an upload held by one request: each body at the recorded offset, checked before
the record moves on; and the finished file, checked before the store takes it."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from media_service.errors import ChecksumMismatch, InsufficientStorage, Invalid, ServiceError
from media_service.metrics import UPLOAD_BYTES, UPLOADS
from media_service.services.media import ReceivedFile, file_label
from media_service.services.resumable.formats import Checksum, parse_metadata
from media_service.services.resumable.record import Upload, new_expiry

if TYPE_CHECKING:
    from media_service.services.resumable.store import ResumableUploads

# A request whose body stalls this long is taken as cut off, so that a vanished client does
# not hold its upload's lock until TCP gives up (hours): what arrived counts, the rest is resent.
IDLE_SECONDS = 60.0
_READ_BLOCK = 1 << 20
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def disk_full(upload: Upload) -> InsufficientStorage:
    """507, naming the user's file (its uploaded name, never the upload's id)."""
    try:
        name = parse_metadata(upload.metadata).get("filename", "")[:300]
    except ServiceError:
        name = ""
    return InsufficientStorage.told("api_tus_disk_full", name=file_label(name))


class WrittenUpload:
    """An upload held by one request (its data locked), to be written to or finished."""

    def __init__(self, uploads: ResumableUploads, upload: Upload, fd: int) -> None:
        self.uploads = uploads
        self.upload = upload
        self.fd = fd

    def _cut_to_record(self) -> None:
        os.ftruncate(self.fd, self.upload.offset)

    async def receive(
        self,
        offset: int,
        chunks: AsyncIterator[bytes],
        *,
        checksum: Checksum | None = None,
        declared_length: int | None = None,
        idle_seconds: float = IDLE_SECONDS,
    ) -> int:
        """Write a request's body at ``offset`` (which must be the recorded one: 409 otherwise).

        Returns the new offset. It is made durable (data fsynced, then the record) unless it
        completes the upload: then ``finished_file`` and ``mark_stored`` follow. Refused (and
        nothing kept): a body longer than the rest of the upload (400, before reading it when
        ``declared_length``, the request's Content-Length, says so), a checksum mismatch
        (460), a full disk (507). A body cut off on the way (the client gone, or silent for
        ``idle_seconds``) keeps what arrived, unless a checksum was sent (it cannot be checked),
        and the error is raised again.
        """
        upload = self.upload
        if upload.stored:
            return await self._receive_nothing(offset, chunks)
        if offset != upload.offset:
            raise OffsetMismatch(upload.offset, offset)
        if declared_length is not None and offset + declared_length > upload.length:
            raise _too_long(upload, offset)
        running = checksum.new() if checksum else None
        position = offset
        cut_off: BaseException | None = None
        iterator = chunks.__aiter__()
        try:
            while True:
                try:
                    async with asyncio.timeout(idle_seconds):
                        chunk = await iterator.__anext__()
                except StopAsyncIteration:
                    break
                except Exception as error:  # the client or its connection: gone, or silent too long
                    cut_off = error
                    break
                if position + len(chunk) > upload.length:
                    raise _too_long(upload, offset)
                view = memoryview(chunk)
                while view:
                    written = os.pwrite(self.fd, view, position)
                    position += written
                    view = view[written:]
                if running is not None:
                    running.update(chunk)
            if cut_off is not None and (checksum is not None or position == upload.length):
                # Unverifiable, or complete but not to be finished by a request that failed.
                position = offset
            elif running is not None and checksum is not None and running.digest() != checksum.digest:
                raise ChecksumMismatch(
                    f"the body does not match its Upload-Checksum ({checksum.algorithm}); "
                    "nothing of it was kept: send it again"
                )
            if position > offset:
                await run_in_threadpool(os.fsync, self.fd)
        except OSError as error:
            self._cut_to_record()
            if error.errno in DISK_FULL:
                raise disk_full(self.upload) from error
            raise
        except BaseException:
            self._cut_to_record()
            raise
        if position < upload.length and position > offset:
            try:
                record = replace(upload, offset=position, expires=new_expiry())
                self.upload = await run_in_threadpool(self.uploads._save, record)
            except BaseException:
                self._cut_to_record()
                raise
        elif position == offset:
            self._cut_to_record()
        if position > offset:
            UPLOAD_BYTES.labels("tus").inc(position - offset)
            if position == upload.length:
                UPLOADS.labels("tus").inc()
        if cut_off is not None:
            raise BodyCutOff(position) from cut_off
        return position

    async def _receive_nothing(self, offset: int, chunks: AsyncIterator[bytes]) -> int:
        """A request to a stored upload: fine (a no-op) at its end with no body, else refused."""
        if offset != self.upload.length:
            raise OffsetMismatch(self.upload.length, offset)
        async for chunk in chunks:
            if chunk:
                raise ServiceError("the upload is complete and stored; it takes no more data")
        return offset

    def finished_file(self) -> ReceivedFile:
        """The complete data, checked, as a hard link for the store to take (it removes the link).

        The data's size must be the declared length (422, never stored) and a whole-file
        checksum in the metadata must match (460); the caller removes a refused upload. Reads
        the file once: call off the event loop.
        """
        size = os.fstat(self.fd).st_size
        if size != self.upload.length:
            raise Invalid(
                f"the upload has {size} bytes, not the {self.upload.length} declared in Upload-Length; "
                "nothing was stored: start it again"
            )
        whole = self.uploads.whole_file_checksum(self.upload)
        sha256 = hashlib.sha256()
        other = whole.new() if whole else None
        with os.fdopen(os.dup(self.fd), "rb") as handle:
            handle.seek(0)
            while block := handle.read(_READ_BLOCK):
                sha256.update(block)
                if other is not None:
                    other.update(block)
        if whole is not None and other is not None and other.digest() != whole.digest:
            raise ChecksumMismatch(
                f"the whole file does not match the {whole.algorithm} checksum in its metadata; "
                "the upload was removed and nothing was stored"
            )
        link = self.uploads.folder / f"{self.upload.id}.finishing"
        link.unlink(missing_ok=True)
        os.link(self.uploads.data_path(self.upload.id), link)
        return ReceivedFile(link, size, sha256.hexdigest())

    def mark_stored(self) -> None:
        """The store has committed: remember the upload as complete, and let go of its data."""
        self.upload = self.uploads._save(
            replace(self.upload, offset=self.upload.length, stored=True, expires=new_expiry())
        )
        self.uploads.data_path(self.upload.id).unlink(missing_ok=True)

    def remove(self) -> None:
        """End the upload: its record and data are removed (termination, or a refused file)."""
        self.uploads._remove(self.upload.id)


class BodyCutOff(ServiceError):
    """The request's body ended early (the client went, or fell silent): what arrived counts."""

    status_code = 408
    code = "cut_off"

    def __init__(self, offset: int) -> None:
        super().__init__(f"the body was cut off; the upload now has {offset} bytes: send the rest from there")
        self.offset = offset


class OffsetMismatch(ServiceError):
    """Upload-Offset is not the offset the server has (409): the client must ask (HEAD) first."""

    status_code = 409
    code = "conflict"

    def __init__(self, recorded: int, sent: int) -> None:
        super().__init__(
            f"Upload-Offset is {sent} but the server has {recorded} bytes of this upload; "
            "ask with HEAD and send from there"
        )


def _too_long(upload: Upload, offset: int) -> ServiceError:
    return ServiceError(
        f"the body is longer than the rest of the upload: {upload.length - offset} bytes from "
        f"offset {offset} make it {upload.length} bytes (Upload-Length); nothing of it was kept"
    )
