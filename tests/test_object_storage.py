"""Object storage on a real S3 server (SeaweedFS, tests/seaweedfs.py): the S3 backend itself,
and files served from it by proxy and by redirect."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from helpers import running_service
from media_service.config import Settings
from media_service.services.cleanup import sweep_orphans
from media_service.storage import LocalStorage, StoredFileMissing, open_storage
from media_service.storage.s3 import PART_BYTES, S3Storage
from seaweedfs import SeaweedFS


def test_the_test_server_stores_and_reads_ranges(seaweedfs: SeaweedFS) -> None:
    bucket = seaweedfs.make_bucket()
    s3 = seaweedfs.client()
    s3.put_object(Bucket=bucket, Key="ab/one.bin", Body=b"0123456789")
    part = s3.get_object(Bucket=bucket, Key="ab/one.bin", Range="bytes=2-4")
    assert part["Body"].read() == b"234"
    assert part["ContentRange"] == "bytes 2-4/10"
    seaweedfs.drop_bucket(bucket)
    assert bucket not in [entry["Name"] for entry in s3.list_buckets()["Buckets"]]


@pytest.fixture
def bucket(seaweedfs: SeaweedFS) -> Iterator[str]:
    name = seaweedfs.make_bucket()
    yield name
    seaweedfs.drop_bucket(name)


def s3_settings(seaweedfs: SeaweedFS, bucket: str, data_dir: Path, **overrides: object) -> Settings:
    return Settings(
        data_dir=data_dir,
        workers=0,
        storage="s3",
        s3_endpoint_url=seaweedfs.endpoint_url,
        s3_bucket=bucket,
        s3_access_key_id=seaweedfs.access_key_id,
        s3_secret_access_key=seaweedfs.secret_access_key,
        **overrides,
    )


@pytest.fixture
def storage(seaweedfs: SeaweedFS, bucket: str, tmp_path: Path) -> S3Storage:
    opened = open_storage(s3_settings(seaweedfs, bucket, tmp_path / "data"))
    assert isinstance(opened, S3Storage)
    return opened


def _scratch_file(storage: S3Storage, data: bytes) -> Path:
    with storage.pending(".bin") as pending:
        pending.write(data)
        pending.handle.flush()
        kept = pending.path.with_name(pending.path.name + ".kept")
        os.link(pending.path, kept)  # the test's own name: pending removes its own on leaving
    return kept


def test_a_large_file_is_committed_by_multipart_upload_and_read_back_by_ranges(
    storage: S3Storage, seaweedfs: SeaweedFS, bucket: str
) -> None:
    data = os.urandom(2 * PART_BYTES + 12345)  # three parts
    source = _scratch_file(storage, data)
    key = storage.new_key("mp4")
    storage.commit(source, key)
    assert not source.exists()  # no second full copy stays in scratch
    head = seaweedfs.client().head_object(Bucket=bucket, Key=key)
    assert head["ETag"].strip('"').endswith("-3")  # S3 names a multipart object's parts count
    found = storage.stat(key)
    assert found.size == len(data) and found.path is None
    first, last = PART_BYTES - 10, PART_BYTES + 10  # across a part boundary
    assert b"".join(storage.read_range(key, first, last)) == data[first : last + 1]
    assert all(len(chunk) <= 512 * 1024 for chunk in storage.read_range(key, 0, len(data) - 1))
    with storage.local_file(key) as local:
        assert local.read_bytes() == data
        assert local.parent == storage.scratch  # fetched into this process's own scratch
    assert not local.exists()  # and removed after


def test_delete_removes_the_object_what_was_derived_from_it_and_its_folders(storage: S3Storage) -> None:
    key = storage.new_key("mp4")
    other = storage.new_key("mp4")
    storage.write_bytes(key, b"film")
    storage.write_bytes(other, b"another film")
    storage.write_bytes(storage.derived_key(key, "320x180.jpg"), b"thumbnail")
    ladder = storage.scratch / "ladder"
    (ladder / "v0").mkdir(parents=True)
    (ladder / "v0" / "index.m3u8").write_text("#EXTM3U\n")
    (ladder / "v0" / "seg-0.m4s").write_bytes(b"segment")
    (ladder / "master.m3u8").write_text("#EXTM3U\n")
    folder = storage.derived_key(key, "hls-0123")
    storage.commit_folder(ladder, folder)
    assert not ladder.exists()
    assert storage.exists(folder)  # a folder key exists when objects lie under it
    assert storage.read_bytes(f"{folder}/v0/seg-0.m4s") == b"segment"
    assert len(list(storage.all_keys())) == 6
    storage.delete(key)
    assert sorted(storage.all_keys()) == [other]
    assert not storage.exists(key) and not storage.exists(folder)
    storage.delete(key)  # again: nothing left to remove is no error
    with pytest.raises(StoredFileMissing):
        storage.stat(key)
    with pytest.raises(StoredFileMissing):
        storage.read_bytes(key)


def test_the_sweeper_lists_top_level_objects_and_removes_orphans_after_the_grace_period(
    seaweedfs: SeaweedFS, bucket: str, tmp_path: Path, film: Path
) -> None:
    settings = s3_settings(seaweedfs, bucket, tmp_path / "data")
    with running_service(settings) as (client, auth):
        storage: S3Storage = client.app.state.storage
        item = client.post("/api/media", json={"kind": "film", "title": "F"}, headers=auth).json()
        assert client.put(f"/api/media/{item['id']}/file", content=film.read_bytes(), headers=auth).is_success
        named = sorted(key for key, _ in storage.keys_with_times())
        assert len(named) == 2  # the film and its poster
        orphan = storage.new_key("mp4")
        storage.write_bytes(orphan, b"left by a crash on some host")
        storage.write_bytes(storage.derived_key(orphan, "320x180.jpg"), b"its thumbnail")
        # Only top-level keys are listed: what is derived goes with its file.
        assert sorted(key for key, _ in storage.keys_with_times()) == sorted([*named, orphan])
        cut_off = storage.client.create_multipart_upload(Bucket=bucket, Key=storage.new_key("mp4"))
        sessions = client.app.state.sessions
        # Within the grace period nothing goes: its row may be about to commit on another host.
        assert sweep_orphans(sessions, storage) == 0
        assert storage.exists(orphan)
        assert sweep_orphans(sessions, storage, grace_seconds=-60) == 1
        assert sorted(storage.all_keys()) == named
        uploads = storage.client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        assert cut_off["UploadId"] not in [u["UploadId"] for u in uploads]
        assert client.get(f"/api/media/{item['id']}", headers=auth).json()["source"]


@pytest.fixture
def published(
    seaweedfs: SeaweedFS, bucket: str, tmp_path: Path, film: Path
) -> Callable[..., tuple[TestClient, dict, dict[str, str]]]:
    """A service on S3 (``s3_serve`` as asked) with a published film: (client, item, auth)."""
    services: list = []

    def start(**overrides: object) -> tuple[TestClient, dict, dict[str, str]]:
        running = running_service(s3_settings(seaweedfs, bucket, tmp_path / "data", **overrides))
        client, auth = running.__enter__()
        services.append(running)
        fields = {"kind": "film", "title": "F", "published": True}
        created = client.post("/api/media", json=fields, headers=auth).json()
        stored = client.put(f"/api/media/{created['id']}/file", content=film.read_bytes(), headers=auth)
        assert stored.status_code == 201, stored.text
        return client, stored.json(), auth

    yield start
    for running in services:
        running.__exit__(None, None, None)


def test_proxied_files_keep_range_head_and_conditional_requests(published, film: Path) -> None:
    client, item, _ = published(s3_serve="proxy")
    url, data = item["source"]["url"], film.read_bytes()
    whole = client.get(url)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.headers["access-control-allow-origin"] == "*"
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"
    several = client.get(url, headers={"Range": "bytes=0-9, 50-59"})
    assert several.status_code == 206
    assert several.headers["content-type"].startswith("multipart/byteranges")
    assert data[0:10] in several.content and data[50:60] in several.content
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(data)
    etag, modified = head.headers["etag"], head.headers["last-modified"]
    assert whole.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-Match": '"other"'}).status_code == 412
    assert client.get(url, headers={"Range": f"bytes={len(data) + 1}-"}).status_code == 416
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200 and stale.content == data
    poster = client.get(item["poster_url"])
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/jpeg"


def test_redirect_mode_sends_gets_to_a_presigned_url_after_the_access_check(published, film: Path) -> None:
    client, item, auth = published(s3_serve="redirect", s3_presign_seconds=60)
    url, data = item["source"]["url"], film.read_bytes()
    answer = client.get(url, follow_redirects=False)
    assert answer.status_code == 307
    assert answer.headers["cache-control"] == "private, no-store"
    location = answer.headers["location"]
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=60" in location
    fetched = httpx.get(location, headers={"Range": "bytes=10-19"})
    assert fetched.status_code == 206 and fetched.content == data[10:20]
    assert httpx.get(location).content == data
    assert httpx.get(location).headers["content-type"] == "video/mp4"
    download = client.get(url + "?download=1", follow_redirects=False)
    assert httpx.get(download.headers["location"]).headers["content-disposition"].startswith("attachment;")
    # HEAD and conditional requests are answered by Tolk itself, as when it streams.
    head = client.head(url)
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(data)
    assert client.get(url, headers={"If-None-Match": head.headers["etag"]}).status_code == 304
    # An unpublished item's file is refused before any URL is made.
    client.patch(f"/api/media/{item['id']}", json={"published": False}, headers=auth)
    assert client.get(url, follow_redirects=False).status_code == 404


def test_a_missing_object_is_a_clean_404(published, seaweedfs: SeaweedFS, bucket: str) -> None:
    client, item, _ = published()
    storage: S3Storage = client.app.state.storage
    with client.app.state.sessions() as session:
        from media_service.models import MediaFile

        key = session.get(MediaFile, item["source"]["id"]).storage_key
    seaweedfs.client().delete_object(Bucket=bucket, Key=key)
    assert not storage.exists(key)
    for method in ("GET", "HEAD"):
        answer = client.request(method, item["source"]["url"])
        assert answer.status_code == 404
    assert client.get(item["source"]["url"]).json()["error"]["code"] == "not_found"


def test_readiness_names_an_unreachable_store(seaweedfs: SeaweedFS, tmp_path: Path) -> None:
    settings = s3_settings(seaweedfs, f"no-such-bucket-{time.time_ns()}", tmp_path / "data")
    with running_service(settings) as (client, _):
        answer = client.get("/readyz")
        assert answer.status_code == 503
        assert [p["field"] for p in answer.json()["error"]["problems"]] == ["storage"]


def test_the_s3_pass_puts_the_app_fixtures_on_seaweedfs(client: TestClient) -> None:
    """Under TOLK_TEST_STORAGE=s3 (scripts/test's second pass) the service the fixtures start
    stores in a bucket of its own; otherwise on local disk."""
    s3_pass = os.environ.get("TOLK_TEST_STORAGE") == "s3"
    assert isinstance(client.app.state.storage, S3Storage if s3_pass else LocalStorage)


def test_the_doctor_checks_the_bucket(seaweedfs: SeaweedFS, bucket: str, tmp_path: Path) -> None:
    from media_service.doctor import _check_object_storage

    found = _check_object_storage(s3_settings(seaweedfs, bucket, tmp_path / "data"))
    assert found is not None and found.ok and bucket in found.detail
    missing = _check_object_storage(s3_settings(seaweedfs, "no-such-bucket", tmp_path / "data"))
    assert missing is not None and not missing.ok
    assert _check_object_storage(Settings(data_dir=tmp_path / "data", storage="local")) is None
