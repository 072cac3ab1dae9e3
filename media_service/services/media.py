"""Media items: create, list, read, update, delete, and store their film or song."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload
from starlette.concurrency import run_in_threadpool

from media_service.config import Settings
from media_service.errors import Invalid, NotFound, TooLarge, UnsupportedMedia
from media_service.models import (
    CaptionTrack,
    FileRole,
    InterpreterRecording,
    MediaFile,
    MediaItem,
    MediaKind,
    Variant,
    VariantKind,
)
from media_service.services.cleanup import delete_after_commit
from media_service.services.files import keep_probed_file
from media_service.storage import PendingFile, Storage, sha256_of
from transcode.binary import ffmpeg_path
from transcode.facts import MediaFacts
from transcode.poster import poster_args
from transcode.probe import NotMedia, ProbeError, probe
from transcode.runner import FfmpegError, run_ffmpeg

POSTER_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class CatalogueQuery:
    """Filters and paging for listing media."""

    kind: MediaKind | None = None
    has_captions: bool | None = None
    has_sign_language: bool | None = None
    include_unpublished: bool = False
    page: int = 1
    per_page: int = 24


def _item_query() -> Any:
    return select(MediaItem).options(
        selectinload(MediaItem.files),
        selectinload(MediaItem.captions),
        selectinload(MediaItem.interpreters),
        selectinload(MediaItem.variants).selectinload(Variant.file),
    )


SIGNED_VARIANTS = (VariantKind.SIGNED, VariantKind.SIGNED_CAPTIONED)


def _sign_language_clause() -> Any:
    """An item has sign language when it has an interpreter recording or a signed variant."""
    return or_(
        exists().where(InterpreterRecording.item_id == MediaItem.id),
        exists().where(Variant.item_id == MediaItem.id, Variant.kind.in_(SIGNED_VARIANTS)),
    )


def has_sign_language(item: MediaItem) -> bool:
    """The rule of ``_sign_language_clause`` for a loaded item."""
    return bool(item.interpreters) or any(v.kind in SIGNED_VARIANTS for v in item.variants)


def list_items(session: Session, query: CatalogueQuery) -> tuple[list[MediaItem], int]:
    """One page of the catalogue, newest first, and the number of items matching in all."""
    conditions = []
    if not query.include_unpublished:
        conditions.append(MediaItem.published.is_(True))
    if query.kind is not None:
        conditions.append(MediaItem.kind == query.kind)
    if query.has_captions is not None:
        has = exists().where(CaptionTrack.item_id == MediaItem.id)
        conditions.append(has if query.has_captions else ~has)
    if query.has_sign_language is not None:
        signed = _sign_language_clause()
        conditions.append(signed if query.has_sign_language else ~signed)
    total = session.scalar(select(func.count(MediaItem.id)).where(*conditions)) or 0
    items = session.scalars(
        _item_query()
        .where(*conditions)
        .order_by(MediaItem.created_at.desc(), MediaItem.id.desc())
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    ).all()
    return list(items), total


def get_item(session: Session, item_id: int, *, include_unpublished: bool = False) -> MediaItem:
    """An item by id; unpublished ones only for editors. Raises NotFound."""
    item = session.scalar(_item_query().where(MediaItem.id == item_id))
    if item is None or (not item.published and not include_unpublished):
        raise NotFound(f"no media item with id {item_id}")
    return item


def create_item(session: Session, fields: dict[str, Any]) -> MediaItem:
    """A new, unpublished item with no file yet."""
    item = MediaItem(**fields)
    session.add(item)
    session.flush()
    return item


def update_item(session: Session, item: MediaItem, changes: dict[str, Any]) -> MediaItem:
    """Change an item's title, description, language, kind or published state."""
    for name, value in changes.items():
        setattr(item, name, value)
    session.flush()
    return item


def delete_item(session: Session, storage: Storage, item: MediaItem) -> None:
    """Delete an item with its captions, interpreters, variants, jobs and every stored file."""
    keys = [f.storage_key for f in item.files] + [c.storage_key for c in item.captions]
    session.delete(item)
    session.flush()
    delete_after_commit(session, storage, keys)


def _check_kind(item: MediaItem, facts: MediaFacts) -> None:
    if item.kind == MediaKind.FILM and not facts.has_video:
        raise Invalid("a film needs a video stream; this file has none (upload it as a song)")
    if not facts.has_video and facts.audio is None:
        raise UnsupportedMedia("the file has neither a video nor an audio stream")


