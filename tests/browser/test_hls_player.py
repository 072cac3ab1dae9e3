"""The player streams HLS in Chromium through hls.js: it plays and seeks; with the network
throttled (CDP) it moves to a lower rendition within 10 s and back up within 10 s once the
throttle is lifted; the quality menu works by keyboard and is remembered; the sign window plays its own
ladder within 0.3 s of the film; a host page chooses the quality through the embed API; axe
finds nothing on the page in Swedish and English."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from host_site import Site, host_page
from player_fixtures import add_interpreter

from bench.live_server import LiveServer, live_server
from helpers import publish

FILM_SECONDS = 40
OFFSET = 0.5
MAX_DRIFT = 0.3
# Chromium's network conditions (bytes per second): a good mobile network (4 Mbit/s), then a
# poor one (300 kbit/s) that the 360p rung (about 0.9 Mbit/s with its sound) cannot keep up with.
GOOD_NETWORK = {"offline": False, "latency": 20, "downloadThroughput": 500_000, "uploadThroughput": 100_000}
POOR_NETWORK = {**GOOD_NETWORK, "latency": 60, "downloadThroughput": 37_500}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PLAYER = "document.querySelector('.tolk-player')"
MEDIA = "document.querySelector('.tp-media')"
BUTTON = "document.querySelector('.tp-quality')"
ITEMS = ".tp-quality-wrap [role=menuitemradio]"
STATE_JS = """() => {
  const p = document.querySelector('.tolk-player'), m = p.tolkPlayer.media;
  const estimate = Math.round(p.tolkPlayer.streaming.film.hls.bandwidthEstimate / 1000);
  const ahead = m.buffered.length ? m.buffered.end(m.buffered.length - 1) - m.currentTime : 0;
  const time = Math.round(m.currentTime * 10) / 10;
  return [time, p.dataset.quality, p.dataset.loadingQuality, estimate, Math.round(ahead * 10) / 10];
}"""
DRIFT_JS = """() => {
  const film = document.querySelector('.tp-media'), signer = document.querySelector('.tp-signer');
  return signer.currentTime - (film.currentTime - OFFSET);
}""".replace("OFFSET", str(OFFSET))


@pytest.fixture(scope="module")
def host_site() -> Iterator[Site]:
    site = Site()
    yield site
    site.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, host_site: Site) -> Iterator[LiveServer]:
    settings = {
        "hls_segment_seconds": "2",
        "variant_preset": "ultrafast",
        "workers": "1",
        "frame_ancestors": host_site.url,
    }
    with live_server(tmp_path_factory.mktemp("hls-live") / "data", **settings) as running:
        yield running


@pytest.fixture(scope="module")
def film(api: httpx.Client, server: LiveServer, make_media: Callable[..., Path]) -> int:
    """A published 640x360 film with grain (so that its renditions' bitrates differ a lot),
    captions, and an interpreter half a second in; waits for both ladders."""
    path = make_media("film", duration=FILM_SECONDS, width=640, height=360, grain=6)
    item_id = publish(api, path, title="Strömmad film")["id"]
    api.post(
        f"/api/media/{item_id}/captions",
        files={"file": ("sv.vtt", b"WEBVTT\n\n00:00:00.500 --> 00:00:03.000\nHej!\n")},
        data={"language": "sv"},
    ).raise_for_status()
    add_interpreter(api, item_id, make_media("interpreter", duration=FILM_SECONDS), OFFSET)
    recording = api.get(f"/api/media/{item_id}/interpreters").json()[0]
    api.patch(
        f"/api/media/{item_id}/interpreters/{recording['id']}", json={"layout": {"key": {"colour": "green"}}}
    ).raise_for_status()
    deadline = time.monotonic() + 180
    while True:
        variants = api.get(f"/api/media/{item_id}/variants").json()
        recordings = api.get(f"/api/media/{item_id}/interpreters").json()
        web = next((v for v in variants if v["kind"] == "web"), None)
        if web and web["hls_url"] and recordings and recordings[0]["file"]["hls_url"]:
            return item_id
        assert time.monotonic() < deadline, "the ladders were not made within 3 minutes"
        time.sleep(0.5)


@pytest.fixture
def watch(page, server: LiveServer, film: int):  # type: ignore[no-untyped-def]
    def open_page(language: str = "en") -> None:
        page.goto(f"{server.url}/watch/{film}?lang={language}")
        page.wait_for_function(f"{PLAYER}.dataset.streaming === 'hls.js'")
        page.wait_for_function(f"{PLAYER}.dataset.quality !== undefined")

    return open_page


def quality(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate(f"{PLAYER}.dataset.quality || 0"))


def loading(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate(f"{PLAYER}.dataset.loadingQuality || 0"))


def playing_past(page, seconds: float) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(f"!{MEDIA}.paused && {MEDIA}.currentTime > {seconds}", timeout=20_000)


def test_plays_and_seeks_through_hls(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    assert page.evaluate(f"{MEDIA}.src").startswith("blob:")  # Media Source, not the MP4
    page.locator(".tp-play").click()
    playing_past(page, 1.0)
    page.locator(".tp-seek-input").focus()
    page.keyboard.press("PageUp")  # 30 s on
    playing_past(page, 31.0)
    page.keyboard.press("Home")
    page.wait_for_function(f"{MEDIA}.currentTime < 3 && !{MEDIA}.seeking")
    playing_past(page, 1.0)


def test_throttled_network_moves_down_and_back_up(page, watch) -> None:  # type: ignore[no-untyped-def]
    """Moving is fetching another rendition (the one playing follows once the buffer ahead has
    played out): down within 10 s of the throttle, and up within 10 s of its lifting."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", GOOD_NETWORK)
    watch()
    page.locator(".tp-play").click()
    playing_past(page, 0.5)
    page.wait_for_function(f"{PLAYER}.dataset.quality === '360'", timeout=20_000)

    cdp.send("Network.emulateNetworkConditions", POOR_NETWORK)
    wait_for_rendition(page, 240, within=10)
    page.wait_for_function(f"{PLAYER}.dataset.quality === '240'", timeout=15_000)
    cdp.send("Network.emulateNetworkConditions", GOOD_NETWORK)
    wait_for_rendition(page, 360, within=10)


