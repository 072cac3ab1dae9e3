"""Taking in a file uploaded for an item (its film or song, an interpreter recording, a
describer's recording): the one sequence every such upload follows.

The item is looked up first, in a short session of its own, so an upload for a missing item is
refused before a byte of it is read; the body then streams into scratch under the settings'
limits with no database connection held (``media.receive_upload``); the use case's own ``store``
probes and keeps it in a worker thread, off the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from media_service.config import Settings
from media_service.models import MediaKind
from media_service.services.media import ReceivedFile, UploadBody, item_kind, receive_upload
from media_service.storage import PendingFile, Storage

T = TypeVar("T")

Upload = PendingFile | ReceivedFile


async def take_item_upload(
    sessions: sessionmaker[Session],
    storage: Storage,
    settings: Settings,
    item_id: int,
    body: UploadBody,
    store: Callable[[Upload, MediaKind], T],
    *,
    original_name: str = "",
    declared_length: int | None = None,
) -> T:
    """Receive ``body`` for item ``item_id`` and return what ``store(upload, item's kind)``
    makes of it (run in a worker thread). Raises NotFound before a byte is read, and the
    upload's refusals (too large, empty, idle, disk full)."""
    kind = await run_in_threadpool(item_kind, sessions, item_id)
    async with receive_upload(
        storage,
        body,
        limit=settings.max_upload_bytes,
        declared_length=declared_length,
        original_name=original_name,
        idle_seconds=settings.upload_idle_seconds,
    ) as upload:
        return await run_in_threadpool(store, upload, kind)
