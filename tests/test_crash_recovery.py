"""A killed service loses no job and serves no half-made file: `tolk serve` is SIGKILLed in
the middle of a job, restarted on the same data directory, and the job completes."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil
import pytest
from variant_helpers import Api, decoded_frames, ffmpeg_processes, wait_until

from bench.live_server import LiveServer, live_server
from helpers import publish

ORDERED = ("signed", "captioned")
# A slow preset makes the job take seconds on a tiny film, honestly: it is real encoding work.
# No HLS ladders: their jobs would follow the variants' (test_hls_crash.py kills one of those).
SERVICE_SETTINGS = {"workers": "1", "variant_preset": "slower", "hls": "false"}
# After the restart the job runs again with a fast preset: what is tested is that it completes
# whole, not how long encoding takes.
RESTARTED_SETTINGS = {**SERVICE_SETTINGS, "variant_preset": "veryfast"}


class VariantWatcher(threading.Thread):
    """Polls the variants list for as long as the test runs, whichever server is up, and
    fetches every file it lists: each must be complete when it is first listed."""

    def __init__(self, item_id: int, job_id: int) -> None:
        super().__init__(daemon=True)
        self.item_id = item_id
        self.job_id = job_id
        self.url: str | None = None
        self.headers: dict[str, str] = {}
        self.listed_early: list[str] = []
        self.incomplete: list[str] = []
        self.checked: set[str] = set()
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.1):
            if self.url is None:
                continue
            try:
                listed = httpx.get(f"{self.url}/api/media/{self.item_id}/variants", headers=self.headers)
                job = httpx.get(f"{self.url}/api/jobs/{self.job_id}", headers=self.headers).json()
                for variant in listed.json():
                    # A variant and its job's end are one transaction: listed means done.
                    if variant["kind"] in ORDERED and job["state"] != "done":
                        self.listed_early.append(variant["kind"])
                    if variant["url"] not in self.checked:
                        body = httpx.get(f"{self.url}{variant['url']}", headers=self.headers).content
                        if len(body) != variant["size_bytes"]:
                            self.incomplete.append(variant["url"])
                        self.checked.add(variant["url"])
            except httpx.TransportError:
                continue  # the server is down between the kill and the restart

    def stop(self) -> None:
        self._halt.set()
        self.join()


def editor(server: LiveServer) -> tuple[httpx.Client, dict[str, str]]:
    headers = {"Authorization": f"Bearer {server.token()}"}
    return httpx.Client(base_url=server.url, headers=headers, timeout=30), headers


def test_a_job_interrupted_by_a_killed_server_completes_after_a_restart(
    tmp_path: Path, make_media: Callable[..., Path], interpreter: Path
) -> None:
    data_dir = tmp_path / "data"
    film = make_media("film", duration=20)
    with live_server(data_dir, **SERVICE_SETTINGS) as server:
        client, headers = editor(server)
        api = Api(client, {})
        item = publish(client, film)
        api.add_interpreter(item["id"], interpreter)
        api.add_captions(item["id"])
        api.wait_for_job(api.web_job(item["id"])["id"])
        job = api.order(item["id"], *ORDERED)
        watcher = VariantWatcher(item["id"], job["id"])
        watcher.url, watcher.headers = server.url, headers
        watcher.start()
        wait_until(lambda: api.job(job["id"])["progress"] > 0.05, timeout=60)
        assert api.job(job["id"])["state"] == "running"
        encoders = ffmpeg_processes(psutil.Process(server.process.pid))
        assert len(encoders) == 1

        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        watcher.url = None
        # ffmpeg dies with the process that started it: no orphan goes on encoding.
        _, orphans = psutil.wait_procs(encoders, timeout=5)
        assert orphans == []
    partial = [p.name for p in (data_dir / "tmp").iterdir() if p.name.startswith("partial-")]
    assert partial, "the killed run left its partial output behind in the scratch space"

    with live_server(data_dir, **RESTARTED_SETTINGS) as server:
        client, headers = editor(server)
        api = Api(client, {})
        watcher.url, watcher.headers = server.url, headers
        finished = api.wait_for_job(job["id"], timeout=120)
        assert (finished["state"], finished["attempts"], finished["error"]) == ("done", 2, None)
        made = api.variants(item["id"])
        assert set(made) == {"web", *ORDERED}
        for kind in ORDERED:
            path = tmp_path / f"{kind}.mp4"
            response = client.get(made[kind]["url"])
            path.write_bytes(response.content)
            assert len(response.content) == made[kind]["size_bytes"]
            assert made[kind]["facts"]["duration"] == pytest.approx(20.0, abs=0.1)
            assert decoded_frames(path) == 20 * 25  # every frame decodes: nothing cut short
        wait_until(lambda: all(v["url"] in watcher.checked for v in made.values()), timeout=10)
        watcher.stop()
        assert watcher.listed_early == []  # nothing listed while it was being made
        assert watcher.incomplete == []  # and nothing listed was ever served half-made
        leftovers = [p.name for p in (data_dir / "tmp").iterdir() if p.name.startswith("partial-")]
        assert leftovers == []  # the interrupted attempt's partial output was cleared
        assert ffmpeg_processes(psutil.Process(server.process.pid)) == []
