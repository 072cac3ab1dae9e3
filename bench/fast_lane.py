"""Time to watchable behind a busy queue: three variant jobs are ordered, then a browser-ready
MP4 and an H.264/AAC film in Matroska are uploaded to a live ``tolk serve`` in its default
deployment; each must be watchable within 0.05 x a plain re-encode of it, in CPU and wall time.

Run: ``.venv/bin/python -m bench.fast_lane`` (about two minutes; ``--seconds`` sets the films'
length). The fixtures are made here: a 1280x720 30 fps H.264/AAC MP4 and the same streams
copied into Matroska. Printed, for each of the two films:

- wall: from the end of its upload (201) until its ``web`` job is done on the service, while
  the variant jobs hold the general worker / a plain re-encode of it (libx264 veryfast);
- CPU: the user+sys CPU time of the ffmpeg run the ``web`` job makes of it (the service's own
  plan, run here so its children's time can be read exactly) / that of the plain re-encode.

The plain re-encodes and the web plans are measured in the order A B B A (MP4, MKV, MKV, MP4).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil

from bench.hls import plain_reencode_args
from bench.live_server import live_server
from bench.wrk import load_average
from transcode import synthetic
from transcode.binary import ffmpeg_path
from transcode.kinds import VariantKind
from transcode.probe import probe
from transcode.runner import run_ffmpeg
from transcode.safety import file_url, input_options
from transcode.variants import MediaFile, VariantJob, build_variants

TARGET = 0.05
VARIANT_JOBS = 3
CAPTIONS = "WEBVTT\n\n" + "".join(
    f"00:{i:02d}.000 --> 00:{i:02d}.900\nRad {i}: vem du än är, är du välkommen hit.\n\n"
    for i in range(0, 20, 2)
)
ENDED = ("done", "failed", "cancelled")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """(wall, children's CPU) seconds of ``action``."""
    wall, cpu = time.perf_counter(), _children_cpu()
    action()
    return time.perf_counter() - wall, _children_cpu() - cpu


def make_films(folder: Path, seconds: float, ffmpeg: str) -> dict[str, Path]:
    mp4, mkv = folder / "film.mp4", folder / "film.mkv"
    run_ffmpeg(
        synthetic.film_args(mp4, duration=seconds, width=1280, height=720, fps=30, grain=10), ffmpeg=ffmpeg
    )
    restricted = [arg for key, value in input_options().items() for arg in (f"-{key}", value)]
    copy = ["-hide_banner", "-nostdin", "-y", *restricted, "-i", file_url(mp4), "-c", "copy", file_url(mkv)]
    run_ffmpeg(copy, ffmpeg=ffmpeg)
    return {"MP4": mp4, "MKV (H.264/AAC)": mkv}


def plain(film: Path, folder: Path, ffmpeg: str) -> tuple[float, float]:
    return timed(lambda: run_ffmpeg(plain_reencode_args(film, folder / "plain.mp4"), ffmpeg=ffmpeg))


def web_plan(film: Path, folder: Path, ffmpeg: str) -> tuple[float, float]:
    """The ffmpeg run the service's ``web`` job makes of ``film`` (a remux for both fixtures)."""
    plan = build_variants(VariantJob(MediaFile(film, probe(film)), {VariantKind.WEB: folder / "web.mp4"}))
    return timed(lambda: run_ffmpeg(plan.args, ffmpeg=ffmpeg, duration=plan.duration))


def abba(
    films: dict[str, Path], measure: Callable[[Path], tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Mean (wall, CPU) per film, measured in the order first, second, second, first."""
    first, second = films
    runs: dict[str, list[tuple[float, float]]] = {first: [], second: []}
    for name in (first, second, second, first):
        runs[name].append(measure(films[name]))
    return {name: (sum(w for w, _ in each) / 2, sum(c for _, c in each) / 2) for name, each in runs.items()}


class Service:
    """The live service's API, as an editor's script uses it."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def item_with_film(self, film: Path) -> tuple[int, float]:
        """A new published item with ``film`` uploaded; its id and when the upload was answered."""
        item = self.client.post("/api/media", json={"kind": "film", "title": film.name, "published": True})
        item.raise_for_status()
        uploaded = self.client.put(f"/api/media/{item.json()['id']}/file", content=film.read_bytes())
        uploaded.raise_for_status()
        return item.json()["id"], time.perf_counter()

    def web_job(self, item_id: int) -> int:
        jobs = self.client.get(f"/api/media/{item_id}/jobs").json()
        return next(job["id"] for job in jobs if job["kinds"] == ["web"])

    def state(self, job_id: int) -> str:
        return str(self.client.get(f"/api/jobs/{job_id}").json()["state"])

    def wait(self, job_id: int, *, every: float = 0.01) -> float:
        """Wait until job ``job_id`` ends (it must end done); when it did."""
        while (state := self.state(job_id)) not in ENDED:
            time.sleep(every)
        if state != "done":
            raise RuntimeError(f"job {job_id} ended {state}")
        return time.perf_counter()


def watchable_behind_variants(
    films: dict[str, Path], folder: Path
) -> tuple[dict[str, float], list[str], float]:
    """Seconds from each film's upload until it is watchable, the states of the variant jobs
    then, and the server's CPU seconds meanwhile."""
    with live_server(folder / "service") as server:
        headers = {"Authorization": f"Bearer {server.token()}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
            api = Service(client)
            first, _ = api.item_with_film(next(iter(films.values())))
            api.wait(api.web_job(first))
            client.post(
                f"/api/media/{first}/captions", files={"file": ("sv.vtt", CAPTIONS)}, data={"language": "sv"}
            ).raise_for_status()
            variant_jobs = []
            for _ in range(VARIANT_JOBS):
                ordered = client.post(f"/api/media/{first}/variants", json={"kinds": ["captioned"]})
                ordered.raise_for_status()
                variant_jobs.append(ordered.json()["id"])
            while api.state(variant_jobs[0]) != "running":
                time.sleep(0.05)
            server_process = psutil.Process(server.process.pid)
            cpu_before = sum(server_process.cpu_times()[:2])
            watchable = {}
            for name, film in films.items():
                item_id, uploaded = api.item_with_film(film)
                watchable[name] = api.wait(api.web_job(item_id)) - uploaded
            cpu = sum(server_process.cpu_times()[:2]) - cpu_before
            states = [api.state(job_id) for job_id in variant_jobs]
    return watchable, states, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the films")
    args = parser.parse_args()
    ffmpeg = ffmpeg_path()
    print(load_average(), "(before)")
    with tempfile.TemporaryDirectory(prefix="tolk-bench-fast-lane-") as name:
        folder = Path(name)
        films = make_films(folder, args.seconds, ffmpeg)
        plain_costs = abba(films, lambda film: plain(film, folder, ffmpeg))
        web_costs = abba(films, lambda film: web_plan(film, folder, ffmpeg))
        watchable, states, server_cpu = watchable_behind_variants(films, folder)
    print(
        f"{args.seconds:g} s 1280x720 films; plain re-encodes and web plans in the order A B B A;"
        f" watchable measured on a live service behind {VARIANT_JOBS} variant jobs"
    )
    print(
        f"{'film':<18}{'plain wall':>11}{'plain CPU':>10}{'watchable':>10}{'web CPU':>9}"
        f"{'wall ratio':>11}{'CPU ratio':>10}  target"
    )
    for name in films:
        plain_wall, plain_cpu = plain_costs[name]
        wall_ratio = watchable[name] / plain_wall
        cpu_ratio = web_costs[name][1] / plain_cpu
        verdict = "holds" if wall_ratio <= TARGET and cpu_ratio <= TARGET else "MISSED"
        print(
            f"{name:<18}{plain_wall:>10.2f}s{plain_cpu:>9.2f}s{watchable[name]:>9.2f}s{web_costs[name][1]:>8.3f}s"
            f"{wall_ratio:>11.3f}{cpu_ratio:>10.3f}  <= {TARGET} {verdict}"
        )
    print(
        f"variant jobs when both were watchable: {', '.join(states)}; server CPU meanwhile {server_cpu:.2f} s"
    )
    print(load_average(), "(after)")


if __name__ == "__main__":
    main()
