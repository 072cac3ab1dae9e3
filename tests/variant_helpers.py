"""Helpers for the jobs and variants tests: items with what variants need, waiting, pixels."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import psutil
import pytest

from transcode import variants as builder

CAPTIONS_VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:30.000\nVem du än är, är du välkommen hit.\n".encode()
FINISHED = ("done", "failed", "cancelled")
RGB = tuple[int, int, int]


class Api:
    """Calls on a test client or an httpx client, with the editor's headers."""

    def __init__(self, client: Any, auth: dict[str, str]) -> None:
        self.client = client
        self.auth = auth

    def item_with_film(self, film: Path, *, published: bool = True) -> dict:
        item = self.client.post(
            "/api/media", json={"kind": "film", "title": "Film", "published": published}, headers=self.auth
        )
        assert item.status_code == 201, item.text
        uploaded = self.client.put(
            f"/api/media/{item.json()['id']}/file", content=film.read_bytes(), headers=self.auth
        )
        assert uploaded.status_code == 201, uploaded.text
        return uploaded.json()

    def add_interpreter(self, item_id: int, recording: Path, layout: dict | None = None) -> dict:
        response = self.client.post(
            f"/api/media/{item_id}/interpreters", content=recording.read_bytes(), headers=self.auth
        )
        assert response.status_code == 201, response.text
        if layout is not None:
            response = self.client.patch(
                f"/api/media/{item_id}/interpreters/{response.json()['id']}",
                json={"layout": layout},
                headers=self.auth,
            )
            assert response.status_code == 200, response.text
        return response.json()

    def add_captions(self, item_id: int) -> dict:
        response = self.client.post(
            f"/api/media/{item_id}/captions",
            files={"file": ("sv.vtt", CAPTIONS_VTT)},
            data={"language": "sv"},
            headers=self.auth,
        )
        assert response.status_code == 201, response.text
        return response.json()

    def order(self, item_id: int, *kinds: str) -> dict:
        response = self.client.post(
            f"/api/media/{item_id}/variants", json={"kinds": list(kinds)}, headers=self.auth
        )
        assert response.status_code == 202, response.text
        return response.json()

    def job(self, job_id: int) -> dict:
        response = self.client.get(f"/api/jobs/{job_id}", headers=self.auth)
        assert response.status_code == 200, response.text
        return response.json()

    def variants(self, item_id: int) -> dict[str, dict]:
        response = self.client.get(f"/api/media/{item_id}/variants", headers=self.auth)
        assert response.status_code == 200, response.text
        return {v["kind"]: v for v in response.json()}

    def wait_for_job(self, job_id: int, *, timeout: float = 60) -> dict:
        def finished() -> dict | None:
            job = self.job(job_id)
            return job if job["state"] in FINISHED else None

        return wait_until(finished, timeout=timeout)

    def web_job(self, item_id: int) -> dict:
        """The item's newest job ordering the web variant."""
        jobs = self.client.get(f"/api/media/{item_id}/jobs", headers=self.auth).json()
        return next(job for job in jobs if job["kinds"] == ["web"])


def wait_until(check: Callable[[], Any], *, timeout: float = 30, every: float = 0.05) -> Any:
    """Call ``check`` until it returns something true; return that, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting after {timeout} s")
        time.sleep(every)


def read_in_real_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make variant runs that encode read their inputs at the speed they play (``-re``).

    Such a job then lasts as long as its film, whatever the machine: long enough to watch
    its progress, cancel it or kill its worker in the middle. Remuxes stay fast.
    """
    build = builder.build_variants

    def throttled(job: builder.VariantJob) -> builder.VariantPlan:
        plan = build(job)
        if "libx264" not in plan.args:
            return plan
        args: list[str] = []
        for arg in plan.args:
            args += ["-re", arg] if arg == "-i" else [arg]
        return builder.VariantPlan(args, plan.caption_files, plan.duration)

    monkeypatch.setattr(builder, "build_variants", throttled)


def ffmpeg_processes(parent: psutil.Process) -> list[psutil.Process]:
    """ffmpeg processes started by ``parent`` (at any depth), still running."""
    found = []
    for child in parent.children(recursive=True):
        try:
            if "ffmpeg" in child.name() and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def frame_at(path: Path, seconds: float) -> tuple[int, int, list[bytes]]:
    """Width, height and packed RGB rows of the frame of ``path`` nearest ``seconds``."""
    with av.open(str(path)) as container:
        frame = min(container.decode(video=0), key=lambda f: abs(f.time - seconds))
    plane = frame.reformat(format="rgb24").planes[0]
    data = bytes(plane)
    width = frame.width * 3
    rows = [data[row * plane.line_size : row * plane.line_size + width] for row in range(frame.height)]
    return frame.width, frame.height, rows


def mean_colour(rows: list[bytes], box: tuple[int, int, int, int]) -> RGB:
    """The mean colour of the pixels in ``box`` (x, y, width, height)."""
    x, y, width, height = box
    totals = [0, 0, 0]
    for row in rows[y : y + height]:
        for column in range(x, x + width):
            for channel in range(3):
                totals[channel] += row[column * 3 + channel]
    count = width * height
    return (totals[0] // count, totals[1] // count, totals[2] // count)


def decoded_frames(path: Path) -> int:
    """How many video frames ``path`` decodes to (all of them are read)."""
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))
