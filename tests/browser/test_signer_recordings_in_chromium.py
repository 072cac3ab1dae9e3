"""Interpreter recordings as studios deliver them, through the upload API, in Chromium's sign
window: a ProRes .mov (25 fps), VP9 in Matroska (30 fps) and H.264 with its index at the end
(50 fps). For each, the window's video decodes frames with the signer in them (read from the
<video> itself, pixel by pixel, not its currentTime), and what the viewer sees in the window
(a screenshot of its box) has the signer, the film through the keyed-out background, and no
green. An unkeyed recording shows its background as it is."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from player_fixtures import wait_for_window_file

from bench.live_server import LiveServer
from helpers import publish

MEDIA = "document.querySelector('.tp-media')"
SIGNER = "document.querySelector('.tp-signer')"

# Colours in the picture: the synthetic signer's skin and shirt (transcode/synthetic.py), its
# green screen, and the film's own blue, which must show where the green was keyed out.
CLASSIFY = """
(data) => {
  const counts = { skin: 0, shirt: 0, green: 0, blue: 0, black: 0, total: data.length / 4 };
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i], g = data[i + 1], b = data[i + 2];
    const near = (R, G, B, d) => Math.abs(r - R) < d && Math.abs(g - G) < d && Math.abs(b - B) < d;
    if (near(217, 162, 126, 40)) counts.skin++;
    else if (near(31, 42, 68, 30)) counts.shirt++;
    else if (g > 90 && g > r + 50 && g > b + 40) counts.green++;
    else if (near(40, 70, 200, 45)) counts.blue++;
    else if (r < 20 && g < 20 && b < 20) counts.black++;
  }
  return counts;
}
"""
# The frame the window's <video> has decoded now, at its own size.
FRAME_COUNTS = f"""() => {{
  const video = {SIGNER};
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth; canvas.height = video.videoHeight;
  const context = canvas.getContext('2d');
  context.drawImage(video, 0, 0);
  return ({CLASSIFY})(context.getImageData(0, 0, canvas.width, canvas.height).data);
}}"""
SHOT_COUNTS = f"""async (png) => {{
  const image = new Image();
  image.src = 'data:image/png;base64,' + png;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return ({CLASSIFY})(context.getImageData(0, 0, image.width, image.height).data);
}}"""

# name -> ffmpeg output options; the signer is the shared 2 s fixture, stretched to 4 s.
DELIVERIES = {
    "prores-25.mov": ["-r", "25", "-c:v", "prores_ks", "-profile:v", "2"],
    "vp9-30.mkv": [
        "-r",
        "30",
        "-c:v",
        "libvpx-vp9",
        "-b:v",
        "400k",
        "-deadline",
        "realtime",
        "-cpu-used",
        "8",
    ],
    "h264-50-index-at-end.mp4": [
        "-r",
        "50",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
    ],
}


@pytest.fixture(scope="module")
def film(api: httpx.Client, made: Callable[..., Path]) -> int:
    """A published 6 s blue film with sound."""
    path = made(
        "blue-film.mp4",
        *("-f", "lavfi", "-i", "color=c=0x2846c8:size=640x360:rate=25:duration=6"),
        *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=6"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"),
        *("-movflags", "+faststart"),
    )
    return publish(api, path, title="Blå film")["id"]


def signer_as(made: Callable[..., Path], make_media: Callable[..., Path], name: str) -> Path:
    signer = make_media("interpreter", duration=4)
    return made(f"delivered-{name}", "-i", str(signer), *DELIVERIES[name])


def add_recording(api: httpx.Client, item_id: int, path: Path, key: dict | None) -> None:
    """Replaces the item's recordings with the one at ``path``, laid out with ``key``."""
    for old in api.get(f"/api/media/{item_id}/interpreters").json():
        api.delete(f"/api/media/{item_id}/interpreters/{old['id']}").raise_for_status()
    response = api.post(f"/api/media/{item_id}/interpreters", content=path.read_bytes())
    response.raise_for_status()
    url = f"/api/media/{item_id}/interpreters/{response.json()['id']}"
    # The window large, so the screenshot has room for many pixels of each kind.
    api.patch(url, json={"layout": {"key": key, "size": 0.45}}).raise_for_status()
    wait_for_window_file(api, url)


