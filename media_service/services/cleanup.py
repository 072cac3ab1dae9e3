"""Keeping stored files and database rows in step.

Files orphaned by a change are removed only once it commits; files written for a change that
rolls back are removed with it. Either way no row points at a missing file. What a crash
leaves between a file's move into storage and its row's commit (a file no row names) is
removed by ``sweep_orphans``: at once when the process that moved it in has died (it was marked
as entering storage, ``Storage.mark_entering``), else after a grace period.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import event, select, union
from sqlalchemy.orm import Session, sessionmaker

from media_service.models import Base
from media_service.storage import Storage

log = logging.getLogger("tolk.cleanup")
# A file enters storage moments before the transaction naming it commits; one this old that no
# row names was left by a crash (or a refused change whose clean-up was cut short).
ORPHAN_GRACE_SECONDS = 3600

_ON_COMMIT = "tolk_delete_on_commit"
_ON_ROLLBACK = "tolk_delete_on_rollback"


def _watch(session: Session, storage: Storage) -> None:
    if _ON_COMMIT in session.info:
        return
    session.info[_ON_COMMIT] = []
    session.info[_ON_ROLLBACK] = []

    def _finish(finished: Session, committed: bool) -> None:
        orphaned = finished.info.pop(_ON_COMMIT, [])
        stored = finished.info.pop(_ON_ROLLBACK, [])
        for key in orphaned if committed else stored:
            try:
                storage.delete(key)
            except Exception:  # a store out of reach: the change stands; the sweeper removes it later
                log.exception("could not remove %s from storage; the orphan sweeper will", key)
        for key in stored:  # named by a committed row, or removed: no longer entering
            storage.settle(key)

    event.listen(session, "after_commit", lambda s: _finish(s, True), once=True)
    event.listen(session, "after_soft_rollback", lambda s, _tx: _finish(s, False), once=True)


def delete_after_commit(session: Session, storage: Storage, keys: list[str]) -> None:
    """Delete ``keys`` from storage when ``session`` commits; keep them if it rolls back."""
    _watch(session, storage)
    session.info[_ON_COMMIT].extend(keys)


def delete_after_rollback(session: Session, storage: Storage, keys: list[str]) -> None:
    """Delete ``keys``, about to be stored, if ``session`` rolls back; keep them if it commits.

    Call it *before* the files are moved into storage: until the session settles they are
    marked as entering, so the sweeper spares them while this process lives and removes them
    at once if it dies before the commit (SIGKILL, power cut)."""
    _watch(session, storage)
    for key in keys:
        storage.mark_entering(key)
    session.info[_ON_ROLLBACK].extend(keys)


# The columns that name stored files (and folders: an HLS ladder's).
_KEY_COLUMNS = ("storage_key", "folder_key")


def _named_keys(session: Session) -> set[str]:
    """Every storage key a row names, in any table with a ``storage_key`` or ``folder_key``."""
    columns = [
        table.c[name] for table in Base.metadata.tables.values() for name in _KEY_COLUMNS if name in table.c
    ]
    return set(session.scalars(union(*(select(column) for column in columns))))


def sweep_orphans(
    sessions: sessionmaker[Session], storage: Storage, grace_seconds: float = ORPHAN_GRACE_SECONDS
) -> int:
    """Remove stored files that no row names: at once when they were entering storage for a
    process that has died, else once they entered storage more than ``grace_seconds`` ago;
    returns how many. Safe while the service runs: files are listed first, then the entering
    marks (whose owners can commit nothing once dead), then the rows. A file whose row is still
    to commit is marked by a live process, or was moved in moments ago."""
    cutoff = time.time() - grace_seconds
    # Uploads into an object store that a crash cut off: invisible to readers, ended here.
    storage.abort_incomplete_uploads(cutoff)
    stored = list(storage.keys_with_times())
    entering = {key: (alive, mark) for key, alive, mark in storage.entering()}
    with sessions() as session:
        named = _named_keys(session)
    removed = 0
    for key, entered in stored:
        if key not in named and key not in entering and entered < cutoff:
            storage.delete(key)
            removed += 1
    for key, (alive, mark) in entering.items():
        if alive and key not in named:
            continue  # its change is under way
        if key not in named:  # its process died before the change committed
            removed += storage.exists(key)
            storage.delete(key)
        mark.unlink(missing_ok=True)
    if removed:
        log.warning("removed %d stored files that no row names (left by an interrupted change)", removed)
    return removed
