"""Local-disk storage: files under ``<data>/files``, moved in from scratch by atomic renames."""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

from media_service.storage.base import (
    CHUNK_BYTES,
    Storage,
    StoredFileMissing,
    StoredObject,
    check_key,
    fsync_directory,
)


class LocalStorage(Storage):
    """Files under ``root``, with scratch space for partial files (on the same file system, so
    that moving a finished one in is a rename)."""

    def __init__(
        self, root: Path, scratch: Path, owners: Path | None = None, *, accel_redirect_prefix: str = ""
    ) -> None:
        """``accel_redirect_prefix``: nginx's internal location for ``root`` (see
        ``accel_redirect_uri``); empty when Tolk sends files itself."""
        super().__init__(scratch, owners)
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.accel_redirect_prefix = accel_redirect_prefix

    def path(self, key: str) -> Path:
        """The absolute path of a key; refuses keys that could leave the store."""
        return self.root / check_key(key)

    def exists(self, key: str) -> bool:
        return self.path(key).exists()

    def accel_redirect_uri(self, key: str) -> str | None:
        if not self.accel_redirect_prefix:
            return None
        return self.accel_redirect_prefix + check_key(key)

    def stat(self, key: str) -> StoredObject:
        path = self.path(key)
        try:
            found = path.stat()
        except FileNotFoundError as error:
            raise StoredFileMissing(key) from error
        if not path.is_file():
            raise StoredFileMissing(key)
        return StoredObject(found.st_size, found.st_mtime, path)

    def read_bytes(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError as error:
            raise StoredFileMissing(key) from error

    def read_range(self, key: str, first: int, last: int) -> Generator[bytes, None, None]:
        with open(self.path(key), "rb") as handle:
            handle.seek(first)
            left = last - first + 1
            while left > 0:
                chunk = handle.read(min(CHUNK_BYTES, left))
                if not chunk:
                    raise OSError(f"{key} is shorter than it was a moment ago")
                left -= len(chunk)
                yield chunk

    @contextmanager
    def local_file(self, key: str) -> Iterator[Path]:
        yield self.path(key)

    def commit(self, source: Path, key: str) -> None:
        """Move a complete temporary file into place under ``key`` in one atomic rename."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(source, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(source, target)
        # Its time in storage counts from now: the orphan sweeper's grace period starts here.
        os.utime(target)
        # The rename itself must reach the disk before a database row points at the file.
        fsync_directory(target.parent)

    def commit_folder(self, source: Path, key: str) -> None:
        """Move a complete temporary folder into place under ``key`` in one atomic rename: it
        appears whole or not at all. Every file in it is fsynced first."""
        target = self.path(key)
        for path in sorted(source.rglob("*")):
            if path.is_file():
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        for folder in [*sorted(p for p in source.rglob("*") if p.is_dir()), source]:
            fsync_directory(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, target)  # never onto an existing folder: keys are fresh
        fsync_directory(target.parent)

    def delete(self, key: str) -> None:
        target = self.path(key)
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)
        shutil.rmtree(self.path(self.derived_key(key, "x")).parent, ignore_errors=True)

    def keys_with_times(self) -> Iterator[tuple[str, float]]:
        """Every stored key with the time it entered storage (its modification time)."""
        for path in self.root.glob("*/*"):
            try:
                entered = path.stat().st_mtime
            except FileNotFoundError:
                continue
            if path.is_file():
                yield path.relative_to(self.root).as_posix(), entered

    def all_keys(self) -> Iterator[str]:
        for path in self.root.rglob("*"):
            if path.is_file():
                yield path.relative_to(self.root).as_posix()

    def check(self) -> None:
        for folder in (self.root, self.scratch):
            if not folder.is_dir():
                raise OSError(f"{folder} is not a directory")
            if not os.access(folder, os.W_OK | os.X_OK):
                raise OSError(f"{folder} is not writable")
