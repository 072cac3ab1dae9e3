"""Nothing one client does stalls the others, against a live ``tolk serve``: a 4.9 MB caption
file of 120,000 cues is read off the event loop (no other request waits over 0.5 s), and
sixteen uploads trickling in at 1 KB/s leave anonymous reads under 1 s."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.live_server import LiveServer, live_server
from transcode.captions.model import format_timestamp


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    # Sixteen uploads from one token: let them all stream rather than refuse twelve (429).
    with live_server(tmp_path / "data", workers="0", max_uploads_per_account="16") as running:
        yield running


def many_cues(count: int) -> bytes:
    """A WebVTT file of ``count`` one-second cues (120,000 of them make 4.9 MB)."""
    parts = ["WEBVTT\n"]
    for number in range(count):
        start = number * 1000
        timing = f"{format_timestamp(start)} --> {format_timestamp(start + 900)}"
        parts.append(f"\n{timing}\nHej du {number % 97:02d}\n")
    return "".join(parts).encode()


class Reader(threading.Thread):
    """Reads pages, the API and a static file in turn, as anonymous visitors do, and keeps how
    long each read took, until stopped."""

    PATHS = ("/api/media", "/", "/static/css/site.css", "/api/media?page=2")

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.waits: list[tuple[float, str, int]] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            number = 0
            while not self.stop.is_set():
                path = self.PATHS[number % len(self.PATHS)]
                number += 1
                began = time.perf_counter()
                status = client.get(path).status_code
                self.waits.append((time.perf_counter() - began, path, status))
                time.sleep(0.02)

    def longest(self) -> tuple[float, str, int]:
        return max(self.waits)


def read_while(url: str, work: threading.Thread) -> Reader:
    """Run ``work`` while a reader reads; returns the reader once ``work`` is done."""
    reader = Reader(url)
    reader.start()
    time.sleep(0.3)  # the reader is under way before the work begins
    work.start()
    work.join(timeout=120)
    time.sleep(0.2)
    reader.stop.set()
    reader.join()
    assert not work.is_alive()
    return reader


def test_a_caption_file_of_120000_cues_holds_up_no_other_request(server: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {server.token()}"}
    with httpx.Client(base_url=server.url, headers=auth, timeout=60) as api:
        item = api.post("/api/media", json={"kind": "film", "title": "Lång", "published": True}).json()
    data = many_cues(120_000)
    assert 4_800_000 < len(data) < 5_000_000
    answers: list[httpx.Response] = []

    def upload() -> None:
        with httpx.Client(base_url=server.url, headers=auth, timeout=120) as api:
            files = {"file": ("lång.vtt", data)}
            path = f"/api/media/{item['id']}/captions"
            answers.append(api.post(path, files=files, data={"language": "sv"}))

    reader = read_while(server.url, threading.Thread(target=upload))
    assert answers[0].status_code == 201, answers[0].text
    assert answers[0].json()["cue_count"] == 120_000
    assert all(status == 200 for _wait, _path, status in reader.waits)
    wait, path, _status = reader.longest()
    print(f"longest wait {wait:.3f} s ({path}) over {len(reader.waits)} reads", sorted(reader.waits)[-8:])
    assert wait < 0.5, f"{path} waited {wait:.2f} s while the captions were read"


def trickle(url: str, path: str, headers: dict[str, str], stop: threading.Event) -> httpx.Response:
    """PUT a body of 1 KB a second until ``stop`` is set (the service cuts it off at its limit)."""

    def body() -> Iterator[bytes]:
        while not stop.is_set():
            yield b"\0" * 1024
            stop.wait(1.0)

    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        return client.put(path, content=body())


def test_sixteen_trickling_uploads_leave_reads_fast(server: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {server.token()}"}
    with httpx.Client(base_url=server.url, headers=auth, timeout=60) as api:
        made = [api.post("/api/media", json={"kind": "film", "title": f"Sakta {n}"}) for n in range(16)]
    items = [answer.json() for answer in made]
    stop = threading.Event()
    answers: list[httpx.Response] = []
    uploads = [
        threading.Thread(
            target=lambda item=item: answers.append(
                trickle(server.url, f"/api/media/{item['id']}/file?filename=sakta.mp4", auth, stop)
            )
        )
        for item in items
    ]
    for upload in uploads:
        upload.start()

    def while_they_trickle() -> None:
        time.sleep(6)

    reader = read_while(server.url, threading.Thread(target=while_they_trickle))
    stop.set()
    for upload in uploads:
        upload.join(timeout=30)
    assert len(reader.waits) > 50
    assert all(status == 200 for _wait, _path, status in reader.waits)
    wait, path, _status = reader.longest()
    print(f"longest wait {wait:.3f} s ({path}) over {len(reader.waits)} reads")
    assert wait < 1.0, f"{path} waited {wait:.2f} s while 16 uploads trickled in"
    # The bodies were nothing playable: each is refused as such, never with a server error.
    assert sorted(a.status_code for a in answers) == [415] * 16, [a.text for a in answers]
