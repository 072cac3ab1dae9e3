"""SIGKILL at random points of 20 uploads (half plain PUT, half tus): `tolk serve` is killed while
uploads stream, are probed and are stored, and restarted on the same data directory. After each
restart no stored file lacks a row, no row lacks its file (of the size and SHA-256 it records),
and no scratch is left; every upload answered 2xx kept its film, and every interrupted one can
be sent (or resumed) again and lands.

The kill times (and each upload's start and pace) are random but seeded: the seed is printed,
and TOLK_CRASH_SEED repeats them; where they land still depends on the machine's speed, so the
test prints how many uploads a kill found streaming, being probed or stored, and answered.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select
from upload_helpers import TUS, metadata

from bench.live_server import LiveServer, live_server, operator_token
from media_service.models import Base, MediaFile
from media_service.storage import LocalStorage

ROUNDS = 2
UPLOADS_PER_ROUND = 10  # 20 in all, PUT and tus taking turns
CHUNK = 8 * 1024
# Quick sweeps, so "the sweeper's next run" comes within the test; no job workers (the uploads'
# variant jobs just wait), no ladders.
SERVICE_SETTINGS = {
    "workers": "0",
    "hls": "false",
    "housekeeping_interval_seconds": "0.5",
    "max_uploads_per_account": str(UPLOADS_PER_ROUND),
}


@dataclass
class Upload:
    """One upload and how far it got before the kill."""

    item_id: int
    method: str  # "put" or "tus"
    upload_id: str = ""  # tus only
    body_sent: bool = False
    status: int | None = None
    error: str = ""
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def phase(self) -> str:
        """Where the kill found it: answered, cut off while streaming, or being stored."""
        if self.status is not None:
            return "answered"
        return "stored-or-probed" if self.body_sent else "streaming"


def _paced(data: bytes, rng: random.Random, upload: Upload, start: int = 0) -> Iterator[bytes]:
    """``data`` from ``start`` in small chunks with short random pauses, so a kill can find it
    mid-body; marks the upload once the last byte is handed over."""
    pause = rng.uniform(0, 0.02)
    for offset in range(start, len(data), CHUNK):
        yield data[offset : offset + CHUNK]
        time.sleep(pause)
    upload.body_sent = True


def _put(client: httpx.Client, upload: Upload, data: bytes, rng: random.Random) -> None:
    response = client.put(f"/api/media/{upload.item_id}/file", content=_paced(data, rng, upload))
    upload.status = response.status_code


def _tus_path(upload: Upload) -> str:
    return f"/api/uploads/{upload.upload_id}"


def _tus_patch(client: httpx.Client, upload: Upload, data: bytes, offset: int, rng: random.Random) -> int:
    headers = {**TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}
    return client.patch(
        _tus_path(upload), content=_paced(data, rng, upload, offset), headers=headers
    ).status_code


def _tus(client: httpx.Client, upload: Upload, data: bytes, rng: random.Random) -> None:
    fields = metadata(item_id=upload.item_id, target="source", filename="film.mp4")
    created = client.post(
        "/api/uploads", headers={**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": fields}
    )
    assert created.status_code == 201, created.text
    upload.upload_id = created.headers["location"].rsplit("/", 1)[1]
    upload.status = _tus_patch(client, upload, data, 0, rng)


def _run(
    send: Callable[..., None],
    client: httpx.Client,
    upload: Upload,
    data: bytes,
    rng: random.Random,
    delay: float,
) -> None:
    time.sleep(delay)
    try:
        send(client, upload, data, rng)
    except httpx.TransportError as error:  # the kill
        upload.error = type(error).__name__


def _film_of(client: httpx.Client, item_id: int) -> dict | None:
    return client.get(f"/api/media/{item_id}").json()["source"]


def _finish_interrupted(client: httpx.Client, upload: Upload, data: bytes) -> None:
    """Send an interrupted upload again (PUT), or resume it as a tus client does: from the
    offset the server gives, and not at all when that is the end (the store has committed)."""
    if upload.method == "put" or not upload.upload_id:
        response = client.put(f"/api/media/{upload.item_id}/file", content=data)
        assert response.status_code in (200, 201), response.text
        return
    head = client.head(_tus_path(upload), headers=TUS)
    assert head.status_code == 200, head.text
    offset = int(head.headers["upload-offset"])
    if offset < len(data):
        status = _tus_patch(client, upload, data, offset, random.Random(0))
        assert status == 204, status


def _stored_entries(data_dir: Path) -> set[str]:
    """Everything under files/ as a storage key; a file's copies (``key.d/``) under its key."""
    files = data_dir / "files"
    entries = set()
    for path in files.glob("*/*"):
        key = path.relative_to(files).as_posix()
        entries.add(key.removesuffix(".d") if path.is_dir() and key.endswith(".d") else key)
    return entries


