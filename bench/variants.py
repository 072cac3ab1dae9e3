"""What variants cost, measured in one run, against plain re-encoding of the same film.

Run: ``.venv/bin/python -m bench.variants`` (about four minutes a round on 2 idle cores;
``--seconds 10`` for a quick look, ``--rounds`` for more ABBA rounds, ``--only a`` for one
of the three). It makes its own fixture: a 1280x720 30 fps film, a 640x720 interpreter
recording on green of the same length, and 20 captions. It prints, judged by CPU time:

(a) the ``signed`` variant (raw interpreter, chroma key on, default size) / a plain re-encode
    of the film with the same encoder settings; target <= 1.10;
(b) captioned + signed + signed+captioned ordered together (one ffmpeg run) / the three made
    by separate runs; target <= 0.85;
(c) for a browser-ready film uploaded to a live service: from the end of the upload until the
    film is watchable (its ``web`` job done) / the plain re-encode; target <= 0.10 (wall
    time: the job runs in the service's process tree, not the benchmark's).

(a) and (b) call the transcode builders and runner directly. Each ffmpeg run is measured in
CPU time (user + system of the ffmpeg child, from ``getrusage(RUSAGE_CHILDREN)`` before and
after it was reaped) and in wall time; CPU time is what the verdict uses, since on a shared
machine wall time also counts the other processes' turns on the cores. Each round measures
A B B A, so that a change in the machine's load weighs on both sides alike; every round's
ratios are printed, and the verdict is on the sums over all rounds. The plain re-encode is
the builder's own ``web`` variant of the film treated as not browser-ready: decode, encode
with the same ``EncoderSettings``, nothing else.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.live_server import live_server
from transcode import synthetic
from transcode.binary import ffmpeg_path
from transcode.captions import Cue
from transcode.layout import ChromaKey, InterpreterLayout
from transcode.probe import probe
from transcode.runner import run_ffmpeg
from transcode.variants import MediaFile, VariantJob, VariantKind, build_variants

TARGETS = {"a": 1.10, "b": 0.85, "c": 0.10}
TOGETHER = (VariantKind.CAPTIONED, VariantKind.SIGNED, VariantKind.SIGNED_CAPTIONED)
CAPTION_COUNT = 20


def make_fixture(folder: Path, seconds: float, ffmpeg: str) -> tuple[MediaFile, MediaFile, list[Cue]]:
    film, signer = folder / "film.mp4", folder / "interpreter.mp4"
    run_ffmpeg(
        synthetic.film_args(film, duration=seconds, width=1280, height=720, fps=30),
        ffmpeg=ffmpeg,
    )
    run_ffmpeg(
        synthetic.interpreter_args(signer, duration=seconds, width=640, height=720, fps=30),
        ffmpeg=ffmpeg,
    )
    step = seconds / CAPTION_COUNT
    cues = [
        Cue(
            round(i * step * 1000),
            round((i + 0.9) * step * 1000),
            text=f"Rad {i + 1}: vem du än är, är du välkommen hit.",
        )
        for i in range(CAPTION_COUNT)
    ]
    return MediaFile(film, probe(film)), MediaFile(signer, probe(signer)), cues


@dataclasses.dataclass(frozen=True)
class Cost:
    """What ffmpeg runs took: CPU time of the ffmpeg children (user + system) and wall time."""

    cpu: float
    wall: float

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.cpu + other.cpu, self.wall + other.wall)


NOTHING = Cost(0.0, 0.0)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(action: Callable[[], object]) -> Cost:
    """The cost of ``action``: its wall time, and the CPU time of the children reaped meanwhile
    (the runner reaps ffmpeg before it returns, so its whole run is counted)."""
    cpu, started = _children_cpu(), time.perf_counter()
    action()
    return Cost(_children_cpu() - cpu, time.perf_counter() - started)


def make(job: VariantJob, ffmpeg: str) -> Cost:
    """Build and run one ffmpeg run for ``job``; what it cost."""
    plan = build_variants(job)
    plan.write_caption_files()
    return measured(lambda: run_ffmpeg(plan.args, ffmpeg=ffmpeg, duration=plan.duration))


def abba(first: Callable[[], Cost], second: Callable[[], Cost], rounds: int) -> list[tuple[Cost, Cost]]:
    """Per round, the summed costs of two measurements taken in the order first, second,
    second, first, so that a change in the machine's load during a round weighs on both alike."""
    results = []
    for _ in range(rounds):
        a1, b1, b2, a2 = first(), second(), second(), first()
        results.append((a1 + a2, b1 + b2))
    return results


