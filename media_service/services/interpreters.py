"""Sign-language interpreter recordings of an item, and how they are laid over the film."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from media_service.config import Settings
from media_service.errors import Invalid, NotFound
from media_service.media_types import content_type_for, extension_for
from media_service.models import FileRole, InterpreterRecording, MediaFile, MediaItem
from media_service.services.captions import normalise_language
from media_service.services.cleanup import delete_after_commit, delete_after_rollback
from media_service.services.media import probe_upload, receive_upload
from media_service.storage import Storage

SIGN_LANGUAGE_DEFAULT = "swl"


async def store_interpreter(
    session: Session,
    storage: Storage,
    settings: Settings,
    item: MediaItem,
    chunks: AsyncIterator[bytes],
    *,
    language: str = SIGN_LANGUAGE_DEFAULT,
    layout: dict[str, Any] | None = None,
    offset_seconds: float = 0.0,
    original_name: str = "",
    declared_length: int | None = None,
) -> InterpreterRecording:
    """Receive and probe an interpreter recording (with or without sound) and store it."""
    language = normalise_language(language)
    limit = settings.max_upload_bytes
    async with receive_upload(storage, chunks, limit=limit, declared_length=declared_length) as upload:
        facts = await run_in_threadpool(probe_upload, upload.path)
        if not facts.has_video:
            raise Invalid("an interpreter recording needs a video stream; this file has none")
        key = storage.new_key(extension_for(facts))
        storage.commit(upload.path, key)
    delete_after_rollback(session, storage, [key])
    media_file = MediaFile(
        role=FileRole.INTERPRETER,
        storage_key=key,
        content_type=content_type_for(facts),
        size_bytes=upload.size,
        sha256=upload.sha256,
        facts=facts.to_dict(),
        original_name=original_name[:300],
    )
    item.files.append(media_file)
    recording = InterpreterRecording(
        file=media_file, language=language, layout=layout or {}, offset_seconds=offset_seconds
    )
    item.interpreters.append(recording)
    session.flush()
    return recording


def get_interpreter(item: MediaItem, recording_id: int) -> InterpreterRecording:
    recording = next((r for r in item.interpreters if r.id == recording_id), None)
    if recording is None:
        raise NotFound(f"item {item.id} has no interpreter recording {recording_id}")
    return recording


def delete_interpreter(
    session: Session, storage: Storage, item: MediaItem, recording: InterpreterRecording
) -> None:
    """Remove a recording and its file."""
    key = recording.file.storage_key
    item.interpreters.remove(recording)
    item.files.remove(recording.file)
    session.flush()
    delete_after_commit(session, storage, [key])
