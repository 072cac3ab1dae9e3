"""Media items: create, list, read, update, delete, and store their film or song."""

from __future__ import annotations

import asyncio
import errno
from collections.abc import AsyncIterator, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.sql.expression import Subquery

from media_service.api_messages import API_MESSAGES
from media_service.config import Settings
from media_service.db import session_scope
from media_service.errors import (
    InsufficientStorage,
    Invalid,
    NotFound,
    RequestTimeout,
    TooLarge,
    UnsupportedMedia,
)
from media_service.metrics import UPLOAD_BYTES, UPLOADS
from media_service.models import (
    CaptionTrack,
    Document,
    FileRole,
    InterpreterRecording,
    MediaFile,
    MediaItem,
    MediaKind,
    Variant,
    VariantKind,
    utcnow,
)
from media_service.services import scratch, search
from media_service.services.cleanup import delete_after_commit
from media_service.services.files import keep_probed_file
from media_service.services.offload import in_worker_process
from media_service.storage import PendingFile, Storage, sha256_of
from transcode import probe as prober
from transcode.binary import ffmpeg_path
from transcode.facts import MediaFacts
from transcode.poster import poster_args
from transcode.probe import NotMedia, ProbeError, probe
from transcode.runner import FfmpegError, run_ffmpeg

POSTER_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class CatalogueQuery:
    """Filters, search words and paging for listing media."""

    kind: MediaKind | None = None
    has_captions: bool | None = None
    has_sign_language: bool | None = None
    include_unpublished: bool = False
    page: int = 1
    per_page: int = 24
    text: str = ""  # search words: only items holding every one, best match first


@dataclass(frozen=True)
class CataloguePage:
    """One page of a listing, the number of items matching in all, and, for a search, what
    matched in each item on the page (title, description, cues with their times)."""

    items: list[MediaItem]
    total: int
    matches: dict[int, list[search.Match]]


def item_query() -> Any:
    """Items with everything a page or an export shows of them loaded at once."""
    # A variant's and a document's file is one of the item's files, loaded just before them:
    # ``immediateload`` takes it from the session's identity map, with no query of its own.
    return select(MediaItem).options(
        selectinload(MediaItem.files),
        selectinload(MediaItem.captions),
        selectinload(MediaItem.interpreters),
        selectinload(MediaItem.variants).immediateload(Variant.file),
        selectinload(MediaItem.documents).immediateload(Document.file),
    )


def listing_query() -> Any:
    """Items with what a catalogue card, the API's listing or the editors' list shows of them:
    their files with their HLS ladders (the API's ``hls_url``), captions, interpreters and
    variants (for ``has_sign_language``); not their documents nor their variants' files, which
    only the watch page and the exports show."""
    return select(MediaItem).options(
        selectinload(MediaItem.files).selectinload(MediaFile.ladder),
        selectinload(MediaItem.captions),
        selectinload(MediaItem.interpreters),
        selectinload(MediaItem.variants),
    )


SIGNED_VARIANTS = tuple(kind for kind in VariantKind if kind.has_signer)


def _sign_language_clause(*, counting: bool = False) -> Any:
    """An item has sign language when it has an interpreter recording or a signed variant.

    ``counting``: the same rule as membership of the items that have one (see ``_filters``)."""
    if counting:
        return or_(
            MediaItem.id.in_(select(InterpreterRecording.item_id)),
            MediaItem.id.in_(select(Variant.item_id).where(Variant.kind.in_(SIGNED_VARIANTS))),
        )
    return or_(
        exists().where(InterpreterRecording.item_id == MediaItem.id),
        exists().where(Variant.item_id == MediaItem.id, Variant.kind.in_(SIGNED_VARIANTS)),
    )


def has_sign_language(item: MediaItem) -> bool:
    """The rule of ``_sign_language_clause`` for a loaded item."""
    return bool(item.interpreters) or any(v.kind in SIGNED_VARIANTS for v in item.variants)


