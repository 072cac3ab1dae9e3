"""Plain uploads (PUT a film, POST an interpreter): an optional Content-Digest, Repr-Digest
(RFC 9530) or Content-MD5 is checked, a full disk answers 507, and scratch files a crash left
are removed at start and by the sweeper, never one a live upload holds."""

from __future__ import annotations

import base64
import errno
import fcntl
import hashlib
import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from helpers import running_service
from media_service.config import Settings
from media_service.services import scratch
from media_service.storage import PendingFile


def new_item(client: TestClient, auth: dict[str, str]) -> int:
    return client.post("/api/media", json={"kind": "film", "title": "PUT"}, headers=auth).json()["id"]


def digest(name: str, data: bytes) -> str:
    return base64.b64encode(hashlib.new(name, data).digest()).decode()


def leftovers(client: TestClient) -> list[str]:
    return [p.name for p in client.app.state.storage.scratch.iterdir() if p.is_file()]


def test_digests_are_checked(client: TestClient, auth: dict[str, str], film: Path, interpreter: Path) -> None:
    data = film.read_bytes()
    item_id = new_item(client, auth)
    good = [
        {"Content-Digest": f"sha-256=:{digest('sha256', data)}:"},
        {"Repr-Digest": f"sha-512=:{digest('sha512', data)}:, md5=:AAAA:"},  # md5 is not RFC 9530's: ignored
        {"Content-MD5": digest("md5", data)},
    ]
    for headers in good:
        answer = client.put(f"/api/media/{item_id}/file", content=data, headers={**auth, **headers})
        assert answer.status_code == 201, (headers, answer.text)
    stored = client.get(f"/api/media/{item_id}", headers=auth).json()["source"]["sha256"]
    bad = [
        {"Content-Digest": f"sha-256=:{digest('sha256', data + b'x')}:"},
        {"Repr-Digest": f"sha-512=:{digest('sha512', data[:-1])}:"},
        {"Content-MD5": digest("md5", b"other")},
        {"Content-Digest": f"sha-256=:{digest('sha256', data)}:", "Content-MD5": digest("md5", b"other")},
    ]
    for headers in bad:
        answer = client.put(f"/api/media/{item_id}/file", content=data, headers={**auth, **headers})
        assert answer.status_code == 400, headers
        assert answer.json()["error"]["code"] == "digest_mismatch"
    malformed = [
        {"Content-Digest": "sha-256=not a byte sequence"},
        {"Content-Digest": "md5=:AAAA:"},  # no supported algorithm at all
        {"Content-Digest": "sha-256=:AAAA"},
        {"Content-MD5": "AAAA"},
    ]
    for headers in malformed:
        answer = client.put(f"/api/media/{item_id}/file", content=data, headers={**auth, **headers})
        assert answer.status_code == 400, headers
        assert answer.json()["error"]["message"]
    # Nothing of a refused upload was kept: the film is the last good one, no scratch is left.
    assert client.get(f"/api/media/{item_id}", headers=auth).json()["source"]["sha256"] == stored
    assert leftovers(client) == []
    recording = interpreter.read_bytes()
    wrong = {"Content-Digest": f"sha-256=:{digest('sha256', b'')}:"}
    refused = client.post(f"/api/media/{item_id}/interpreters", content=recording, headers={**auth, **wrong})
    assert refused.status_code == 400
    right = {"Content-Digest": f"sha-256=:{digest('sha256', recording)}:"}
    taken = client.post(f"/api/media/{item_id}/interpreters", content=recording, headers={**auth, **right})
    assert taken.status_code == 201
    assert len(client.get(f"/api/media/{item_id}/interpreters", headers=auth).json()) == 1


def test_a_full_disk_answers_507_and_frees_the_scratch(
    client: TestClient, auth: dict[str, str], film: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = PendingFile.write

    def fill_up(self: PendingFile, chunk: bytes) -> None:
        if self.size:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, chunk[:100])

    monkeypatch.setattr(PendingFile, "write", fill_up)
    data = film.read_bytes()
    answer = client.put(
        f"/api/media/{new_item(client, auth)}/file", content=iter([data[:1000], data[1000:]]), headers=auth
    )
    assert answer.status_code == 507
    assert answer.json()["error"]["code"] == "insufficient_storage"
    assert leftovers(client) == []


def test_abandoned_put_scratch_is_removed_at_start_and_by_the_sweeper(settings: Settings) -> None:
    with running_service(settings) as (client, _auth):
        folder = client.app.state.storage.scratch
    abandoned = folder / f"partial-crashed{scratch.PUT_UPLOAD_SUFFIX}"
    abandoned.write_bytes(b"half a film")
    young = folder / f"partial-young{scratch.PUT_UPLOAD_SUFFIX}"
    young.write_bytes(b"just made")
    live = folder / f"partial-live{scratch.PUT_UPLOAD_SUFFIX}"
    live.write_bytes(b"being received")
    old = time.time() - 2 * scratch.GRACE_SECONDS
    os.utime(abandoned, (old, old))
    os.utime(live, (old, old))
    with open(live, "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # a receiving process holds it, however idle
        with running_service(settings):
            assert not abandoned.exists()
            assert young.exists() and live.exists()
        os.utime(young, (old, old))
        assert scratch.clear_abandoned_put_uploads(folder) == 1
        assert live.exists() and not young.exists()
    assert scratch.clear_abandoned_put_uploads(folder) == 1
    assert not live.exists()
