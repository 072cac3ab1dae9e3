"""Keeping stored files and database rows in step across a transaction.

Files orphaned by a change are removed only once it commits; files written for a change that
rolls back are removed with it. Either way no row points at a missing file.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from media_service.storage import Storage

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
