"""Independent tus clients against a real ``tolk serve``: tuspy (PyPI) and tus-js-client (npm,
run with node). A 50 MB film (raw video in Matroska) survives the client being SIGKILLed
halfway and the server being SIGKILLed mid-PATCH again and again: byte-identical every time."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from tolk_process import TolkProcess

from media_service.services import scratch

CLIENTS = Path(__file__).parent / "tus_clients"
NODE = shutil.which("node")
TUS_JS = CLIENTS / "node_modules" / "tus-js-client"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def big_film(made: Callable[..., Path]) -> Path:
    """About 50 MB of raw 320x180 video (24.3 s at 25 fps) in Matroska: every frame differs."""
    return made(
        "raw50.mkv",
        *("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "24.3"),
        *("-c:v", "rawvideo", "-pix_fmt", "yuv420p"),
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TolkProcess]:
    tolk = TolkProcess(tmp_path_factory.mktemp("tus-live") / "data")
    tolk.start()
    yield tolk
    tolk.stop()


@pytest.fixture(scope="module")
def token(server: TolkProcess) -> str:
    return server.token()


@pytest.fixture(scope="module")
def api(server: TolkProcess, token: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:
        yield client


@pytest.fixture(scope="module")
def node() -> str:
    if NODE is None or not TUS_JS.exists():
        message = "node and tus-js-client are needed (scripts/setup installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return NODE


def new_item(api: httpx.Client, title: str) -> int:
    return api.post("/api/media", json={"kind": "film", "title": title}).json()["id"]


def stored_sha256(api: httpx.Client, item_id: int) -> str | None:
    """The SHA-256 of the film as served back (None: no film)."""
    source = api.get(f"/api/media/{item_id}").json()["source"]
    if source is None:
        return None
    digest = hashlib.sha256()
    with api.stream("GET", source["url"]) as response:
        for block in response.iter_bytes(MB):
            digest.update(block)
    assert digest.hexdigest() == source["sha256"]
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extra_args(film: Path, store: Path, fields: str, extra: tuple[str, ...]) -> list[str]:
    return [str(film), str(store), str(2 * MB), fields, *extra]


def tuspy(
    server: TolkProcess, token: str, film: Path, store: Path, item_id: int, *extra: str
) -> subprocess.Popen[str]:
    fields = json.dumps({"item_id": str(item_id), "target": "source", "filename": film.name})
    return subprocess.Popen(
        [
            sys.executable,
            str(CLIENTS / "tuspy_upload.py"),
            f"{server.url}/api/uploads",
            token,
            *extra_args(film, store, fields, extra),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )


def tus_js(
    node: str, server: TolkProcess, token: str, film: Path, item_id: int, **options: object
) -> subprocess.Popen[str]:
    settings = {
        "endpoint": f"{server.url}/api/uploads",
        "token": token,
        "file": str(film),
        "metadata": {"item_id": str(item_id), "target": "source", "filename": film.name},
        **options,
    }
    return subprocess.Popen(
        [node, str(CLIENTS / "upload.mjs"), json.dumps(settings)], stdout=subprocess.PIPE, text=True
    )


def last_event(client: subprocess.Popen[str]) -> dict:
    out, _ = client.communicate(timeout=120)
    return json.loads(out.strip().splitlines()[-1])


def test_tuspy_killed_halfway_resumes_byte_identical(
    server: TolkProcess, token: str, api: httpx.Client, big_film: Path, tmp_path: Path
) -> None:
    item_id = new_item(api, "tuspy")
    size = big_film.stat().st_size
    store = tmp_path / "tuspy-urls.json"
    first = tuspy(server, token, big_film, store, item_id)
    assert first.stdout is not None
    for line in first.stdout:
        if int(line) >= size // 2:
            first.kill()  # SIGKILL, mid-upload
            break
    first.wait()
    assert stored_sha256(api, item_id) is None
    second = tuspy(server, token, big_film, store, item_id)
    out, _ = second.communicate(timeout=120)
    lines = out.split()
    assert second.returncode == 0, out
    assert size // 2 < int(lines[0]) < size  # went on from the server's offset, not from 0
    assert stored_sha256(api, item_id) == sha256_of(big_film)


def test_a_wrong_checksum_is_refused_and_nothing_stored(
    server: TolkProcess, token: str, api: httpx.Client, film: Path, tmp_path: Path
) -> None:
    item_id = new_item(api, "wrong checksum")
    client = tuspy(server, token, film, tmp_path / "urls.json", item_id, "--bad-checksum")
    out, _ = client.communicate(timeout=60)
    assert out.split()[-2:] == ["failed", "460"]
    assert stored_sha256(api, item_id) is None
    folder = server.data_dir / "tmp" / "uploads"
    (record,) = [
        r for r in folder.glob("*.json") if json.loads(r.read_text())["fields"]["item_id"] == str(item_id)
    ]
    assert json.loads(record.read_text())["offset"] == 0
    assert (folder / f"{record.stem}.bin").stat().st_size == 0  # not a byte of the refused chunk kept


def test_creation_with_upload_stores_the_film(
    node: str, server: TolkProcess, token: str, api: httpx.Client, film: Path
) -> None:
    item_id = new_item(api, "creation-with-upload")
    event = last_event(tus_js(node, server, token, film, item_id, uploadDataDuringCreation=True))
    assert event["event"] == "success", event
    assert stored_sha256(api, item_id) == sha256_of(film)


def _record_and_data(server: TolkProcess, item_id: int) -> tuple[int, int] | None:
    """The recorded offset and the data's size of the upload for ``item_id`` (None: none yet)."""
    folder = server.data_dir / "tmp" / "uploads"
    for record in folder.glob("*.json"):
        try:
            upload = json.loads(record.read_text())
            if upload["fields"]["item_id"] == str(item_id) and not upload["stored"]:
                return upload["offset"], (folder / f"{record.stem}.bin").stat().st_size
        except (FileNotFoundError, ValueError):
            continue
    return None


