"""Scratch files of uploads in progress, and telling a live one from one a crash abandoned.

The process writing an upload holds an exclusive ``flock`` on its file for as long as it works
on it (receiving, probing, storing). The kernel drops the lock when the process ends, however
it ends (SIGKILL included), so a file nobody holds is abandoned, however recently it was written
to: it can be removed at start and by the sweeper without waiting for it to look old. Only a
very young file is spared, since a new file exists for an instant before its lock is taken.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

# A file younger than this may not be locked yet by the process that just made it.
GRACE_SECONDS = 30.0
# The suffix of plain (PUT) uploads in the scratch directory, which are locked while alive.
PUT_UPLOAD_SUFFIX = ".upload"


def hold(fd: int) -> None:
    """Lock the open file ``fd`` for this process (until it is closed or the process ends)."""
    fcntl.flock(fd, fcntl.LOCK_EX)


def try_hold(fd: int) -> bool:
    """Lock ``fd`` if no one else holds it; False when another request or process does."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def let_go(fd: int) -> None:
    """Unlock ``fd`` (if this open file holds the lock) and close it.

    Unlocked first, not left to the close: a process being started in another thread (ffmpeg,
    say) shares every open file from its fork to its exec, and a lock left to the close lived
    on in it for that instant. The next request for the upload was answered 423.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def remove_if_abandoned(path: Path, *, now: float | None = None, grace: float = GRACE_SECONDS) -> bool:
    """Remove ``path`` when no process holds it and it is older than ``grace`` seconds."""
    cutoff = (time.time() if now is None else now) - grace
    try:
        fd = os.open(path, os.O_RDONLY)
    except (FileNotFoundError, IsADirectoryError):
        return False
    try:
        if not try_hold(fd):
            return False
        info = os.fstat(fd)
        try:
            same_file = os.stat(path).st_ino == info.st_ino
        except FileNotFoundError:
            return False
        if not same_file or info.st_mtime >= cutoff:
            return False
        path.unlink()
        return True
    finally:
        os.close(fd)  # also lets go of the lock


def clear_abandoned_put_uploads(scratch: Path, *, now: float | None = None) -> int:
    """Remove plain uploads a crash (or a lost connection) left in ``scratch``; returns how many."""
    return sum(remove_if_abandoned(path, now=now) for path in scratch.glob(f"partial-*{PUT_UPLOAD_SUFFIX}"))
