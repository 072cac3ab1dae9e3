"""/api/uploads: resumable uploads (the tus 1.0 protocol, https://tus.io) of films, songs and
interpreter recordings.

A dropped connection costs only the chunk in flight: the client asks (HEAD) how much arrived
and goes on from there. ``tuspyserver`` serves the protocol; Tolk adds who may upload (an
editor, with the session's CSRF header from a browser), what may be uploaded (checked when the
upload is created) and what happens at the end: the finished file, received in the scratch
directory, goes through the same probe-and-store path as ``PUT /api/media/{id}/file``, moved
into storage without a copy.

Create an upload with ``POST /api/uploads`` and ``Upload-Length``, with ``Upload-Metadata``
naming ``item_id``, ``target`` (``source`` or ``interpreter``), ``filename`` and ``filetype``
(and, for an interpreter, optionally ``language``).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from tuspyserver import create_tus_router

from media_service.config import Settings
from media_service.deps import (
    AuthenticatedEditor,
    SessionDep,
    SettingsDep,
    StorageDep,
    authenticated_editor,
    whole_number,
    writes_held_back,
)
from media_service.errors import Invalid, NotFound, TooLarge
from media_service.services import audit, interpreters, media, variants

PREFIX = "/api/uploads"
TARGETS = {
    "source": "Upload the film or song (resumable)",
    "interpreter": "Upload an interpreter recording (resumable)",
}
# A started upload not finished within this time is removed (as tus's Upload-Expires says).
DAYS_TO_KEEP = 1


def uploads_dir(settings: Settings) -> Path:
    """Where unfinished uploads wait: inside the scratch directory, on the store's disk."""
    return settings.scratch_dir / "uploads"


def clear_stale_uploads(settings: Settings) -> int:
    """Remove uploads idle for longer than they are kept (their data, info and lock files)."""
    folder = uploads_dir(settings)
    cutoff = time.time() - DAYS_TO_KEEP * 86400
    removed = 0
    for path in (*folder.glob("*"), *folder.glob(".locks/*")):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def _item_id(metadata: dict) -> int:
    item_id = whole_number(str(metadata.get("item_id", "")))
    if item_id is None:
        raise Invalid("Upload-Metadata needs item_id: the id of the media item the file is for")
    return item_id


def _target(metadata: dict) -> str:
    target = metadata.get("target", "")
    if target not in TARGETS:
        raise Invalid(f"Upload-Metadata needs target: one of {', '.join(TARGETS)}")
    return target


def _check_new_upload(
    request: Request, session: SessionDep, settings: SettingsDep
) -> Callable[[dict, dict], None]:
    """Refuse an upload that could not be stored, before a byte of it is sent."""

    def check(metadata: dict, upload: dict) -> None:
        if request.headers.get("upload-concat"):
            raise Invalid("uploads in parts (Upload-Concat) are not taken; send one upload")
        _target(metadata)
        media.get_item(session, _item_id(metadata), include_unpublished=True)
        size = upload.get("size")
        if size is None:
            raise Invalid("give the size of the file in Upload-Length")
        if size > settings.max_upload_bytes:
            raise TooLarge(f"the upload is {size} bytes; the limit is {settings.max_upload_bytes} bytes")

    return check


def _finish_upload(
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
    actor: AuthenticatedEditor,
) -> Callable[[str, dict], Awaitable[None]]:
    """Store a finished upload as its item's film or song, or as an interpreter recording."""

    async def finish(location: str, metadata: dict) -> None:
        path = Path(location)
        try:
            target = _target(metadata)
            name = str(metadata.get("filename", ""))[:300]
            with writes_held_back(session):
                item = media.get_item(session, _item_id(metadata), include_unpublished=True)
                entry = audit.record(
                    session,
                    actor,
                    f"upload_{target}",
                    summary=TARGETS[target],
                    method=request.method,
                    path=request.url.path,
                    item_id=item.id,
                    details={"file": name},
                )
                received = await run_in_threadpool(media.ReceivedFile.at, path)
                if target == "source":
                    await media.store_source(session, storage, settings, item, received, original_name=name)
                else:
                    await interpreters.store_interpreter(
                        session,
                        storage,
                        settings,
                        item,
                        received,
                        language=str(metadata.get("language") or interpreters.SIGN_LANGUAGE_DEFAULT),
                        original_name=name,
                    )
            if target == "source":
                variants.after_source_upload(session, storage, request.app.state.job_queue, item)
            audit.settle(session, entry)
        except NotFound as error:
            raise Invalid(f"the upload cannot be stored: {error.message}") from error
        finally:
            # The data was moved into storage or is refused; either way the upload is over.
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".info").unlink(missing_ok=True)

    return finish


def upload_router(settings: Settings) -> APIRouter:
    """The tus routes for ``settings``: every one needs an editor (a browser's write, its CSRF
    header), checked before any byte is written."""
    folder = uploads_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    tus = create_tus_router(
        prefix=PREFIX,
        files_dir=str(folder),
        max_size=settings.max_upload_bytes,
        days_to_keep=DAYS_TO_KEEP,
        pre_create_dep=_check_new_upload,
        upload_complete_dep=_finish_upload,
        tags=["uploads"],
    )
    router = APIRouter()
    router.include_router(tus, dependencies=[Depends(authenticated_editor)])
    return router