def signer_on_screen(page, server: LiveServer, item_id: int) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1000, "height": 700})
    page.goto(f"{server.url}/watch/{item_id}?lang=en")
    page.wait_for_selector(".tolk-player.is-enhanced")
    page.locator(".tp-sign-button").click()
    page.locator(".tp-play").click()
    page.wait_for_function(f"!{MEDIA}.paused && {MEDIA}.currentTime > 1.2", timeout=20_000)
    page.locator(".tp-play").click()  # paused: the same frame in the video and on screen
    page.wait_for_function(
        f"{MEDIA}.paused && {SIGNER}.paused && {SIGNER}.readyState >= 2 && !{SIGNER}.seeking"
    )
    page.wait_for_timeout(300)  # a few animation frames for the keyed canvas


def window_counts(page) -> dict:  # type: ignore[no-untyped-def]
    shot = page.locator(".tp-sign").screenshot()
    return page.evaluate(SHOT_COUNTS, base64.b64encode(shot).decode())


@pytest.mark.parametrize("name", list(DELIVERIES))
def test_every_delivery_shows_the_signer_keyed_in_the_window(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, film: int, made, make_media, name: str
) -> None:
    add_recording(api, film, signer_as(made, make_media, name), {"colour": "green"})
    signer_on_screen(page, server, film)
    frame = page.evaluate(FRAME_COUNTS)
    # The window's video has pictures (not a black window): the signer on its green screen.
    assert frame["skin"] > 0.02 * frame["total"], f"no signer in the decoded frame: {frame}"
    assert frame["shirt"] > 0.05 * frame["total"], frame
    assert frame["green"] > 0.3 * frame["total"], frame
    seen = window_counts(page)
    assert seen["skin"] > 0.02 * seen["total"], f"no signer in the window: {seen}"
    assert seen["shirt"] > 0.05 * seen["total"], seen
    assert seen["green"] <= 0.001 * seen["total"], f"green in the keyed window: {seen}"
    assert seen["blue"] > 0.3 * seen["total"], f"the film does not show through the key: {seen}"


def test_an_unkeyed_recording_keeps_its_background(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, film: int, made, make_media
) -> None:
    add_recording(api, film, signer_as(made, make_media, "prores-25.mov"), None)
    signer_on_screen(page, server, film)
    assert page.locator("canvas.tp-signer-keyed").count() == 0
    seen = window_counts(page)
    assert seen["skin"] > 0.02 * seen["total"], seen
    assert seen["green"] > 0.3 * seen["total"], seen


def test_keying_works_under_tolks_own_content_security_policy(  # type: ignore[no-untyped-def]
    browser, server: LiveServer, api: httpx.Client, film: int, made, make_media
) -> None:
    add_recording(api, film, signer_as(made, make_media, "h264-50-index-at-end.mp4"), {"colour": "green"})
    context = browser.new_context()  # the policy in force: no eval, so no wait_for_function
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        page.set_viewport_size({"width": 1000, "height": 700})
        page.goto(f"{server.url}/watch/{film}?lang=en")
        page.wait_for_selector(".tolk-player.is-enhanced")
        page.locator(".tp-sign-button").click()
        page.locator(".tp-play").click()

        def until(expression: str) -> None:
            deadline = time.monotonic() + 20
            while not page.evaluate(expression):
                assert time.monotonic() < deadline, expression
                time.sleep(0.1)

        until(f"!{MEDIA}.paused && {MEDIA}.currentTime > 1.2")
        page.locator(".tp-play").click()
        until(f"{MEDIA}.paused && {SIGNER}.paused && {SIGNER}.readyState >= 2 && !{SIGNER}.seeking")
        page.wait_for_timeout(300)
        seen = window_counts(page)
        assert seen["skin"] > 0.02 * seen["total"] and seen["green"] <= 0.001 * seen["total"], seen
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
