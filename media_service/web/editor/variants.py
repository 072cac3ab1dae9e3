"""An item's variants: what each kind still needs, ordering them, following their jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from media_service.deps import (
    AuthenticatedEditor,
    EditorActor,
    RemakeDep,
    SessionDep,
    SettingsDep,
    StorageDep,
)
from media_service.errors import ServiceError
from media_service.i18n import choose_language, translator
from media_service.models import MediaItem, VariantKind
from media_service.services import audit, description_recordings, variants
from media_service.services.variant_freshness import outdated_variants
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


# The message that names what a variant kind still needs.
_NEEDS_MESSAGE = {
    variants.MissingInput.SOURCE: "editor_variant_needs_file",
    variants.MissingInput.INTERPRETER: "editor_variant_needs_interpreter",
    variants.MissingInput.CAPTIONS: "editor_variant_needs_captions",
    variants.MissingInput.DESCRIPTIONS: "editor_variant_needs_descriptions",
}


def _variant_needs(item: MediaItem) -> dict[str, str | None]:
    """Per variant kind, the message key of what it still needs, or None when it can be made."""
    return {
        kind.value: _NEEDS_MESSAGE[missing] if missing else None
        for kind, missing in variants.missing_inputs(item).items()
    }


def _variants_page(
    request: Request, item: MediaItem, errors: dict[str, str] | None = None, status_code: int = 200
) -> HTMLResponse:
    context = {
        "needs": _variant_needs(item),
        "jobs": sorted(item.jobs, key=lambda job: job.id, reverse=True),
        "made": item.variants,
        "outdated": outdated_variants(item),
        "recording": description_recordings.description_recording(item),
        "errors": errors or {},
    }
    return item_page(request, item, "variants", "variants.html", context, status_code)


@router.get("/items/{item_id}/variants", response_class=HTMLResponse)
def variants_page(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    return _variants_page(request, editable_item(session, item_id))


@router.post("/items/{item_id}/variants", summary="Order variants", dependencies=FORM)
def order_variants(
    request: Request,
    item_id: int,
    session: SessionDep,
    actor: EditorActor,
    kinds: Annotated[list[str] | None, Form()] = None,
) -> Response:
    item = editable_item(session, item_id)
    chosen = [VariantKind(k) for k in kinds or [] if k in VariantKind._value2member_map_]
    if not chosen:
        t = translator(choose_language(request))
        raise PageAnswer(_variants_page(request, item, {"kinds": t("editor_choose_kind")}, 422))
    try:
        variants.order_variants(session, request.app.state.job_queue, item, chosen)
    except ServiceError as error:
        raise PageAnswer(_variants_page(request, item, {"kinds": error.message}, 422)) from error
    return redirect(f"/editor/items/{item.id}/variants", "ordered")


_CHUNK = 1 << 20


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(_CHUNK):
        yield chunk


@router.post(
    "/items/{item_id}/description-recording",
    summary="Upload the description recording",
    dependencies=FORM,
)
async def upload_description_recording(
    request: Request,
    item_id: int,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
    remake: RemakeDep,
    actor: AuthenticatedEditor,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Stored when it has sound; otherwise the page again with the refusal beside the field."""
    language = choose_language(request)
    name = (file.filename or "") if file is not None else ""
    if file is None or not name:
        item = editable_item(session, item_id)
        message = translator(language)("editor_recording_missing")
        raise PageAnswer(_variants_page(request, item, {"recording": message}, 422))
    change = audit.Change(
        actor,
        "upload_description_recording",
        summary="Upload the description recording",
        method=request.method,
        path=request.url.path,
        item_id=item_id,
        details=audit.safe_details({"file": name}),
    )
    try:
        await description_recordings.upload_description_recording(
            request.app.state.sessions,
            storage,
            settings,
            item_id,
            _chunks(file),
            original_name=name,
            change=change,
            remake=remake,
        )
    except ServiceError as error:
        item = editable_item(session, item_id)
        errors = {"recording": error.message_in(language)}
        raise PageAnswer(_variants_page(request, item, errors, error.status_code)) from error
    return redirect(f"/editor/items/{item_id}/variants", "uploaded")


@router.post(
    "/items/{item_id}/description-recording/delete",
    summary="Remove the description recording",
    dependencies=FORM,
)
def delete_description_recording(
    item_id: int, session: SessionDep, storage: StorageDep, remake: RemakeDep, actor: EditorActor
) -> Response:
    item = editable_item(session, item_id)
    description_recordings.delete_description_recording(session, storage, item, remake=remake)
    return redirect(f"/editor/items/{item.id}/variants", "description_recording_deleted")
