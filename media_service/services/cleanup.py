"""Keeping stored files and database rows in step.

Files orphaned by a change are removed only once it commits; files written for a change that
rolls back are removed with it. Either way no row points at a missing file. What a crash
leaves between a file's move into storage and its row's commit (a file no row names) is
removed by ``sweep_orphans`` after a grace period.
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

    def _finish(finished: Session, delete_list: str) -> None:
        keys = finished.info.pop(delete_list, [])
        finished.info.pop(_ON_COMMIT, None)
        finished.info.pop(_ON_ROLLBACK, None)
        for key in keys:
            storage.delete(key)

    event.listen(session, "after_commit", lambda s: _finish(s, _ON_COMMIT), once=True)
    event.listen(session, "after_soft_rollback", lambda s, _tx: _finish(s, _ON_ROLLBACK), once=True)


def delete_after_commit(session: Session, storage: Storage, keys: list[str]) -> None:
    """Delete ``keys`` from storage when ``session`` commits; keep them if it rolls back."""
    _watch(session, storage)
    session.info[_ON_COMMIT].extend(keys)


def delete_after_rollback(session: Session, storage: Storage, keys: list[str]) -> None:
    """Delete freshly stored ``keys`` if ``session`` rolls back; keep them if it commits."""
    _watch(session, storage)
    session.info[_ON_ROLLBACK].extend(keys)


def _named_keys(session: Session) -> set[str]:
    """Every storage key a row names, in any table with a ``storage_key`` column."""
    columns = [table.c.storage_key for table in Base.metadata.tables.values() if "storage_key" in table.c]
    return set(session.scalars(union(*(select(column) for column in columns))))


def sweep_orphans(
    sessions: sessionmaker[Session], storage: Storage, grace_seconds: float = ORPHAN_GRACE_SECONDS
) -> int:
    """Remove stored files that no row names and that entered storage more than
    ``grace_seconds`` ago; returns how many. Safe while the service runs: the files are listed
    before the rows are read, so a file whose row commits meanwhile is seen as named."""
    cutoff = time.time() - grace_seconds
    candidates = [key for key, entered in storage.keys_with_times() if entered < cutoff]
    if not candidates:
        return 0
    with sessions() as session:
        named = _named_keys(session)
    removed = 0
    for key in candidates:
        if key not in named:
            storage.delete(key)
            removed += 1
    if removed:
        log.warning("removed %d stored files that no row names (left by an interrupted change)", removed)
    return removed
