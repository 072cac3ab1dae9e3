"""The audit log: who changed what and when, shown to admins.

Entries are written in the same transaction as the change they describe, so a change that
fails (and rolls back) leaves no entry and a change that lands always has one. Every write
request is recorded by one hook (``media_service.deps.require_editor``); work that is not a
request of its own (a finished resumable upload, the ``tolk`` command) calls ``record``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from media_service.auth import Actor
from media_service.models import AuditEntry, MediaItem

_NEW_ITEMS = "tolk_audit_new_items"
MAX_DETAIL_ITEMS = 50  # of a list, such as the kinds of variants ordered
MAX_DETAIL_CHARS = 200
# Never written to the log, whatever a form or body calls them.
SECRET_FIELDS = ("password", "token", "csrf")


def _watch_new_items(session: Session) -> None:
    """Remember items created in this session, so an entry for "create" can name its item."""
    if _NEW_ITEMS in session.info:
        return
    session.info[_NEW_ITEMS] = []

    def collect(flushed: Session, _context: object) -> None:
        flushed.info.setdefault(_NEW_ITEMS, []).extend(o for o in flushed.new if isinstance(o, MediaItem))

    event.listen(session, "after_flush", collect)


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    summary: str = "",
    method: str = "",
    path: str = "",
    item_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry for a change ``actor`` is making; ``settle`` completes it afterwards."""
    item = session.get(MediaItem, item_id) if item_id is not None else None
    entry = AuditEntry(
        user_id=actor.user_id,
        actor=actor.label[:300],
        action=action[:100],
        summary=summary[:300],
        method=method,
        path=path[:500],
        item_id=item_id,
        item_title=item.title if item else "",
        details=details or {},
    )
    session.add(entry)
    _watch_new_items(session)
    return entry


@dataclass(frozen=True)
class Change:
    """A change about to be made, as its entry will tell it: worked out from a request before
    any database work, and written (``record``) by whoever makes the change, in its transaction."""

    actor: Actor
    action: str
    summary: str = ""
    method: str = ""
    path: str = ""
    item_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def record(self, session: Session) -> AuditEntry:
        return record(
            session,
            self.actor,
            self.action,
            summary=self.summary,
            method=self.method,
            path=self.path,
            item_id=self.item_id,
            details=self.details,
        )


def settle(session: Session, entry: AuditEntry) -> None:
    """After the change: a new item gets its id into the entry, a renamed one its new title.
    A deleted item keeps the title it had."""
    if entry.item_id is None:
        created = session.info.get(_NEW_ITEMS) or []
        if created:
            entry.item_id = created[0].id
    item = session.get(MediaItem, entry.item_id) if entry.item_id is not None else None
    if item is not None:
        entry.item_title = item.title


def safe_details(fields: dict[str, Any]) -> dict[str, Any]:
    """What a request changed, for the log: secrets left out and long texts cut, at any depth."""
    return {
        name: _safe_value(value)
        for name, value in fields.items()
        if not any(secret in str(name).lower() for secret in SECRET_FIELDS)
    }


def _safe_value(value: Any) -> Any:
    if isinstance(value, dict):
        return safe_details(value)
    if isinstance(value, list | tuple):
        return [_safe_value(part) for part in value[:MAX_DETAIL_ITEMS]]
    if isinstance(value, str):
        return value[:MAX_DETAIL_CHARS] + "…" if len(value) > MAX_DETAIL_CHARS else value
    if hasattr(value, "filename"):  # an uploaded file: its name, not its content
        return {"file": str(value.filename)[:MAX_DETAIL_CHARS]}
    if isinstance(value, int | float | bool) or value is None:
        return value
    return str(value)[:MAX_DETAIL_CHARS]


def list_entries(
    session: Session, *, page: int = 1, per_page: int = 50, item_id: int | None = None
) -> tuple[list[AuditEntry], int]:
    """One page of the log, newest first, and how many entries match in all."""
    conditions = [AuditEntry.item_id == item_id] if item_id is not None else []
    total = session.scalar(select(func.count(AuditEntry.id)).where(*conditions)) or 0
    entries = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(entries), total
