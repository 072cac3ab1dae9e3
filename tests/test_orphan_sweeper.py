"""Files in storage that no row names (left by a crash between the move into storage and the
commit) are removed after a grace period; files rows name are never touched."""

from __future__ import annotations

import os
import time
from pathlib import Path

from fastapi.testclient import TestClient

from media_service.services.cleanup import ORPHAN_GRACE_SECONDS, sweep_orphans


def test_only_old_files_no_row_names_are_swept(client: TestClient, auth: dict[str, str], film: Path) -> None:
    item = client.post("/api/media", json={"kind": "film", "title": "F"}, headers=auth).json()
    client.put(f"/api/media/{item['id']}/file", content=film.read_bytes(), headers=auth)
    captions = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHej\n"
    client.post(
        f"/api/media/{item['id']}/captions",
        files={"file": ("sv.vtt", captions)},
        data={"language": "sv"},
        headers=auth,
    )
    storage = client.app.state.storage
    kept = sorted(key for key, _ in storage.keys_with_times())
    assert len(kept) == 3  # the film, its poster and the caption track
    long_ago = time.time() - ORPHAN_GRACE_SECONDS - 60
    for key in kept:  # old files, but rows name them
        os.utime(storage.path(key), (long_ago, long_ago))
    orphan = storage.new_key("mp4")
    storage.write_bytes(orphan, b"left by a crash")
    os.utime(storage.path(orphan), (long_ago, long_ago))
    fresh = storage.new_key("jpg")
    storage.write_bytes(fresh, b"its row is about to commit")

    assert sweep_orphans(client.app.state.sessions, storage) == 1
    assert not storage.exists(orphan)
    assert storage.exists(fresh)
    assert sorted(key for key, _ in storage.keys_with_times()) == sorted([*kept, fresh])
    source_url = client.get(f"/api/media/{item['id']}", headers=auth).json()["source"]["url"]
    assert client.get(source_url, headers=auth).status_code == 200
