"""What every editor page shares: the page answer, who may see a page, redirects, cookies and
form helpers.

The pages are plain forms (Post/Redirect/Get, with ``?notice=`` naming what was done) and
every write goes through ``deps.require_editor``: a CSRF token, then the audit log. Scripts in
/static/js/editor/ add resumable uploads (tus), the live preview and live progress; they call
the JSON API with the session's CSRF token in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from media_service.auth import Actor
from media_service.deps import ActorDep, SessionDep, form_csrf_field
from media_service.i18n import MESSAGES, choose_language, messages_with_prefix, translator
from media_service.models import MediaItem
from media_service.services import media
from media_service.web.templating import render
from media_service.web.views import item_view


def editor_router() -> APIRouter:
    """The router of one tab's pages: under /editor, and not part of the API's description."""
    return APIRouter(prefix="/editor", include_in_schema=False)


# The tabs of an item's pages, in the order an editor sees them.
TABS = ("details", "captions", "interpreter", "variants", "documents")
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
    """An admin viewing a page (403 for an editor)."""
    if not actor.is_admin:
        raise HTTPException(status_code=403, detail="only an admin may see this page")
    return actor


AdminPage = Annotated[Actor, Depends(admin_page)]


def safe_next(path: str | None) -> str:
    """Only a path on this site (never ``//other.site``) to go to after logging in."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/editor"


def redirect(path: str, notice: str | None = None) -> RedirectResponse:
    """See Other to ``path``, with the notice the page there shows."""
    return RedirectResponse(f"{path}?notice={notice}" if notice else path, status_code=303)


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
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


def set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int | None) -> None:
    """HttpOnly, SameSite=Lax, and Secure when the site is reached over HTTPS: directly, through
    a proxy uvicorn trusts (X-Forwarded-Proto; see ``--forwarded-allow-ips``), or as
    ``TOLK_PUBLIC_URL`` says."""
    settings = request.app.state.settings
    secure = request.url.scheme == "https" or settings.public_url.startswith("https://")
    response.set_cookie(name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax")


def form_errors(error: ValidationError, language: str) -> dict[str, str]:
    """A message per field, in the page's language."""
    t = translator(language)
    errors: dict[str, str] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "title"
        key = f"editor_error_{field}"
        errors.setdefault(field, t(key) if key in MESSAGES else problem["msg"])
    return errors


def editable_item(session: SessionDep, item_id: int) -> MediaItem:
    """An item an editor works on, published or not (404 when there is none)."""
    return media.get_item(session, item_id, include_unpublished=True)


def item_page(
    request: Request, item: MediaItem, tab: str, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """One tab of an item's pages."""
    return page(request, name, {**item_view(item), "tab": tab, "tabs": TABS, **context}, status_code)
