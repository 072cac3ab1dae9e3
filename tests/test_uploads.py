"""Resumable uploads (tus 1.0) of films, songs and interpreter recordings: an interrupted upload
goes on from the offset the server reports, and a finished one is probed and stored like a
plain PUT, moved out of the scratch directory."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from fastapi import Request
from fastapi.testclient import TestClient
from upload_helpers import TUS, create_upload, metadata, patch

from media_service.deps import declared_length
from media_service.services.resumable import ResumableUploads, uploads_folder


def new_item(client: TestClient, auth: dict[str, str], kind: str = "film") -> int:
    return client.post("/api/media", json={"kind": kind, "title": "Uppladdad"}, headers=auth).json()["id"]


def test_an_interrupted_upload_resumes_from_the_servers_offset(
    client: TestClient, auth: dict[str, str], film: Path
) -> None:
    data = film.read_bytes()
    item_id = new_item(client, auth)
    created = create_upload(
        client, auth, len(data), item_id=item_id, target="source", filename="film.mp4", filetype="video/mp4"
    )
    assert created.status_code == 201, created.text
    location = created.headers["location"]
    half = len(data) // 2
    assert patch(client, auth, location, 0, data[:half]).headers["upload-offset"] == str(half)
    # The connection drops; the client asks how much arrived and goes on from there.
    head = client.head(location, headers={**TUS, **auth})
    assert head.headers["upload-offset"] == str(half)
    assert patch(client, auth, location, 0, data).status_code == 409  # not from the start again
    done = patch(client, auth, location, half, data[half:])
    assert done.status_code == 204, done.text
    item = client.get(f"/api/media/{item_id}", headers=auth).json()
    assert item["source"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert item["source"]["facts"]["video"]["width"] == 320
    stored = client.get(item["source"]["url"], headers=auth)
    assert stored.content == data
    # The data was moved into storage; only the record stays (until it expires), so a client
    # that lost the last answer learns that the upload is complete.
    upload_id = location.rsplit("/", 1)[1]
    assert [p.name for p in uploads_folder(client.app.state.settings).iterdir()] == [f"{upload_id}.json"]
    again = client.head(location, headers={**TUS, **auth})
    assert again.headers["upload-offset"] == again.headers["upload-length"] == str(len(data))
    jobs = client.get(f"/api/media/{item_id}/jobs", headers=auth).json()
    assert [job["kinds"] for job in jobs] == [["web"]]  # made watchable, as after a PUT


def test_an_interpreter_recording_is_uploaded_the_same_way(
    client: TestClient, auth: dict[str, str], interpreter: Path
) -> None:
    data = interpreter.read_bytes()
    item_id = new_item(client, auth)
    created = create_upload(
        client,
        auth,
        len(data),
        item_id=item_id,
        target="interpreter",
        filename="tolk.mp4",
        filetype="video/mp4",
    )
    assert patch(client, auth, created.headers["location"], 0, data).status_code == 204
    recordings = client.get(f"/api/media/{item_id}/interpreters", headers=auth).json()
    assert [(r["language"], r["file"]["sha256"]) for r in recordings] == [
        ("swl", hashlib.sha256(data).hexdigest())
    ]


def test_uploads_that_cannot_be_stored_are_refused_at_creation(
    client: TestClient, auth: dict[str, str]
) -> None:
    item_id = new_item(client, auth)
    assert create_upload(client, auth, 10, target="source", filename="a", filetype="b").status_code == 422
    assert (
        create_upload(
            client, auth, 10, item_id=item_id, target="poster", filename="a", filetype="b"
        ).status_code
        == 422
    )
    assert (
        create_upload(client, auth, 10, item_id=999, target="source", filename="a", filetype="b").status_code
        == 404
    )
    too_large = client.app.state.settings.max_upload_bytes + 1
    refused = create_upload(
        client, auth, too_large, item_id=item_id, target="source", filename="a", filetype="b"
    )
    assert refused.status_code == 413
    headers = {
        **TUS,
        **auth,
        "Upload-Length": "10",
        "Upload-Concat": "partial",
        "Upload-Metadata": metadata(item_id=item_id, target="source", filename="a", filetype="b"),
    }
    assert client.post("/api/uploads", headers=headers).status_code == 400  # concatenation: not offered


def test_a_finished_upload_that_is_not_media_is_refused_and_removed(
    client: TestClient, auth: dict[str, str]
) -> None:
    item_id = new_item(client, auth)
    data = b"this is not a film at all" * 100
    created = create_upload(
        client, auth, len(data), item_id=item_id, target="source", filename="x.mp4", filetype="video/mp4"
    )
    refused = patch(client, auth, created.headers["location"], 0, data)
    assert refused.status_code == 415, refused.text
    assert client.get(f"/api/media/{item_id}", headers=auth).json()["source"] is None
    assert [p.name for p in uploads_folder(client.app.state.settings).iterdir() if p.is_file()] == []
    assert client.head(created.headers["location"], headers={**TUS, **auth}).status_code == 404


def test_expired_uploads_are_swept(client: TestClient, auth: dict[str, str]) -> None:
    settings = client.app.state.settings
    item_id = new_item(client, auth)
    created = [
        create_upload(client, auth, 10, item_id=item_id, target="source", filename="a", filetype="b")
        for _ in range(2)
    ]
    stale, fresh = (response.headers["location"].rsplit("/", 1)[1] for response in created)
    uploads = ResumableUploads(uploads_folder(settings))
    expired = time.time() + 2 * 86400
    assert uploads.sweep(now=expired - 3 * 86400) == 0
    assert uploads.sweep(now=expired) == 4  # both uploads: data and record
    assert sorted(p.name for p in uploads.folder.iterdir()) == []
    assert client.head(created[0].headers["location"], headers={**TUS, **auth}).status_code == 404
    assert stale != fresh


def test_an_item_id_that_is_not_plain_digits_is_refused_not_a_crash(
    client: TestClient, auth: dict[str, str]
) -> None:
    # "²".isdigit() is True, but int("²") raises: only ASCII digits are an id.
    upload = create_upload(client, auth, 10, item_id="²", target="source", filename="a", filetype="b")
    assert upload.status_code == 422
    assert client.patch("/api/media/%C2%B2", json={"title": "x"}, headers=auth).status_code == 422
    assert client.delete("/api/media/%C2%B2", headers=auth).status_code == 422
    assert client.put("/api/media/%C2%B2/file", content=b"x", headers=auth).status_code == 422


def test_a_body_that_is_not_json_is_refused_not_a_crash(client: TestClient, auth: dict[str, str]) -> None:
    body = b'{"kind": "film", "title": "x"}'
    for content_type, content in [
        ("application/json", b'{"kind": "film", "title": '),
        ("application/jsonp", b"callback(" + body + b")"),
        ("application/jsonp", body),
    ]:
        response = client.post("/api/media", content=content, headers={**auth, "Content-Type": content_type})
        assert 400 <= response.status_code < 500, (content_type, response.status_code)
    # A JSON type FastAPI takes (a "+json" suffix) is still read and logged.
    vendor = client.post(
        "/api/media", content=body, headers={**auth, "Content-Type": "application/vnd.tolk+json"}
    )
    assert vendor.status_code == 201, vendor.text


def test_declared_length_takes_ascii_digits_only() -> None:
    def length(value: str | None) -> int | None:
        headers = [(b"content-length", value.encode())] if value is not None else []
        return declared_length(Request({"type": "http", "headers": headers}))

    assert length("1234") == 1234
    assert [length(v) for v in (None, "", "²", "-1", " 12", "1e3", "12 ")] == [None] * 7
