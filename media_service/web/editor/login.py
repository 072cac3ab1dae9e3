"""Logging in and out."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from media_service.auth import random_token, tokens_match
from media_service.deps import SESSION_COOKIE, ActorDep, EditorActor, SessionDep
from media_service.i18n import choose_language, translator
from media_service.services import accounts
from media_service.web.editor.base import FORM, editor_router, page, safe_next, set_cookie

router = editor_router()

LOGIN_FORM_COOKIE = "tolk_login_form"
LOGIN_FORM_MAX_AGE = 3600


def _login_page(
    request: Request, next_path: str, *, error: str | None = None, username: str = "", status_code: int = 200
) -> HTMLResponse:
    """The login form, with a fresh form token in a cookie and in the form (login CSRF)."""
    form_token = random_token()
    response = page(
        request,
        "login.html",
        {"next": next_path, "form_token": form_token, "error": error, "username": username},
        status_code=status_code,
    )
    set_cookie(request, response, LOGIN_FORM_COOKIE, form_token, max_age=LOGIN_FORM_MAX_AGE)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, actor: ActorDep, next: str | None = None) -> Response:
    if actor is not None and actor.login is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next))


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
    next_path = safe_next(next)
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
        refusal = _login_page(
            request,
            next_path,
            error=t("editor_login_throttled", minutes=minutes),
            username=username,
            status_code=429,
        )
        refusal.headers["retry-after"] = str(refused.retry_after)
        return refusal
    except accounts.LoginRefused:
        return _login_page(
            request, next_path, error=t("editor_login_failed"), username=username, status_code=401
        )
    response = RedirectResponse(next_path, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, cookie, max_age=None)
    response.delete_cookie(LOGIN_FORM_COOKIE, path="/")
    return response


@router.post("/logout", summary="Log out", dependencies=FORM)
def logout(request: Request, session: SessionDep, actor: EditorActor) -> Response:
    if actor.login is not None:
        accounts.log_out(session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
