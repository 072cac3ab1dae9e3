"""Chromium plays every variant the fleet made (tests/fleet.py, tests/test_fleet.py), served by
the fleet's API from the store, and an item's watch page."""

from __future__ import annotations

from fleet import FleetRun

PLAY_ALL = """
async (urls) => {
  const played = await Promise.all(urls.map((url) => new Promise((resolve) => {
    const video = document.createElement("video");
    video.muted = true;
    video.src = url;
    video.addEventListener("error", () => resolve({url, error: video.error.code}));
    video.addEventListener("timeupdate", () => {
      if (video.currentTime > 0.5) resolve({url, duration: video.duration, error: null});
    });
    document.body.append(video);
    video.play().catch((error) => resolve({url, error: String(error)}));
  })));
  document.querySelectorAll("video").forEach((video) => video.remove());
  return played;
}
"""


def test_chromium_plays_every_variant_the_fleet_made(fleet: FleetRun, page) -> None:  # type: ignore[no-untyped-def]
    """From each API process: the one streaming files from the store and, with object storage,
    the one sending the browser to the store by presigned URLs."""
    for player in fleet.players.values():
        page.goto(player + "/healthz")  # a page of that API's origin, to play from
        for item_id in fleet.items:
            variants = fleet.variants(item_id)
            assert len(variants) == 1 + len(fleet.ordered)
            played = page.evaluate(PLAY_ALL, [player + variant["url"] for variant in variants])
            assert [video for video in played if video["error"] is not None] == []
            for video in played:  # a described+extended one holds the picture: it may be longer
                assert video["duration"] >= fleet.films[item_id] - 0.1, video


def test_chromium_plays_a_film_on_its_watch_page_from_the_fleet(fleet: FleetRun, page) -> None:  # type: ignore[no-untyped-def]
    item = page.request.get(f"{fleet.url}/api/media/{fleet.items[0]}", headers=fleet.headers).json()
    page.goto(fleet.url + item["watch_url"])
    page.locator("video").first.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.5", timeout=15000)