def wait_for_rendition(page, height: int, *, within: float) -> list:  # type: ignore[no-untyped-def]
    """Waits until the player fetches the ``height`` rendition; returns what it saw meanwhile
    (time, height playing, height fetched, bandwidth estimate, seconds buffered ahead)."""
    started = time.monotonic()
    states = []
    while loading(page) != height:
        states.append(page.evaluate(STATE_JS))
        assert time.monotonic() - started < within, f"not at {height}p within {within} s: {states}"
        page.wait_for_timeout(250)
    return states


def test_quality_menu_by_keyboard_is_announced_and_remembered(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    button = page.locator(".tp-quality")
    assert button.get_attribute("aria-haspopup") == "menu"
    assert button.text_content().startswith("Picture quality: Auto")
    button.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name="Picture quality")
    assert menu.is_visible()
    items = menu.get_by_role("menuitemradio")
    assert items.all_inner_texts() == ["Auto", "360p", "240p"]
    assert page.evaluate("document.activeElement.dataset.height") == "auto"  # the checked one
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    assert not menu.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('tp-quality')")
    page.wait_for_function(f"{PLAYER}.dataset.quality === '240'")
    assert button.text_content() == "Picture quality: 240p"
    assert page.locator(f"{ITEMS}[data-height='240']").get_attribute("aria-checked") == "true"
    page.locator(".tp-play").click()
    playing_past(page, 1.0)
    assert quality(page) == 240  # held: no automatic switch up on a fast network

    page.reload()
    page.wait_for_function(f"{PLAYER}.dataset.quality === '240'")
    button.focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.height") == "240"
    page.keyboard.press("Home")
    page.keyboard.press(" ")
    page.wait_for_function(
        "document.querySelector('.tp-quality').textContent.startsWith('Picture quality: Auto')"
    )
    assert page.locator(f"{ITEMS}[data-height=auto]").get_attribute("aria-checked") == "true"


