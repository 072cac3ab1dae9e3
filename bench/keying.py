"""The sign window's chroma key in Chromium, measured in one run.

Run: ``.venv/bin/python -m bench.keying`` (a few seconds). It loads ``static/js/player/keying.js``
into a blank page of headless Chromium and times, per frame, for a signer of 320x360 (the demo
and test recordings) and one of 480x540 (the most the player keys; larger ones are scaled
first):

(a) keying a frame (``keyImage``: every pixel's chroma distance, alpha and despill), against
(b) what drawing any frame through a canvas costs anyway (``drawImage`` + ``getImageData`` +
    ``putImageData``, no keying),

in the order A B B A, and prints the milliseconds per frame of each, the ratio, and the CPU time
of Chromium's processes beside the wall time.
"""

from __future__ import annotations

import time
from pathlib import Path

import psutil

CHROMIUM = "/usr/bin/chromium"
KEYING_JS = Path(__file__).resolve().parent.parent / "static" / "js" / "player" / "keying.js"
FRAMES = 200
# A frame like the synthetic signer's: 70 % green screen, the rest skin and shirt.
SETUP_JS = """([width, height]) => {
  const canvas = document.createElement('canvas');
  canvas.width = width; canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.fillStyle = '#00b140'; context.fillRect(0, 0, width, height);
  context.fillStyle = '#1f2a44'; context.fillRect(width * 0.3, height * 0.35, width * 0.4, height * 0.65);
  context.fillStyle = '#d9a27e'; context.fillRect(width * 0.4, height * 0.15, width * 0.2, height * 0.2);
  window.bench = { canvas, context, width, height,
    key: prepareKey({ chroma: [87.6, 72.9], similarity: 0.1, blend: 0.04, despill: 1.0 }) };
}"""
RUN_JS = """([keyed, frames]) => {
  const { canvas, context, width, height, key } = window.bench;
  const start = performance.now();
  for (let n = 0; n < frames; n++) {
    context.drawImage(canvas, 0, 0);
    const image = context.getImageData(0, 0, width, height);
    context.putImageData(keyed ? keyImage(image, key) : image, 0, 0);
  }
  return (performance.now() - start) / frames;
}"""


def _browser_cpu() -> float:
    processes = psutil.Process().children(recursive=True)
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def main() -> None:
    from playwright.sync_api import sync_playwright

    # Loaded as a classic script: its functions become the page's globals.
    source = KEYING_JS.read_text(encoding="utf-8").replace("export ", "")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_content("<!doctype html><title>keying</title>")
        page.add_script_tag(content=source)
        for size in ((320, 360), (480, 540)):
            page.evaluate(SETUP_JS, list(size))
            page.evaluate(RUN_JS, [True, 20])  # warm up the JIT
            results: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
            for keyed in (True, False, False, True):
                cpu, wall = _browser_cpu(), time.perf_counter()
                per_frame = page.evaluate(RUN_JS, [keyed, FRAMES])
                results[keyed].append((per_frame, time.perf_counter() - wall, _browser_cpu() - cpu))
            keyed_ms = sum(r[0] for r in results[True]) / 2
            plain_ms = sum(r[0] for r in results[False]) / 2
            keyed_wall, keyed_cpu = (sum(r[i] for r in results[True]) for i in (1, 2))
            print(
                f"{size[0]}x{size[1]}: (a) keyed {keyed_ms:.2f} ms/frame, "
                f"(b) canvas only {plain_ms:.2f} ms/frame, a/b {keyed_ms / plain_ms:.1f}; "
                f"keyed runs: wall {keyed_wall:.2f} s, Chromium CPU {keyed_cpu:.2f} s"
            )
        browser.close()


if __name__ == "__main__":
    main()
