"""Kill the worker mid-ladder: `tolk serve` is SIGKILLed while ffmpeg writes an HLS ladder,
restarted on the same data directory, and the ladder is made again; no partial ladder was
ever listed or served."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import m3u8
from variant_helpers import wait_until

from bench.live_server import LiveServer, live_server
from helpers import publish

# A slow preset makes the ladder take seconds on a small film, honestly: real encoding work.
SERVICE_SETTINGS = {"workers": "1", "variant_preset": "veryslow", "hls_segment_seconds": "2"}
# After the restart the ladder is made again with a fast preset: what is tested is that it is
# made again and served whole, not how long it takes (and the suite stays short).
RESTARTED_SETTINGS = {**SERVICE_SETTINGS, "variant_preset": "veryfast"}
FILM_SECONDS = 12


class LadderWatcher(threading.Thread):
    """Polls the variants list whichever server is up; a listed ladder must be done and whole."""

    def __init__(self, item_id: int) -> None:
        super().__init__(daemon=True)
        self.item_id = item_id
        self.url: str | None = None
        self.headers: dict[str, str] = {}
        self.listed_early: list[str] = []
        self.incomplete: list[str] = []
        self.checked: set[str] = set()
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.2):
            if self.url is None:
                continue
            try:
                self.look(self.url)
            except httpx.TransportError:
                continue  # the server is down between the kill and the restart

    def look(self, url: str) -> None:
        with httpx.Client(base_url=url, headers=self.headers, timeout=10) as client:
            jobs = client.get(f"/api/media/{self.item_id}/jobs").json()
            ladder_done = any(j["kind"] == "ladder" and j["state"] == "done" for j in jobs)
            for variant in client.get(f"/api/media/{self.item_id}/variants").json():
                master_url = variant["hls_url"]
                if not master_url or master_url in self.checked:
                    continue
                if not ladder_done:
                    self.listed_early.append(master_url)
                master = m3u8.loads(client.get(master_url).text, uri=f"{url}{master_url}")
                for playlist in [*master.playlists, *(m for m in master.media if m.uri)]:
                    media = client.get(playlist.absolute_uri)
                    parsed = m3u8.loads(media.text, uri=playlist.absolute_uri)
                    if media.status_code != 200 or not parsed.is_endlist:
                        self.incomplete.append(playlist.absolute_uri)
                        continue
                    uris = [parsed.segment_map[0].absolute_uri, *(s.absolute_uri for s in parsed.segments)]
                    for uri in uris:
                        if client.head(uri).status_code != 200:
                            self.incomplete.append(uri)
                self.checked.add(master_url)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _ladder_job(client: httpx.Client, item_id: int) -> dict | None:
    jobs = client.get(f"/api/media/{item_id}/jobs").json()
    return next((j for j in jobs if j["kind"] == "ladder"), None)


def _editor(server: LiveServer) -> tuple[httpx.Client, dict[str, str]]:
    headers = {"Authorization": f"Bearer {server.token()}"}
    return httpx.Client(base_url=server.url, headers=headers, timeout=30), headers


def test_a_ladder_interrupted_by_a_killed_worker_is_made_again_and_never_served_half_made(
    tmp_path: Path, make_media: Callable[..., Path]
) -> None:
    data_dir = tmp_path / "data"
    film = make_media("film", duration=FILM_SECONDS, width=640, height=360, grain=6)
    with live_server(data_dir, **SERVICE_SETTINGS) as server:
        client, headers = _editor(server)
        item = publish(client, film)
        watcher = LadderWatcher(item["id"])
        watcher.url, watcher.headers = server.url, headers
        watcher.start()
        job = wait_until(lambda: _ladder_job(client, item["id"]), timeout=60)
        wait_until(lambda: client.get(f"/api/jobs/{job['id']}").json()["progress"] > 0.05, timeout=60)
        assert client.get(f"/api/jobs/{job['id']}").json()["state"] == "running"
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        watcher.url = None
    scratch = [p.name for p in (data_dir / "tmp").iterdir() if f".job{job['id']}" in p.name]
    assert scratch, "the killed run left its partial ladder in the scratch space"
    assert not list((data_dir / "files").glob("*/*.d/hls-*")), "nothing of it entered storage"

    with live_server(data_dir, **RESTARTED_SETTINGS) as server:
        client, headers = _editor(server)
        watcher.url, watcher.headers = server.url, headers

        def finished() -> dict | None:
            state = client.get(f"/api/jobs/{job['id']}").json()
            return state if state["state"] in ("done", "failed", "cancelled") else None

        done = wait_until(finished, timeout=180)
        assert (done["state"], done["attempts"], done["error"]) == ("done", 2, None)
        (web,) = client.get(f"/api/media/{item['id']}/variants").json()
        assert web["hls_url"]
        wait_until(lambda: web["hls_url"] in watcher.checked, timeout=30)
        watcher.stop()
        assert watcher.listed_early == []  # never listed while it was being made
        assert watcher.incomplete == []  # and what was listed was whole
        leftovers = [p.name for p in (data_dir / "tmp").iterdir() if f".job{job['id']}" in p.name]
        assert leftovers == []  # the interrupted attempt's scratch was cleared
