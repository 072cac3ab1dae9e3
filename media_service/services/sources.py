"""An item's film or song replaced by an upload: stored, then its variants remade.

One use case shared by the API's PUT, the resumable uploads, the editor and the demo.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from media_service.config import Settings
from media_service.db import session_scope
from media_service.jobs.queue import JobQueue
from media_service.models import Job, MediaItem, MediaKind
from media_service.services import audit, media, speech_spans, variants
from media_service.services.item_uploads import Upload, take_item_upload
from media_service.services.media import ReceivedFile, UploadBody
from media_service.storage import PendingFile, Storage


async def replace_source(
    sessions: sessionmaker[Session],
    storage: Storage,
    settings: Settings,
    queue: JobQueue,
    item_id: int,
    body: UploadBody,
    *,
    original_name: str = "",
    declared_length: int | None = None,
    change: audit.Change | None = None,
) -> tuple[MediaItem, list[Job]]:
    """Receive, probe and store the film or song of item ``item_id`` (replacing an earlier one),
    then stop work on the old one and order its variants anew (the ``web`` one first).
    Returns the item and the jobs ordered.

    No database connection is held while the body streams in, is probed and gets its poster;
    then one short transaction, in a worker thread, stores it with ``change``'s audit entry
    (so a refused upload leaves none). Raises NotFound (before a byte is read), and the
    upload's refusals.
    """

    def store(upload: Upload, kind: MediaKind) -> tuple[MediaItem, list[Job]]:
        return _store(sessions, storage, settings, queue, item_id, upload, kind, original_name, change)

    return await take_item_upload(
        sessions,
        storage,
        settings,
        item_id,
        body,
        store,
        original_name=original_name,
        declared_length=declared_length,
    )


def _store(
    sessions: sessionmaker[Session],
    storage: Storage,
    settings: Settings,
    queue: JobQueue,
    item_id: int,
    upload: PendingFile | ReceivedFile,
    kind: MediaKind,
    original_name: str,
    change: audit.Change | None,
) -> tuple[MediaItem, list[Job]]:
    with (
        media.probed_source(settings, storage, upload, kind, original_name=original_name) as probed,
        session_scope(sessions) as session,
    ):
        item = media.get_item(session, item_id, include_unpublished=True)
        entry = change.record(session) if change is not None else None
        media.keep_source(session, storage, item, probed, original_name=original_name)
        jobs = variants.after_source_upload(session, storage, queue, item)
        speech_spans.after_description_change(session, queue, item)
        if entry is not None:
            audit.settle(session, entry)
    return item, jobs
