"""The editor's pages under /editor: logging in and out, making items, uploading films and
songs (resumable), captions with a validation report, interpreter recordings with a live
layout preview, ordering variants and following them, publishing, deleting; API tokens; the
audit log for admins.

The pages are plain forms (Post/Redirect/Get, with ``?notice=`` naming what was done) and
every write goes through ``deps.require_editor``: a CSRF token, then the audit log. Scripts in
/static/js/editor/ add resumable uploads (tus), the live preview and live progress; they call
the JSON API with the session's CSRF token in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from media_service.api.schemas import ItemCreate, ItemUpdate
from media_service.auth import Actor, end_session, random_token, tokens_match
from media_service.deps import (
    SESSION_COOKIE,
    ActorDep,
    EditorActor,
    SessionDep,
    SettingsDep,
    StorageDep,
    form_csrf_field,
    request_actor,
)
from media_service.errors import Invalid, ServiceError
from media_service.i18n import MESSAGES, choose_language, messages_with_prefix, translator
from media_service.models import (
    CaptionKind,
    FileRole,
    InterpreterRecording,
    MediaItem,
    VariantKind,
)
from media_service.services import accounts, audit, captions, interpreters, layout_preview, media, variants
from media_service.services.interpreters import InvalidField
from media_service.urls import file_url
from media_service.web.pages import item_view, render, templates
from transcode.captions import CaptionError, parse_captions, quality_warnings
from transcode.layout import KEY_PRESETS, Corner

router = APIRouter(prefix="/editor", include_in_schema=False)

LOGIN_FORM_COOKIE = "tolk_login_form"
LOGIN_FORM_MAX_AGE = 3600
UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024
ITEMS_PER_PAGE = 50
AUDIT_PER_PAGE = 50
SIZE_CHOICES = (0.5, 0.6, 0.7, 0.8, 0.9)
MARGIN_CHOICES = (0.0, 0.02, 0.05, 0.1)
TABS = ("details", "captions", "interpreter", "variants")
# Every form the pages post carries the session's CSRF token.
FORM = [Depends(form_csrf_field)]


class PageAnswer(Exception):
    """A finished response, raised rather than returned so that the request's transaction
    rolls back with its audit entry: a refused form, or a viewer sent to the login page."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def answer_with_page(request: Request, answer: Exception) -> Response:
    """The app's handler for PageAnswer."""
    assert isinstance(answer, PageAnswer)
    return answer.response


def editor_page(request: Request, actor: ActorDep) -> Actor:
    """The editor viewing a page; a viewer is sent to the login page."""
    if actor is None:
        here = f"{request.url.path}?{request.url.query}" if request.url.query else request.url.path
        login = f"/editor/login?{urlencode({'next': here})}"
        raise PageAnswer(RedirectResponse(login, status_code=303))
    return actor


EditorPage = Annotated[Actor, Depends(editor_page)]


def admin_page(actor: EditorPage) -> Actor:
    if not actor.is_admin:
        raise HTTPException(status_code=403, detail="only an admin may see this page")
    return actor


# --- what every page needs ----------------------------------------------------------------


def current_account(request: Request) -> Actor | None:
    """For templates: who is signed in (None for viewers and scripts)."""
    actor = request_actor(request)
    return actor if actor is not None and actor.login is not None else None


def csrf_token(request: Request) -> str:
    """For templates: the signed-in session's CSRF token for a form."""
    account = current_account(request)
    return account.login.csrf_token if account and account.login else ""


templates.env.globals.update(
    current_account=current_account, csrf_token=csrf_token, upload_chunk_bytes=UPLOAD_CHUNK_BYTES
)


