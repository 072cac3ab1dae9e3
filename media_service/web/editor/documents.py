"""An item's documents (a PDF of the lyrics, an easy-to-read summary, slides): attach one,
remove one. The rules are ``services.documents``'s, shared with the JSON API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from media_service.deps import AuthenticatedEditor, EditorActor, SessionDep, SettingsDep, StorageDep
from media_service.errors import InvalidField, ServiceError
from media_service.i18n import choose_language, translator
from media_service.models import MediaItem
from media_service.services import audit, documents
from media_service.web.editor.base import (
    FORM,
    EditorPage,
    PageAnswer,
    editable_item,
    editor_router,
    item_page,
    redirect,
)

router = editor_router()
_CHUNK = 1 << 20


def _documents_page(
    request: Request, item: MediaItem, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    settings = request.app.state.settings
    defaults = {
        "values": {"title": "", "language": item.language},
        "max_megabytes": max(1, settings.max_document_bytes // 2**20),
    }
    return item_page(
        request, item, "documents", "documents.html", {**defaults, **(context or {})}, status_code
    )


@router.get("/items/{item_id}/documents", response_class=HTMLResponse)
def documents_page(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    return _documents_page(request, editable_item(session, item_id))


async def _chunks(upload: UploadFile | None) -> AsyncIterator[bytes]:
    if upload is None:
        return
    while chunk := await upload.read(_CHUNK):
        yield chunk


@router.post("/items/{item_id}/documents", summary="Attach a document", dependencies=FORM)
async def attach_document(
    request: Request,
    item_id: int,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
    actor: AuthenticatedEditor,
    file: Annotated[UploadFile | None, File()] = None,
    title: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
) -> Response:
    """Stored when it is what it claims to be; otherwise the page again with the refusal, in
    the editor's language, beside the field it is about."""
    name = (file.filename or "") if file is not None else ""
    change = audit.Change(
        actor,
        "attach_document",
        summary="Attach a document",
        method=request.method,
        path=request.url.path,
        item_id=item_id,
        details=audit.safe_details({"file": name, "title": title, "language": language}),
    )
    try:
        await documents.attach_document(
            request.app.state.sessions,
            storage,
            settings,
            item_id,
            _chunks(file),
            title=title,
            language=language,
            original_name=name,
            change=change,
        )
    except ServiceError as error:
        page_language = choose_language(request)
        item = editable_item(session, item_id)
        field = error.field if isinstance(error, InvalidField) else "file"
        message = (
            translator(page_language)("editor_error_language")
            if field == "language"
            else error.message_in(page_language)
        )
        context = {"values": {"title": title, "language": language}, "errors": {field: message}}
        raise PageAnswer(_documents_page(request, item, context, error.status_code)) from error
    return redirect(f"/editor/items/{item_id}/documents", "document_added")


@router.post(
    "/items/{item_id}/documents/{document_id}/delete", summary="Remove a document", dependencies=FORM
)
def delete_document(
    item_id: int, document_id: int, session: SessionDep, storage: StorageDep, actor: EditorActor
) -> Response:
    item = editable_item(session, item_id)
    documents.delete_document(session, storage, item, documents.get_document(item, document_id))
    return redirect(f"/editor/items/{item.id}/documents", "document_deleted")