def catalogue_page(session: Session, query: CatalogueQuery) -> CataloguePage:
    """One page of the catalogue: newest first, or for a search best match first.

    The page's ids are found first on the listing's own index (see ``MediaItem``), and only
    those items are loaded, so a deep page skips index entries rather than whole rows.
    """
    conditions = _filters(query)
    hits = search.hits(session, query.text)
    counted = _count(query, hits)
    if hits is None:
        ids = select(MediaItem.id, literal(0).label("total")).where(*conditions)
    else:
        # A search ranks every match anyway, so the same pass counts them (a count of its own
        # would find and score every match a second time).
        ids = select(MediaItem.id, func.count().over().label("total")).where(*conditions)
        ids = ids.join(hits, hits.c.item_id == MediaItem.id).order_by(hits.c.score)
    offset = (query.page - 1) * query.per_page
    if hits is None and _counts_whole_table(query):
        total = session.scalar(counted) or 0  # cheap, so first: it tells which end is nearer
        rows = _rows_from_the_nearer_end(session, ids, offset, query.per_page, total)
    else:
        rows = list(session.execute(ids.order_by(*NEWEST_FIRST).limit(query.per_page).offset(offset)))
        if hits is not None and rows:
            total = rows[0].total
        elif len(rows) < query.per_page and (rows or offset == 0):
            total = offset + len(rows)  # the last page (or the only one) says how many there are
        else:
            total = session.scalar(counted) or 0
    page_ids = [row.id for row in rows]
    loaded = {item.id: item for item in session.scalars(listing_query().where(MediaItem.id.in_(page_ids)))}
    items = [loaded[item_id] for item_id in page_ids if item_id in loaded]
    found = search.matches(session, page_ids, query.text) if hits is not None else {}
    return CataloguePage(items, total, found)


NEWEST_FIRST = (MediaItem.created_at.desc(), MediaItem.id.desc())


def _rows_from_the_nearer_end(
    session: Session, ids: Any, offset: int, per_page: int, total: int
) -> list[Any]:
    """A page of the listing ``ids`` newest first; one past the middle is read oldest first
    and turned round, so it skips fewer index entries (the last page of 100,000 items: 2.3 ms
    to 0.1 ms on SQLite)."""
    from_oldest = total - offset - per_page  # how many older items than the page's oldest
    if offset <= total // 2 or from_oldest <= -per_page:  # the first half, or past the end
        return list(session.execute(ids.order_by(*NEWEST_FIRST).limit(per_page).offset(offset)))
    oldest_first = ids.order_by(MediaItem.created_at.asc(), MediaItem.id.asc())
    rows = session.execute(oldest_first.limit(per_page + min(0, from_oldest)).offset(max(0, from_oldest)))
    return list(rows)[::-1]


def _count(query: CatalogueQuery, hits: Subquery | None) -> Any:
    """How many items a listing or a search (``hits``) has in all.

    The published catalogue unfiltered is counted as every item less the unpublished ones:
    SQLite counts a whole table from its b-tree pages without reading an entry, and the
    unpublished are few (at 100,000 items 0.7 ms against 2.3 ms for counting the published).
    """
    if hits is None and _counts_whole_table(query):
        every_item = select(func.count()).select_from(MediaItem).scalar_subquery()
        unpublished = select(func.count()).where(MediaItem.published.is_(False)).scalar_subquery()
        return select(every_item - unpublished)
    counted = select(func.count(MediaItem.id)).where(*_filters(query, counting=True))
    return counted if hits is None else counted.join(hits, hits.c.item_id == MediaItem.id)


def _counts_whole_table(query: CatalogueQuery) -> bool:
    """The published catalogue unfiltered: counted from the whole table (see ``_count``)."""
    unfiltered = query.kind is None and query.has_captions is None and query.has_sign_language is None
    return unfiltered and not query.include_unpublished


def _filters(query: CatalogueQuery, *, counting: bool = False) -> list[ColumnElement[bool]]:
    """The conditions of ``query``'s filters.

    The page's query tests each item in listing order (``EXISTS``), stopping at the page; a
    count goes through every item, and is cheaper from the other side (``counting``): the
    items that have captions or sign language are looked up as a set (``IN``), once (on SQLite
    at 100,000 items: 10 ms against 18 ms for the captions, 4 against 15 for sign language).
    """
    conditions: list[ColumnElement[bool]] = []
    if not query.include_unpublished:
        conditions.append(MediaItem.published.is_(True))
    if query.kind is not None:
        conditions.append(MediaItem.kind == query.kind)
    if query.has_captions is not None:
        has: ColumnElement[bool]
        if counting:
            captioned = select(CaptionTrack.item_id).where(CaptionTrack.draft.is_(False))
            has = MediaItem.id.in_(captioned)
        else:
            has = exists().where(CaptionTrack.item_id == MediaItem.id, CaptionTrack.draft.is_(False))
        conditions.append(has if query.has_captions else ~has)
    if query.has_sign_language is not None:
        signed = _sign_language_clause(counting=counting)
        conditions.append(signed if query.has_sign_language else ~signed)
    return conditions


def list_items(session: Session, query: CatalogueQuery) -> tuple[list[MediaItem], int]:
    """One page of the catalogue (see ``catalogue_page``) and the number of items matching in all."""
    page = catalogue_page(session, query)
    return page.items, page.total


def get_item(session: Session, item_id: int, *, include_unpublished: bool = False) -> MediaItem:
    """An item by id; unpublished ones only for editors. Raises NotFound."""
    item = session.scalar(item_query().where(MediaItem.id == item_id))
    if item is None or (not item.published and not include_unpublished):
        raise NotFound(f"no media item with id {item_id}")
    return item