def test_sign_window_plays_its_own_ladder_within_the_drift_limit(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    page.locator(".tp-sign-button").click()
    page.wait_for_function(f"{PLAYER}.dataset.signStreaming === 'hls.js'")
    assert page.evaluate("document.querySelector('.tp-signer').src").startswith("blob:")
    page.locator(".tp-play").click()
    playing_past(page, 2.0)
    drifts = []
    for moment in (None, 20.0, 8.0):
        if moment is not None:
            page.evaluate(f"{PLAYER}.tolkPlayer.seek({moment})")
            playing_past(page, moment + 0.5)
        page.wait_for_function("!document.querySelector('.tp-signer').paused", timeout=10_000)
        for _ in range(6):
            page.wait_for_timeout(400)
            drifts.append(page.evaluate(DRIFT_JS))
    assert max(abs(d) for d in drifts) <= MAX_DRIFT, drifts
    # Filmed on green and keyed: the ladder's frames are drawn keyed, the green transparent.
    page.locator(".tp-play").click()
    page.wait_for_function("document.querySelector('.tp-signer').paused")
    page.wait_for_timeout(300)
    keyed = page.evaluate(KEYED_CANVAS_JS)
    assert keyed["opaqueSkin"] > 0.02 * keyed["total"], keyed
    assert keyed["transparent"] > 0.3 * keyed["total"], keyed
    assert keyed["opaqueGreen"] == 0, keyed


KEYED_CANVAS_JS = """() => {
  const canvas = document.querySelector('canvas.tp-signer-keyed');
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const counts = { opaqueSkin: 0, opaqueGreen: 0, transparent: 0, total: data.length / 4 };
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
    if (a === 0) counts.transparent++;
    else if (a > 128 && g > 90 && g > r + 50 && g > b + 40) counts.opaqueGreen++;
    else if (a === 255 && Math.abs(r - 217) < 40 && Math.abs(g - 162) < 40 && Math.abs(b - 126) < 40) {
      counts.opaqueSkin++;
    }
  }
  return counts;
}"""


EMBED_EVENTS_JS = """() => {
  window.recorded = [];
  window.probe = new TolkEmbed(document.querySelector("iframe"));
  for (const name of ["ready", "qualitychange", "error"]) {
    probe.on(name, (state, message) => recorded.push({name, state, message}));
  }
}"""


def heard(page, name: str, condition: str) -> dict:  # type: ignore[no-untyped-def]
    """The first ``name`` event the host page heard whose ``e`` meets ``condition``."""
    found = f"() => recorded.find((e) => e.name === {name!r} && ({condition}))"
    return page.wait_for_function(found, timeout=10_000).json_value()


def test_a_host_page_chooses_the_quality_through_the_embed_api(  # type: ignore[no-untyped-def]
    page, server, host_site, film
) -> None:
    frame_html = f'<iframe src="{server.url}/embed/{film}" title="Player" width="640" height="444"></iframe>'
    script = f'<script src="{server.url}/static/js/embed/tolk-embed.js"></script>'
    page.goto(host_site.serve("/quality.html", host_page(frame_html + script)))
    page.evaluate(EMBED_EVENTS_JS)
    offered = heard(page, "qualitychange", "e.state.qualities.length > 0")
    assert offered["state"]["qualities"] == [360, 240]
    assert offered["state"]["quality"] == "auto"
    frame = next(f for f in page.frames if f.url.startswith(server.url))

    page.evaluate("probe.setQuality(240)")
    chosen = heard(page, "qualitychange", "e.state.quality === 240 && e.state.height === 240")
    assert chosen["state"]["qualities"] == [360, 240]
    assert frame.evaluate(f"{PLAYER}.dataset.quality") == "240"
    assert frame.locator(".tp-quality").text_content() == "Picture quality: 240p"
    # The host's choice, not the viewer's: nothing remembered for the viewer's next visit.
    assert frame.evaluate("localStorage.getItem('tolk-quality')") is None

    page.evaluate("probe.setQuality(1080)")
    refused = heard(page, "error", "e.message.command === 'quality'")
    assert refused["message"]["message"] == "no quality 1080: choose one of auto, 360, 240"
    page.evaluate("probe.setQuality('auto')")
    heard(page, "qualitychange", "e.state.quality === 'auto'")
    assert frame.locator(".tp-quality").text_content().startswith("Picture quality: Auto")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_axe_violations_with_the_quality_menu(page, watch, language: str) -> None:  # type: ignore[no-untyped-def]
    watch(language)
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}}
    results = axe.run(page, options=options)
    assert results.violations_count == 0, results.generate_report()
    page.locator(".tp-quality").click()
    assert page.locator(".tp-quality-wrap .tp-menu").is_visible()
    results = axe.run(page, options=options)
    assert results.violations_count == 0, results.generate_report()
