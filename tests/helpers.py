"""Helpers shared by test modules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from media_service.app import create_app
from media_service.auth import create_token
from media_service.config import Settings
from media_service.db import session_scope


@contextmanager
def running_service(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The app for ``settings`` in a test client, and Authorization headers with a fresh token."""
    with TestClient(create_app(settings)) as client:
        with session_scope(client.app.state.sessions) as session:
            token = create_token(session, "tests")
        yield client, {"Authorization": f"Bearer {token}"}


def publish(api: httpx.Client, path: Path, *, kind: str = "film", title: str = "Film") -> dict:
    """Create a published item on a live service and upload ``path`` to it; returns its JSON."""
    item = api.post("/api/media", json={"kind": kind, "title": title, "published": True}).json()
    response = api.put(f"/api/media/{item['id']}/file", content=path.read_bytes())
    response.raise_for_status()
    return response.json()


def stored_keys(client: TestClient, suffix: str = "") -> list[str]:
    """The keys of every file the service's storage holds (on disk or in its bucket) that end
    with ``suffix``, derived ones and those in folders included."""
    return sorted(key for key in client.app.state.storage.all_keys() if key.endswith(suffix))
