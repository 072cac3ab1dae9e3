"""FastAPI dependencies: settings, database session, storage and who is asking.

Who is asking: a request with ``Authorization: Bearer <token>`` is a script acting as the
token's owner; otherwise the session cookie names a signed-in editor or admin; otherwise it is
a viewer, who needs no account. Writes need an editor (401 without one). A write from a
browser session must also carry the session's CSRF token (403 without it), in the
``X-CSRF-Token`` header or, from a form, in the ``csrf_token`` field; a bearer token needs
none, since browsers never send one by themselves. Every write is recorded in the audit log,
in the same transaction as the change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from media_service.auth import Actor, find_session, tokens_match, verify_token
from media_service.config import Settings
from media_service.db import session_scope, writes_held_back
from media_service.models import User
from media_service.services import audit
from media_service.services.shapes import whole_number
from media_service.services.variant_freshness import Remake
from media_service.storage import Storage
from media_service.upload_slots import account_of

SESSION_COOKIE = "tolk_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_NOBODY = object()

bearer = HTTPBearer(
    auto_error=False,
    description="An API token: `tolk token create`, or made by an editor under /editor/tokens",
)


def declared_length(request: Request) -> int | None:
    """The body size the client declared in Content-Length, or None (absent, chunked, bogus)."""
    return whole_number(request.headers.get("content-length"))


def _is_json(content_type: str) -> bool:
    """FastAPI's rule for a JSON body: ``application/json`` or ``application/<anything>+json``."""
    main_type, _, subtype = content_type.partition(";")[0].strip().lower().partition("/")
    return main_type == "application" and (subtype == "json" or subtype.endswith("+json"))


# Dependencies that do no I/O are coroutines: FastAPI runs a plain function in a worker thread,
# a hand-over that costs more than the work (it counted in every file served, issue #15).
async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_storage(request: Request) -> Storage:
    return request.app.state.storage


def get_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.sessions) as session:
        yield session


