"""The uploads kept in one folder: made, found, held for writing, ended, recovered after a
crash and swept when expired or abandoned."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import asdict, replace
from pathlib import Path

from media_service.config import Settings
from media_service.errors import Gone, Locked, NotFound
from media_service.services import scratch
from media_service.services.resumable.formats import WHOLE_FILE_CHECKSUM_KEY, Checksum, parse_metadata
from media_service.services.resumable.record import Upload, new_expiry
from media_service.services.resumable.written import DISK_FULL, WrittenUpload, disk_full
from media_service.storage import fsync_directory

log = logging.getLogger("tolk")
_ID_ALPHABET = set("0123456789abcdef")


def uploads_folder(settings: Settings) -> Path:
    """Where unfinished uploads wait: inside the scratch directory, on the store's disk (so a
    finished one is moved into storage by a rename, without a copy)."""
    return settings.scratch_dir / "uploads"


class ResumableUploads:
    """The unfinished (and recently stored) uploads kept in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def for_settings(cls, settings: Settings) -> ResumableUploads:
        return cls(uploads_folder(settings))

    # paths and records

    def _valid_id(self, upload_id: str) -> bool:
        return len(upload_id) == 32 and set(upload_id) <= _ID_ALPHABET

    def data_path(self, upload_id: str) -> Path:
        return self.folder / f"{upload_id}.bin"

    def record_path(self, upload_id: str) -> Path:
        return self.folder / f"{upload_id}.json"

    def _save(self, upload: Upload) -> Upload:
        temporary = self.folder / f"{upload.id}.json.{secrets.token_hex(4)}.tmp"
        try:
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(asdict(upload), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.record_path(upload.id))
            fsync_directory(self.folder)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            if error.errno in DISK_FULL:
                raise disk_full(upload) from error
            raise
        return upload

    def _load(self, upload_id: str) -> Upload | None:
        if not self._valid_id(upload_id):
            return None
        try:
            data = json.loads(self.record_path(upload_id).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return Upload(**data)

    def remove(self, upload_id: str) -> None:
        """Remove an upload's files, whoever holds it (a request's own refused upload)."""
        if self._valid_id(upload_id):
            self._remove(upload_id)

    def _remove(self, upload_id: str) -> None:
        # The record first: without it the upload is gone, whatever is left to sweep.
        for suffix in (".json", ".bin", ".finishing", ".new"):
            (self.folder / f"{upload_id}{suffix}").unlink(missing_ok=True)

    def whole_file_checksum(self, upload: Upload) -> Checksum | None:
        value = upload.fields.get(WHOLE_FILE_CHECKSUM_KEY)
        return Checksum.parse(value, field=f"Upload-Metadata {WHOLE_FILE_CHECKSUM_KEY}") if value else None

    # use cases

    def create(self, length: int, metadata: str) -> Upload:
        """A new, empty upload of ``length`` bytes: its data file, then its record (durably)."""
        fields = parse_metadata(metadata)
        upload = Upload(
            id=secrets.token_hex(16),
            length=length,
            offset=0,
            metadata=metadata,
            fields=fields,
            expires=new_expiry(),
        )
        self.whole_file_checksum(upload)  # a malformed one is refused now, not at the end
        try:
            new = self.folder / f"{upload.id}.new"
            fd = os.open(new, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            try:
                # Locked before it has its name, and every record saved under that lock: data
                # or a temporary record no one holds was left by a crash, however young (sweep).
                scratch.hold(fd)
                os.rename(new, self.data_path(upload.id))
                return self._save(upload)
            finally:
                scratch.let_go(fd)
        except BaseException as error:
            self._remove(upload.id)
            if isinstance(error, OSError) and error.errno in DISK_FULL:
                raise disk_full(upload) from error
            raise

    def find(self, upload_id: str, *, now: float | None = None) -> Upload:
        """The upload's record: 404 when there is none, 410 when it has expired."""
        upload = self._load(upload_id)
        if upload is None:
            raise NotFound(f"no upload {upload_id}: it was never made, or it ended")
        if upload.expired(now):
            raise Gone(f"upload {upload_id} expired unfinished and was removed; start it again")
        return upload

    @contextlib.contextmanager
    def writing(self, upload_id: str) -> Iterator[WrittenUpload]:
        """Hold the upload for one request: its data locked (423 when another request holds
        it), bytes past the record cut off, the record read again under the lock."""
        self.find(upload_id)
        try:
            fd = os.open(self.data_path(upload_id), os.O_RDWR)
        except FileNotFoundError:
            fd = None
        if fd is None:
            upload = self.find(upload_id)
            if not upload.stored:
                raise NotFound(f"upload {upload_id} has no data (it ended)")
            yield WrittenUpload(self, upload, -1)
            return
        try:
            if not scratch.try_hold(fd):
                raise Locked(f"another request is writing upload {upload_id}; try again shortly")
            # Removed (ended, swept) while this request waited for it?
            if os.fstat(fd).st_nlink == 0:
                raise NotFound(f"upload {upload_id} ended")
            upload = self.find(upload_id)
            held = WrittenUpload(self, upload, fd)
            if not upload.stored:
                held._cut_to_record()
            yield held
        finally:
            scratch.let_go(fd)

    def terminate(self, upload_id: str) -> None:
        """Remove an upload (tus termination); a finished one is only forgotten."""
        with self.writing(upload_id) as held:
            held.remove()

    def recover(self) -> int:
        """At start: cut every upload's data back to its record (a crash may have left bytes of a
        request in flight past it). Returns how many were cut."""
        cut = 0
        for record in self.folder.glob("*.json"):
            upload = self._load(record.stem)
            path = self.data_path(record.stem)
            if upload is None or upload.stored:
                continue
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                if not scratch.try_hold(fd):
                    continue  # a live request of another process holds it
                info = os.fstat(fd)
                offset = upload.offset if info.st_size >= upload.offset else 0
                if offset == 0 and upload.offset:  # cannot happen in the durable order; never trust it
                    self._save(replace(upload, offset=0))
                if info.st_nlink > 1:
                    # A crash while finishing left the data linked into storage too (as a film
                    # whose row may have committed): cutting it back in place would cut that.
                    self._unshare(record.stem, fd, offset)
                    cut += 1
                elif info.st_size != offset:
                    os.ftruncate(fd, offset)
                    cut += 1
            finally:
                scratch.let_go(fd)
        return cut

    def _remove_if_unheld(self, temporary: Path) -> bool:
        """Remove a temporary file of an upload (a record being saved, a copy being made) unless
        a request holds that upload, which it does for as long as it writes one."""
        try:
            fd = os.open(self.data_path(temporary.name.split(".", 1)[0]), os.O_RDONLY)
        except FileNotFoundError:
            fd = None
        try:
            if fd is not None and not scratch.try_hold(fd):
                return False
            temporary.unlink(missing_ok=True)
            return True
        finally:
            if fd is not None:
                scratch.let_go(fd)

    def _unshare(self, upload_id: str, fd: int, size: int) -> None:
        """Give an upload's data a file of its own: its first ``size`` bytes copied, and the
        copy renamed over the shared name (the other names keep the old file, untouched)."""
        copy = self.folder / f"{upload_id}.bin.{secrets.token_hex(4)}.tmp"
        with open(copy, "wb") as handle:
            position = 0
            while position < size:
                position += os.sendfile(handle.fileno(), fd, position, size - position)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(copy, self.data_path(upload_id))
        fsync_directory(self.folder)

    def sweep(self, *, now: float | None = None) -> int:
        """Remove expired uploads and the leftovers of crashes (data without a record, temporary
        records, finishing links); nothing a live request holds. Returns how many files went."""
        now = time.time() if now is None else now
        removed = 0
        for record in self.folder.glob("*.json"):
            upload = self._load(record.stem)
            if upload is None or not upload.expired(now):
                continue
            data = self.data_path(upload.id)
            if data.exists():
                # Locked: a request is writing it right now, so it is not abandoned.
                if not scratch.remove_if_abandoned(data, now=now, grace=0):
                    continue
                removed += 1
            record.unlink(missing_ok=True)
            removed += 1
        # A finishing link shares its data's lock, taken before the link is made: a live
        # request's is never taken, and one a crash left goes at once, however young.
        for finishing in self.folder.glob("*.finishing"):
            removed += scratch.remove_if_abandoned(finishing, now=now, grace=0)
        for temporary in self.folder.glob("*.tmp"):
            removed += self._remove_if_unheld(temporary)
        for data in self.folder.glob("*.bin"):  # locked from birth (see create)
            if not self.record_path(data.stem).exists():
                removed += scratch.remove_if_abandoned(data, now=now, grace=0)
        for new in self.folder.glob("*.new"):  # not locked yet for an instant: only age tells
            removed += scratch.remove_if_abandoned(new, now=now)
        return removed
