"""FastAPI dependencies: settings, database session, storage and who is asking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from media_service.auth import verify_token
from media_service.config import Settings
from media_service.db import session_scope
from media_service.storage import Storage

bearer = HTTPBearer(auto_error=False, description="An API token made with `tolk token create`")


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_storage(request: Request) -> Storage:
    return request.app.state.storage


def get_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.sessions) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
StorageDep = Annotated[Storage, Depends(get_storage)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def is_editor(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> bool:
    """True when the request carries a valid API token (editors see unpublished items)."""
    return credentials is not None and verify_token(session, credentials.credentials) is not None


def require_editor(editor: Annotated[bool, Depends(is_editor)]) -> None:
    """Refuse anonymous writes with 401."""
    if not editor:
        raise HTTPException(
            status_code=401,
            detail="authentication required: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


EditorDep = Annotated[bool, Depends(is_editor)]
RequireEditor = Depends(require_editor)
