"""Chromium is the referee for WebVTT: for every file of Tolk's corpus (tests/data/webvtt/) the
cues Chromium reads from Tolk's normalised file equal those it reads from the original, and
equal what Tolk's model says a browser reads; a STYLE'd cue is drawn alike from both.

Everything is served from a small loopback HTTP server; all tracks load on one page.
"""

from __future__ import annotations

import base64
import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from transcode.captions import read_captions, write_webvtt
from transcode.captions.model import NoteList
from transcode.captions.settings import parse_cue_settings

CORPUS = Path(__file__).parent.parent / "data" / "webvtt"
ATTRIBUTES = (
    "id",
    "startTime",
    "endTime",
    "text",
    "line",
    "snapToLines",
    "position",
    "size",
    "align",
    "vertical",
)

READ_TRACKS = """
async (urls) => {
  const video = document.createElement('video');
  document.body.append(video);
  const load = (url) => new Promise((resolve) => {
    const element = document.createElement('track');
    element.src = url;
    element.addEventListener('load', () => resolve(element.track));
    element.addEventListener('error', () => resolve(null));
    video.append(element);
    element.track.mode = 'hidden';
  });
  const tracks = await Promise.all(urls.map(load));
  const names = NAMES;
  return tracks.map((track) => track && Array.from(track.cues).map(
    (cue) => names.map((name) => cue[name])));
}
""".replace("NAMES", str(list(ATTRIBUTES)))

RED_PIXELS = """
async (png) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + png;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, image.width, image.height).data;
  let red = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] > 160 && data[i + 1] < 90 && data[i + 2] < 90) red++;
  }
  return red;
}
"""

STYLED = (
    "WEBVTT\n\nSTYLE\n::cue { color: rgb(255, 0, 0); background: black; font-size: 40px }\n\n"
    "00:00.000 --> 00:02.000 align:middle line:-2\nRöd text\n"
).encode()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, made: Callable[..., Path]) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server over a folder: (its URL, the folder)."""
    folder = tmp_path_factory.mktemp("site")
    video = made(
        "black.mp4",
        *("-f", "lavfi", "-i", "color=c=black:size=320x180:rate=25:duration=2"),
        *("-c:v", "libx264", "-pix_fmt", "yuv420p"),
    )
    (folder / "black.mp4").write_bytes(video.read_bytes())
    (folder / "page.html").write_text("<!doctype html><body></body>")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


def _as_tolk_says(data: bytes) -> list[list[object]]:
    """The VTTCue attributes Tolk's model gives each cue (Chromium has regions switched off)."""
    document = read_captions(data)
    rows = []
    for cue in document.cues:
        layout = parse_cue_settings(cue.settings, {r.identifier: r for r in document.regions}, 0, NoteList())
        shown = layout.as_browser_reads()
        rows.append(
            [cue.identifier, cue.start_ms / 1000, cue.end_ms / 1000, cue.text]
            + [shown[name] for name in ("line", "snapToLines", "position", "size", "align", "vertical")]
        )
    return rows


def _in_cue_order(rows: list[list[object]]) -> list[list[object]]:
    # The text track cue order: by start, then by end descending, then as written.
    return sorted(rows, key=lambda row: (row[1], -float(row[2])))  # type: ignore[arg-type]


def test_chromium_reads_the_same_cues_from_tolks_normalised_files(site: tuple[str, Path], page) -> None:  # type: ignore[no-untyped-def]
    url, folder = site
    names = sorted(path.name for path in CORPUS.glob("*.vtt"))
    (folder / "original").mkdir(exist_ok=True)
    (folder / "tolk").mkdir(exist_ok=True)
    for name in names:
        data = (CORPUS / name).read_bytes()
        (folder / "original" / name).write_bytes(data)
        (folder / "tolk" / name).write_bytes(write_webvtt(read_captions(data, name)))
    page.goto(f"{url}/page.html")
    urls = [f"{url}/{side}/{name}" for side in ("original", "tolk") for name in names]
    read = page.evaluate(READ_TRACKS, urls)
    originals, normalised = read[: len(names)], read[len(names) :]
    for name, original, ours in zip(names, originals, normalised, strict=True):
        assert original, f"Chromium read no cues from {name}"
        assert ours == original, name
        assert _in_cue_order(_as_tolk_says((CORPUS / name).read_bytes())) == original, name


def test_a_styled_cue_is_drawn_alike_from_both(site: tuple[str, Path], page) -> None:  # type: ignore[no-untyped-def]
    url, folder = site
    (folder / "styled.vtt").write_bytes(STYLED)
    (folder / "styled-tolk.vtt").write_bytes(write_webvtt(read_captions(STYLED)))
    (folder / "unstyled.vtt").write_bytes(STYLED.replace(b"rgb(255, 0, 0)", b"white"))
    page.goto(f"{url}/page.html")
    page.set_content(
        "".join(
            f'<video id="v{n}" src="{url}/black.mp4" width="320" height="180" muted preload="auto">'
            f'<track default kind="captions" src="{url}/{name}"></video>'
            for n, name in enumerate(("styled.vtt", "styled-tolk.vtt", "unstyled.vtt"))
        )
    )
    page.evaluate(
        """async () => Promise.all([...document.querySelectorAll('video')].map(async (video) => {
            video.textTracks[0].mode = 'showing';
            await new Promise((resolve) => { video.addEventListener('seeked', resolve, {once: true});
                                             video.currentTime = 0.5; });
            await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        }))"""
    )
    page.wait_for_function(
        "[...document.querySelectorAll('video')].every(v => v.textTracks[0].activeCues.length === 1)"
    )
    page.wait_for_timeout(200)
    shots = [page.locator(f"#v{n}").screenshot() for n in range(3)]
    red = [page.evaluate(RED_PIXELS, base64.b64encode(shot).decode()) for shot in shots]
    assert red[0] > 200, f"the original's cue is not drawn red ({red})"
    assert red[2] == 0, f"the control has red pixels ({red})"
    assert abs(red[1] - red[0]) <= red[0] // 50, f"red pixels: original {red[0]}, Tolk's file {red[1]}"
