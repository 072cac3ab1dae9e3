"""Accounts: Argon2 passwords, logging in and out, roles, drafts seen only by editors, API
tokens per user, and `tolk user add`."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from account_helpers import PASSWORD, add_user, csrf, log_in, post_login
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from media_service.db import make_engine, make_session_factory, session_scope
from media_service.errors import Conflict, Invalid
from media_service.models import AuditEntry, LoginSession, User, UserRole, utcnow
from media_service.services import accounts


def test_passwords_are_stored_as_argon2id_hashes(client: TestClient) -> None:
    add_user(client, "Anna")
    with session_scope(client.app.state.sessions) as session:
        user = accounts.find_user(session, "anna")
        assert user is not None and user.username == "anna"  # usernames are compared in lower case
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        with pytest.raises(Conflict, match="already an account named 'anna'"):
            accounts.add_user(session, "ANNA", PASSWORD)
        with pytest.raises(Invalid, match="at least 10 characters"):
            accounts.add_user(session, "bertil", "short")
        with pytest.raises(Invalid, match="is not a username"):
            accounts.add_user(session, "no spaces", PASSWORD)


def test_login_sets_a_session_and_logout_ends_it(client: TestClient) -> None:
    add_user(client, "anna")
    token = log_in(client, "anna")
    assert client.get("/api/me").json()["label"] == "anna"
    old_cookie = client.cookies["tolk_session"]
    response = client.post("/editor/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert "tolk_session" not in client.cookies
    # The session is gone on the server: keeping the cookie opens nothing.
    client.cookies.set("tolk_session", old_cookie)
    assert client.get("/api/me").status_code == 401
    assert client.get("/editor", follow_redirects=False).headers["location"] == "/editor/login?next=%2Feditor"


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient) -> None:
    add_user(client, "anna")
    wrong = post_login(client, "anna", "not the password at all")
    unknown = post_login(client, "nobody", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "Fel användarnamn eller lösenord." in wrong.text
    assert "Fel användarnamn eller lösenord." in unknown.text
    assert "tolk_session" not in client.cookies


def test_disabled_accounts_and_expired_sessions_are_refused(client: TestClient) -> None:
    add_user(client, "anna")
    log_in(client, "anna")
    with session_scope(client.app.state.sessions) as session:
        session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/api/me").status_code == 401
    log_in(client, "anna")
    with session_scope(client.app.state.sessions) as session:
        session.execute(update(User).values(disabled=True))
    assert client.get("/api/me").status_code == 401
    assert post_login(client, "anna").status_code == 401


def test_drafts_are_seen_only_by_editors(client: TestClient) -> None:
    add_user(client, "anna")
    token = log_in(client, "anna")
    item = client.post("/api/media", json={"kind": "film", "title": "Utkast"}, headers=csrf(token)).json()
    assert client.get(f"/api/media/{item['id']}").status_code == 200
    assert "Utkast" in client.get("/").text
    with TestClient(client.app) as viewer:
        assert viewer.get(f"/api/media/{item['id']}").status_code == 404
        assert viewer.get(f"/watch/{item['id']}").status_code == 404
        assert "Utkast" not in viewer.get("/").text
        assert viewer.get("/api/media").json()["total"] == 0


def test_roles_editors_and_admins(client: TestClient) -> None:
    add_user(client, "anna")
    add_user(client, "admin", UserRole.ADMIN)
    log_in(client, "anna")
    assert client.get("/api/me").json()["role"] == "editor"
    assert client.get("/editor/audit").status_code == 403
    assert client.get("/api/users").status_code == 403
    assert "/editor/audit" not in client.get("/editor").text
    with TestClient(client.app) as admin:
        log_in(admin, "admin")
        assert admin.get("/editor/audit").status_code == 200
        assert [u["username"] for u in admin.get("/api/users").json()] == ["admin", "anna"]


def test_api_tokens_per_user(client: TestClient) -> None:
    add_user(client, "anna")
    add_user(client, "bertil")
    add_user(client, "admin", UserRole.ADMIN)
    anna = log_in(client, "anna")
    made = client.post("/api/tokens", json={"name": "nightly import"}, headers=csrf(anna))
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    assert token.startswith("tolk_")
    listed = client.get("/api/tokens").json()
    assert [t["name"] for t in listed] == ["nightly import"]
    assert "token" not in listed[0]  # shown once, never listed
    with TestClient(client.app) as script:
        bearer = {"Authorization": f"Bearer {token}"}
        assert script.get("/api/me", headers=bearer).json()["label"] == "anna (token 'nightly import')"
        created = script.post("/api/media", json={"kind": "film", "title": "Import"}, headers=bearer)
        assert created.status_code == 201
        # A token acts as its account, so it may make another of that account's tokens.
        assert script.post("/api/tokens", json={"name": "rotated"}, headers=bearer).status_code == 201
    with TestClient(client.app) as other:
        bertil = log_in(other, "bertil")
        assert other.get("/api/tokens").json() == []
        assert other.get(f"/api/tokens?user_id={listed[0]['user_id']}").status_code == 403
        assert other.delete(f"/api/tokens/{listed[0]['id']}", headers=csrf(bertil)).status_code == 404
    with TestClient(client.app) as admin:
        admin_token = log_in(admin, "admin")
        assert len(admin.get(f"/api/tokens?user_id={listed[0]['user_id']}").json()) == 2
        revoked = admin.delete(f"/api/tokens/{listed[0]['id']}", headers=csrf(admin_token))
        assert revoked.json()["revoked_at"] is not None
    with TestClient(client.app) as script:
        assert script.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_operators_token_acts_as_an_editor_but_has_no_tokens(
    client: TestClient, auth: dict[str, str]
) -> None:
    assert client.get("/api/me", headers=auth).json() == {
        "role": "editor",
        "label": "token 'tests'",
        "user": None,
    }
    assert client.get("/api/tokens", headers=auth).status_code == 403


def test_tokens_page_shows_a_new_token_once(client: TestClient) -> None:
    add_user(client, "anna")
    token = log_in(client, "anna")
    page = client.post("/editor/tokens", data={"name": "backup", "csrf_token": token})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    plaintext = page.text.split('id="new-token" value="')[1].split('"')[0]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 200
    assert plaintext not in client.get("/editor/tokens").text
    refused = client.post("/editor/tokens", data={"name": "", "csrf_token": token})
    assert refused.status_code == 422
    assert 'aria-describedby="field-name-error"' in refused.text


def test_tolk_user_add(tmp_path: Path) -> None:
    env = {**os.environ, "TOLK_DATA_DIR": str(tmp_path / "data")}
    command = [
        sys.executable,
        "-m",
        "media_service.cli",
        "user",
        "add",
        "Cecilia",
        "--role",
        "admin",
        "--password-stdin",
    ]
    result = subprocess.run(command, input=PASSWORD + "\n", env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "added admin 'cecilia'" in result.stdout
    token = subprocess.run(
        [sys.executable, "-m", "media_service.cli", "token", "create", "backup", "--user", "cecilia"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'tolk.db'}")
    try:
        with session_scope(make_session_factory(engine)) as session:
            user = session.scalar(select(User))
            assert user is not None and user.role == UserRole.ADMIN
            assert accounts.verify_password(user.password_hash, PASSWORD)
            entry = session.scalar(select(AuditEntry))
            assert entry is not None and (entry.actor, entry.action) == ("tolk (command line)", "add_user")
            assert entry.details == {"username": "cecilia", "role": "admin"}
            assert accounts.list_tokens(session, user)[0].name == "backup"
    finally:
        engine.dispose()
    assert token.startswith("tolk_")


def test_simultaneous_wrong_logins_are_counted_before_any_password_is_checked(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 guesses at one account at once: at most 5 reach the (slow) password check."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    add_user(client, "anna")
    checked = 0
    lock = threading.Lock()
    real_verify = accounts.verify_password

    def counting_verify(password_hash: str, password: str) -> bool:
        nonlocal checked
        with lock:
            checked += 1
        return real_verify(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", counting_verify)
    throttle = accounts.LoginThrottle()
    start = threading.Barrier(30)

    def guess(number: int) -> str:
        start.wait()
        with session_scope(client.app.state.sessions) as session:
            try:
                accounts.log_in(session, throttle, "anna", f"guess number {number}", f"10.0.0.{number}")
            except accounts.TooManyAttempts:
                return "throttled"
            except accounts.LoginRefused:
                return "refused"
        return "logged in"

    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(guess, range(30)))
    assert checked <= 5
    assert answers.count("refused") == checked
    assert answers.count("throttled") == 30 - checked
