"""An editor's API tokens, and the audit log for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from media_service.auth import Actor
from media_service.deps import EditorActor, SessionDep
from media_service.errors import Invalid
from media_service.i18n import choose_language, translator
from media_service.services import accounts, audit
from media_service.services.paging import page_count
from media_service.web.editor.base import (
    FORM,
    AdminPage,
    EditorPage,
    PageAnswer,
    editor_router,
    page,
    redirect,
)

router = editor_router()

AUDIT_PER_PAGE = 50


def _tokens_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    tokens = accounts.list_tokens(session, actor.user) if actor.user else []
    return page(request, "tokens.html", {"tokens": tokens, "new_token": None, **(context or {})}, status_code)


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
    return redirect("/editor/tokens", "token_revoked")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: SessionDep,
    actor: AdminPage,
    page_number: Annotated[int, Query(ge=1, alias="page")] = 1,
    item: int | None = None,
) -> Response:
    entries, total = audit.list_entries(session, page=page_number, per_page=AUDIT_PER_PAGE, item_id=item)
    context = {
        "entries": entries,
        "page": page_number,
        "pages": page_count(total, AUDIT_PER_PAGE),
        "query": f"&item={item}" if item is not None else "",
    }
    return page(request, "audit.html", context)
