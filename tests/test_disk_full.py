"""A really full disk: the data directory is a small tmpfs (mounted by the test, which needs
root; skipped with a message otherwise). A plain PUT and a tus upload larger than the space
left are answered 507 with Tolk's JSON error naming the user's file, in Swedish and English,
and the space the request wrote is free again afterwards."""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from helpers import running_service
from media_service.config import Settings

SPACE_MB = 12
MB = 1024 * 1024
BODY = b"\0" * (16 * MB)  # more than the disk holds
# What the database and the folders take may grow by a page or two meanwhile; a kept body would
# be megabytes.
SLACK_BYTES = 256 * 1024


def used_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "small"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs as the data directory needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SPACE_MB}m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"could not mount a tmpfs: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@pytest.fixture
def service(small_disk: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with running_service(Settings(data_dir=small_disk / "data", workers=0)) as running:
        yield running


def item(client: TestClient, auth: dict[str, str]) -> int:
    made = client.post("/api/media", json={"kind": "film", "title": "Full"}, headers=auth)
    assert made.status_code == 201
    return made.json()["id"]


def test_a_put_on_a_full_disk_answers_507_and_frees_the_space(
    service: tuple[TestClient, dict[str, str]], small_disk: Path
) -> None:
    client, auth = service
    item_id = item(client, auth)
    before = used_bytes(small_disk)
    for language, words in (("sv", "disk är full"), ("en", "disk is full")):
        answer = client.put(
            f"/api/media/{item_id}/file?filename=stor.mp4",
            content=iter([BODY[i : i + MB] for i in range(0, len(BODY), MB)]),
            headers={**auth, "Accept-Language": language},
        )
        assert answer.status_code == 507, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        error = answer.json()["error"]
        assert error["code"] == "insufficient_storage"
        assert words in error["message"] and '"stor.mp4"' in error["message"]
        assert used_bytes(small_disk) - before < SLACK_BYTES
    assert client.get(f"/api/media/{item_id}", headers=auth).json()["source"] is None


def test_a_tus_upload_on_a_full_disk_answers_507_and_frees_the_space(
    service: tuple[TestClient, dict[str, str]], small_disk: Path
) -> None:
    client, auth = service
    item_id = item(client, auth)
    fields = {"item_id": str(item_id), "target": "source", "filename": "stor.mkv"}
    metadata = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())
    tus = {**auth, "Tus-Resumable": "1.0.0"}
    before = used_bytes(small_disk)
    for language, words in (("sv", "disk är full"), ("en", "disk is full")):
        created = client.post(
            "/api/uploads", headers={**tus, "Upload-Length": str(len(BODY)), "Upload-Metadata": metadata}
        )
        assert created.status_code == 201, created.text
        location = created.headers["location"]
        answer = client.patch(
            location,
            content=BODY,
            headers={
                **tus,
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
                "Accept-Language": language,
            },
        )
        assert answer.status_code == 507, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        error = answer.json()["error"]
        assert error["code"] == "insufficient_storage"
        assert words in error["message"] and '"stor.mkv"' in error["message"]
        # The record is the truth: nothing past it is kept, so the upload can be resumed from 0.
        assert client.head(location, headers=tus).headers["upload-offset"] == "0"
        assert used_bytes(small_disk) - before < SLACK_BYTES
        assert client.delete(location, headers=tus).status_code == 204
    assert client.get(f"/api/media/{item_id}", headers=auth).json()["source"] is None
