"""A describer's recording of an item's audio description, uploaded instead of text.

An item has at most one: a new upload replaces it. The recording is timed to the film (its
time 0 is the film's start). The rule: **a recording wins over a description track** for the
``described`` and ``…+described`` variants; ``described+extended`` still voices the text
track, because a recording has no cue ends at which to hold the picture. The variant is
mixed as voiced cues are (``transcode.describe``), the programme ducked wherever the
recording itself speaks. Uploading, replacing or deleting it outdates the variants mixed
from it (``variant_freshness``), which are remade as ``remake`` says.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from media_service.config import Settings
from media_service.db import session_scope
from media_service.errors import Invalid, NotFound
from media_service.models import FileRole, MediaFile, MediaItem, MediaKind
from media_service.services import audit
from media_service.services.cleanup import delete_after_commit
from media_service.services.files import keep_probed_file
from media_service.services.item_uploads import Upload, take_item_upload
from media_service.services.media import (
    ReceivedFile,
    UploadBody,
    file_label,
    found_in,
    get_item,
    probe_upload,
)
from media_service.services.variant_freshness import Remake, remake_outdated
from media_service.services.variants import description_recording
from media_service.storage import PendingFile, Storage

__all__ = ["delete_description_recording", "description_recording", "upload_description_recording"]


async def upload_description_recording(
    sessions: sessionmaker[Session],
    storage: Storage,
    settings: Settings,
    item_id: int,
    body: UploadBody,
    *,
    original_name: str = "",
    declared_length: int | None = None,
    change: audit.Change | None = None,
    remake: Remake | None = None,
) -> MediaFile:
    """Receive and probe a describer's recording and make it item ``item_id``'s, replacing
    the one before. No database connection is held while it streams in; one short
    transaction stores it. Raises NotFound (before a byte is read), Invalid naming the file
    when it has no sound, and the upload's refusals."""

    def store(upload: Upload, _kind: MediaKind) -> MediaFile:
        return _store(sessions, storage, item_id, upload, original_name, change, remake)

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
    item_id: int,
    upload: PendingFile | ReceivedFile,
    original_name: str,
    change: audit.Change | None,
    remake: Remake | None,
) -> MediaFile:
    facts = probe_upload(upload.path, original_name)
    if facts.audio is None:
        raise Invalid.told("api_description_no_audio", name=file_label(original_name), found=found_in(facts))
    with session_scope(sessions) as session:
        item = get_item(session, item_id, include_unpublished=True)
        entry = change.record(session) if change is not None else None
        replaced = description_recording(item)
        media_file = keep_probed_file(
            session,
            storage,
            upload.path,
            facts,
            role=FileRole.DESCRIPTION_RECORDING,
            size=upload.size,
            sha256=upload.sha256,
            original_name=original_name,
        )
        item.files.append(media_file)
        if replaced is not None:
            _forget(session, storage, item, replaced)
        session.flush()
        remake_outdated(session, item, remake)
        if entry is not None:
            audit.settle(session, entry)
    return media_file


def _forget(session: Session, storage: Storage, item: MediaItem, media_file: MediaFile) -> None:
    key = media_file.storage_key
    item.files.remove(media_file)
    session.flush()
    delete_after_commit(session, storage, [key])


def delete_description_recording(
    session: Session, storage: Storage, item: MediaItem, *, remake: Remake | None = None
) -> None:
    """Remove the item's recording and its file; described variants mixed from it are remade
    from the description track, if the item has one, as ``remake`` says."""
    recording = description_recording(item)
    if recording is None:
        raise NotFound(f"item {item.id} has no description recording")
    _forget(session, storage, item, recording)
    remake_outdated(session, item, remake)
