"""A finished resumable upload entering the library: the one path from its last byte to the
item's film, song or interpreter recording, the same as a plain upload's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from media_service.auth import Actor
from media_service.config import Settings
from media_service.errors import Invalid, NotFound, ServiceError
from media_service.jobs.queue import JobQueue
from media_service.services import audit, interpreters, sources
from media_service.services.media import ReceivedFile
from media_service.services.resumable.written import WrittenUpload
from media_service.services.shapes import whole_number
from media_service.storage import Storage

# What an upload may be for (``target`` in its metadata), as the audit log names it.
TARGETS = {
    "source": "Upload the film or song (resumable)",
    "interpreter": "Upload an interpreter recording (resumable)",
}


def item_id_of(fields: dict[str, str]) -> int:
    """The item an upload's metadata names; raises Invalid."""
    item_id = whole_number(fields.get("item_id"))
    if item_id is None:
        raise Invalid("Upload-Metadata needs item_id: the id of the media item the file is for")
    return item_id


def target_of(fields: dict[str, str]) -> str:
    """What the upload is: ``source`` or ``interpreter``; raises Invalid."""
    target = fields.get("target", "")
    if target not in TARGETS:
        raise Invalid(f"Upload-Metadata needs target: one of {', '.join(TARGETS)}")
    return target


@dataclass(frozen=True)
class Uploader:
    """Who finishes an upload and through which request (for the audit log)."""

    actor: Actor
    method: str
    path: str


async def _store(
    sessions: sessionmaker[Session],
    storage: Storage,
    settings: Settings,
    queue: JobQueue,
    uploader: Uploader,
    fields: dict[str, str],
    received: ReceivedFile,
) -> None:
    """Store ``received`` as its metadata says: the item's film or song (then its variants
    ordered), or an interpreter recording; recorded in the audit log in the same transaction."""
    target = target_of(fields)
    name = fields.get("filename", "")[:300]
    item_id = item_id_of(fields)
    change = audit.Change(
        uploader.actor,
        f"upload_{target}",
        summary=TARGETS[target],
        method=uploader.method,
        path=uploader.path,
        item_id=item_id,
        details={"file": name},
    )
    try:
        if target == "source":
            await sources.replace_source(
                sessions, storage, settings, queue, item_id, received, original_name=name, change=change
            )
        else:
            language = fields.get("language") or interpreters.SIGN_LANGUAGE_DEFAULT
            await interpreters.upload_interpreter(
                sessions,
                storage,
                settings,
                item_id,
                received,
                language=language,
                original_name=name,
                change=change,
                queue=queue,
            )
    except NotFound as error:
        raise Invalid(f"the upload cannot be stored: {error.message}") from error
    finally:
        received.path.unlink(missing_ok=True)


async def finish_upload(
    sessions: sessionmaker[Session],
    storage: Storage,
    settings: Settings,
    queue: JobQueue,
    uploader: Uploader,
    held: WrittenUpload,
) -> None:
    """The last byte is in: check the file, store it (its own transaction commits), and only
    then mark the upload stored. A refused file ends the upload (nothing of it is kept)."""
    try:
        received = await run_in_threadpool(held.finished_file)
        await _store(sessions, storage, settings, queue, uploader, held.upload.fields, received)
    except ServiceError:
        held.remove()
        raise
    await run_in_threadpool(held.mark_stored)
