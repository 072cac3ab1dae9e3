"""Chromium plays and seeks a stored film, and reads the same cues from a served track."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from helpers import publish

CAPTION_SAMPLES = sorted((Path(__file__).parent.parent / "data" / "captions").glob("*.vtt"))

READ_CUES = """
async ([url, mediaUrl]) => {
  const video = document.createElement("video");
  video.src = mediaUrl;
  video.muted = true;
  const track = document.createElement("track");
  track.src = url;
  track.kind = "captions";
  video.append(track);
  document.body.append(video);
  track.track.mode = "hidden";
  await new Promise((resolve, reject) => {
    if (track.readyState === 2) resolve();
    track.addEventListener("load", resolve);
    track.addEventListener("error", () => reject(new Error("track failed to load: " + url)));
  });
  const cues = Array.from(track.track.cues).map((cue) => ({
    id: cue.id, start: cue.startTime, end: cue.endTime, text: cue.text,
    line: String(cue.line), position: String(cue.position), align: cue.align, size: cue.size,
  }));
  video.remove();
  return cues;
}
"""


def test_chromium_plays_a_stored_film_and_seeks_to_its_middle(
    page, server, api: httpx.Client, make_media
) -> None:
    film = make_media("film", duration=6)
    item = publish(api, film, title="Seek")
    page.goto(server.url + item["watch_url"])
    video = page.locator("video").first
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.3", timeout=15000)
    started = page.evaluate("() => performance.now()")
    page.evaluate("""() => new Promise((resolve) => {
        const v = document.querySelector('video');
        v.addEventListener('seeked', resolve, { once: true });
        v.currentTime = v.duration / 2;
    })""")
    seek_ms = page.evaluate("() => performance.now()") - started
    position = video.evaluate("v => v.currentTime")
    duration = video.evaluate("v => v.duration")
    assert abs(duration - 6) < 0.2
    assert abs(position - 3) < 0.5
    assert seek_ms < 3000
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return !v.paused && v.currentTime > 3.3; }",
        timeout=15000,
    )
    assert video.evaluate("v => v.error") is None


@pytest.mark.parametrize("sample", CAPTION_SAMPLES, ids=lambda p: p.name)
def test_chromium_reads_the_same_cues_from_the_served_track(
    page, server, api: httpx.Client, film: Path, sample: Path
) -> None:
    item = publish(api, film, title=f"Cues {sample.name}")
    response = api.post(
        f"/api/media/{item['id']}/captions",
        files={"file": (sample.name, sample.read_bytes())},
        data={"language": "sv"},
    )
    assert response.status_code == 201, response.text
    # The original file is served from the same origin through a test-only route of the page:
    # a Blob URL made from its exact bytes.
    page.goto(server.url + item["watch_url"])
    original_url = page.evaluate(
        "bytes => URL.createObjectURL(new Blob([new Uint8Array(bytes)], {type: 'text/vtt'}))",
        list(sample.read_bytes()),
    )
    media_url = item["source"]["url"]
    original = page.evaluate(READ_CUES, [original_url, media_url])
    served = page.evaluate(READ_CUES, [response.json()["url"], media_url])
    assert original, f"Chromium read no cues from {sample.name}"
    assert served == original
