"""Security headers on every answer: a strict Content-Security-Policy (no inline script
anywhere), no caching of editor pages and API answers, nosniff."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from account_helpers import add_user, log_in
from fastapi.testclient import TestClient


class _Scripts(HTMLParser):
    """Every <script> of a page, with its attributes, and every inline event handler."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def _directives(policy: str) -> dict[str, str]:
    parts = (d.strip().split(None, 1) for d in policy.split(";") if d.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def _pages(client: TestClient, item_id: int) -> list[str]:
    return [
        "/",
        f"/watch/{item_id}",
        f"/watch/{item_id}/transcript",
        f"/embed/{item_id}",
        f"/embed/{item_id}/demo",
        "/editor/login",
        "/editor",
        f"/editor/items/{item_id}",
        f"/editor/items/{item_id}/captions",
        f"/editor/items/{item_id}/interpreter",
        f"/editor/items/{item_id}/variants",
        "/editor/tokens",
        "/editor/items/new",
    ]


def test_every_page_runs_only_tolks_own_script_files(
    client: TestClient, auth: dict[str, str], film: Path
) -> None:
    item = client.post("/api/media", json={"kind": "film", "title": "F", "published": True}, headers=auth)
    item_id = item.json()["id"]
    client.put(f"/api/media/{item_id}/file", content=film.read_bytes(), headers=auth)
    add_user(client, "anna")
    log_in(client, "anna")
    for path in _pages(client, item_id):
        page = client.get(path)
        assert page.status_code == 200, path
        policy = _directives(page.headers["content-security-policy"])
        assert policy["script-src"] == "'self'", path
        assert policy["object-src"] == "'none'", path
        assert policy["base-uri"] == "'none'", path
        parser = _Scripts()
        parser.feed(page.text)
        assert parser.handlers == [], path
        for script in parser.scripts:
            # A script element either loads a file or holds data (for the page's scripts, or
            # linked data for search engines); a browser never runs a data block.
            data_types = ("application/json", "application/ld+json")
            assert script.get("src") or script.get("type") in data_types, (path, script)


def test_editor_pages_and_api_answers_are_never_stored(client: TestClient, auth: dict[str, str]) -> None:
    add_user(client, "anna")
    log_in(client, "anna")
    for path in ("/editor", "/editor/tokens", "/api/media", "/api/me"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert client.get("/api/media", headers=auth).headers["cache-control"] == "no-store"
    # Pages for viewers and static files keep their own caching.
    assert client.get("/").headers.get("cache-control") != "no-store"
    assert client.get("/static/css/site.css").headers["x-content-type-options"] == "nosniff"
