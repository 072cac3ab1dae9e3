"""Documents that go with an item: the lyrics as a PDF, an easy-to-read summary, a seminar's
slides. One use case per function, shared by the JSON API and the editor's documents tab.

A document is taken for what its bytes are, never for its name: a PDF must start as one and
open with pypdf; a presentation or text document must be the ZIP package its format says
(OOXML's content types and main part, OpenDocument's ``mimetype`` entry). Anything else (an
HTML or SVG page named ``.pdf``, a program, an empty file) is refused and nothing of it kept.
Documents are served only as downloads (``web/files.py``), never shown in the browser.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from media_service.config import Settings
from media_service.db import session_scope
from media_service.errors import Invalid, InvalidField, NotFound, UnsupportedMedia
from media_service.models import Document, FileRole, MediaFile, MediaItem
from media_service.services import audit
from media_service.services.cleanup import delete_after_commit, delete_after_rollback
from media_service.services.languages import normalise_language
from media_service.services.media import (
    ReceivedFile,
    UploadBody,
    file_label,
    get_item,
    item_kind,
    receive_upload,
)
from media_service.storage import PendingFile, Storage

MAX_TITLE_LENGTH = 300


@dataclass(frozen=True)
class DocumentFormat:
    extension: str
    content_type: str
    name: str  # as people call it, for listings


PDF = DocumentFormat("pdf", "application/pdf", "PDF")
# ZIP packages: the format, and the part that makes the package one (OOXML) or its mimetype.
_OOXML = {
    "ppt/presentation.xml": DocumentFormat(
        "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"
    ),
    "word/document.xml": DocumentFormat(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"
    ),
}
_OPENDOCUMENT = {
    f.content_type: f
    for f in (
        DocumentFormat("odp", "application/vnd.oasis.opendocument.presentation", "OpenDocument"),
        DocumentFormat("odt", "application/vnd.oasis.opendocument.text", "OpenDocument"),
    )
}
ACCEPTED = ", ".join(["PDF", "ODP", "ODT", "PPTX", "DOCX"])


def _looks_like(path: Path) -> str:
    """What a refused file seems to be, in a word or two for the message."""
    guess = filetype.guess(str(path))
    if guess is not None:
        return guess.mime
    with open(path, "rb") as handle:
        start = handle.read(512).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        return "HTML"
    if b"<svg" in start or start.startswith(b"<?xml"):
        return "SVG/XML"
    return "text" if start and all(b >= 9 for b in start) else "binary data"


def _zip_format(path: Path) -> DocumentFormat | None:
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if "mimetype" in names:
                return _OPENDOCUMENT.get(package.read("mimetype").decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                return next((f for part, f in _OOXML.items() if part in names), None)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def identify_document(path: Path, original_name: str = "") -> DocumentFormat:
    """The format of an uploaded document, judged by its content. Raises UnsupportedMedia
    (415) for anything but the accepted formats and Invalid (422) for a damaged PDF."""
    label = file_label(original_name)
    with open(path, "rb") as handle:
        start = handle.read(1024)
    if start.startswith(b"%PDF-"):
        try:
            PdfReader(path).pages[0]  # opens the cross-reference table and the page tree
        except (PyPdfError, IndexError, ValueError, KeyError, OSError) as error:
            # Named as the user named it: never the scratch file's name, nor pypdf's words.
            raise Invalid.told("api_document_damaged", name=label) from error
        return PDF
    if start.startswith(b"PK\x03\x04") and (found := _zip_format(path)) is not None:
        return found
    raise UnsupportedMedia.told(
        "api_document_not_accepted", name=label, found=_looks_like(path), accepted=ACCEPTED
    )


def _checked_fields(title: str, language: str, original_name: str) -> tuple[str, str]:
    """The title (blank when neither it nor the file's name says one) and the language."""
    title = title.strip() or Path(original_name).stem.strip()
    if len(title) > MAX_TITLE_LENGTH:
        error = InvalidField("title", f"a title has at most {MAX_TITLE_LENGTH} characters")
        error.key, error.values = "api_document_long_title", {"limit": MAX_TITLE_LENGTH}
        raise error
    try:
        return title, normalise_language(language)
    except Invalid as error:
        raise InvalidField("language", error.message) from error


async def attach_document(
    sessions: sessionmaker[Session],
    storage: Storage,
    settings: Settings,
    item_id: int,
    body: UploadBody,
    *,
    title: str,
    language: str,
    original_name: str = "",
    declared_length: int | None = None,
    change: audit.Change | None = None,
) -> tuple[MediaItem, Document]:
    """Receive a document for item ``item_id``, check what it is and store it with its title
    and language (a blank title is taken from the file's name, or else from the item's).

    Like every upload: no database connection is held while the body streams in (limited to
    ``TOLK_MAX_DOCUMENT_BYTES``); then one short transaction stores the file with ``change``'s
    audit entry, so a refused document leaves neither file nor row nor entry. Raises NotFound
    (before a byte is read), InvalidField (title, language), TooLarge, UnsupportedMedia and
    Invalid (empty or damaged).
    """
    title, language = _checked_fields(title, language, original_name)
    await run_in_threadpool(item_kind, sessions, item_id)
    async with receive_upload(
        storage,
        body,
        limit=settings.max_document_bytes,
        declared_length=declared_length,
        original_name=original_name,
        idle_seconds=settings.upload_idle_seconds,
    ) as upload:
        return await run_in_threadpool(
            _store, sessions, storage, item_id, upload, title, language, original_name, change
        )


def _store(
    sessions: sessionmaker[Session],
    storage: Storage,
    item_id: int,
    upload: PendingFile | ReceivedFile,
    title: str,
    language: str,
    original_name: str,
    change: audit.Change | None,
) -> tuple[MediaItem, Document]:
    found = identify_document(upload.path, original_name)
    with session_scope(sessions) as session:
        item = get_item(session, item_id, include_unpublished=True)
        entry = change.record(session) if change is not None else None
        key = storage.new_key(found.extension)
        delete_after_rollback(session, storage, [key])
        storage.commit(upload.path, key)
        media_file = MediaFile(
            role=FileRole.DOCUMENT,
            storage_key=key,
            content_type=found.content_type,
            size_bytes=upload.size,
            sha256=upload.sha256,
            facts={"format": found.name},
            original_name=original_name[:300],
        )
        item.files.append(media_file)
        # Without a title or a file name the item's own title names its document.
        document = Document(file=media_file, title=title or item.title[:MAX_TITLE_LENGTH], language=language)
        item.documents.append(document)
        session.flush()
        if entry is not None:
            audit.settle(session, entry)
    return item, document


def get_document(item: MediaItem, document_id: int) -> Document:
    document = next((d for d in item.documents if d.id == document_id), None)
    if document is None:
        raise NotFound(f"item {item.id} has no document {document_id}")
    return document


def delete_document(session: Session, storage: Storage, item: MediaItem, document: Document) -> None:
    """Remove a document and its file (deleted once the change commits)."""
    key = document.file.storage_key
    item.documents.remove(document)
    item.files.remove(document.file)
    session.flush()
    delete_after_commit(session, storage, [key])


def servable_document(session: Session, document_id: int, *, include_unpublished: bool) -> Document:
    """A document whose item is published (or any, for editors). Raises NotFound."""
    document = session.get(Document, document_id)
    if document is None or not (document.item.published or include_unpublished):
        raise NotFound(f"no document with id {document_id}")
    return document
