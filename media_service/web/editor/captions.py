"""An item's caption tracks: upload one and see its validation report, delete one; order a
draft from the speech (recognised, or the editor's own text timed to it), follow its job and
approve the draft."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from media_service.deps import EditorActor, RemakeDep, SessionDep, StorageDep
from media_service.errors import Conflict, Invalid, InvalidField
from media_service.i18n import choose_language, translator
from media_service.models import CaptionKind, MediaItem
from media_service.services import captions, speech
from media_service.web.editor.base import (
    FORM,
    EditorPage,
    PageAnswer,
    editable_item,
    editor_router,
    item_page,
    redirect,
)
from transcode.captions import CaptionNote

router = editor_router()


def _captions_page(
    request: Request, item: MediaItem, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    language = choose_language(request)
    defaults = {
        "values": {"language": item.language, "kind": "captions", "label": ""},
        "report": None,
        "speech_values": {"mode": speech.SpeechMode.RECOGNISE.value, "language": item.language, "text": ""},
        "drafts": [speech.review_draft(track) for track in item.draft_captions],
        "speech_jobs": [
            (job, speech.job_error_text(job.error, language)) for job in speech.speech_jobs(item)
        ],
        "recognition_installed": speech.recognition_installed(),
        "speech_text_limit": speech.MAX_TEXT_CHARACTERS,
    }
    return item_page(request, item, "captions", "captions.html", {**defaults, **(context or {})}, status_code)


@router.get("/items/{item_id}/captions", response_class=HTMLResponse)
def captions_page(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    return _captions_page(request, editable_item(session, item_id))


@router.post("/items/{item_id}/captions", summary="Upload a caption file", dependencies=FORM)
def upload_captions(
    request: Request,
    item_id: int,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
    remake: RemakeDep,
    file: Annotated[UploadFile | None, File()] = None,
    language: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "captions",
    label: Annotated[str, Form()] = "",
) -> Response:
    """Store the file when it parses and show the report: the error with its line, or the
    quality warnings (which do not stop a file from being stored)."""
    page_language = choose_language(request)
    t = translator(page_language)
    item = editable_item(session, item_id)
    values = {"language": language, "kind": kind, "label": label}
    data = file.file.read(captions.MAX_CAPTION_BYTES + 1) if file is not None else b""
    caption_kind = CaptionKind(kind) if kind in CaptionKind._value2member_map_ else CaptionKind.CAPTIONS
    try:
        upload = captions.upload_caption_file(
            session,
            storage,
            item,
            data,
            language=language,
            kind=caption_kind,
            actor=actor,
            label=label,
            filename=file.filename if file is not None else None,
            remake=remake,
        )
    except captions.CaptionFileInvalid as error:
        message = error.message_sv if page_language == "sv" else error.message_en
        failure = {
            "error": t("editor_report_error_line", line=error.line, message=message),
            "line": error.line,
            "warnings": [_note_text(t, note, page_language) for note in error.other_notes],
        }
        context = {"values": values, "errors": {"file": failure["error"]}, "report": failure}
        raise PageAnswer(_captions_page(request, item, context, 422)) from error
    except InvalidField as error:
        if error.field == "language":
            message = t("editor_error_language")
        elif data:
            message = t("editor_error_caption_too_large", megabytes=captions.MAX_CAPTION_BYTES // 2**20)
        else:
            message = t("editor_error_caption_file")
        errors = {error.field: message}
        raise PageAnswer(_captions_page(request, item, {"values": values, "errors": errors}, 422)) from error
    warnings = [_note_text(t, note, page_language) for note in upload.notes]
    report = {"track": upload.track, "cue_count": upload.cue_count, "warnings": warnings}
    return _captions_page(request, item, {"report": report})


def _note_text(t: Callable[..., str], note: CaptionNote, language: str) -> str:
    """One line of the report: the note, with the line of the file it is on."""
    message = note.message(language)
    return t("editor_report_error_line", line=note.line, message=message) if note.line else message


@router.post(
    "/items/{item_id}/captions/{track_id}/delete", summary="Delete a caption track", dependencies=FORM
)
def delete_captions(
    item_id: int,
    track_id: int,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
    remake: RemakeDep,
) -> Response:
    item = editable_item(session, item_id)
    captions.delete_track(session, storage, item, captions.get_track(item, track_id), remake=remake)
    return redirect(f"/editor/items/{item.id}/captions", "track_deleted")


def _speech_text(text: str, text_file: UploadFile | None) -> str | None:
    """The words to time: an uploaded plain-text file (UTF-8) wins over the pasted text; None
    for a file that is not UTF-8 text."""
    if text_file is None or not text_file.filename:
        return text
    data = text_file.file.read(4 * speech.MAX_TEXT_CHARACTERS + 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


@router.post("/items/{item_id}/captions/automatic", summary="Order captions from speech", dependencies=FORM)
def order_speech_captions(
    request: Request,
    item_id: int,
    session: SessionDep,
    actor: EditorActor,
    mode: Annotated[str, Form()] = "recognise",
    language: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    text_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Queue a speech job (the same service function as POST /api/media/{id}/captions/automatic);
    the page then follows it live."""
    page_language = choose_language(request)
    t = translator(page_language)
    item = editable_item(session, item_id)
    chosen = speech.SpeechMode(mode) if mode in speech.SpeechMode._value2member_map_ else None
    values = {"mode": mode, "language": language, "text": text}

    def refused(field: str, message: str) -> PageAnswer:
        context = {"speech_values": values, "errors": {field: message}}
        return PageAnswer(_captions_page(request, item, context, 422))

    if chosen is None:
        raise refused("speech-mode", t("editor_speech_choose_mode"))
    words = _speech_text(text, text_file) if chosen is speech.SpeechMode.ALIGN else None
    if chosen is speech.SpeechMode.ALIGN and words is None:
        raise refused("speech-text", t("editor_speech_text_not_utf8"))
    try:
        speech.order_speech_captions(
            session,
            request.app.state.job_queue,
            item,
            chosen,
            language=language.strip() or None,
            text=words,
            actor=actor,
        )
    except InvalidField as error:
        if error.field == "language":
            raise refused("speech-language", t("editor_error_language")) from error
        raise refused("speech-text", error.message_in(page_language)) from error
    except (Invalid, Conflict) as error:  # no sound yet, or viewers already see captions in the language
        raise refused("speech-mode", error.message_in(page_language)) from error
    return redirect(f"/editor/items/{item.id}/captions", "speech_ordered")


@router.post(
    "/items/{item_id}/captions/{track_id}/approve",
    summary="Approve a draft made from speech",
    dependencies=FORM,
)
def approve_draft(
    request: Request,
    item_id: int,
    track_id: int,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
) -> Response:
    """Viewers see the draft from now on (the same service function as the API's approve)."""
    item = editable_item(session, item_id)
    try:
        speech.approve_draft(session, storage, captions.get_track(item, track_id))
    except Conflict as error:  # approved already, or never a draft
        message = error.message_in(choose_language(request))
        raise PageAnswer(_captions_page(request, item, {"errors": {"drafts": message}}, 409)) from error
    return redirect(f"/editor/items/{item.id}/captions", "draft_approved")
