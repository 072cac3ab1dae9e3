"""Security of the editor's side: every write route refuses viewers (found by walking the app's
routes, so a new route is covered the day it is added), CSRF tokens on every form and
browser write, the session cookie's flags, logins rate-limited per account and per address,
and no open redirect after logging in."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from account_helpers import PASSWORD, add_user, csrf, log_in, login_form_token, post_login
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from bench.live_server import live_server
from helpers import running_service
from media_service.config import Settings
from media_service.db import make_engine, make_session_factory, migrate, session_scope
from media_service.services import accounts

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The only write a viewer may send: logging in (it has a CSRF check of its own).
OPEN_TO_VIEWERS = {("POST", "/editor/login")}


def write_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the app that changes something, logging out last (paths as the
    API description writes them: ``{track_id}``, not the router's ``{track_id:int}``)."""
    found = {
        (method, route.path_format)
        for route in iter_route_contexts(app.routes)
        for method in (route.methods or set()) & WRITE_METHODS
    }
    return sorted(found - OPEN_TO_VIEWERS, key=lambda route: (route[1] == "/editor/logout", route))


def concrete(path: str) -> str:
    """A path with its parameters filled in (ids that do not exist)."""
    return re.sub(r"\{(\w+)\}", lambda m: "0" * 32 if m[1] == "uuid" else "999", path)


def test_the_route_walk_finds_every_kind_of_write(client: TestClient) -> None:
    routes = write_routes(client.app)
    for expected in [
        ("POST", "/api/media"),
        ("PUT", "/api/media/{item_id}/file"),
        ("PATCH", "/api/media/{item_id}/interpreters/{recording_id}"),
        ("POST", "/api/media/{item_id}/variants"),
        ("POST", "/api/uploads"),
        ("PATCH", "/api/uploads/{upload_id}"),
        ("DELETE", "/api/tokens/{token_id}"),
        ("POST", "/editor/items/{item_id}/delete"),
        ("POST", "/editor/logout"),
    ]:
        assert expected in routes
    assert len(routes) >= 29


def test_every_write_route_refuses_viewers(client: TestClient) -> None:
    for method, path in write_routes(client.app):
        response = client.request(method, concrete(path))
        assert response.status_code == 401, f"{method} {path}: {response.status_code} {response.text[:200]}"
        assert response.headers["www-authenticate"] == "Bearer"
        bad_token = client.request(method, concrete(path), headers={"Authorization": "Bearer tolk_forged"})
        assert bad_token.status_code == 401, f"{method} {path} with a forged token"


def test_every_write_route_needs_the_csrf_token_from_a_browser(client: TestClient) -> None:
    add_user(client, "anna")
    token = log_in(client, "anna")
    routes = write_routes(client.app)
    for method, path in routes:
        response = client.request(method, concrete(path))
        assert response.status_code == 403, f"{method} {path}: {response.status_code} {response.text[:200]}"
        assert "CSRF" in response.text
        forged = client.request(method, concrete(path), headers=csrf("forged-token"))
        assert forged.status_code == 403, f"{method} {path} with a forged CSRF token"
    for method, path in routes:
        response = client.request(method, concrete(path), headers=csrf(token))
        assert response.status_code not in (401, 403), f"{method} {path}: {response.text[:200]}"