def create_item(session: Session, fields: dict[str, Any]) -> MediaItem:
    """A new item with no file yet (published, if asked, from now on)."""
    item = MediaItem(**fields)
    if item.published:
        item.published_at = utcnow()
    session.add(item)
    session.flush()
    search.index_item(session, item)
    return item


def update_item(session: Session, item: MediaItem, changes: dict[str, Any]) -> MediaItem:
    """Change an item's title, description, language, kind, licence or published state (the
    first publication is dated: feeds and sitemaps list it from then)."""
    for name, value in changes.items():
        setattr(item, name, value)
    if item.published and item.published_at is None:
        item.published_at = utcnow()
    session.flush()
    search.index_item(session, item)
    return item


def delete_item(session: Session, storage: Storage, item: MediaItem) -> None:
    """Delete an item with its captions, interpreters, variants, jobs and every stored file."""
    keys = [f.storage_key for f in item.files] + [
        key
        for c in [*item.captions, *item.draft_captions]
        for key in dict.fromkeys([c.storage_key, *(r.storage_key for r in c.revisions)])
    ]
    session.delete(item)
    session.flush()
    delete_after_commit(session, storage, keys)


def file_label(original_name: str) -> str | dict[str, str]:
    """How refusals name an uploaded file: its uploaded name in quotes, else "the file" (in
    each language). Never Tolk's scratch name or an upload id."""
    if original_name:
        return f'"{original_name}"'
    return API_MESSAGES["api_file_unnamed"]


def _english(label: str | dict[str, str]) -> str:
    return label["en"] if isinstance(label, dict) else label


def found_in(facts: MediaFacts) -> str:
    """What a file holds, in a few words for a refusal: "png 64x64", "aac sound, 2.0 s"."""
    parts = []
    if facts.video is not None:
        parts.append(f"{facts.video.codec} {facts.video.width}x{facts.video.height}")
    if facts.audio is not None:
        parts.append(f"{facts.audio.codec} sound, {facts.duration:.1f} s")
    return " + ".join(parts) or facts.container


def check_kind(kind: MediaKind, facts: MediaFacts, original_name: str = "") -> None:
    """A film needs a moving picture; a still image is neither a film nor a song; a file needs
    a picture or sound. Raises Invalid (422) or UnsupportedMedia (415) naming the file."""
    label, found = file_label(original_name), found_in(facts)
    if facts.video is not None and facts.video.is_still_image and facts.audio is None:
        raise Invalid.told("api_upload_image", name=label, found=found)
    if kind == MediaKind.FILM and not facts.has_video:
        raise Invalid.told("api_upload_sound_as_film", name=label, found=found)
    if not facts.has_video and facts.audio is None:
        raise UnsupportedMedia.told("api_upload_unusable", name=label)


def probe_upload(path: Path, original_name: str = "") -> MediaFacts:
    """Probe an uploaded file, turning the prober's refusals into answers that name the file
    as it was uploaded: 415 for a file that is not media or has nothing Tolk can use, 422 for a
    damaged one."""
    label = file_label(original_name)
    try:
        # In the worker process: PyAV holds the GIL while it opens, decodes and closes (10 ms
        # and more an upload under load), and every page being read waited for it meanwhile.
        return in_worker_process(probe, path, name=_english(label))
    except NotMedia as error:
        raise UnsupportedMedia(str(error), key="api_upload_not_media", values={"name": label}) from error
    except prober.UnsupportedMedia as error:
        raise UnsupportedMedia(str(error), key="api_upload_unusable", values={"name": label}) from error
    except ProbeError as error:
        raise Invalid(str(error), key="api_upload_damaged", values={"name": label}) from error
    except BrokenProcessPool as error:
        # The prober died on this file twice (a crash in a demuxer): the file, not the service.
        message = f"{_english(label)} could not be read (the prober stopped on it)"
        raise Invalid(message, key="api_upload_damaged", values={"name": label}) from error


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


def _too_large(label: str | dict[str, str], limit: int, size: int | None = None) -> TooLarge:
    if size is None:
        return TooLarge.told("api_upload_over_limit", name=label, limit=limit)
    return TooLarge.told("api_upload_too_large", name=label, size=size, limit=limit)