def watchable_after_upload(film: Path, folder: Path) -> tuple[float, float]:
    """Seconds from the end of the upload (201) until the web job is done, and the upload itself."""
    with live_server(folder / "service", workers="1") as server:
        headers = {"Authorization": f"Bearer {server.token()}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=120) as api:
            item = api.post("/api/media", json={"kind": "film", "title": "Bench"}).json()
            upload_started = time.perf_counter()
            api.put(f"/api/media/{item['id']}/file", content=film.read_bytes()).raise_for_status()
            uploaded = time.perf_counter()
            jobs = api.get(f"/api/media/{item['id']}/jobs").json()
            web_job = next(job for job in jobs if job["kinds"] == ["web"])
            while (state := api.get(f"/api/jobs/{web_job['id']}").json()["state"]) not in (
                "done",
                "failed",
                "cancelled",
            ):
                time.sleep(0.01)
            watchable = time.perf_counter()
            if state != "done":
                raise RuntimeError(f"the web job ended {state}")
    return watchable - uploaded, uploaded - upload_started


def report(name: str, rounds: list[tuple[Cost, Cost]], detail: str) -> None:
    """The ratio second / first in CPU time (the verdict, over all rounds) and in wall time."""
    first = sum((a for a, _ in rounds), NOTHING)
    second = sum((b for _, b in rounds), NOTHING)
    ratio = second.cpu / first.cpu
    verdict = "ok" if ratio <= TARGETS[name] else "OVER TARGET"
    each = ", ".join(f"{b.cpu / a.cpu:.3f}" for a, b in rounds)
    print(
        f"({name}) CPU {ratio:.3f}  (target <= {TARGETS[name]:.2f}, {verdict})"
        f"  wall {second.wall / first.wall:.3f}  {detail}; CPU ratio per round: {each}"
    )


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the fixture")
    parser.add_argument("--rounds", type=int, default=2, help="ABBA rounds of (a) and of (b)")
    parser.add_argument("--only", choices=("a", "b", "c"), help="measure only this one")
    args = parser.parse_args()
    ffmpeg = ffmpeg_path()
    print(load_average(), "(before)")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        film, signer, cues = make_fixture(folder, args.seconds, ffmpeg)
        keyed = InterpreterLayout(key=ChromaKey())

        def job(*kinds: VariantKind, source: MediaFile = film) -> VariantJob:
            outputs = {kind: folder / f"{kind.value.replace('+', '-')}.mp4" for kind in kinds}
            return VariantJob(
                source=source, outputs=outputs, interpreter=signer, layout=keyed, cues=cues, work_dir=folder
            )

        # H.264 in MP4, MOV, Matroska or WebM is remuxed (web_is_remux); in AVI it is re-encoded.
        not_browser_ready = MediaFile(film.path, dataclasses.replace(film.facts, container="avi"))

        def plain_run() -> Cost:
            return make(job(VariantKind.WEB, source=not_browser_ready), ffmpeg)

        wanted = {args.only} if args.only else {"a", "b", "c"}
        signed_rounds: list[tuple[Cost, Cost]] = []
        together_rounds: list[tuple[Cost, Cost]] = []
        if "a" in wanted:
            signed_rounds = abba(plain_run, lambda: make(job(VariantKind.SIGNED), ffmpeg), args.rounds)
            print(load_average(), "(after (a))")
        if "b" in wanted:
            together_rounds = abba(
                lambda: sum((make(job(kind), ffmpeg) for kind in TOGETHER), NOTHING),
                lambda: make(job(*TOGETHER), ffmpeg),
                args.rounds,
            )
            print(load_average(), "(after (b))")
        watchable = upload = None
        plain_alone: Cost | None = None
        if "c" in wanted:
            plain_alone = plain_run() if not signed_rounds else None
            watchable, upload = watchable_after_upload(film.path, folder)

    runs = 2 * args.rounds
    print(f"fixture: {args.seconds:g} s 1280x720 30 fps film, 640x720 interpreter on green, ", end="")
    print(f"{len(cues)} captions; {args.rounds} ABBA round(s); mean per run, CPU (user+sys) and wall")
    for label, rounds, side in (
        ("plain re-encode", signed_rounds, 0),
        ("signed (keyed, default size)", signed_rounds, 1),
        ("three variants, three runs", together_rounds, 0),
        ("three variants, one run", together_rounds, 1),
    ):
        if rounds:
            cost = sum((pair[side] for pair in rounds), NOTHING)
            print(f"{label:<30}CPU {cost.cpu / runs:7.2f} s   wall {cost.wall / runs:6.2f} s")
    if signed_rounds:
        report("a", signed_rounds, "signed / plain re-encode")
    if together_rounds:
        report("b", together_rounds, "one run / three runs")
    if watchable is not None and upload is not None:
        plain_wall = sum((a for a, _ in signed_rounds), NOTHING).wall / runs
        if plain_alone is not None:
            plain_wall = plain_alone.wall
        print(f"upload (PUT, loopback)        wall {upload:6.2f} s")
        print(f"upload end -> web job done    wall {watchable:6.2f} s")
        ratio = watchable / plain_wall
        verdict = "ok" if ratio <= TARGETS["c"] else "OVER TARGET"
        print(f"(c) wall {ratio:.3f}  (target <= {TARGETS['c']:.2f}, {verdict})  watchable / plain re-encode")
    print(load_average(), "(after)")


if __name__ == "__main__":
    main()
