"""Files in object storage (SeaweedFS) play in Chromium, proxied by Tolk and by redirect to
presigned URLs: the film itself, its HLS ladder in the player, the embed, and a download."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bench.live_server import LiveServer, live_server
from helpers import publish
from seaweedfs import SeaweedFS

PLAYER = "document.querySelector('.tolk-player')"
MEDIA = "document.querySelector('.tp-media')"
# Media elements load with crossorigin="anonymous": a store that clients reach needs CORS.
CORS = {
    "CORSRules": [
        {
            "AllowedOrigins": ["*"],
            "AllowedMethods": ["GET", "HEAD"],
            "AllowedHeaders": ["*"],
            "ExposeHeaders": ["Content-Length", "Content-Range", "Accept-Ranges", "ETag"],
        }
    ]
}


@pytest.fixture(scope="module", params=["proxy", "redirect"])
def stored(
    request: pytest.FixtureRequest,
    seaweedfs: SeaweedFS,
    tmp_path_factory: pytest.TempPathFactory,
    make_media: Callable[..., Path],
) -> Iterator[tuple[LiveServer, dict, str]]:
    """A live service storing in a bucket of its own, serving by ``request.param``, with a
    published film whose web variant and HLS ladder are made: (server, item, serve mode)."""
    bucket = seaweedfs.make_bucket()
    seaweedfs.client().put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    settings = {
        "storage": "s3",
        "s3_endpoint_url": seaweedfs.endpoint_url,
        "s3_bucket": bucket,
        "s3_access_key_id": seaweedfs.access_key_id,
        "s3_secret_access_key": seaweedfs.secret_access_key,
        "s3_serve": request.param,
        "hls_segment_seconds": "2",
        "variant_preset": "ultrafast",
        "workers": "1",
    }
    with live_server(tmp_path_factory.mktemp("s3-live") / "data", **settings) as server:
        headers = {"Authorization": f"Bearer {server.token()}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as api:
            item = publish(api, make_media("film", duration=8), title="Film i en hink")
            deadline = time.monotonic() + 180
            while True:
                variants = api.get(f"/api/media/{item['id']}/variants").json()
                web = next((v for v in variants if v["kind"] == "web"), None)
                if web and web["hls_url"]:
                    break
                assert time.monotonic() < deadline, "the ladder was not made within 3 minutes"
                time.sleep(0.5)
        yield server, item, request.param
    seaweedfs.drop_bucket(bucket)


def _store_requests(page, seaweedfs: SeaweedFS) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if r.url.startswith(seaweedfs.endpoint_url) else None)
    return seen


def test_the_stored_film_plays_and_seeks(page, stored, seaweedfs: SeaweedFS) -> None:  # type: ignore[no-untyped-def]
    server, item, serve = stored
    from_store = _store_requests(page, seaweedfs)
    page.goto(f"{server.url}{item['source']['url']}")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.5", timeout=20_000)
    page.evaluate("() => { const v = document.querySelector('video'); v.currentTime = 5; }")
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return !v.seeking && v.currentTime > 5.2; }",
        timeout=20_000,
    )
    assert bool(from_store) == (serve == "redirect")


def test_the_player_streams_the_ladder_through_hls(page, stored, seaweedfs: SeaweedFS) -> None:  # type: ignore[no-untyped-def]
    server, item, serve = stored
    from_store = _store_requests(page, seaweedfs)
    page.goto(f"{server.url}/watch/{item['id']}?lang=en")
    page.wait_for_function(f"{PLAYER}.dataset.streaming === 'hls.js'")
    page.locator(".tp-play").click()
    page.wait_for_function(f"!{MEDIA}.paused && {MEDIA}.currentTime > 1", timeout=20_000)
    page.evaluate(f"() => {{ {MEDIA}.currentTime = 6; }}")
    page.wait_for_function(f"!{MEDIA}.seeking && {MEDIA}.currentTime > 6.2", timeout=20_000)
    # Segments come from the store when redirected; playlists always from Tolk.
    assert any(".m4s" in url or ".mp4" in url for url in from_store) == (serve == "redirect")
    assert not any(".m3u8" in url for url in from_store)


def test_the_embed_plays_and_a_download_is_the_file(page, stored, film_bytes) -> None:  # type: ignore[no-untyped-def]
    server, item, _ = stored
    page.goto(f"{server.url}/embed/{item['id']}")
    page.wait_for_function(f"{PLAYER} && {PLAYER}.tolkPlayer !== undefined")
    page.locator(".tp-play").click()
    page.wait_for_function(f"!{MEDIA}.paused && {MEDIA}.currentTime > 1", timeout=20_000)
    download = page.request.get(f"{server.url}{item['source']['url']}?download=1")
    assert download.ok and download.body() == film_bytes
    assert download.headers["content-disposition"].startswith("attachment;")


@pytest.fixture(scope="module")
def film_bytes(make_media: Callable[..., Path]) -> bytes:
    return make_media("film", duration=8).read_bytes()