def test_form_posts_without_the_csrf_token_are_refused(client: TestClient) -> None:
    add_user(client, "anna")
    add_user(client, "bertil")
    token = log_in(client, "anna")
    form = {"kind": "film", "title": "Smuggled", "language": "sv"}
    assert client.post("/editor/items", data=form).status_code == 403
    assert client.post("/editor/items", data={**form, "csrf_token": "forged"}).status_code == 403
    with TestClient(client.app) as other:
        others_token = log_in(other, "bertil")
    assert client.post("/editor/items", data={**form, "csrf_token": others_token}).status_code == 403
    assert client.get("/api/media").json()["total"] == 0  # nothing was written
    made = client.post("/editor/items", data={**form, "csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303
    # The login form has a token of its own, before any session exists.
    with TestClient(client.app) as viewer:
        login_form_token(viewer)
        refused = viewer.post("/editor/login", data={"username": "anna", "password": PASSWORD})
        assert refused.status_code == 403
        assert "tolk_session" not in viewer.cookies


def test_scripts_with_a_bearer_token_need_no_csrf_token(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/api/media", json={"kind": "film", "title": "Script"}, headers=auth)
    assert response.status_code == 201


def _session_cookie(response: httpx.Response) -> str:
    cookies = [value for name, value in response.headers.multi_items() if name == "set-cookie"]
    return next(cookie for cookie in cookies if cookie.startswith("tolk_session="))


def test_the_session_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    add_user(client, "anna")
    cookie = _session_cookie(post_login(client, "anna"))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back
    # The app does not trust X-Forwarded-Proto itself: only uvicorn's trusted proxies set it.
    with TestClient(client.app, headers={"X-Forwarded-Proto": "https"}) as other:
        assert "Secure" not in _session_cookie(post_login(other, "anna"))
    with TestClient(client.app, base_url="https://testserver") as over_https:
        assert "Secure" in _session_cookie(post_login(over_https, "anna"))


def test_the_session_cookie_is_secure_when_the_public_url_is_https(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=0, public_url="https://tolk.example")
    with running_service(settings) as (client, _auth):
        add_user(client, "anna")
        form = client.get("/editor/login")
        form_cookie = form.headers["set-cookie"]
        assert "Secure" in form_cookie
        # The test client talks plain http, so it would keep a Secure cookie to itself: send it.
        token = form_cookie.split(";")[0].split("=", 1)[1]
        login = {"username": "anna", "password": PASSWORD, "csrf_token": token}
        response = client.post(
            "/editor/login",
            data=login,
            headers={"cookie": f"tolk_login_form={token}"},
            follow_redirects=False,
        )
        assert "Secure" in _session_cookie(response)


def test_the_session_cookie_is_secure_behind_a_trusted_https_proxy(tmp_path: Path) -> None:
    """uvicorn takes X-Forwarded-Proto from the proxies in --forwarded-allow-ips (by default
    the same machine), so a proxy ending TLS on 127.0.0.1 makes the cookie Secure."""
    data_dir = tmp_path / "data"
    url = f"sqlite:///{data_dir / 'tolk.db'}"
    data_dir.mkdir()
    migrate(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        accounts.add_user(session, "anna", PASSWORD)
    engine.dispose()
    with live_server(data_dir, workers="0") as server, httpx.Client(base_url=server.url) as browser:
        form = browser.get("/editor/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)[1]  # type: ignore[index]
        login = {"username": "anna", "password": PASSWORD, "csrf_token": token}
        response = browser.post("/editor/login", data=login, headers={"X-Forwarded-Proto": "https"})
        assert response.status_code == 303
        assert "Secure" in _session_cookie(response)


def test_logins_are_rate_limited_per_account(client: TestClient) -> None:
    add_user(client, "anna")
    add_user(client, "bertil")
    for _ in range(4):
        assert post_login(client, "anna", "wrong password!").status_code == 401
    assert post_login(client, "anna").status_code == 303  # a success clears the count
    for _ in range(5):
        assert post_login(client, "anna", "wrong password!").status_code == 401
    refused = post_login(client, "anna")  # the right password, but too late
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 800
    assert "För många misslyckade försök. Försök igen om 15 minuter." in refused.text
    assert post_login(client, "bertil").status_code == 303  # other accounts are not locked


def test_logins_are_rate_limited_per_address(client: TestClient) -> None:
    add_user(client, "anna")
    for number in range(20):
        assert post_login(client, f"guess{number}", "wrong password!").status_code == 401
    assert post_login(client, "anna").status_code == 429


def test_login_goes_only_to_pages_of_this_site(client: TestClient) -> None:
    add_user(client, "anna")
    for unsafe in ("https://evil.example/", "//evil.example/editor", "/\\evil.example"):
        token = login_form_token(client)
        data = {"username": "anna", "password": PASSWORD, "csrf_token": token, "next": unsafe}
        response = client.post("/editor/login", data=data, follow_redirects=False)
        assert response.headers["location"] == "/editor"
        client.cookies.clear()
    token = login_form_token(client)
    data = {"username": "anna", "password": PASSWORD, "csrf_token": token, "next": "/editor/tokens"}
    assert (
        client.post("/editor/login", data=data, follow_redirects=False).headers["location"]
        == "/editor/tokens"
    )


def test_each_login_gets_a_new_session(client: TestClient) -> None:
    add_user(client, "anna")
    first = _session_cookie(post_login(client, "anna"))
    client.cookies.clear()
    second = _session_cookie(post_login(client, "anna"))
    assert first.split(";")[0] != second.split(";")[0]


@pytest.mark.parametrize("path", ["/editor", "/editor/items/new", "/editor/tokens", "/editor/audit"])
def test_editor_pages_send_viewers_to_log_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/editor/login?next=")