def _safe_next(path: str | None) -> str:
    """Only a path on this site (never ``//other.site``) to go to after logging in."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/editor"


def _redirect(path: str, notice: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"{path}?notice={notice}" if notice else path, status_code=303)


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """An editor page, with the notice a redirect asked for and the scripts' texts."""
    language = choose_language(request)
    notice = request.query_params.get("notice", "")
    notice_key = f"editor_notice_{notice}"
    return render(
        request,
        f"editor/{name}",
        {
            "notice": MESSAGES[notice_key][language] if notice_key in MESSAGES else None,
            "script_strings": messages_with_prefix(language, "editor_js_"),
            "errors": {},
            **context,
        },
        status_code=status_code,
    )


def _set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int | None) -> None:
    """HttpOnly, SameSite=Lax, and Secure when the site is reached over HTTPS: directly, through
    a proxy uvicorn trusts (X-Forwarded-Proto; see ``--forwarded-allow-ips``), or as
    ``TOLK_PUBLIC_URL`` says."""
    settings = request.app.state.settings
    secure = request.url.scheme == "https" or settings.public_url.startswith("https://")
    response.set_cookie(name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax")


# --- logging in and out ---------------------------------------------------------------------


def _login_page(
    request: Request, next_path: str, *, error: str | None = None, username: str = "", status_code: int = 200
) -> HTMLResponse:
    """The login form, with a fresh form token in a cookie and in the form (login CSRF)."""
    form_token = random_token()
    response = _page(
        request,
        "login.html",
        {"next": next_path, "form_token": form_token, "error": error, "username": username},
        status_code=status_code,
    )
    _set_cookie(request, response, LOGIN_FORM_COOKIE, form_token, max_age=LOGIN_FORM_MAX_AGE)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, actor: ActorDep, next: str | None = None) -> Response:
    if actor is not None and actor.login is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, _safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/editor",
) -> Response:
    """Start a session. Failures are counted per account and per address (429 when used up)."""
    t = translator(choose_language(request))
    next_path = _safe_next(next)
    if not tokens_match(request.cookies.get(LOGIN_FORM_COOKIE, ""), csrf_token) or not csrf_token:
        return _login_page(
            request, next_path, error=t("editor_form_expired"), username=username, status_code=403
        )
    address = request.client.host if request.client else "unknown"
    try:
        _user, cookie = accounts.log_in(
            session, request.app.state.login_throttle, username, password, address
        )
    except accounts.TooManyAttempts as refused:
        minutes = math.ceil(refused.retry_after / 60)
        response = _login_page(
            request,
            next_path,
            error=t("editor_login_throttled", minutes=minutes),
            username=username,
            status_code=429,
        )
        response.headers["retry-after"] = str(refused.retry_after)
        return response
    except accounts.LoginRefused:
        return _login_page(
            request, next_path, error=t("editor_login_failed"), username=username, status_code=401
        )
    response = RedirectResponse(next_path, status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, cookie, max_age=None)
    response.delete_cookie(LOGIN_FORM_COOKIE, path="/")
    return response