def test_the_server_killed_mid_patch_again_and_again_loses_nothing(
    node: str, server: TolkProcess, token: str, api: httpx.Client, big_film: Path
) -> None:
    item_id = new_item(api, "server crashes")
    chance = random.Random()
    kills = 0
    client = tus_js(node, server, token, big_film, item_id, chunkSize=4 * MB, retryDelays=[200] * 300)
    try:
        while kills < 3 and client.poll() is None:
            # A random point inside the next chunk: bytes written past the record (a PATCH in flight).
            target = chance.randrange(64 * 1024, 4 * MB - 64 * 1024)
            while client.poll() is None:
                state = _record_and_data(server, item_id)
                if state is not None and state[1] - state[0] >= target:
                    client.send_signal(signal.SIGSTOP)  # held still until the check below
                    server.kill()
                    kills += 1
                    break
                time.sleep(0.001)
            else:
                break
            server.start()
            offset, data_size = _record_and_data(server, item_id) or (0, 0)
            assert data_size == offset  # the bytes past the record were cut off at start
            client.send_signal(signal.SIGCONT)
        event = last_event(client)
    finally:
        if client.poll() is None:
            client.send_signal(signal.SIGCONT)
            client.kill()
        if server.process is None or server.process.poll() is not None:
            server.start()
    assert kills == 3
    assert event["event"] == "success", event
    assert stored_sha256(api, item_id) == sha256_of(big_film)


def test_a_put_cut_by_a_server_crash_leaves_no_scratch(server: TolkProcess, token: str, film: Path) -> None:
    data = film.read_bytes()
    sent_half = threading.Event()

    def body() -> Iterator[bytes]:
        yield data[: len(data) // 2]
        sent_half.set()
        time.sleep(30)  # never sends the rest: the server dies first
        yield data[len(data) // 2 :]

    def put() -> None:
        item_id = new_item(
            httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}), "PUT"
        )
        with contextlib.suppress(httpx.TransportError):
            httpx.put(
                f"{server.url}/api/media/{item_id}/file",
                content=body(),
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )

    thread = threading.Thread(target=put, daemon=True)
    thread.start()
    assert sent_half.wait(30)
    folder = server.data_dir / "tmp"
    deadline = time.monotonic() + 10
    while not list(folder.glob(f"partial-*{scratch.PUT_UPLOAD_SUFFIX}")) and time.monotonic() < deadline:
        time.sleep(0.02)
    (partial,) = folder.glob(f"partial-*{scratch.PUT_UPLOAD_SUFFIX}")
    server.kill()
    old = time.time() - 2 * scratch.GRACE_SECONDS  # past the grace given to a file just made
    os.utime(partial, (old, old))
    server.start()
    assert not partial.exists()
