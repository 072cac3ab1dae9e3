"""Accounts for tests: make editors and admins, and log a test client in like a browser."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from media_service.db import session_scope
from media_service.models import UserRole
from media_service.services import accounts

PASSWORD = "a long enough password"
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_PAGE_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def add_user(client: TestClient, username: str, role: UserRole = UserRole.EDITOR) -> None:
    with session_scope(client.app.state.sessions) as session:
        accounts.add_user(session, username, PASSWORD, role=role)


def login_form_token(client: TestClient) -> str:
    """The login form's CSRF token (its cookie is now in the client), as a signed-out browser
    gets it."""
    client.cookies.delete("tolk_session")
    page = client.get("/editor/login")
    assert page.status_code == 200, page.text
    return _FORM_TOKEN.search(page.text)[1]  # type: ignore[index]


def post_login(client: TestClient, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/editor/login",
        data={"username": username, "password": password, "csrf_token": login_form_token(client)},
        follow_redirects=False,
    )


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in; returns the session's CSRF token, as the editor pages carry it."""
    response = post_login(client, username, password)
    assert response.status_code == 303, response.text
    page = client.get("/editor")
    assert page.status_code == 200, page.text
    return _PAGE_TOKEN.search(page.text)[1]  # type: ignore[index]


def csrf(token: str) -> dict[str, str]:
    return {"X-CSRF-Token": token}