def check_files_match_rows(data_dir: Path) -> int:
    """No stored file without a row naming it, no row without its file (with the size and
    SHA-256 the row records); returns how many rows name a file."""
    engine = create_engine(f"sqlite:///{data_dir / 'tolk.db'}")
    storage = LocalStorage(data_dir / "files", data_dir / "tmp")
    try:
        with engine.connect() as connection:
            named: set[str] = set()
            for table in Base.metadata.tables.values():
                if "storage_key" in table.c:
                    named |= set(connection.scalars(select(table.c.storage_key)))
            facts = connection.execute(
                select(MediaFile.storage_key, MediaFile.size_bytes, MediaFile.sha256)
            ).all()
    finally:
        engine.dispose()
    assert _stored_entries(data_dir) - named == set(), "stored files no row names"
    assert {key for key in named if not storage.path(key).exists()} == set(), "rows whose file is missing"
    for key, size, sha256 in facts:
        content = storage.path(key).read_bytes()
        assert (len(content), hashlib.sha256(content).hexdigest()) == (size, sha256), key
    return len(named)


def _held(path: Path) -> bool:
    """Whether a process holds ``path`` locked (flock)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def unfinished_uploads(data_dir: Path) -> dict[str, int]:
    """The tus uploads not stored (yet), by id, with their recorded offsets."""
    records = {path.stem: json.loads(path.read_text()) for path in (data_dir / "tmp/uploads").glob("*.json")}
    return {upload_id: record["offset"] for upload_id, record in records.items() if not record["stored"]}


def scratch_left(data_dir: Path) -> list[str]:
    """What interrupted uploads left in the scratch directory: anything but the records of tus
    uploads (kept, stored or not, until they expire) and their data."""
    scratch = data_dir / "tmp"
    left = sorted(path.name for path in scratch.iterdir() if path.name != "uploads")
    kept = {
        f"{upload_id}{suffix}" for upload_id in unfinished_uploads(data_dir) for suffix in (".json", ".bin")
    }
    for path in (scratch / "uploads").glob("*"):
        if path.name not in kept and not (path.suffix == ".json" and json.loads(path.read_text())["stored"]):
            left.append(f"uploads/{path.name}")
    # An owner's lock stays while its process lives (the server running now).
    left += sorted(f"owners/{path.name}" for path in (data_dir / "owners").glob("*") if not _held(path))
    return left


def _kill(server: LiveServer) -> None:
    os.kill(server.process.pid, 9)
    server.process.wait()


def _wait_until_no_scratch(data_dir: Path, timeout: float = 10) -> list[str]:
    """The scratch left once the running service's sweeper has had its next run or two."""
    deadline = time.monotonic() + timeout
    while (left := scratch_left(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def test_uploads_killed_at_random_points_leave_no_file_without_row_nor_row_without_file(
    tmp_path: Path, film: Path
) -> None:
    seed = int(os.environ.get("TOLK_CRASH_SEED", random.randrange(1 << 32)))
    print(f"crash seed {seed} (TOLK_CRASH_SEED={seed} repeats these kill times)")
    rng = random.Random(seed)
    data = film.read_bytes()
    data_dir = tmp_path / "data"
    token = ""
    interrupted: list[Upload] = []
    answered: list[Upload] = []
    phases: dict[str, int] = {}
    known: set[str] = set()  # the tus uploads whose address the client got
    for round_number in range(ROUNDS + 1):
        with live_server(data_dir, **SERVICE_SETTINGS) as server:
            token = token or operator_token(server.env, "crash tests")
            client = httpx.Client(
                base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
            )
            # After the restart, before anything else runs: files and rows agree.
            check_files_match_rows(data_dir)
            left = _wait_until_no_scratch(data_dir)
            assert left == [], left
            for upload in answered:  # answered 2xx: its film survived the kill
                assert _film_of(client, upload.item_id) is not None, upload
            for upload in interrupted:  # whatever was cut off can be sent again and lands
                _finish_interrupted(client, upload, data)
                assert _film_of(client, upload.item_id) is not None, upload
            interrupted, answered = [], []
            check_files_match_rows(data_dir)
            left = _wait_until_no_scratch(data_dir)
            assert left == [], left
            # Unfinished: only uploads whose creation the kill cut short (the client never got
            # their address, so nothing was sent; they expire).
            assert {i for i, offset in unfinished_uploads(data_dir).items() if offset or i in known} == set()
            if round_number == ROUNDS:
                assert check_files_match_rows(data_dir) == 2 * ROUNDS * UPLOADS_PER_ROUND  # films, posters
                break
            uploads = []
            for index in range(UPLOADS_PER_ROUND):
                item = client.post("/api/media", json={"kind": "film", "title": f"{round_number}.{index}"})
                method = "put" if (round_number + index) % 2 == 0 else "tus"
                upload = Upload(item.json()["id"], method)
                send = _put if method == "put" else _tus
                args = (send, client, upload, data, random.Random(rng.random()), rng.uniform(0, 1.0))
                upload.thread = threading.Thread(target=_run, args=args)
                uploads.append(upload)
            kill_after = rng.uniform(0.2, 1.5)
            print(f"round {round_number}: kill after {kill_after:.3f} s")
            for upload in uploads:
                assert upload.thread is not None
                upload.thread.start()
            time.sleep(kill_after)
            _kill(server)
            for upload in uploads:
                assert upload.thread is not None
                upload.thread.join()
                phases[upload.phase] = phases.get(upload.phase, 0) + 1
                known.add(upload.upload_id)
                assert upload.status in (None, 200, 201, 204), upload
                (answered if upload.status else interrupted).append(upload)
    print("where the kills found the uploads:", phases)
