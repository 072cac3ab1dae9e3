"""What variants cost, measured in one run, against plain re-encoding of the same film.

Run: ``.venv/bin/python -m bench.variants`` (about four minutes on 2 idle cores; ``--seconds
10`` for a quick look). It makes its own fixture: a 1280x720 30 fps film, a 640x720
interpreter recording on green of the same length, and 20 captions. It prints:

(a) the ``signed`` variant (raw interpreter, chroma key on, default size) / a plain re-encode
    of the film with the same encoder settings; target <= 1.15;
(b) captioned + signed + signed+captioned ordered together (one ffmpeg run) / the three made
    by separate runs; target <= 0.85;
(c) for a browser-ready film uploaded to a live service: from the end of the upload until the
    film is watchable (its ``web`` job done) / the plain re-encode; target <= 0.10.

(a) and (b) call the transcode builders and runner directly, each measured twice in the order
ABBA so that a change in the machine's load weighs on both sides alike. The plain re-encode
is the builder's own ``web`` variant of the film treated as not browser-ready: decode, encode
with the same ``EncoderSettings``, nothing else.
"""

from __future__ import annotations

import argparse
import dataclasses
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

TARGETS = {"a": 1.15, "b": 0.85, "c": 0.10}
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


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def make(job: VariantJob, ffmpeg: str) -> float:
    """Build and run one ffmpeg run for ``job``; its wall time in seconds."""
    plan = build_variants(job)
    plan.write_caption_files()
    return timed(lambda: run_ffmpeg(plan.args, ffmpeg=ffmpeg, duration=plan.duration))


def abba(first: Callable[[], float], second: Callable[[], float]) -> tuple[float, float]:
    """Mean times of two measurements taken in the order first, second, second, first, so
    that a change in the machine's load during the run weighs on both alike."""
    a1, b1, b2, a2 = first(), second(), second(), first()
    return (a1 + a2) / 2, (b1 + b2) / 2


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


def report(name: str, ratio: float, detail: str) -> None:
    verdict = "ok" if ratio <= TARGETS[name] else "OVER TARGET"
    print(f"({name}) {ratio:.3f}  (target <= {TARGETS[name]:.2f}, {verdict})  {detail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the fixture")
    args = parser.parse_args()
    ffmpeg = ffmpeg_path()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        film, signer, cues = make_fixture(folder, args.seconds, ffmpeg)
        keyed = InterpreterLayout(key=ChromaKey())

        def job(*kinds: VariantKind, source: MediaFile = film) -> VariantJob:
            outputs = {kind: folder / f"{kind.value.replace('+', '-')}.mp4" for kind in kinds}
            return VariantJob(
                source=source, outputs=outputs, interpreter=signer, layout=keyed, cues=cues, work_dir=folder
            )

        not_browser_ready = MediaFile(film.path, dataclasses.replace(film.facts, container="matroska,webm"))
        plain, signed = abba(
            lambda: make(job(VariantKind.WEB, source=not_browser_ready), ffmpeg),
            lambda: make(job(VariantKind.SIGNED), ffmpeg),
        )
        together, separate = abba(
            lambda: make(job(*TOGETHER), ffmpeg),
            lambda: sum(make(job(kind), ffmpeg) for kind in TOGETHER),
        )
        watchable, upload = watchable_after_upload(film.path, folder)

    print(f"fixture: {args.seconds:g} s 1280x720 30 fps film, 640x720 interpreter on green, ", end="")
    print(f"{len(cues)} captions")
    print(f"plain re-encode              {plain:6.2f} s")
    print(f"signed (keyed, default size) {signed:6.2f} s")
    print(f"three variants, one run      {together:6.2f} s")
    print(f"three variants, three runs   {separate:6.2f} s")
    print(f"upload (PUT, loopback)       {upload:6.2f} s")
    print(f"upload end -> web job done   {watchable:6.2f} s")
    report("a", signed / plain, "signed / plain re-encode")
    report("b", together / separate, "one run / three runs")
    report("c", watchable / plain, "watchable after upload / plain re-encode")


if __name__ == "__main__":
    main()
