"""Files in storage that no row names (left by a crash between the move into storage and the
commit) are removed: at once when the process moving them in has died, else after a grace
period; files rows name are never touched, nor what a live process is working on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from media_service.services.cleanup import ORPHAN_GRACE_SECONDS, sweep_orphans
from media_service.storage import LocalStorage


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


def _in_a_process_that_dies(storage: LocalStorage, code: str) -> str:
    """Run ``code`` with ``storage`` (its own, on the same folders) in a child process that
    then ends at once, with no clean-up of any kind; returns what it printed."""
    script = (
        "import os, sys\nfrom pathlib import Path\nfrom media_service.storage import LocalStorage\n"
        "storage = LocalStorage(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        f"{code}\nsys.stdout.flush(); os._exit(0)\n"
    )
    command = [sys.executable, "-c", script, str(storage.root), str(storage.scratch)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def test_a_file_whose_process_died_before_its_commit_is_swept_at_once(
    client: TestClient, auth: dict[str, str]
) -> None:
    storage: LocalStorage = client.app.state.storage
    sessions = client.app.state.sessions
    orphan = _in_a_process_that_dies(
        storage,
        "key = storage.new_key('mp4')\nstorage.mark_entering(key)\n"
        "storage.write_bytes(key, b'x')\nprint(key)",
    )
    live = storage.new_key("mp4")  # this process's change, still under way however old
    storage.mark_entering(live)
    storage.write_bytes(live, b"its row is about to commit")
    long_ago = time.time() - ORPHAN_GRACE_SECONDS - 60
    os.utime(storage.path(live), (long_ago, long_ago))
    assert storage.exists(orphan)

    assert sweep_orphans(sessions, storage) == 1  # no grace period for the dead
    assert not storage.exists(orphan)
    assert storage.exists(live)
    assert [key for key, alive, _ in storage.entering()] == [live]  # the dead one's mark went too
    storage.settle(live)
    assert list(storage.entering()) == []
    assert storage.clear_abandoned_scratch() == 0
    assert [p.name for p in (storage.scratch.parent / "owners").iterdir()] == [f"{storage.owner}.lock"]


def test_scratch_of_a_process_that_died_is_removed_at_once_and_a_live_ones_kept(
    client: TestClient, auth: dict[str, str]
) -> None:
    storage: LocalStorage = client.app.state.storage
    _in_a_process_that_dies(
        storage, "path = storage.scratch_path('.jpg').__enter__(); path.write_bytes(b'x')"
    )
    with storage.scratch_path(".jpg") as mine:
        assert len(list(storage.scratch.glob("partial-*"))) == 2
        assert storage.clear_abandoned_scratch() == 1
        assert list(storage.scratch.glob("partial-*")) == [mine]  # just made, but its owner lives