# "function" scope: the transaction commits before the response is sent, so a client that
# was told "done" (or a browser following a redirect) never reads the state from before.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
StorageDep = Annotated[Storage, Depends(get_storage)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def identify(
    request: Request, session: Session, credentials: HTTPAuthorizationCredentials | None
) -> Actor | None:
    """Who sent ``request``: the bearer token's owner, else the session cookie's account, else
    None (a viewer). Worked out once per request."""
    if (known := getattr(request.state, "tolk_actor", _NOBODY)) is not _NOBODY:
        return known  # type: ignore[return-value]
    actor = None
    if credentials is not None:
        token = verify_token(session, credentials.credentials)
        if token is not None:
            owner = session.get(User, token.user_id) if token.user_id is not None else None
            actor = Actor.script(token, owner)
    elif cookie := request.cookies.get(SESSION_COOKIE):
        login = find_session(session, cookie)
        if login is not None:
            actor = Actor.signed_in(login)
    request.state.tolk_actor = actor
    return actor


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def current_actor(request: Request, session: SessionDep, credentials: BearerDep) -> Actor | None:
    return identify(request, session, credentials)


ActorDep = Annotated[Actor | None, Depends(current_actor)]


def request_actor(request: Request) -> Actor | None:
    """Who is asking, for code outside a route's dependencies (a template, an event stream that
    must not hold a database session open): looks it up in a short session of its own."""
    if (known := getattr(request.state, "tolk_actor", _NOBODY)) is not _NOBODY:
        return known  # type: ignore[return-value]
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    credentials = (
        HTTPAuthorizationCredentials(scheme=scheme, credentials=value.strip())
        if scheme.lower() == "bearer" and value.strip()
        else None
    )
    with session_scope(request.app.state.sessions) as session:
        return identify(request, session, credentials)


def forget_actor(request: Request) -> None:
    """Look who is asking up again (``request_actor``): after a refusal rolled the request's
    session back, the account it found is expired and cannot be read (an error page names it)."""
    request.state.tolk_actor = _NOBODY


def request_is_editor(request: Request) -> bool:
    """Whether an editor is asking (see ``request_actor``)."""
    return request_actor(request) is not None


async def is_editor(actor: ActorDep) -> bool:
    """True for a signed-in editor or admin or a valid API token: they see unpublished items."""
    return actor is not None


async def _sent_csrf_token(request: Request) -> str | None:
    if header := request.headers.get(CSRF_HEADER):
        return header
    route = request.scope.get("route")
    content_type = request.headers.get("content-type", "")
    # Only a route that takes a form has had its body read; another's body is never touched.
    if getattr(route, "body_field", None) is not None and content_type.startswith(_FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def form_csrf_field(csrf_token: Annotated[str, Form(description="The session's CSRF token")] = "") -> None:
    """Declares an HTML form's ``csrf_token`` field on a route that has no other, so that the
    form is read before the CSRF check (the check itself is in ``authenticated_editor``)."""


def _editor_or_refused(request: Request, actor: Actor | None, sent_csrf_token: str | None) -> Actor:
    if actor is None:
        raise HTTPException(
            status_code=401,
            detail="authentication required: log in at /editor/login, "
            "or send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if _from_browser(request, actor) and (
        actor.login is None or not tokens_match(actor.login.csrf_token, sent_csrf_token)
    ):
        raise HTTPException(
            status_code=403,
            detail=f"the form or request is missing its CSRF token ({CSRF_FIELD} or {CSRF_HEADER}); "
            "reload the page and try again",
        )
    return actor


def _from_browser(request: Request, actor: Actor | None) -> bool:
    """A write from a signed-in browser (which must carry the session's CSRF token)."""
    return actor is not None and actor.login is not None and request.method not in SAFE_METHODS


async def authenticated_editor(request: Request, actor: ActorDep) -> Actor:
    """The editor asking (401 for a viewer); for a write from a browser session, with the
    session's CSRF token checked (403 without it)."""
    sent = await _sent_csrf_token(request) if _from_browser(request, actor) else None
    return _editor_or_refused(request, actor, sent)


AuthenticatedEditor = Annotated[Actor, Depends(authenticated_editor)]


def streaming_editor(request: Request) -> Actor:
    """``authenticated_editor`` for a route that streams its body: who is asking is looked up
    in a short session of its own (``request_actor``), closed before the body is read, so no
    pooled connection is held while it streams. (A plain function: FastAPI runs it in a worker
    thread, off the event loop.) Such a route reads no form, so a browser sends its CSRF token
    in the header."""
    return _editor_or_refused(request, request_actor(request), request.headers.get(CSRF_HEADER))


StreamingEditor = Annotated[Actor, Depends(streaming_editor)]


def upload_slot(request: Request, actor: StreamingEditor) -> Iterator[Actor]:
    """The editor sending an upload, holding one of its slots until the route is done: refused
    before a byte is read with 429 or 503 and Retry-After when none is free (see
    ``upload_slots``)."""
    with request.app.state.upload_slots.taken(account_of(actor)):
        yield actor


UploadingEditor = Annotated[Actor, Depends(upload_slot, scope="function")]


def _change(request: Request, actor: Actor, details: dict[str, Any]) -> audit.Change:
    """The audit log's account of the write ``request`` makes (see ``audit.Change``)."""
    route = request.scope.get("route")
    return audit.Change(
        actor,
        getattr(route, "name", request.url.path),
        summary=str(getattr(route, "summary", None) or getattr(route, "name", "")),
        method=request.method,
        path=request.url.path,
        item_id=whole_number(request.path_params.get("item_id")),
        details=details,
    )


def upload_change(request: Request, actor: UploadingEditor) -> audit.Change:
    """For a route that streams an upload and stores it in a transaction of its own (no
    request session): the editor, holding an upload slot, and the audit entry the store writes
    in that transaction, so a refused upload leaves none."""
    return _change(request, actor, audit.safe_details(dict(request.query_params)))


UploadChange = Annotated[audit.Change, Depends(upload_change)]


async def _write_details(request: Request) -> dict[str, Any]:
    """What a write sent, for the audit log: its JSON or form fields, else its query."""
    route = request.scope.get("route")
    fields: dict[str, Any] = dict(request.query_params)
    if request.method not in SAFE_METHODS and getattr(route, "body_field", None) is not None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(_FORM_TYPES):
            fields.update((await request.form()).items())
        elif _is_json(content_type):
            try:
                body = json.loads(await request.body() or b"{}")
            except ValueError:  # the route refuses it (422); the log has the query alone
                body = None
            if isinstance(body, dict):
                fields.update(body)
    return audit.safe_details(fields)


def require_editor(
    request: Request,
    session: SessionDep,
    actor: AuthenticatedEditor,
    details: Annotated[dict[str, Any], Depends(_write_details)],
) -> Iterator[Actor]:
    """An editor (see ``authenticated_editor``); a write is recorded in the audit log, which
    commits or rolls back with the change. (A plain function: its database work runs in a
    worker thread, off the event loop.)"""
    if request.method in SAFE_METHODS:
        yield actor
        return
    # Not flushed here but by the route's first write (see ``writes_held_back``).
    with writes_held_back(session):
        entry = _change(request, actor, details).record(session)
    yield actor
    audit.settle(session, entry)


EditorActor = Annotated[Actor, Depends(require_editor, scope="function")]


def require_admin(actor: EditorActor) -> Actor:
    """An admin (403 for an editor)."""
    if not actor.is_admin:
        raise HTTPException(status_code=403, detail="only an admin may do this")
    return actor


AdminActor = Annotated[Actor, Depends(require_admin)]
EditorDep = Annotated[bool, Depends(is_editor)]
RequireEditor = Depends(require_editor, scope="function")


def get_remake(request: Request) -> Remake:
    """How a change remakes the variants it makes outdated (``TOLK_REMAKE_OUTDATED_VARIANTS``)."""
    return Remake.of(request.app.state.job_queue, request.app.state.settings)


RemakeDep = Annotated[Remake, Depends(get_remake)]
