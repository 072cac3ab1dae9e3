"""Editors on a live service for the editor's browser tests: accounts, logging in through the
login page, and items made through the API."""

from __future__ import annotations

from pathlib import Path

import httpx

from bench.live_server import LiveServer
from media_service.config import Settings
from media_service.db import make_engine, make_session_factory, session_scope
from media_service.models import UserRole
from media_service.services import accounts

PASSWORD = "a long enough password"
# A cue read at 40 characters a second with a 51-character line: warnings, not errors.
HASTY_CAPTIONS = (
    "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nDen här raden är alldeles för lång för att läsas nu\n"
).encode()
BROKEN_CAPTIONS = b"WEBVTT\n\n00:00:01.000 --> later\nHej\n"


def add_account(server: LiveServer, username: str, role: UserRole = UserRole.EDITOR) -> None:
    """An account in the live service's database (the service made the schema)."""
    settings = Settings(data_dir=Path(server.env["TOLK_DATA_DIR"]))
    engine = make_engine(settings.resolved_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            if accounts.find_user(session, username) is None:
                accounts.add_user(session, username, PASSWORD, role=role)
    finally:
        engine.dispose()


def log_in(page, server: LiveServer, username: str, language: str = "sv") -> None:  # type: ignore[no-untyped-def]
    """Log in through the login page, as an editor would."""
    page.goto(f"{server.url}/editor/login?lang={language}")
    page.locator("#field-username").fill(username)
    page.locator("#field-password").fill(PASSWORD)
    page.locator("form.editor-form button[type=submit]").click()
    page.wait_for_url(f"{server.url}/editor")


def new_item(api: httpx.Client, title: str, film: Path | None = None, kind: str = "film") -> int:
    """A draft item, with its film uploaded when ``film`` is given."""
    item = api.post("/api/media", json={"kind": kind, "title": title})
    item.raise_for_status()
    item_id = item.json()["id"]
    if film is not None:
        api.put(f"/api/media/{item_id}/file", content=film.read_bytes()).raise_for_status()
    return item_id
