"""What every storage backend shares: keys, scratch space, owners and entering marks.

Files are named by storage keys Tolk makes (``ab/<random hex>.<ext>``), never by an uploaded
name. Where they live is a backend's: ``LocalStorage`` (files under ``<data>/files``) or
``S3Storage`` (objects in an S3-compatible bucket). Either way every write goes to a temporary
name in this process's scratch directory first and enters the store only when complete, so a
half-written file is never listed or served and a crash leaves nothing that looks finished.

Scratch is always local to the process. Scratch files carry their owner in their name: a token
of the process (its ``Storage``) that holds ``<scratch>/../owners/<token>.lock`` locked
(``flock``) for as long as it lives. The kernel drops the lock when the process ends, however it
ends (SIGKILL included), so what a dead owner left is known at once to be abandoned, and what a
live one (another process on the same data directory) works on is never taken. A file on its
way into storage for a change that has not committed yet is marked the same way
(``mark_entering``), so a crash between its move into storage and its row's commit leaves a file
the sweeper of that host can remove at once (others rely on the grace period).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

KEY_ALPHABET = set("abcdefghijklmnopqrstuvwxyz0123456789._/-")
# Scratch names: partial-<owner>-<random><suffix>; entering-<owner>-<key, "/" as "+">.
_OWNED = re.compile(r"^(partial|entering)-([0-9a-f]{16})-(.+)$")
# A half-made owner lock (made, not yet locked and renamed) older than this was left by a crash.
_OWNER_LOCK_GRACE_SECONDS = 30.0
# Reads of stored files come in chunks of this size: each costs a hop to a thread and back and a
# pass through every middleware's send, and 512 KiB chunks cut the server's CPU time per GB sent
# by 2.5-3 x against 64 KiB ones (bench/serving.py), at up to 512 KiB held per open stream.
CHUNK_BYTES = 512 * 1024


def fsync_directory(path: Path) -> None:
    """Make a folder's entries (a rename into it, a file made or removed) reach the disk."""
    directory = os.open(path, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class StorageKeyError(ValueError):
    """A storage key that is not one Tolk made (it could point outside the store)."""


class StoredFileMissing(FileNotFoundError):
    """No stored file under a key (a row whose file was removed by hand, a lost disk or bucket)."""


def check_key(key: str) -> str:
    """``key`` if it is one Tolk could have made; refuses keys that could leave the store."""
    if not key or not set(key) <= KEY_ALPHABET or ".." in key or key.startswith("/"):
        raise StorageKeyError(f"invalid storage key {key!r}")
    return key


@dataclass(frozen=True)
class StoredObject:
    """What serving needs of a stored file: its size, when it entered storage, and (for a
    local file) where it lies, to be read directly."""

    size: int
    modified: float
    path: Path | None = None


class PendingFile:
    """A file being written: hashed and counted as it grows, published by ``Storage.commit``."""

    def __init__(self, handle: BinaryIO, path: Path) -> None:
        self.handle = handle
        self.path = path
        self.size = 0
        self._hash = hashlib.sha256()

    def write(self, chunk: bytes) -> None:
        self.handle.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


class Storage(ABC):
    """A store of files by key, with this process's local scratch space for partial files."""

    def __init__(self, scratch: Path, owners: Path | None = None) -> None:
        """Partial files in ``scratch``; the locks of their owners in ``owners`` (default:
        ``owners`` beside the scratch directory, which holds scratch only)."""
        self.scratch = scratch
        self.scratch.mkdir(parents=True, exist_ok=True)
        self._owners = owners or scratch.parent / "owners"
        self._owner: str | None = None
        self._owner_fd: int | None = None
        self._owner_made = threading.Lock()

    @property
    def owner(self) -> str:
        """This storage's token in the names of the scratch files it makes, its lock taken the
        first time it is asked for and held until the process ends."""
        with self._owner_made:
            if self._owner is None:
                self._owners.mkdir(parents=True, exist_ok=True)
                while self._owner is None:
                    token = secrets.token_hex(8)
                    # Locked under a name the sweeper does not read as a lock, then renamed:
                    # a lock is never seen unlocked while it is being made.
                    new = self._owners / f"{token}.new"
                    fd = os.open(new, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
                    fcntl.flock(fd, fcntl.LOCK_EX)
                    try:
                        os.rename(new, self._owners / f"{token}.lock")
                    except FileNotFoundError:  # swept in the instant before its lock: again
                        os.close(fd)
                        continue
                    self._owner, self._owner_fd = token, fd
        return self._owner

    def _owner_alive(self, token: str) -> bool:
        """Whether some process still holds the lock of ``token`` (this one included)."""
        if token == self._owner:
            return True
        try:
            fd = os.open(self._owners / f"{token}.lock", os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    @staticmethod
    def new_key(extension: str) -> str:
        """A fresh, unguessable key such as ``3f/3f9c…e1.mp4``."""
        token = secrets.token_hex(16)
        extension = "".join(c for c in extension.lower() if c.isalnum())[:8]
        return f"{token[:2]}/{token}.{extension or 'bin'}"

    @contextmanager
    def pending(self, suffix: str = "") -> Iterator[PendingFile]:
        """A temporary file to write to; removed on leaving unless ``commit`` moved it."""
        fd, name = tempfile.mkstemp(prefix=f"partial-{self.owner}-", suffix=suffix, dir=self.scratch)
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                yield PendingFile(handle, path)
        finally:
            path.unlink(missing_ok=True)

    @contextmanager
    def scratch_path(self, suffix: str = "") -> Iterator[Path]:
        """A temporary path for a tool such as ffmpeg to write; removed unless committed."""
        fd, name = tempfile.mkstemp(prefix=f"partial-{self.owner}-", suffix=suffix, dir=self.scratch)
        os.close(fd)
        path = Path(name)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)

    def _entering_path(self, key: str) -> Path:
        check_key(key)  # a key Tolk made, so "+" stands for "/" only
        return self.scratch / f"entering-{self.owner}-{key.replace('/', '+')}"

    def mark_entering(self, key: str) -> None:
        """Mark ``key`` as entering storage for a change not committed yet (call it before the
        file is moved in, and ``settle`` once the change has committed or rolled back)."""
        self._entering_path(key).touch()

    def settle(self, key: str) -> None:
        """``key``'s change committed or rolled back: it is no longer entering."""
        self._entering_path(key).unlink(missing_ok=True)

    def entering(self) -> Iterator[tuple[str, bool, Path]]:
        """Every key marked as entering storage: whether its owner lives, and its mark."""
        for path in self.scratch.glob("entering-*"):
            match = _OWNED.match(path.name)
            if match:
                yield match[3].replace("+", "/"), self._owner_alive(match[2]), path

    def clear_abandoned_scratch(self) -> int:
        """Remove the scratch files of owners that have died, and their locks; returns how
        many files went. The marks of keys entering storage are the orphan sweeper's."""
        removed = 0
        for path in self.scratch.glob("partial-*"):
            match = _OWNED.match(path.name)
            if match and not self._owner_alive(match[2]):
                path.unlink(missing_ok=True)
                removed += 1
        if self._owners.exists():
            cutoff = time.time() - _OWNER_LOCK_GRACE_SECONDS
            for lock in self._owners.iterdir():
                token = lock.name.split(".", 1)[0]
                try:
                    dead = (
                        not self._owner_alive(token)
                        if lock.suffix == ".lock"
                        else lock.stat().st_mtime < cutoff
                    )
                except FileNotFoundError:
                    continue
                if dead:
                    lock.unlink(missing_ok=True)
        return removed

    @staticmethod
    def derived_key(key: str, name: str) -> str:
        """The key of a copy made from the file at ``key`` (a poster's thumbnail, say): kept in
        a folder beside it, and removed with it by ``delete``."""
        return f"{key.rsplit('.', 1)[0]}.d/{name}"

    def clear_stale_scratch(
        self, older_than_seconds: float = 3600, *, except_suffix: str | None = None
    ) -> int:
        """Remove partial files a crash left behind that name no owner; returns how many.

        A file still being written (an upload, an ffmpeg output) is touched continually, so
        only files idle for ``older_than_seconds`` are taken; another process's live work is safe.
        """
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self.scratch.glob("partial-*"):
            if except_suffix and path.name.endswith(except_suffix):
                continue  # looked after by whoever locks them (see services.scratch)
            if _OWNED.match(path.name):
                continue  # its owner's life decides (clear_abandoned_scratch)
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    # What each backend does its own way.

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether a file (or a folder, such as an HLS ladder) is stored under ``key``."""

    @abstractmethod
    def stat(self, key: str) -> StoredObject:
        """Size and time of the file at ``key``; raises ``StoredFileMissing``."""

    @abstractmethod
    def read_bytes(self, key: str) -> bytes:
        """The whole content of a small stored file (a caption track); raises ``StoredFileMissing``."""

    @abstractmethod
    def read_range(self, key: str, first: int, last: int) -> Generator[bytes, None, None]:
        """Bytes ``first`` to ``last`` (both included) of the file at ``key``, in chunks of at
        most ``CHUNK_BYTES``, read as they are asked for (blocking: call it from a thread)."""

    @abstractmethod
    def local_file(self, key: str) -> AbstractContextManager[Path]:
        """A local path of the file at ``key`` for a tool such as ffmpeg to read, for the
        length of the ``with``: the file itself where it is local, else a copy fetched into
        this process's scratch and removed on leaving."""

    @abstractmethod
    def commit(self, source: Path, key: str) -> None:
        """Store the complete scratch file ``source`` under ``key``; ``source`` is gone after.
        The file appears under ``key`` whole or not at all."""

    @abstractmethod
    def commit_folder(self, source: Path, key: str) -> None:
        """Store the complete scratch folder ``source`` (an HLS ladder) under ``key``: every
        file in it as ``key/<relative path>``; ``source`` is gone after."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file (or folder) at ``key`` and every copy made from it (``derived_key``)."""

    @abstractmethod
    def keys_with_times(self) -> Iterator[tuple[str, float]]:
        """Every stored top-level key (``ab/<hex>.<ext>``, not what is derived from one) with
        the time it entered storage, for the orphan sweeper."""

    @abstractmethod
    def all_keys(self) -> Iterator[str]:
        """Every stored file's key, derived ones and those in folders included."""

    @abstractmethod
    def check(self) -> None:
        """Raise if the store cannot be read and written now (readiness)."""

    def write_bytes(self, key: str, data: bytes) -> None:
        """Store small content (a caption file) atomically."""
        with self.pending() as pending:
            pending.write(data)
            pending.handle.flush()
            self.commit(pending.path, key)

    def redirect_url(
        self, key: str, *, content_type: str, cache_control: str, download_name: str | None
    ) -> str | None:
        """A short-lived URL where a client may GET the file itself, when files are served by
        redirect (``TOLK_S3_SERVE=redirect``); None when Tolk streams them."""
        return None

    def accel_redirect_uri(self, key: str) -> str | None:
        """The URI of nginx's internal location that sends the file at ``key`` (X-Accel-Redirect,
        ``TOLK_ACCEL_REDIRECT_PREFIX``), when nginx sends files from this store's disk; None
        when Tolk sends them."""
        return None

    def abort_incomplete_uploads(self, older_than: float) -> int:
        """End uploads into the store begun before ``older_than`` (a timestamp) and never
        completed (a crash mid-upload); returns how many. Nothing to do where there are none."""
        return 0
