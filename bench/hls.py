"""HLS against progressive MP4, measured in one run.

Run: ``.venv/bin/python -m bench.hls`` (about five minutes on 2 idle cores; ``--seconds 20
--watch 10`` for a quick look, ``--only playback`` or ``--only encoding`` for a part). It
makes a 60 s 1280x720 30 fps film with grain (which compresses like real footage), and prints:

(a) playback in Chromium on a network throttled to 1.5 Mbit/s (CDP, 40 ms latency), watched
    for ``--watch`` seconds from the start: time to first frame, and the number and total
    length of stalls, HLS (hls.js, the film's ladder) / progressive MP4 (the ``web`` variant,
    as the player plays it when hls.js cannot load); order ABBA, a fresh browser context each;
(b) making the ladder (one decode, split, a scale and an encoder per rung) / one plain
    re-encode of the film with the same encoder settings: wall time and CPU time (ffmpeg's
    user + system);
(c) the plain re-encode and the ladder made in ONE run (one decode feeding both) / the two
    made apart (as Tolk does: the variant, then its ladder in a job of its own), which says
    what sharing the variants' decode would save.
Runs of (b) and (c) are ordered ladder, plain, one run, one run, plain, ladder.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import httpx

from bench.live_server import live_server
from transcode import hls, synthetic
from transcode.binary import ffmpeg_path
from transcode.probe import probe
from transcode.runner import run_ffmpeg
from transcode.safety import file_url, input_options

THROTTLE = {"offline": False, "latency": 40, "downloadThroughput": 1_500_000 / 8, "uploadThroughput": 100_000}
WATCH_JS = """() => {
  const media = document.querySelector('.tp-media');
  // Counted from the page's navigation: the player's set-up and its first fetches included.
  const seen = {start: 0, first: null, stalls: 0, stalled: 0, since: null};
  window.__tolkBench = seen;
  media.addEventListener('playing', () => {
    const now = performance.now();
    if (seen.first === null) seen.first = now - seen.start;
    if (seen.since !== null) { seen.stalled += now - seen.since; seen.since = null; }
  });
  media.addEventListener('waiting', () => {
    if (seen.first !== null && seen.since === null) { seen.stalls += 1; seen.since = performance.now(); }
  });
  media.muted = true;
  media.play();
}"""
RESULT_JS = """() => {
  const seen = window.__tolkBench;
  const open = seen.since === null ? 0 : performance.now() - seen.since;
  return {first: seen.first, stalls: seen.stalls, stalled: seen.stalled + open};
}"""


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(args: list[str], ffmpeg: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), _cpu_seconds()
    run_ffmpeg(args, ffmpeg=ffmpeg)
    return time.perf_counter() - wall, _cpu_seconds() - cpu


PLAIN_ENCODER = [
    *("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"),
    *("-c:a", "aac", "-b:a", "128k", "-f", "mp4"),
]


def plain_reencode_args(source: Path, output: Path) -> list[str]:
    """Decode and encode once with the variants' encoder settings (libx264 veryfast, CRF 23)."""
    restricted = [arg for key, value in input_options().items() for arg in (f"-{key}", value)]
    start = ["-hide_banner", "-nostdin", "-y", *restricted, "-i", file_url(source)]
    return [*start, *PLAIN_ENCODER, file_url(output)]


def one_run_args(source: Path, out_dir: Path, output: Path) -> list[str]:
    """The ladder and the plain re-encode as two outputs of one run: the film decoded once."""
    plan = hls.build_ladder(hls.LadderJob(source, probe(source), out_dir))
    plan.make_folders()
    return [*plan.args, "-map", "0:v:0", "-map", "0:a:0", *PLAIN_ENCODER, file_url(output)]


def encode_costs(film: Path, folder: Path, ffmpeg: str) -> dict[str, list[tuple[float, float]]]:
    facts = probe(film)
    costs: dict[str, list[tuple[float, float]]] = {"ladder": [], "plain": [], "one run": []}
    for run, side in enumerate(("ladder", "plain", "one run", "one run", "plain", "ladder")):
        if side == "ladder":
            out = folder / f"ladder{run}"
            plan = hls.build_ladder(hls.LadderJob(film, facts, out))
            plan.make_folders()
            costs[side].append(_timed(plan.args, ffmpeg))
        elif side == "plain":
            costs[side].append(_timed(plain_reencode_args(film, folder / f"plain{run}.mp4"), ffmpeg))
        else:
            args = one_run_args(film, folder / f"both{run}", folder / f"both{run}.mp4")
            costs[side].append(_timed(args, ffmpeg))
    return costs


