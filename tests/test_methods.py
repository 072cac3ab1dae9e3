"""Which methods a URL answers: HEAD wherever GET is (RFC 9110 9.3.2), and a complete Allow on 405."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

# Answers that are the same on every request, so HEAD and GET can be compared byte for byte.
STABLE_HEADERS = ("content-type", "content-length", "cache-control", "content-security-policy", "location")


def test_head_answers_like_get_on_pages_api_and_files(
    client: TestClient, auth: dict[str, str], upload, film: Path
) -> None:
    item = upload(film, title="Film", published=True)
    paths = [
        "/",
        item["watch_url"],
        f"{item['watch_url']}/transcript",
        f"/embed/{item['id']}",
        f"/oembed?url=http://127.0.0.1:8000/watch/{item['id']}",
        "/api/media",
        f"/api/media/{item['id']}",
        "/openapi.json",
        "/editor",  # a redirect to the login page
        "/static/css/site.css",
        item["source"]["url"],
        "/watch/4040",  # a 404 page is a 404 to HEAD too
    ]
    for path in paths:
        got = client.get(path, follow_redirects=False)
        head = client.head(path, follow_redirects=False)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        for name in STABLE_HEADERS:
            assert head.headers.get(name) == got.headers.get(name), (path, name)
    # A page whose content differs per request (the login form's token) still has its headers.
    login = client.head("/editor/login")
    assert login.status_code == 200 and login.content == b""
    assert login.headers["content-type"].startswith("text/html")
    assert int(login.headers["content-length"]) > 0
    # An editor's page needs the editor on HEAD too.
    assert client.head("/api/me").status_code == 401
    assert client.head("/api/me", headers=auth).status_code == 200


def test_head_where_there_is_no_get_is_refused_as_before(client: TestClient) -> None:
    refused = client.head("/api/jobs/1/cancel")  # POST only
    assert refused.status_code == 405 and "POST" in refused.headers["allow"]
    assert client.head("/nowhere").status_code == 404


def test_a_405_names_every_method_of_the_url(client: TestClient) -> None:
    """RFC 9110 15.5.6: Allow lists the target resource's supported methods."""
    refused = client.request("OPTIONS", "/api/media")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD, POST"
    assert client.put("/api/media/1").headers["allow"] == "GET, HEAD, PATCH, DELETE"
