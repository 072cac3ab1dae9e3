"""An item's interpreter recordings: placing the signer with a live preview, and the offset."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from media_service.deps import EditorActor, RemakeDep, SessionDep, SettingsDep, StorageDep
from media_service.errors import Invalid, InvalidField
from media_service.i18n import choose_language
from media_service.models import FileRole, InterpreterRecording, MediaItem
from media_service.services import interpreters, layout_preview, offset_suggestion, signer_windows
from media_service.services.interpreters import LayoutForm
from media_service.urls import file_url
from media_service.web.editor.base import (
    FORM,
    EditorPage,
    PageAnswer,
    editable_item,
    editor_router,
    item_page,
    redirect,
)
from transcode.layout import Corner

router = editor_router()

SIZE_CHOICES = (0.5, 0.6, 0.7, 0.8, 0.9)
MARGIN_CHOICES = (0.0, 0.02, 0.05, 0.1)
_FORM_FIELDS = ("corner", "size", "margin", "key", "offset_seconds")


def _layout_values(recording: InterpreterRecording) -> dict[str, str]:
    """The form's fields as a saved recording fills them."""
    layout = recording.layout or {}
    size = layout.get("size")
    return {
        "corner": str(layout.get("corner") or Corner.BOTTOM_RIGHT.value),
        "size": "" if size is None else f"{size:g}",
        "margin": f"{layout.get('margin') or 0:g}",
        "key": interpreters.key_choice(layout),
        "offset_seconds": f"{recording.offset_seconds:g}",
    }


def _recording_path(item: MediaItem, recording: InterpreterRecording) -> str:
    return f"/editor/items/{item.id}/interpreters/{recording.id}"


def _interpreter_page(
    request: Request,
    item: MediaItem,
    *,
    values: dict[int, dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    suggestion: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    recordings = []
    for recording in item.interpreters:
        shown = (values or {}).get(recording.id) or _layout_values(recording)
        if suggestion and suggestion["recording_id"] == recording.id and "offset" in suggestion:
            # Filled in, not saved: the editor accepts it by saving the form, or changes it.
            shown = {**shown, "offset_seconds": f"{suggestion['offset']:g}"}
        query = urlencode({name: shown[name] for name in _FORM_FIELDS})
        recordings.append(
            {
                "recording": recording,
                "path": _recording_path(item, recording),
                "values": shown,
                "preview_url": f"{_recording_path(item, recording)}/preview?{query}",
                # The timing check plays what the sign window plays, once it is made.
                "window_url": file_url(recording.window_file) if recording.window_file else None,
                "window_job": signer_windows.window_job(recording),
            }
        )
    source = item.file_with_role(FileRole.SOURCE)
    context = {
        "recordings": recordings,
        "film_url": file_url(source) if source else None,
        "corners": [c.value for c in Corner],
        "size_choices": SIZE_CHOICES,
        "margin_choices": MARGIN_CHOICES,
        "errors": errors or {},
        "error_recording": next(iter(values or {}), None),
        "suggestion": suggestion,
    }
    return item_page(request, item, "interpreter", "interpreter.html", context, status_code)


@router.get("/items/{item_id}/interpreter", response_class=HTMLResponse)
def interpreter_page(
    request: Request,
    item_id: int,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorPage,
    suggest: Annotated[int | None, Query(ge=1, le=2**53)] = None,
) -> Response:
    """The interpreter tab; ``?suggest=ID`` also listens to that recording's sound and the
    film's and fills in the offset they suggest (unsaved), with the match's confidence."""
    item = editable_item(session, item_id)
    suggestion: dict[str, Any] | None = None
    if suggest is not None:
        recording = interpreters.get_interpreter(item, suggest)
        suggestion = {"recording_id": recording.id}
        try:
            found = offset_suggestion.suggest_offset(storage, item, recording)
        except Invalid as error:
            suggestion["error"] = error.message_in(choose_language(request))
        else:
            language = choose_language(request)
            suggestion.update(
                offset=found.offset_seconds,
                offset_text=f"{found.offset_seconds:g}".replace(".", "," if language == "sv" else "."),
                confidence=round(found.confidence * 100),
                sure=found.sure,
            )
    return _interpreter_page(request, item, suggestion=suggestion)


def _field_of(error: InvalidField) -> str:
    """The form field an error names (``layout.size`` is the field ``size``)."""
    return error.field.removeprefix("layout.")


@router.get("/items/{item_id}/interpreters/{recording_id}/preview", summary="A layout preview still")
async def layout_preview_image(
    item_id: int,
    recording_id: int,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
    actor: EditorPage,
    corner: str = Corner.BOTTOM_RIGHT.value,
    size: str = "",
    margin: str = "0",
    key: str = "none",
    offset_seconds: str = "0",
) -> Response:
    """A PNG of the film with the signer placed as the (unsaved) form says; 422 names the field
    that does not fit."""
    item = editable_item(session, item_id)
    recording = interpreters.get_interpreter(item, recording_id)
    form = LayoutForm(corner, size, margin, key, offset_seconds)
    png = await run_in_threadpool(
        layout_preview.render_form_preview, settings, storage, item, recording, form
    )
    return Response(png, media_type="image/png", headers={"cache-control": "private, max-age=600"})


@router.post(
    "/items/{item_id}/interpreters/{recording_id}",
    summary="Set an interpreter's layout and offset",
    dependencies=FORM,
)
def save_layout(
    request: Request,
    item_id: int,
    recording_id: int,
    session: SessionDep,
    actor: EditorActor,
    remake: RemakeDep,
    corner: Annotated[str, Form()] = Corner.BOTTOM_RIGHT.value,
    size: Annotated[str, Form()] = "",
    margin: Annotated[str, Form()] = "0",
    key: Annotated[str, Form()] = "none",
    offset_seconds: Annotated[str, Form()] = "0",
) -> Response:
    item = editable_item(session, item_id)
    recording = interpreters.get_interpreter(item, recording_id)
    form = LayoutForm(corner, size, margin, key, offset_seconds)
    try:
        interpreters.save_layout_form(session, item, recording, form, remake=remake)
    except InvalidField as error:
        values = {name: getattr(form, name) for name in _FORM_FIELDS}
        page = _interpreter_page(
            request,
            item,
            values={recording_id: values},
            errors={_field_of(error): error.problem},
            status_code=422,
        )
        raise PageAnswer(page) from error
    return redirect(f"/editor/items/{item.id}/interpreter", "layout_saved")


@router.post(
    "/items/{item_id}/interpreters/{recording_id}/delete",
    summary="Delete an interpreter recording",
    dependencies=FORM,
)
def delete_recording(
    item_id: int,
    recording_id: int,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
    remake: RemakeDep,
) -> Response:
    item = editable_item(session, item_id)
    recording = interpreters.get_interpreter(item, recording_id)
    interpreters.delete_interpreter(session, storage, item, recording, remake=remake)
    return redirect(f"/editor/items/{item.id}/interpreter", "recording_deleted")
