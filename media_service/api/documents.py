"""/api/media/{id}/documents: documents that go with an item (PDF, presentations)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel

from media_service.api.schemas import Timestamp, raw_body
from media_service.deps import (
    EditorDep,
    RequireEditor,
    SessionDep,
    SettingsDep,
    StorageDep,
    UploadChange,
    declared_length,
)
from media_service.models import Document
from media_service.openapi import Id, errors
from media_service.services import digests, documents, media
from media_service.services.shapes import LanguageTag
from media_service.urls import document_url

router = APIRouter(prefix="/api/media/{item_id}/documents", tags=["documents"])


class DocumentOut(BaseModel):
    id: int
    title: str
    language: str
    url: str
    content_type: str
    format: str
    size_bytes: int
    sha256: str
    created_at: Timestamp


def document_out(document: Document) -> DocumentOut:
    return DocumentOut(
        id=document.id,
        title=document.title,
        language=document.language,
        url=document_url(document),
        content_type=document.file.content_type,
        format=(document.file.facts or {}).get("format", ""),
        size_bytes=document.file.size_bytes,
        sha256=document.file.sha256,
        created_at=document.created_at,
    )


@router.get("", response_model=list[DocumentOut], summary="List an item's documents")
def list_documents(item_id: Id, session: SessionDep, editor: EditorDep) -> list[DocumentOut]:
    item = media.get_item(session, item_id, include_unpublished=editor)
    return [document_out(d) for d in item.documents]


@router.post(
    "",
    response_model=DocumentOut,
    status_code=status.HTTP_201_CREATED,
    summary="Attach a document (PDF, ODP, ODT, PPTX or DOCX)",
    responses=errors(408, 413, 415, 429, 503, 507),
    openapi_extra=raw_body("The document itself as the raw request body (streamed to disk)."),
)
async def attach_document(
    item_id: Id,
    request: Request,
    change: UploadChange,
    storage: StorageDep,
    settings: SettingsDep,
    language: Annotated[LanguageTag, Query(description="BCP 47 tag of the document's language")],
    title: Annotated[
        str,
        Query(
            max_length=300, description="Shown in listings; default: the file's name, else the item's title"
        ),
    ] = "",
    filename: Annotated[str, Query(max_length=300, description="Original name, for display")] = "",
) -> DocumentOut:
    """Judged by its content, not its name: a PDF that opens, or an OpenDocument or Office
    package. Anything else (an HTML or SVG page named .pdf, a program) is refused with 415, an
    empty or damaged file with 422, one over TOLK_MAX_DOCUMENT_BYTES with 413; nothing of a
    refused file is kept. Served only as a download."""
    _item, document = await documents.attach_document(
        request.app.state.sessions,
        storage,
        settings,
        item_id,
        digests.checked_body(request.stream(), request.headers),
        title=title,
        language=language,
        original_name=filename,
        declared_length=declared_length(request),
        change=change,
    )
    return document_out(document)


@router.delete(
    "/{document_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[RequireEditor],
    summary="Remove a document",
)
def delete_document(item_id: Id, document_id: Id, session: SessionDep, storage: StorageDep) -> Response:
    item = media.get_item(session, item_id, include_unpublished=True)
    documents.delete_document(session, storage, item, documents.get_document(item, document_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
