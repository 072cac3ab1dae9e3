"""Streaming stored files: Range, HEAD, ETag, Last-Modified and 304, CORS, content types."""

from __future__ import annotations

import random
from pathlib import Path

from fastapi.testclient import TestClient


def test_random_byte_ranges_match_the_file(client: TestClient, upload, film: Path) -> None:
    item = upload(film, published=True)
    url = item["source"]["url"]
    data = film.read_bytes()
    rng = random.Random(7)
    for _ in range(25):
        start = rng.randrange(len(data))
        end = rng.randrange(start, min(len(data), start + 50_000))
        response = client.get(url, headers={"Range": f"bytes={start}-{end}"})
        assert response.status_code == 206
        assert response.headers["content-range"] == f"bytes {start}-{end}/{len(data)}"
        assert response.content == data[start : end + 1]
    suffix = client.get(url, headers={"Range": "bytes=-100"})
    assert suffix.status_code == 206 and suffix.content == data[-100:]
    open_ended = client.get(url, headers={"Range": f"bytes={len(data) - 10}-"})
    assert open_ended.content == data[-10:]
    whole = client.get(url)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "video/mp4"


def test_unsatisfiable_range_is_416(client: TestClient, upload, film: Path) -> None:
    item = upload(film, published=True)
    size = film.stat().st_size
    response = client.get(item["source"]["url"], headers={"Range": f"bytes={size + 10}-{size + 20}"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"


def test_head_and_conditional_requests(client: TestClient, upload, film: Path) -> None:
    item = upload(film, published=True)
    url = item["source"]["url"]
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == film.stat().st_size
    etag, modified = head.headers["etag"], head.headers["last-modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert head.headers["cache-control"] == "public, max-age=300"
    assert head.headers["access-control-allow-origin"] == "*"


def test_files_of_unpublished_items_need_a_token(
    client: TestClient, auth: dict[str, str], upload, film: Path
) -> None:
    item = upload(film)
    assert client.get(item["source"]["url"]).status_code == 404
    private = client.get(item["source"]["url"], headers=auth)
    assert private.status_code == 200
    assert private.headers["cache-control"].startswith("private")


def test_unknown_files_are_404(client: TestClient, upload, film: Path) -> None:
    item = upload(film, published=True)
    assert client.get("/files/999.mp4").status_code == 404
    wrong_extension = item["source"]["url"].replace(".mp4", ".mkv")
    assert client.get(wrong_extension).status_code == 404
    assert client.get("/files/abc.mp4").status_code == 422


def test_download_link_names_the_file(client: TestClient, upload, film: Path) -> None:
    item = upload(film, published=True)
    response = client.get(item["source"]["url"] + "?download=1")
    assert response.headers["content-disposition"].startswith("attachment;")