@router.post("/logout", summary="Log out", dependencies=FORM)
def logout(request: Request, session: SessionDep, actor: EditorActor) -> Response:
    if actor.login is not None:
        end_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- items ----------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def home(
    request: Request, session: SessionDep, actor: EditorPage, page: Annotated[int, Query(ge=1)] = 1
) -> Response:
    query = media.CatalogueQuery(include_unpublished=True, page=page, per_page=ITEMS_PER_PAGE)
    items, total = media.list_items(session, query)
    pages = max(1, -(-total // ITEMS_PER_PAGE))
    return _page(
        request, "home.html", {"entries": [item_view(i) for i in items], "page": page, "pages": pages}
    )


def _form_errors(error: ValidationError, language: str) -> dict[str, str]:
    """A message per field, in the page's language."""
    t = translator(language)
    errors: dict[str, str] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "title"
        key = f"editor_error_{field}"
        errors.setdefault(field, t(key) if key in MESSAGES else problem["msg"])
    return errors


@router.get("/items/new", response_class=HTMLResponse)
def new_item_form(request: Request, actor: EditorPage) -> Response:
    return _page(request, "item_new.html", {"values": {"kind": "film", "language": "sv"}})


@router.post("/items", summary="Create an item", dependencies=FORM)
def create_item(
    request: Request,
    session: SessionDep,
    actor: EditorActor,
    kind: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "sv",
) -> Response:
    values = {"kind": kind, "title": title, "description": description, "language": language}
    try:
        fields = ItemCreate(**values).model_dump()  # type: ignore[arg-type]
    except ValidationError as error:
        errors = _form_errors(error, choose_language(request))
        raise PageAnswer(
            _page(request, "item_new.html", {"values": values, "errors": errors}, 422)
        ) from error
    item = media.create_item(session, fields)
    return _redirect(f"/editor/items/{item.id}", "created")


def _item(session: SessionDep, item_id: int) -> MediaItem:
    return media.get_item(session, item_id, include_unpublished=True)


def _item_page(
    request: Request, item: MediaItem, tab: str, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    return _page(request, name, {**item_view(item), "tab": tab, "tabs": TABS, **context}, status_code)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_details(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    item = _item(session, item_id)
    return _item_page(request, item, "details", "item.html", {"values": _item_values(item)})


def _item_values(item: MediaItem) -> dict[str, str]:
    return {
        "kind": item.kind.value,
        "title": item.title,
        "description": item.description,
        "language": item.language,
    }


@router.post("/items/{item_id}", summary="Update an item's details", dependencies=FORM)
def update_item(
    request: Request,
    item_id: int,
    session: SessionDep,
    actor: EditorActor,
    kind: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
) -> Response:
    item = _item(session, item_id)
    values = {"kind": kind, "title": title, "description": description, "language": language}
    try:
        changes = ItemUpdate(**values).model_dump(exclude_unset=True)  # type: ignore[arg-type]
    except ValidationError as error:
        errors = _form_errors(error, choose_language(request))
        context = {"values": values, "errors": errors}
        raise PageAnswer(_item_page(request, item, "details", "item.html", context, 422)) from error
    media.update_item(session, item, changes)
    return _redirect(f"/editor/items/{item.id}", "saved")


@router.post("/items/{item_id}/publish", summary="Publish or unpublish an item", dependencies=FORM)
def publish_item(
    item_id: int, session: SessionDep, actor: EditorActor, published: Annotated[bool, Form()]
) -> Response:
    item = media.update_item(session, _item(session, item_id), {"published": published})
    return _redirect(f"/editor/items/{item.id}", "published" if published else "unpublished")


@router.get("/items/{item_id}/delete", response_class=HTMLResponse)
def delete_item_form(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    return _item_page(request, _item(session, item_id), "details", "item_delete.html", {})


@router.post("/items/{item_id}/delete", summary="Delete an item", dependencies=FORM)
def delete_item(item_id: int, session: SessionDep, storage: StorageDep, actor: EditorActor) -> Response:
    media.delete_item(session, storage, _item(session, item_id))
    return _redirect("/editor", "deleted")


# --- captions -------------------------------------------------------------------------------


def _captions_page(
    request: Request, item: MediaItem, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    defaults = {"values": {"language": item.language, "kind": "captions", "label": ""}, "report": None}
    return _item_page(
        request, item, "captions", "captions.html", {**defaults, **(context or {})}, status_code
    )


@router.get("/items/{item_id}/captions", response_class=HTMLResponse)
def captions_page(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    return _captions_page(request, _item(session, item_id))


@router.post("/items/{item_id}/captions", summary="Upload a caption file", dependencies=FORM)
async def upload_captions(
    request: Request,
    item_id: int,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
    file: Annotated[UploadFile | None, File()] = None,
    language: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "captions",
    label: Annotated[str, Form()] = "",
) -> Response:
    """Store the file when it parses and show the report: the error with its line, or the
    quality warnings (which do not stop a file from being stored)."""
    language_code = choose_language(request)
    t = translator(language_code)
    item = _item(session, item_id)
    values = {"language": language, "kind": kind, "label": label}
    data = await file.read(captions.MAX_CAPTION_BYTES + 1) if file is not None else b""
    errors: dict[str, str] = {}
    if not data:
        errors["file"] = t("editor_error_caption_file")
    try:
        captions.normalise_language(language)
    except Invalid:
        errors["language"] = t("editor_error_language")
    caption_kind = CaptionKind(kind) if kind in CaptionKind._value2member_map_ else CaptionKind.CAPTIONS
    if errors:
        raise PageAnswer(_captions_page(request, item, {"values": values, "errors": errors}, 422))
    filename = file.filename if file is not None else None
    try:
        cues = parse_captions(data, filename)
    except CaptionError as error:
        message = error.message_sv if language_code == "sv" else error.message
        report = {
            "error": t("editor_report_error_line", line=error.line, message=message),
            "line": error.line,
        }
        errors["file"] = report["error"]
        context = {"values": values, "errors": errors, "report": report}
        raise PageAnswer(_captions_page(request, item, context, 422)) from error
    try:
        track = captions.store_caption_track(
            session, storage, item, data, language=language, kind=caption_kind, label=label, filename=filename
        )
    except Invalid as error:  # a file too large
        errors["file"] = error.message
        raise PageAnswer(_captions_page(request, item, {"values": values, "errors": errors}, 422)) from error
    warnings = [w.message_sv if language_code == "sv" else w.message_en for w in quality_warnings(cues)]
    report = {"track": track, "cue_count": len(cues), "warnings": warnings}
    return _captions_page(request, item, {"report": report})


@router.post(
    "/items/{item_id}/captions/{track_id}/delete", summary="Delete a caption track", dependencies=FORM
)
def delete_captions(
    item_id: int, track_id: int, session: SessionDep, storage: StorageDep, actor: EditorActor
) -> Response:
    item = _item(session, item_id)
    captions.delete_track(session, storage, item, captions.get_track(item, track_id))
    return _redirect(f"/editor/items/{item.id}/captions", "track_deleted")


# --- the interpreter ------------------------------------------------------------------------


def _key_choice(layout: dict[str, Any]) -> str:
    key = layout.get("key") or {}
    colour = key.get("colour")
    return next(
        (name for name, value in KEY_PRESETS.items() if value == colour), "none" if not key else "custom"
    )


def _layout_values(recording: InterpreterRecording) -> dict[str, str]:
    layout = recording.layout or {}
    size = layout.get("size")
    return {
        "corner": str(layout.get("corner") or Corner.BOTTOM_RIGHT.value),
        "size": "" if size is None else f"{size:g}",
        "margin": f"{layout.get('margin') or 0:g}",
        "key": _key_choice(layout),
        "offset_seconds": f"{recording.offset_seconds:g}",
    }


def _preview_query(values: dict[str, str]) -> str:
    return urlencode({name: values[name] for name in ("corner", "size", "margin", "key", "offset_seconds")})


def _recording_path(item: MediaItem, recording: InterpreterRecording) -> str:
    return f"/editor/items/{item.id}/interpreters/{recording.id}"


def _interpreter_page(
    request: Request,
    item: MediaItem,
    *,
    values: dict[int, dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    recordings = []
    for recording in item.interpreters:
        shown = (values or {}).get(recording.id) or _layout_values(recording)
        recordings.append(
            {
                "recording": recording,
                "path": _recording_path(item, recording),
                "values": shown,
                "preview_url": f"{_recording_path(item, recording)}/preview?{_preview_query(shown)}",
                "file_url": file_url(recording.file),
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
    }
    return _item_page(request, item, "interpreter", "interpreter.html", context, status_code)


@router.get("/items/{item_id}/interpreter", response_class=HTMLResponse)
def interpreter_page(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    return _interpreter_page(request, _item(session, item_id))


def _layout_changes(
    recording: InterpreterRecording, corner: str, size: str, margin: str, key: str
) -> dict[str, Any]:
    """The layout fields a form sets; a key colour left as it was keeps its fine settings."""
    changes: dict[str, Any] = {"corner": corner}
    try:
        changes["size"] = float(size) if size.strip() else None
        changes["margin"] = float(margin) if margin.strip() else 0.0
    except ValueError as error:
        raise InvalidField("layout.size", "the size and margin are numbers") from error
    current = (recording.layout or {}).get("key")
    if key == "none":
        changes["key"] = None
    elif key in KEY_PRESETS and _key_choice(recording.layout or {}) != key:
        changes["key"] = {"colour": key}
    elif key not in KEY_PRESETS and key != "custom":
        raise InvalidField("layout.key", f"choose none, green or blue, not {key!r}")
    else:
        changes["key"] = current
    return changes


def _offset(value: str) -> float:
    try:
        offset = float(value.replace(",", "."))
    except ValueError as error:
        raise InvalidField("offset_seconds", f"{value!r} is not a number of seconds") from error
    if not math.isfinite(offset):
        raise InvalidField("offset_seconds", f"{value!r} is not a number of seconds")
    return offset


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
    item = _item(session, item_id)
    recording = interpreters.get_interpreter(item, recording_id)
    changes = _layout_changes(recording, corner, size, margin, key)
    layout = interpreters.layout_from_dict({**(recording.layout or {}), **changes}, _offset(offset_seconds))
    png = await run_in_threadpool(
        layout_preview.render_layout_preview, settings, storage, item, recording, layout
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
    corner: Annotated[str, Form()] = Corner.BOTTOM_RIGHT.value,
    size: Annotated[str, Form()] = "",
    margin: Annotated[str, Form()] = "0",
    key: Annotated[str, Form()] = "none",
    offset_seconds: Annotated[str, Form()] = "0",
) -> Response:
    item = _item(session, item_id)
    recording = interpreters.get_interpreter(item, recording_id)
    values = {"corner": corner, "size": size, "margin": margin, "key": key, "offset_seconds": offset_seconds}
    try:
        interpreters.update_interpreter(
            session,
            item,
            recording,
            layout=_layout_changes(recording, corner, size, margin, key),
            offset_seconds=_offset(offset_seconds),
        )
    except InvalidField as error:
        page = _interpreter_page(
            request,
            item,
            values={recording_id: values},
            errors={_field_of(error): error.problem},
            status_code=422,
        )
        raise PageAnswer(page) from error
    return _redirect(f"/editor/items/{item.id}/interpreter", "layout_saved")


@router.post(
    "/items/{item_id}/interpreters/{recording_id}/delete",
    summary="Delete an interpreter recording",
    dependencies=FORM,
)
def delete_recording(
    item_id: int, recording_id: int, session: SessionDep, storage: StorageDep, actor: EditorActor
) -> Response:
    item = _item(session, item_id)
    interpreters.delete_interpreter(session, storage, item, interpreters.get_interpreter(item, recording_id))
    return _redirect(f"/editor/items/{item.id}/interpreter", "recording_deleted")


# --- variants -------------------------------------------------------------------------------


def _variant_needs(item: MediaItem) -> dict[str, str | None]:
    """Per variant kind, the message key of what it still needs, or None when it can be made."""
    has_source = item.file_with_role(FileRole.SOURCE) is not None
    has_captions = any(t.kind in variants.BURNABLE_CAPTIONS for t in item.captions)
    needs: dict[str, str | None] = {}
    for kind in VariantKind:
        if not has_source:
            needs[kind.value] = "editor_variant_needs_file"
        elif kind in media.SIGNED_VARIANTS and not item.interpreters:
            needs[kind.value] = "editor_variant_needs_interpreter"
        elif kind in variants.CAPTIONED_KINDS and not has_captions:
            needs[kind.value] = "editor_variant_needs_captions"
        else:
            needs[kind.value] = None
    return needs


def _variants_page(
    request: Request, item: MediaItem, errors: dict[str, str] | None = None, status_code: int = 200
) -> HTMLResponse:
    context = {
        "needs": _variant_needs(item),
        "jobs": sorted(item.jobs, key=lambda job: job.id, reverse=True),
        "made": item.variants,
        "errors": errors or {},
    }
    return _item_page(request, item, "variants", "variants.html", context, status_code)


@router.get("/items/{item_id}/variants", response_class=HTMLResponse)
def variants_page(request: Request, item_id: int, session: SessionDep, actor: EditorPage) -> Response:
    return _variants_page(request, _item(session, item_id))


@router.post("/items/{item_id}/variants", summary="Order variants", dependencies=FORM)
def order_variants(
    request: Request,
    item_id: int,
    session: SessionDep,
    actor: EditorActor,
    kinds: Annotated[list[str] | None, Form()] = None,
) -> Response:
    item = _item(session, item_id)
    chosen = [VariantKind(k) for k in kinds or [] if k in VariantKind._value2member_map_]
    if not chosen:
        t = translator(choose_language(request))
        raise PageAnswer(_variants_page(request, item, {"kinds": t("editor_choose_kind")}, 422))
    try:
        variants.order_variants(session, request.app.state.job_queue, item, chosen)
    except ServiceError as error:
        raise PageAnswer(_variants_page(request, item, {"kinds": error.message}, 422)) from error
    return _redirect(f"/editor/items/{item.id}/variants", "ordered")


# --- API tokens -----------------------------------------------------------------------------


def _tokens_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    tokens = accounts.list_tokens(session, actor.user) if actor.user else []
    return _page(
        request, "tokens.html", {"tokens": tokens, "new_token": None, **(context or {})}, status_code
    )


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, session: SessionDep, actor: EditorPage) -> Response:
    return _tokens_page(request, session, actor)


@router.post("/tokens", summary="Make an API token", dependencies=FORM)
def create_api_token(
    request: Request, session: SessionDep, actor: EditorActor, name: Annotated[str, Form()] = ""
) -> Response:
    """The page itself shows the new token (never a redirect: it must not end up in a URL)."""
    if actor.user is None:
        raise HTTPException(status_code=403, detail="an API token is made by an account, not by a token")
    try:
        _token, plaintext = accounts.issue_token(session, actor.user, name)
    except Invalid as error:
        errors = {"name": translator(choose_language(request))("editor_error_token_name")}
        raise PageAnswer(
            _tokens_page(request, session, actor, {"errors": errors, "name": name}, 422)
        ) from error
    response = _tokens_page(request, session, actor, {"new_token": plaintext})
    response.headers["cache-control"] = "no-store"
    return response


@router.post("/tokens/{token_id}/revoke", summary="Revoke an API token", dependencies=FORM)
def revoke_api_token(token_id: int, session: SessionDep, actor: EditorActor) -> Response:
    token = accounts.get_token(session, token_id, owner=actor.user, any_owner=actor.is_admin)
    accounts.revoke_token(session, token)
    return _redirect("/editor/tokens", "token_revoked")


# --- the audit log --------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: SessionDep,
    actor: Annotated[Actor, Depends(admin_page)],
    page: Annotated[int, Query(ge=1)] = 1,
    item: int | None = None,
) -> Response:
    entries, total = audit.list_entries(session, page=page, per_page=AUDIT_PER_PAGE, item_id=item)
    pages = max(1, -(-total // AUDIT_PER_PAGE))
    query = f"&item={item}" if item is not None else ""
    return _page(request, "audit.html", {"entries": entries, "page": page, "pages": pages, "query": query})
