"""The tus 1.0 server, request by request (httpx through the app): each extension it offers, and
each way the library it replaced stored a corrupted film or accepted what it should refuse."""

from __future__ import annotations

import base64
import errno
import fcntl
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from upload_helpers import TUS, create_upload, metadata, patch, upload_id

from helpers import running_service
from media_service.config import Settings
from media_service.services import resumable
from media_service.services.resumable import record, uploads_folder

OFFSET_STREAM = {"Content-Type": "application/offset+octet-stream"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """One service for the module (each test makes its own items and uploads)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("tus") / "data", workers=0)
    with running_service(settings) as running:
        yield running


def new_item(client: TestClient, auth: dict[str, str]) -> int:
    return client.post("/api/media", json={"kind": "film", "title": "tus"}, headers=auth).json()["id"]


def start(client: TestClient, auth: dict[str, str], data: bytes, **fields: object) -> str:
    """A new upload of ``data`` for a new film item; returns its Location."""
    fields = {"item_id": new_item(client, auth), "target": "source", "filename": "f.mp4", **fields}
    created = create_upload(client, auth, len(data), **fields)
    assert created.status_code == 201, created.text
    return created.headers["location"]


def offset(client: TestClient, auth: dict[str, str], location: str) -> int:
    head = client.head(location, headers={**TUS, **auth})
    assert head.status_code == 200
    return int(head.headers["upload-offset"])


def data_file(client: TestClient, location: str) -> Path:
    return uploads_folder(client.app.state.settings) / f"{upload_id(location)}.bin"


def stored_source(client: TestClient, auth: dict[str, str], location: str) -> bytes | None:
    """The film stored for the item the upload at ``location`` was for (None: none)."""
    kept = resumable.ResumableUploads(uploads_folder(client.app.state.settings))._load(upload_id(location))
    item_id = kept.fields["item_id"] if kept else None
    if item_id is None:
        return None
    source = client.get(f"/api/media/{item_id}", headers=auth).json()["source"]
    return client.get(source["url"], headers=auth).content if source else None


def upload_files(client: TestClient) -> set[str]:
    return {path.name for path in uploads_folder(client.app.state.settings).iterdir()}


def sha1(data: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(data).digest()).decode()


def chunked(data: bytes, size: int = 4096) -> Iterator[bytes]:
    """A body sent without Content-Length (chunked), so the server sees its size only as it streams."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_discovery_needs_no_credentials_on_both_url_forms(client: TestClient) -> None:
    for path in ("/api/uploads", "/api/uploads/"):
        answer = client.options(path)
        assert answer.status_code == 204, path
        assert answer.headers["tus-version"] == "1.0.0"
        assert answer.headers["tus-resumable"] == "1.0.0"
        # Exactly what is implemented: no creation-defer-length, no concatenation.
        assert (
            answer.headers["tus-extension"] == "creation,creation-with-upload,termination,expiration,checksum"
        )
        assert answer.headers["tus-checksum-algorithm"] == "sha1,sha256,md5"
        assert int(answer.headers["tus-max-size"]) == client.app.state.settings.max_upload_bytes


def test_cors_preflight_and_answers_for_allowed_origins_only(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=0, upload_origins="https://cms.example.org")
    with running_service(settings) as (client, auth):
        preflight = {
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "upload-offset",
        }
        allowed = client.options(
            "/api/uploads/0123", headers={"Origin": "https://cms.example.org", **preflight}
        )
        assert allowed.status_code == 204
        assert allowed.headers["access-control-allow-origin"] == "https://cms.example.org"
        assert "PATCH" in allowed.headers["access-control-allow-methods"]
        assert "Upload-Offset" in allowed.headers["access-control-allow-headers"]
        assert "access-control-allow-credentials" not in allowed.headers  # API tokens, never cookies
        other = client.options("/api/uploads", headers={"Origin": "https://evil.example", **preflight})
        assert other.status_code == 204 and "access-control-allow-origin" not in other.headers
        # The real request's answer (an error too) can be read by the allowed page.
        refused = client.post("/api/uploads", headers={**TUS, "Origin": "https://cms.example.org"})
        assert refused.status_code == 401
        assert refused.headers["access-control-allow-origin"] == "https://cms.example.org"
        created = create_upload(
            client,
            {**auth, "Origin": "https://cms.example.org"},
            5,
            item_id=new_item(client, auth),
            target="source",
        )
        assert "Location" in created.headers["access-control-expose-headers"]
    same_origin_only = Settings(data_dir=tmp_path / "other", workers=0)
    with running_service(same_origin_only) as (client, _auth):
        answer = client.options("/api/uploads", headers={"Origin": "https://cms.example.org", **preflight})
        assert "access-control-allow-origin" not in answer.headers


def test_location_comes_from_the_public_url_not_forwarding_headers(
    client: TestClient, auth: dict[str, str]
) -> None:
    forged = {
        **auth,
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "https",
        "Host": "evil.example",
    }
    created = create_upload(client, forged, 5, item_id=new_item(client, auth), target="source")
    public = client.app.state.settings.public_url
    assert created.headers["location"].startswith(f"{public}/api/uploads/")
    assert created.headers["tus-resumable"] == "1.0.0"
    assert "upload-expires" in created.headers  # expiration: known at creation


def test_creation_refuses_bad_lengths_and_what_is_not_offered(
    client: TestClient, auth: dict[str, str]
) -> None:
    before = upload_files(client)
    item_id = new_item(client, auth)
    fields = metadata(item_id=item_id, target="source")
    for length in ("-5", "abc", "", "1e3", " 5"):
        answer = client.post(
            "/api/uploads", headers={**TUS, **auth, "Upload-Length": length, "Upload-Metadata": fields}
        )
        assert answer.status_code == 400, length
        assert answer.json()["error"]["message"]
    deferred = client.post(
        "/api/uploads", headers={**TUS, **auth, "Upload-Defer-Length": "1", "Upload-Metadata": fields}
    )
    assert deferred.status_code == 400 and "Upload-Defer-Length" in deferred.json()["error"]["message"]
    unversioned = client.post(
        "/api/uploads", headers={**auth, "Upload-Length": "5", "Upload-Metadata": fields}
    )
    assert unversioned.status_code == 412 and unversioned.headers["tus-version"] == "1.0.0"
    for bad in (
        "item_id",
        "item_id MQ==,item_id Mg==",
        "item_id not*base64",
        "k\u00e4y MQ==".encode(),
        "k\ty MQ==",
    ):
        answer = client.post(
            "/api/uploads", headers={**TUS, **auth, "Upload-Length": "5", "Upload-Metadata": bad}
        )
        assert answer.status_code in (400, 422), bad
    assert upload_files(client) == before


def test_head_echoes_metadata_and_is_never_cached(client: TestClient, auth: dict[str, str]) -> None:
    item_id = new_item(client, auth)
    sent = metadata(item_id=item_id, target="source", filename="Vinter å.mp4")
    created = client.post(
        "/api/uploads", headers={**TUS, **auth, "Upload-Length": "10", "Upload-Metadata": sent}
    )
    head = client.head(created.headers["location"], headers={**TUS, **auth})
    assert head.headers["upload-metadata"] == sent
    assert head.headers["upload-offset"] == "0" and head.headers["upload-length"] == "10"
    assert head.headers["cache-control"] == "no-store"
    assert client.head(created.headers["location"], headers=auth).status_code == 412
    assert client.head(created.headers["location"], headers=TUS).status_code == 401


def test_a_refused_patch_writes_nothing(client: TestClient, auth: dict[str, str], film: Path) -> None:
    """415 (wrong Content-Type), 412 (no Tus-Resumable), 409 (wrong offset), 400 (a body longer
    than declared, with or without Content-Length), 460 (checksum): none keeps a byte, and the
    upload then finishes byte-identical."""
    data = film.read_bytes()
    location = start(client, auth, data)
    half = len(data) // 2
    assert patch(client, auth, location, 0, data[:half]).status_code == 204
    rest = data[half:]
    refusals = [
        client.patch(location, content=rest, headers={**TUS, **auth, "Upload-Offset": str(half)}),
        client.patch(
            location,
            content=rest,
            headers={**TUS, **auth, "Upload-Offset": str(half), "Content-Type": "text/plain"},
        ),
        client.patch(location, content=rest, headers={**auth, **OFFSET_STREAM, "Upload-Offset": str(half)}),
        patch(client, auth, location, half - 10, data[half - 10 :]),
        patch(client, auth, location, half, rest + b"extra"),
        client.patch(
            location,
            content=chunked(rest + b"extra"),
            headers={**TUS, **auth, **OFFSET_STREAM, "Upload-Offset": str(half)},
        ),
        client.patch(
            location,
            content=rest,
            headers={
                **TUS,
                **auth,
                **OFFSET_STREAM,
                "Upload-Offset": str(half),
                "Upload-Checksum": sha1(rest + b"x"),
            },
        ),
        client.patch(
            location, content=rest, headers={**TUS, **auth, **OFFSET_STREAM, "Upload-Offset": "half"}
        ),
    ]
    assert [r.status_code for r in refusals] == [415, 415, 412, 409, 400, 400, 460, 400]
    assert all(r.json()["error"]["message"] for r in refusals)
    assert offset(client, auth, location) == half
    assert data_file(client, location).stat().st_size == half
    assert stored_source(client, auth, location) is None
    done = patch(client, auth, location, half, rest)
    assert done.status_code == 204 and done.headers["upload-offset"] == str(len(data))
    assert stored_source(client, auth, location) == data


def test_bytes_past_the_record_after_a_crash_are_cut_off(settings: Settings, film: Path) -> None:
    """The server died after writing part of a chunk but before its record said so: the record is
    the truth, at start the data is cut back to it, and the resumed upload is byte-identical."""
    data = film.read_bytes()
    half = len(data) // 2
    with running_service(settings) as (client, auth):
        location = start(client, auth, data)
        assert patch(client, auth, location, 0, data[:half]).status_code == 204
        path = data_file(client, location)
    with open(path, "ab") as handle:  # what a crash mid-PATCH leaves: bytes the record does not count
        handle.write(os.urandom(half // 2))
    with running_service(settings) as (client, auth):
        assert path.stat().st_size == half  # cut back at start
        with open(path, "ab") as handle:  # and again by the next request, if it happens while running
            handle.write(b"junk")
        assert offset(client, auth, location) == half
        assert patch(client, auth, location, half, data[half:]).status_code == 204
        assert stored_source(client, auth, location) == data


@pytest.mark.local_storage
def test_data_also_linked_into_storage_is_cut_back_on_a_copy_of_its_own(
    settings: Settings, film: Path
) -> None:
    """Killed between the store's commit and the upload's record saying so, the data is still
    linked into storage as the stored film: cutting it back at start must leave that film whole."""
    data = film.read_bytes()
    half = len(data) // 2
    with running_service(settings) as (client, auth):
        location = start(client, auth, data)
        assert patch(client, auth, location, 0, data[:half]).status_code == 204
        path = data_file(client, location)
    with open(path, "ab") as handle:  # the last request's bytes, past the record
        handle.write(data[half:])
    stored = settings.files_dir / "ab" / "stored.mp4"  # what finishing moved into storage
    stored.parent.mkdir(parents=True)
    os.link(path, stored)
    with running_service(settings) as (client, auth):
        assert stored.read_bytes() == data  # untouched
        assert path.stat().st_size == half and path.stat().st_nlink == 1
        assert offset(client, auth, location) == half
        assert patch(client, auth, location, half, data[half:]).status_code == 204
        assert stored_source(client, auth, location) == data
        assert stored.read_bytes() == data


def test_checksums_of_each_algorithm(client: TestClient, auth: dict[str, str], film: Path) -> None:
    data = film.read_bytes()
    location = start(client, auth, data)
    third = len(data) // 3
    parts = [data[:third], data[third : 2 * third], data[2 * third :]]
    for position, algorithm, part in zip(
        (0, third, 2 * third), ("sha1", "sha256", "md5"), parts, strict=True
    ):
        digest = base64.b64encode(hashlib.new(algorithm, part).digest()).decode()
        answer = client.patch(
            location,
            content=part,
            headers={
                **TUS,
                **auth,
                **OFFSET_STREAM,
                "Upload-Offset": str(position),
                "Upload-Checksum": f"{algorithm} {digest}",
            },
        )
        assert answer.status_code == 204, answer.text
    assert stored_source(client, auth, location) == data


def test_unknown_checksum_algorithms_are_refused(client: TestClient, auth: dict[str, str]) -> None:
    location = start(client, auth, b"0123456789")
    for checksum in ("crc32 AAAAAA==", "sha1 not-base64!", "sha1 AAAA", "sha1"):
        answer = client.patch(
            location,
            content=b"0123456789",
            headers={**TUS, **auth, **OFFSET_STREAM, "Upload-Offset": "0", "Upload-Checksum": checksum},
        )
        assert answer.status_code == 400, checksum
    assert offset(client, auth, location) == 0


def test_a_whole_file_checksum_is_checked_before_the_file_is_stored(
    client: TestClient, auth: dict[str, str], film: Path
) -> None:
    before = upload_files(client)
    data = film.read_bytes()
    wrong = "sha256 " + base64.b64encode(hashlib.sha256(data + b"x").digest()).decode()
    location = start(client, auth, data, checksum=wrong)
    refused = patch(client, auth, location, 0, data)
    assert refused.status_code == 460
    assert client.head(location, headers={**TUS, **auth}).status_code == 404  # the upload ended
    assert upload_files(client) == before
    right = "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()
    location = start(client, auth, data, checksum=right)
    assert patch(client, auth, location, 0, data).status_code == 204
    assert stored_source(client, auth, location) == data


def test_creation_with_upload_stores_the_film(client: TestClient, auth: dict[str, str], film: Path) -> None:
    data = film.read_bytes()
    item_id = new_item(client, auth)
    headers = {
        **TUS,
        **auth,
        **OFFSET_STREAM,
        "Upload-Length": str(len(data)),
        "Upload-Metadata": metadata(item_id=item_id, target="source", filename="f.mp4"),
    }
    created = client.post("/api/uploads", content=chunked(data, 65536), headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["upload-offset"] == str(len(data))
    source = client.get(f"/api/media/{item_id}", headers=auth).json()["source"]
    assert source["sha256"] == hashlib.sha256(data).hexdigest()
    # Part of the file at creation, the rest by PATCH.
    partial = client.post(
        "/api/uploads", content=data[:1000], headers={**headers, "Upload-Checksum": sha1(data[:1000])}
    )
    assert partial.status_code == 201 and partial.headers["upload-offset"] == "1000"
    assert patch(client, auth, partial.headers["location"], 1000, data[1000:]).status_code == 204


def test_creation_with_a_refused_body_keeps_nothing(client: TestClient, auth: dict[str, str]) -> None:
    before = upload_files(client)
    item_id = new_item(client, auth)
    headers = {
        **TUS,
        **auth,
        **OFFSET_STREAM,
        "Upload-Length": "10",
        "Upload-Metadata": metadata(item_id=item_id, target="source"),
    }
    too_long = client.post("/api/uploads", content=chunked(b"x" * 20, 3), headers=headers)
    assert too_long.status_code == 400
    wrong = client.post("/api/uploads", content=b"x" * 5, headers={**headers, "Upload-Checksum": sha1(b"y")})
    assert wrong.status_code == 460
    not_offset = client.post(
        "/api/uploads", content=b"x" * 5, headers={**headers, "Content-Type": "video/mp4"}
    )
    assert not_offset.status_code == 415
    not_media = client.post("/api/uploads", content=b"x" * 10, headers=headers)
    assert not_media.status_code == 415  # complete, probed, refused
    assert upload_files(client) == before


def test_termination(client: TestClient, auth: dict[str, str]) -> None:
    before = upload_files(client)
    location = start(client, auth, b"0123456789")
    assert patch(client, auth, location, 0, b"01234").status_code == 204
    assert client.delete(location, headers=auth).status_code == 412
    assert client.delete(location, headers={**TUS, **auth}).status_code == 204
    assert client.head(location, headers={**TUS, **auth}).status_code == 404
    assert patch(client, auth, location, 5, b"56789").status_code == 404
    assert upload_files(client) == before


def test_expired_uploads_answer_410(
    client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    location = start(client, auth, b"0123456789")
    answer = patch(client, auth, location, 0, b"01234")
    assert "upload-expires" in answer.headers  # expiration: in every PATCH answer
    monkeypatch.setattr(record, "KEEP_SECONDS", -1.0)
    assert patch(client, auth, location, 5, b"5").status_code == 204  # its new expiry: the past
    assert client.head(location, headers={**TUS, **auth}).status_code == 410
    assert patch(client, auth, location, 6, b"6").status_code == 410


def test_a_record_being_saved_when_the_server_died_is_swept_at_once(
    client: TestClient, auth: dict[str, str]
) -> None:
    """Records are saved under their upload's lock, so a temporary one nobody holds is a
    crash's, however young; one whose upload a request holds is kept."""
    location = start(client, auth, b"0123456789")
    uploads = resumable.ResumableUploads(uploads_folder(client.app.state.settings))
    temporary = uploads.folder / f"{upload_id(location)}.json.0badf00d.tmp"
    temporary.write_text("{")
    with uploads.writing(upload_id(location)):
        uploads.sweep()
        assert temporary.exists()  # a live request's
    uploads.sweep()
    assert not temporary.exists()
    assert offset(client, auth, location) == 0  # the upload itself stays


def test_expired_uploads_are_swept_while_the_service_runs(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings.model_copy(update={"housekeeping_interval_seconds": 0.05})
    with running_service(settings) as (client, auth):
        fresh = start(client, auth, b"0123456789")
        monkeypatch.setattr(record, "KEEP_SECONDS", -1.0)
        expired = start(client, auth, b"0123456789")
        deadline = time.monotonic() + 10
        while data_file(client, expired).with_suffix(".json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.head(expired, headers={**TUS, **auth}).status_code == 404  # swept: data and record
        assert not data_file(client, expired).exists()
        assert data_file(client, fresh).exists()


def test_a_second_writer_is_told_to_wait(client: TestClient, auth: dict[str, str]) -> None:
    location = start(client, auth, b"0123456789")
    with open(data_file(client, location), "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # as a request in flight holds it
        assert patch(client, auth, location, 0, b"01234").status_code == 423
    assert patch(client, auth, location, 0, b"01234").status_code == 204


def test_a_process_started_during_a_request_does_not_keep_the_upload_held(
    client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process started by another thread (ffmpeg for a poster, say) shares every open file
    from its fork to its exec: the upload's lock must not live on in it after the request."""
    location = start(client, auth, b"0123456789")
    started: list[subprocess.Popen[bytes]] = []
    real_fsync = os.fsync

    def fsync_while_a_process_starts(fd: int) -> None:
        real_fsync(fd)
        if not started:  # the child has the upload's open file, as one between fork and exec has
            started.append(
                subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], pass_fds=(fd,))
            )

    monkeypatch.setattr(os, "fsync", fsync_while_a_process_starts)
    try:
        assert patch(client, auth, location, 0, b"012").status_code == 204
        assert started and started[0].poll() is None
        assert patch(client, auth, location, 3, b"345").status_code == 204  # not 423
    finally:
        for process in started:
            process.kill()
            process.wait()


def test_a_full_disk_answers_507_and_keeps_nothing_of_the_request(
    client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    location = start(client, auth, b"x" * 100_000)
    assert patch(client, auth, location, 0, b"x" * 10).status_code == 204
    real_pwrite = os.pwrite
    calls = []

    def fill_up(fd: int, data: bytes, position: int) -> int:
        # The disk takes part of the chunk, then is full.
        calls.append(position)
        real_pwrite(fd, bytes(data[: len(data) // 2]), position)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "pwrite", fill_up)
    full = client.patch(
        location,
        content=chunked(b"x" * 50_000),
        headers={**TUS, **auth, **OFFSET_STREAM, "Upload-Offset": "10"},
    )
    monkeypatch.undo()
    assert full.status_code == 507
    assert full.json()["error"]["code"] == "insufficient_storage"
    assert calls == [10]
    assert data_file(client, location).stat().st_size == 10  # what this request wrote was freed
    assert offset(client, auth, location) == 10


def test_the_openapi_document_has_one_path_per_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert sorted(p for p in paths if p.startswith("/api/uploads")) == [
        "/api/uploads",
        "/api/uploads/{upload_id}",
    ]
    patch_operation = paths["/api/uploads/{upload_id}"]["patch"]
    parameters = {p["name"] for p in patch_operation["parameters"]}
    assert parameters == {"upload_id", "Tus-Resumable", "Upload-Offset", "Upload-Checksum"}
    assert "application/offset+octet-stream" in patch_operation["requestBody"]["content"]
    assert {"204", "409", "460"} <= set(patch_operation["responses"])
    assert set(paths["/api/uploads"]) == {"options", "post"}
    assert "security" not in paths["/api/uploads"]["options"]
