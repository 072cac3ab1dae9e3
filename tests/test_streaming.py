"""Streaming stored files: Range, HEAD, ETag, Last-Modified and 304, CORS, content types."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from python_multipart.multipart import MultipartParser

from helpers import running_service
from media_service.config import Settings


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
    assert client.get("/files/abc.mp4").status_code == 404  # a file id is a number: no such file


def test_download_link_names_the_file(client: TestClient, upload, film: Path) -> None:
    item = upload(film, published=True)
    response = client.get(item["source"]["url"] + "?download=1")
    assert response.headers["content-disposition"].startswith("attachment;")


def test_behind_nginx_tolk_checks_access_and_nginx_sends_the_bytes(tmp_path: Path, film: Path) -> None:
    """TOLK_ACCEL_REDIRECT_PREFIX: an allowed file is an empty answer naming nginx's internal
    location of its key, with the headers nginx passes on (tests/browser/test_behind_nginx.py
    runs it behind nginx); a refused one never names a location."""
    settings = Settings(
        data_dir=tmp_path / "data", workers=0, storage="local", accel_redirect_prefix="/_tolk_files/"
    )
    with running_service(settings) as (client, auth):
        item = client.post("/api/media", json={"kind": "film", "title": "F"}, headers=auth).json()
        stored = client.put(f"/api/media/{item['id']}/file", content=film.read_bytes(), headers=auth)
        url = stored.json()["source"]["url"]
        (key,) = [k for k in client.app.state.storage.all_keys() if k.endswith(".mp4")]
        refused = client.get(url)
        assert refused.status_code == 404 and "x-accel-redirect" not in refused.headers
        for method in ("GET", "HEAD"):
            sent = client.request(method, url, headers=auth)
            assert sent.status_code == 200 and sent.content == b""
            assert sent.headers["x-accel-redirect"] == f"/_tolk_files/{key}"
            assert sent.headers["content-type"] == "video/mp4"
            assert sent.headers["cache-control"] == "private, no-cache"
            assert sent.headers["access-control-allow-origin"] == "*"
        download = client.get(url + "?download=1", headers=auth)
        assert download.headers["content-disposition"].startswith("attachment;")


@pytest.mark.parametrize("prefix", ["_tolk_files/", "/_tolk_files", "/a/../b/", "/a b/"])
def test_an_accel_redirect_prefix_is_an_absolute_folder_path(prefix: str) -> None:
    with pytest.raises(ValueError, match="accel_redirect_prefix"):
        Settings(accel_redirect_prefix=prefix)


# RFC 9110 range requests and preconditions ---------------------------------------------------
# One published film, shared by the read-only tests below.


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, film: Path) -> Iterator[tuple[TestClient, str, bytes]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("rfc9110") / "data", workers=0)
    with running_service(settings) as (client, auth):
        item = client.post("/api/media", json={"kind": "film", "title": "F", "published": True}, headers=auth)
        stored = client.put(f"/api/media/{item.json()['id']}/file", content=film.read_bytes(), headers=auth)
        yield client, stored.json()["source"]["url"], film.read_bytes()


def byteranges(response: httpx.Response) -> list[tuple[str, str, bytes]]:
    """The parts of a multipart/byteranges body as (Content-Type, Content-Range, data), read by
    python-multipart's parser (an independent referee for RFC 9110 14.6 / RFC 2046 framing)."""
    media_type, _, parameters = response.headers["content-type"].partition(";")
    assert media_type == "multipart/byteranges"
    boundary = parameters.strip().removeprefix("boundary=")
    parts: list[dict] = []
    field: list[bytes] = []

    def begin() -> None:
        parts.append({"headers": {}, "data": b""})

    def header_field(data: bytes, start: int, end: int) -> None:
        field.append(data[start:end])

    def header_value(data: bytes, start: int, end: int) -> None:
        name = b"".join(field).decode().lower()
        parts[-1]["headers"][name] = parts[-1]["headers"].get(name, "") + data[start:end].decode()

    def header_end() -> None:
        field.clear()

    def part_data(data: bytes, start: int, end: int) -> None:
        parts[-1]["data"] += data[start:end]

    callbacks = {
        "on_part_begin": begin,
        "on_header_field": header_field,
        "on_header_value": header_value,
        "on_header_end": header_end,
        "on_part_data": part_data,
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    parser.write(response.content)
    parser.finalize()
    return [(p["headers"]["content-type"], p["headers"]["content-range"], p["data"]) for p in parts]


def test_rfc9110_14_2_satisfiable_parts_of_a_multi_range_are_served(served) -> None:
    """14.1.2 / 15.3.7: unsatisfiable range-specs are dropped, the rest served (206)."""
    client, url, data = served
    size = len(data)
    response = client.get(url, headers={"Range": f"bytes=0-9,{size + 5}-{size + 10}"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 0-9/{size}"
    assert response.headers["content-type"] == "video/mp4"
    assert response.content == data[:10]


def test_rfc9110_14_6_several_ranges_are_multipart_byteranges_in_the_order_asked(served) -> None:
    """14.6 / 15.3.7.2: one part per range, each with Content-Type and Content-Range, in the order
    of the request; overlapping and adjacent ranges coalesced (14.2 allows it)."""
    client, url, data = served
    size = len(data)
    response = client.get(url, headers={"Range": "bytes=500-599, 0-9,5-19,20-29 ,-10"})
    assert response.status_code == 206
    assert "content-range" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)
    assert byteranges(response) == [
        ("video/mp4", f"bytes 500-599/{size}", data[500:600]),
        ("video/mp4", f"bytes 0-29/{size}", data[:30]),
        ("video/mp4", f"bytes {size - 10}-{size - 1}/{size}", data[-10:]),
    ]
    head = client.head(url, headers={"Range": "bytes=0-9,20-29"})
    assert head.status_code == 200 and head.content == b""  # 14.2: Range is defined for GET only


def test_rfc9110_14_1_2_last_pos_past_the_end_and_long_suffixes_are_cut_to_the_file(served) -> None:
    client, url, data = served
    size = len(data)
    tail = client.get(url, headers={"Range": f"bytes={size - 3}-{size + 1000}"})
    assert tail.status_code == 206 and tail.content == data[-3:]
    assert tail.headers["content-range"] == f"bytes {size - 3}-{size - 1}/{size}"
    longer = client.get(url, headers={"Range": f"bytes=-{size * 2}"})
    assert longer.status_code == 206 and longer.content == data
    assert client.get(url, headers={"Range": "BYTES=0-0"}).content == data[:1]  # 14.1: case-insensitive


@pytest.mark.parametrize(
    "value",
    ["items=0-5", "bytes=500-100", "bytes=abc", "bytes=0-9,x-y", "bytes=", "bytes", "0-9", "bytes=--5"],
)
def test_rfc9110_14_2_unknown_units_and_invalid_ranges_are_ignored(served, value: str) -> None:
    """14.2: an origin server MUST ignore a Range with a unit it does not understand, and MAY
    ignore an invalid ranges-specifier (14.1.1): the whole file, 200."""
    client, url, data = served
    response = client.get(url, headers={"Range": value})
    assert response.status_code == 200, value
    assert response.content == data and "content-range" not in response.headers


def test_rfc9110_15_5_17_416_only_when_no_range_is_satisfiable(served) -> None:
    client, url, data = served
    size = len(data)
    for value in (f"bytes={size}-", f"bytes={size}-{size + 9},{size + 20}-", "bytes=-0"):
        response = client.get(url, headers={"Range": value, "Origin": "https://host.example"})
        assert response.status_code == 416, value
        assert response.headers["content-range"] == f"bytes */{size}"
        assert response.json()["error"]["code"] == "range_not_satisfiable"
        assert response.headers["access-control-allow-origin"] == "*"


def test_rfc9110_13_1_1_if_match(served) -> None:
    """If-Match: strong comparison; ``*`` matches any current file; a false one is 412."""
    client, url, _data = served
    etag = client.head(url).headers["etag"]
    for value in (etag, "*", f'"other", {etag}'):
        assert client.get(url, headers={"If-Match": value}).status_code == 200, value
    for value in ('"other"', f"W/{etag}", "garbage"):
        response = client.get(url, headers={"If-Match": value})
        assert response.status_code == 412, value
        assert response.json()["error"]["code"] == "precondition_failed"


def test_rfc9110_13_1_4_if_unmodified_since(served) -> None:
    client, url, _data = served
    modified = parsedate_to_datetime(client.head(url).headers["last-modified"])
    earlier = format_datetime(modified - timedelta(seconds=1), usegmt=True)
    assert (
        client.get(url, headers={"If-Unmodified-Since": format_datetime(modified, usegmt=True)}).status_code
        == 200
    )
    assert client.get(url, headers={"If-Unmodified-Since": earlier}).status_code == 412
    # An invalid date, or a list of dates, is ignored (13.1.4).
    for value in ("yesterday", f"{earlier}, {earlier}"):
        assert client.get(url, headers={"If-Unmodified-Since": value}).status_code == 200, value


def test_rfc9110_13_2_2_preconditions_are_evaluated_in_order(served) -> None:
    client, url, _data = served
    head = client.head(url)
    etag, modified = head.headers["etag"], head.headers["last-modified"]
    long_ago = "Sun, 06 Nov 1994 08:49:37 GMT"
    # Step 1 before 2: a true If-Match makes If-Unmodified-Since irrelevant.
    assert client.get(url, headers={"If-Match": etag, "If-Unmodified-Since": long_ago}).status_code == 200
    # Steps 1-2 before 3-4: 412 wins over 304.
    assert client.get(url, headers={"If-Match": '"x"', "If-None-Match": etag}).status_code == 412
    # Step 3 before 4: If-None-Match present, If-Modified-Since is ignored.
    assert client.get(url, headers={"If-None-Match": '"x"', "If-Modified-Since": modified}).status_code == 200
    # If-None-Match uses the weak comparison (13.1.2): W/ of the tag still matches.
    assert client.get(url, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    # Step 4 before 5: a 304 is not a 206.
    not_modified = client.get(url, headers={"If-Modified-Since": modified, "Range": "bytes=0-9"})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    # 13.1.3: an invalid If-Modified-Since date is ignored.
    assert client.get(url, headers={"If-Modified-Since": "soon"}).status_code == 200


def test_rfc9110_13_1_5_if_range(served) -> None:
    """If-Range: the range is served when the entity-tag matches strongly or the date equals
    Last-Modified; otherwise the whole file (200), never 412."""
    client, url, data = served
    head = client.head(url)
    etag, modified = head.headers["etag"], head.headers["last-modified"]
    for value in (etag, modified):
        response = client.get(url, headers={"Range": "bytes=0-9", "If-Range": value})
        assert response.status_code == 206 and response.content == data[:10], value
    for value in ('"other"', f"W/{etag}", "Sun, 06 Nov 1994 08:49:37 GMT", "nonsense"):
        response = client.get(url, headers={"Range": "bytes=0-9", "If-Range": value})
        assert response.status_code == 200 and response.content == data, value
    # Without Range, If-Range is ignored.
    assert client.get(url, headers={"If-Range": '"other"'}).status_code == 200