def probe_upload(path: Path) -> MediaFacts:
    """Probe an uploaded file, turning the prober's refusals into 415 or 422 answers."""
    try:
        return probe(path)
    except NotMedia as error:
        raise UnsupportedMedia(str(error)) from error
    except ProbeError as error:
        raise Invalid(str(error)) from error


@dataclass(frozen=True)
class ReceivedFile:
    """An upload already complete in the scratch directory (a finished resumable upload).

    Passed where a store function takes ``chunks``, it is taken as it is, moved into storage
    without a copy, and removed if it is refused.
    """

    path: Path
    size: int
    sha256: str

    @classmethod
    def at(cls, path: Path) -> ReceivedFile:
        """The file at ``path`` with its size and SHA-256 (reads it once: call off the event loop)."""
        return cls(path, path.stat().st_size, sha256_of(path))


UploadBody = AsyncIterator[bytes] | ReceivedFile


@asynccontextmanager
async def receive_upload(
    storage: Storage,
    chunks: UploadBody,
    *,
    limit: int,
    declared_length: int | None,
) -> AsyncIterator[PendingFile | ReceivedFile]:
    """Stream an upload into a pending file, enforcing ``limit`` while it arrives (a
    ``ReceivedFile`` is checked and used where it lies).

    The file is removed on leaving unless the caller committed it into storage.
    """
    if isinstance(chunks, ReceivedFile):
        try:
            if chunks.size > limit:
                raise TooLarge(f"the upload is {chunks.size} bytes; the limit is {limit} bytes")
            if chunks.size == 0:
                raise Invalid("the upload is empty")
            yield chunks
        finally:
            chunks.path.unlink(missing_ok=True)
        return
    if declared_length is not None and declared_length > limit:
        raise TooLarge(f"the upload is {declared_length} bytes; the limit is {limit} bytes")
    with storage.pending() as pending:
        async for chunk in chunks:
            pending.write(chunk)
            if pending.size > limit:
                raise TooLarge(f"the upload is larger than the limit of {limit} bytes")
        pending.handle.flush()
        if pending.size == 0:
            raise Invalid("the upload is empty")
        yield pending


def render_poster(settings: Settings, source: Path, facts: MediaFacts, output: Path) -> None:
    """Render a poster of ``source`` into ``output``; a file with no decodable picture is refused."""
    try:
        run_ffmpeg(
            poster_args(source, facts, output),
            ffmpeg=ffmpeg_path(settings.ffmpeg_path),
            timeout=POSTER_TIMEOUT_SECONDS,
        )
    except FfmpegError as error:
        raise Invalid(f"the file could not be decoded: {error}") from error


async def store_source(
    session: Session,
    storage: Storage,
    settings: Settings,
    item: MediaItem,
    chunks: UploadBody,
    *,
    original_name: str = "",
    declared_length: int | None = None,
) -> MediaFile:
    """Receive, probe and store an item's film or song, with a poster; replaces any earlier one.

    Nothing of a refused file is kept: the pending file is removed and no row is written.
    """
    limit = settings.max_upload_bytes
    async with receive_upload(storage, chunks, limit=limit, declared_length=declared_length) as upload:
        facts = await run_in_threadpool(probe_upload, upload.path)
        _check_kind(item, facts)
        with storage.scratch_path(".jpg") as poster_path:
            await run_in_threadpool(render_poster, settings, upload.path, facts, poster_path)
            poster_facts = await run_in_threadpool(probe, poster_path)
            poster = keep_probed_file(
                session,
                storage,
                poster_path,
                poster_facts,
                role=FileRole.POSTER,
                size=poster_path.stat().st_size,
                sha256=sha256_of(poster_path),
            )
        source = keep_probed_file(
            session,
            storage,
            upload.path,
            facts,
            role=FileRole.SOURCE,
            size=upload.size,
            sha256=upload.sha256,
            original_name=original_name,
        )

    replaced = [f for f in item.files if f.role in (FileRole.SOURCE, FileRole.POSTER)]
    for old in replaced:
        item.files.remove(old)
    delete_after_commit(session, storage, [f.storage_key for f in replaced])
    item.files.extend([source, poster])
    session.flush()
    return source