@asynccontextmanager
async def receive_upload(
    storage: Storage,
    chunks: UploadBody,
    *,
    limit: int,
    declared_length: int | None,
    original_name: str = "",
    idle_seconds: float | None = None,
) -> AsyncIterator[PendingFile | ReceivedFile]:
    """Stream an upload into a pending file, enforcing ``limit`` while it arrives (a
    ``ReceivedFile`` is checked and used where it lies). No database work: nothing is held
    while the body streams in.

    The file is removed on leaving unless the caller committed it into storage. While it is
    received and probed this process holds its lock, so the sweeper never takes a live upload,
    and takes one a crash left behind (see ``services.scratch``). A full disk is answered 507;
    a body that sends nothing for ``idle_seconds`` is ended with 408.
    """
    label = file_label(original_name)
    if isinstance(chunks, ReceivedFile):
        try:
            if chunks.size > limit:
                raise _too_large(label, limit, chunks.size)
            if chunks.size == 0:
                raise Invalid.told("api_upload_empty", name=label)
            yield chunks
        finally:
            chunks.path.unlink(missing_ok=True)
        return
    if declared_length is not None and declared_length > limit:
        raise _too_large(label, limit, declared_length)
    with storage.pending(suffix=scratch.PUT_UPLOAD_SUFFIX) as pending:
        scratch.hold(pending.handle.fileno())
        iterator = chunks.__aiter__()
        try:
            while True:
                try:
                    async with asyncio.timeout(idle_seconds):
                        chunk = await iterator.__anext__()
                except StopAsyncIteration:
                    break
                except TimeoutError as error:
                    seconds = f"{idle_seconds:g}"
                    raise RequestTimeout.told("api_upload_stalled", seconds=seconds) from error
                pending.write(chunk)
                if pending.size > limit:
                    raise _too_large(label, limit)
            pending.handle.flush()
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise InsufficientStorage.told("api_upload_disk_full", name=label) from error
            raise
        if pending.size == 0:
            raise Invalid.told("api_upload_empty", name=label)
        UPLOADS.labels("plain").inc()
        UPLOAD_BYTES.labels("plain").inc(pending.size)
        yield pending


def render_poster(
    settings: Settings, source: Path, facts: MediaFacts, output: Path, original_name: str = ""
) -> None:
    """Render a poster of ``source`` into ``output``; a file with no decodable picture is refused."""
    try:
        run_ffmpeg(
            poster_args(source, facts, output),
            ffmpeg=ffmpeg_path(settings.ffmpeg_path),
            timeout=POSTER_TIMEOUT_SECONDS,
        )
    except FfmpegError as error:
        label = file_label(original_name)
        raise Invalid(
            f"{_english(label)} could not be decoded: {error}",
            key="api_upload_undecodable",
            values={"name": label},
        ) from error


@dataclass(frozen=True)
class ProbedSource:
    """A received film or song, probed, with its poster rendered beside it in scratch."""

    upload: PendingFile | ReceivedFile
    facts: MediaFacts
    poster: Path
    poster_facts: MediaFacts


@contextmanager
def probed_source(
    settings: Settings,
    storage: Storage,
    upload: PendingFile | ReceivedFile,
    kind: MediaKind,
    *,
    original_name: str = "",
) -> Iterator[ProbedSource]:
    """Probe a received upload as an item's film or song and render its poster, with no
    database work (run it in a worker thread; it may take seconds). The poster is removed on
    leaving unless ``keep_source`` took it."""
    facts = probe_upload(upload.path, original_name)
    check_kind(kind, facts, original_name)
    with storage.scratch_path(".jpg") as poster_path:
        render_poster(settings, upload.path, facts, poster_path, original_name)
        yield ProbedSource(upload, facts, poster_path, in_worker_process(probe, poster_path))


def keep_source(
    session: Session, storage: Storage, item: MediaItem, probed: ProbedSource, *, original_name: str = ""
) -> MediaFile:
    """Store a probed film or song and its poster as ``item``'s, in the caller's transaction,
    replacing any earlier ones (deleted once it commits)."""
    check_kind(item.kind, probed.facts, original_name)  # the item's kind may have changed meanwhile
    poster = keep_probed_file(
        session,
        storage,
        probed.poster,
        probed.poster_facts,
        role=FileRole.POSTER,
        size=probed.poster.stat().st_size,
        sha256=sha256_of(probed.poster),
    )
    source = keep_probed_file(
        session,
        storage,
        probed.upload.path,
        probed.facts,
        role=FileRole.SOURCE,
        size=probed.upload.size,
        sha256=probed.upload.sha256,
        original_name=original_name,
    )
    replaced = [f for f in item.files if f.role in (FileRole.SOURCE, FileRole.POSTER)]
    for old in replaced:
        item.files.remove(old)
    delete_after_commit(session, storage, [f.storage_key for f in replaced])
    item.files.extend([source, poster])
    session.flush()
    return source


def item_kind(sessions: sessionmaker[Session], item_id: int) -> MediaKind:
    """The kind of item ``item_id``, looked up in a short session of its own (raises NotFound):
    an upload is refused for a missing item before a byte of it is read."""
    with session_scope(sessions) as session:
        return get_item(session, item_id, include_unpublished=True).kind