def watch(browser, url: str, seconds: float, *, progressive: bool) -> dict:  # type: ignore[no-untyped-def]
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        if progressive:
            # The player's own fallback: without hls.js it plays the progressive MP4.
            page.route("**/hls.min.js", lambda route: route.abort())
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", THROTTLE)
        page.goto(url)
        expected = "progressive" if progressive else "hls.js"
        page.wait_for_function(f"document.querySelector('.tolk-player').dataset.streaming === '{expected}'")
        page.evaluate(WATCH_JS)
        page.wait_for_timeout(seconds * 1000)
        return page.evaluate(RESULT_JS)
    finally:
        context.close()


def playback(film: Path, folder: Path, seconds: float) -> dict[str, list[dict]]:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with live_server(folder / "data", hls_segment_seconds="4") as server:
        headers = {"Authorization": f"Bearer {server.token()}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=120) as api:
            item = api.post("/api/media", json={"kind": "film", "title": "Bench", "published": True}).json()
            api.put(f"/api/media/{item['id']}/file", content=film.read_bytes()).raise_for_status()
            deadline = time.monotonic() + 900
            while not any(v["hls_url"] for v in api.get(f"/api/media/{item['id']}/variants").json()):
                assert time.monotonic() < deadline, "the ladder was not made within 15 minutes"
                time.sleep(1)
        url = f"{server.url}/watch/{item['id']}"
        results: dict[str, list[dict]] = {"hls": [], "mp4": []}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for side in ("hls", "mp4", "mp4", "hls"):
                results[side].append(watch(browser, url, seconds, progressive=side == "mp4"))
            browser.close()
    return results


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else ("1.00" if a == 0 else "inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the film")
    parser.add_argument("--watch", type=float, default=30, help="seconds of playback per run")
    parser.add_argument("--only", choices=("playback", "encoding"), help="measure (a) alone, or (b) and (c)")
    options = parser.parse_args()
    ffmpeg = ffmpeg_path()
    with tempfile.TemporaryDirectory(prefix="tolk-bench-hls-") as name:
        folder = Path(name)
        film = folder / "film.mp4"
        run_ffmpeg(
            synthetic.film_args(film, duration=options.seconds, width=1280, height=720, fps=30, grain=4),
            ffmpeg=ffmpeg,
        )
        rungs = hls.ladder_rungs(probe(film))
        rate = film.stat().st_size * 8 / options.seconds / 1e6
        print(f"film: {options.seconds:g} s 1280x720 30 fps, {rate:.2f} Mbit/s")
        print(f"ladder: {', '.join(f'{r.name} (<= {r.max_kbps} kbit/s)' for r in rungs)} + AAC 128k")

        if options.only != "encoding":
            print_playback(playback(film, folder, options.watch), options.watch)
        if options.only != "playback":
            print_encoding(encode_costs(film, folder, ffmpeg))


def print_playback(seen: dict[str, list[dict]], watched: float) -> None:
    hls_runs, mp4_runs = seen["hls"], seen["mp4"]

    def mean(runs: list[dict], key: str) -> float:
        return sum(r[key] or 0 for r in runs) / len(runs)

    print(f"(a) on 1.5 Mbit/s, {watched:g} s watched, ABBA:")
    for key, label in (
        ("first", "time to first frame (ms)"),
        ("stalls", "stalls"),
        ("stalled", "stalled (ms)"),
    ):
        h, m = mean(hls_runs, key), mean(mp4_runs, key)
        print(f"    {label:26} HLS {h:9.0f}  MP4 {m:9.0f}  HLS/MP4 {_ratio(h, m)}")


def print_encoding(costs: dict[str, list[tuple[float, float]]]) -> None:
    sides = ("ladder", "plain", "one run")
    (lw, lc), (pw, pc), (ow, oc) = ([sum(v) / len(v) for v in zip(*costs[s], strict=True)] for s in sides)
    print("(b) making the ladder / one plain re-encode:")
    print(f"    wall {lw:6.1f} s / {pw:6.1f} s = {_ratio(lw, pw)}")
    print(f"    CPU  {lc:6.1f} s / {pc:6.1f} s = {_ratio(lc, pc)}")
    print("(c) re-encode and ladder in one run / the two apart:")
    print(f"    wall {ow:6.1f} s / {lw + pw:6.1f} s = {_ratio(ow, lw + pw)}")
    print(f"    CPU  {oc:6.1f} s / {lc + pc:6.1f} s = {_ratio(oc, lc + pc)}")


if __name__ == "__main__":
    main()
