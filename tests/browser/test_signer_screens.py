"""The interpreter on every network and every screen, in Chromium.

- Network: the interpreter's responses alone go through a proxy that slows them to 512 kbit/s
  or cuts them (signer_network.py). On the slow link the film is held at most once and plays
  on while the signer steps down its ladder; in a 10 s outage one message with a choice
  appears, "wait" holds the film, and once the network is back the drift is within 0.3 s.
- Phones (320 and 390 px upright, 844 px sideways): the interpreter at least MIN_SIGN_WIDTH
  wide, nothing to scroll sideways, the controls on screen; on an iPhone the burned-in
  version's message goes away by itself and the player's captions keep out of its signer.
- Forced colours: the sliders' tracks and the toggles' on state can be seen.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from conftest import CONTEXT_OPTIONS
from player_fixtures import SWEDISH, add_interpreter, add_track, add_variant
from signer_network import SignerNetwork

from bench.live_server import LiveServer, live_server
from helpers import publish
from media_service.models import VariantKind

FILM_SECONDS = 48
OFFSET = 0.5
MAX_DRIFT = 0.3
MIN_SIGN_WIDTH = 144  # static/js/player/layout.js
SLOW_LINK = 512_000 / 8  # bytes per second
OUTAGE_SECONDS = 10
# A long Swedish word, as titles have them: it must wrap, not widen the page (WCAG 1.4.10).
TITLE = "Teckenspråkstolkningsföreläsningsserien om Örebro"
PLAYER = "document.querySelector('.tolk-player')"
MEDIA = "document.querySelector('.tp-media')"
SIGNER = "document.querySelector('.tp-signer')"
SYNC = f"{PLAYER}.tolkPlayer.sign.sync"
DRIFT_JS = f"() => {SIGNER}.currentTime - ({MEDIA}.currentTime - {OFFSET})"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = {"hls_segment_seconds": "2", "variant_preset": "ultrafast", "workers": "1"}
    with live_server(tmp_path_factory.mktemp("signer-live") / "data", **settings) as running:
        yield running


@pytest.fixture(scope="module")
def film(api: httpx.Client, server: LiveServer, make_media: Callable[..., Path]) -> dict:
    """A film with Swedish captions, an interpreter half a second in whose ladder's top rung
    (grain: it compresses like real footage) needs more than 512 kbit/s, and a burned-in
    signed version made with a bottom-right layout; waits for both ladders."""
    item_id = publish(api, make_media("film", duration=FILM_SECONDS), title=TITLE)["id"]
    add_track(api, item_id, "sv", SWEDISH)
    signer = make_media("film", duration=FILM_SECONDS, width=320, height=360, grain=40, audio=False)
    add_interpreter(api, item_id, signer, OFFSET)
    deadline = time.monotonic() + 180
    while True:
        variants = api.get(f"/api/media/{item_id}/variants").json()
        recordings = api.get(f"/api/media/{item_id}/interpreters").json()
        web = next((v for v in variants if v["kind"] == "web"), None)
        if web and web["hls_url"] and recordings and recordings[0]["file"]["hls_url"]:
            break
        assert time.monotonic() < deadline, "the ladders were not made within 3 minutes"
        time.sleep(0.5)
    recording = recordings[0]
    layout = {"layout": {"corner": "bottom-right"}, "offset_seconds": OFFSET}
    signed = make_media("film", duration=8, pattern="smptebars")
    add_variant(
        server, item_id, signed, VariantKind.SIGNED, interpreter_id=recording["id"], interpreter_layout=layout
    )
    return {
        "id": item_id,
        "ladder": recording["file"]["hls_url"].rsplit("/", 1)[0] + "/",
        # What the window plays when it plays no ladder (never the upload itself).
        "file": recording["window_file"],
    }


@pytest.fixture(scope="module")
def network(server: LiveServer, film: dict) -> Iterator[SignerNetwork]:
    ladder, file_url = film["ladder"], film["file"].get("url")

    def is_signer(path: str) -> bool:
        return path.startswith(ladder) or path == file_url

    proxy = SignerNetwork(server.url, is_signer)
    yield proxy
    proxy.close()


@pytest.fixture
def signer_on(page, network: SignerNetwork, film: dict) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    """Opens the film through the proxy, turns sign language on and plays until the signer
    plays its ladder's top rung."""
    network.rate, network.outage = None, False

    def open_page() -> None:
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(f"{network.url}/watch/{film['id']}?lang=en")
        page.wait_for_function(f"{PLAYER}.dataset.streaming === 'hls.js'")
        page.locator(".tp-sign-button").click()
        page.wait_for_function(f"{PLAYER}.dataset.signStreaming === 'hls.js'")
        page.locator(".tp-play").click()
        top = page.wait_for_function(f"{PLAYER}.tolkPlayer.streaming.signer.heights[0]").json_value()
        page.wait_for_function(f"{PLAYER}.dataset.signQuality === '{top}'", timeout=15_000)
        page.wait_for_function(f"!{SIGNER}.paused && {MEDIA}.currentTime > 2", timeout=15_000)

    return open_page


def film_state(page) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        f"""() => ({{time: {MEDIA}.currentTime, paused: {MEDIA}.paused, rate: {MEDIA}.playbackRate,
          holds: {SYNC}.holds, signLoading: {PLAYER}.dataset.signLoading,
          lowest: String(Math.min(...{PLAYER}.tolkPlayer.streaming.signer.heights))}})"""
    )


def seek_past_the_signers_buffer(page) -> float:  # type: ignore[no-untyped-def]
    """Seeks the film to 2 s past what the signer has buffered, so the signer must fetch."""
    target = page.evaluate(
        f"""() => {{ const b = {SIGNER}.buffered, end = b.length ? b.end(b.length - 1) : 0;
          const target = end + {OFFSET} + 2; {PLAYER}.tolkPlayer.seek(target); return target; }}"""
    )
    assert target < FILM_SECONDS - 12, target  # room left to watch what follows
    return target


def drifts(page, count: int = 6) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(count):
        page.wait_for_timeout(400)
        samples.append(page.evaluate(DRIFT_JS))
    return samples


def test_a_slow_link_holds_the_film_once_and_steps_the_signer_down(page, signer_on, network) -> None:  # type: ignore[no-untyped-def]
    signer_on()
    network.rate = SLOW_LINK
    # A seek on the slow link: the signer has nothing buffered there and must fetch at 512 kbit/s.
    before = film_state(page)
    target = seek_past_the_signers_buffer(page)
    page.wait_for_function(
        f"{PLAYER}.dataset.signLoading === String(Math.min(...{PLAYER}.tolkPlayer.streaming.signer.heights))",
        timeout=15_000,
    )
    page.wait_for_function(f"{MEDIA}.currentTime > {target + 8} && !{SIGNER}.paused", timeout=20_000)
    after = film_state(page)
    assert after["holds"] - before["holds"] <= 1, (before, after)
    assert not after["paused"] and after["rate"] == 1
    assert after["signLoading"] == after["lowest"]
    assert page.evaluate(f"{PLAYER}.tolkPlayer.media.playbackRate") == 1
    # Still playing on the lighter rendition, close to the film, with no more holds.
    assert max(abs(d) for d in drifts(page, 4)) <= MAX_DRIFT
    assert film_state(page)["holds"] == after["holds"]


def test_an_outage_gives_one_message_whose_choice_works_and_the_signer_resyncs(  # type: ignore[no-untyped-def]
    page, signer_on, network
) -> None:
    signer_on()
    page.evaluate(
        """() => { window.noticesShown = 0;
          const text = document.querySelector('.tp-sign-notice-text');
          new MutationObserver(() => { if (text.textContent) noticesShown += 1; })
            .observe(text, {childList: true, characterData: true, subtree: true}); }"""
    )
    network.outage = True
    started = time.monotonic()
    seek_past_the_signers_buffer(page)
    notice = page.locator(".tp-sign-notice")
    page.wait_for_function(
        "document.querySelector('.tp-sign-notice').classList.contains('is-shown')",
        timeout=OUTAGE_SECONDS * 1000,
    )
    assert notice.locator(".tp-sign-notice-text").text_content() == (
        "The interpreter has stopped: the network is too slow just now."
    )
    assert notice.get_by_role("button").all_inner_texts() == [
        "Wait for the interpreter",
        "Play without the interpreter",
        "Switch to the version with the interpreter in the picture",
    ]
    assert not page.evaluate(f"{MEDIA}.paused")  # the film played on meanwhile
    notice.get_by_role("button", name="Wait for the interpreter").click()
    page.wait_for_function(f"{MEDIA}.paused && {SYNC}.holding")
    assert page.locator(".tp-status").text_content() == "Waiting for the interpreter …"
    page.wait_for_timeout(max(0, (started + OUTAGE_SECONDS - time.monotonic()) * 1000))
    network.outage = False  # the network is back: the film goes on once the signer plays

    page.wait_for_function(f"!{MEDIA}.paused && !{SIGNER}.paused && !{SIGNER}.seeking", timeout=30_000)
    assert max(abs(d) for d in drifts(page)) <= MAX_DRIFT
    assert page.evaluate("window.noticesShown") == 1
    assert not page.evaluate("document.querySelector('.tp-sign-notice').classList.contains('is-shown')")
    assert network.failed > 0  # the outage was real


def test_play_without_the_interpreter_ends_the_message_and_the_window(page, signer_on, network) -> None:  # type: ignore[no-untyped-def]
    signer_on()
    network.outage = True
    seek_past_the_signers_buffer(page)
    page.locator(".tp-sign-notice.is-shown").wait_for(timeout=OUTAGE_SECONDS * 1000)
    page.get_by_role("button", name="Play without the interpreter").click()
    assert page.locator(".tp-sign-button").get_attribute("aria-pressed") == "false"
    assert page.locator(".tp-sign").is_hidden()
    assert not page.evaluate(f"{MEDIA}.paused")
    network.outage = False


PHONES = {
    "320 upright": {"width": 320, "height": 568},
    "390 upright": {"width": 390, "height": 844},
    "844 sideways": {"width": 844, "height": 390},
}


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    contexts = []

    def open_context(viewport: dict, user_agent: str = ANDROID):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            **CONTEXT_OPTIONS,
            viewport=viewport,
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
            user_agent=user_agent,
        )
        contexts.append(context)
        return context.new_page()

    yield open_context
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", PHONES)
def test_on_a_phone_the_signer_is_large_enough_and_the_page_fits(phone, server, film, name) -> None:  # type: ignore[no-untyped-def]
    page = phone(PHONES[name])
    page.goto(f"{server.url}/watch/{film['id']}?lang=sv")
    page.wait_for_selector(".tolk-player.is-enhanced")
    page.locator(".tp-sign-button").tap()
    page.wait_for_function("!document.querySelector('.tp-sign').hidden")
    sign = page.locator(".tp-sign").bounding_box()
    assert sign["width"] >= MIN_SIGN_WIDTH - 0.5, (name, sign)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    # With the player scrolled to the top of the screen, the picture and every control are on it.
    page.evaluate(f"{PLAYER}.scrollIntoView({{block: 'start'}})")
    viewport = PHONES[name]
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.tp-controls button, .tp-controls input, .tp-sign')]
          .filter((e) => e.offsetParent !== null)
          .map((e) => { const r = e.getBoundingClientRect();
            return {name: e.className, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })"""
    )
    off = [
        b
        for b in boxes
        if b["left"] < 0 or b["right"] > viewport["width"] + 0.5 or b["bottom"] > viewport["height"]
    ]
    assert not off, (name, off)
    # The move and resize handles (if the window can be moved at all) keep off the face: the
    # middle third of the window's top half.
    face = {
        "left": sign["x"] + sign["width"] / 3,
        "right": sign["x"] + 2 * sign["width"] / 3,
        "top": sign["y"],
        "bottom": sign["y"] + sign["height"] / 2,
    }
    for handle in page.locator(".tp-sign .tp-handle").all():
        box = handle.bounding_box()
        if box is None:
            continue
        assert (
            box["x"] + box["width"] <= face["left"] or box["x"] >= face["right"] or box["y"] >= face["bottom"]
        )


def test_on_an_iphone_the_signed_version_message_goes_and_captions_avoid_its_signer(
    phone, server, film
) -> None:  # type: ignore[no-untyped-def]
    page = phone({"width": 390, "height": 844}, user_agent=IPHONE)
    page.goto(f"{server.url}/watch/{film['id']}?lang=sv")
    page.wait_for_selector(".tolk-player.is-enhanced")
    config = page.evaluate("JSON.parse(document.querySelector('.tp-config').textContent).signedVariant")
    box = config["signerBox"]
    assert box["x"] > 0.5 and box["y"] > 0.3  # bottom right, as the variant was made
    page.locator(".tp-sign-button").tap()
    status = page.locator(".tp-status")
    page.wait_for_function("document.querySelector('.tp-status').textContent !== ''")
    assert status.text_content() == "Versionen med inbränd tolk spelas."
    page.wait_for_function(f"{MEDIA}.currentSrc.includes('/files/') && {MEDIA}.readyState >= 1")
    page.evaluate(f"{PLAYER}.tolkPlayer.captions.choose({PLAYER}.tolkPlayer.captions.trackFor('sv'))")
    page.evaluate(f"{PLAYER}.tolkPlayer.seek(1.5)")
    page.wait_for_function("document.querySelector('.tp-captions .tp-cue-text')")
    film_box = page.locator(".tp-film").bounding_box()
    signer = {
        "left": film_box["x"] + box["x"] * film_box["width"],
        "top": film_box["y"] + box["y"] * film_box["height"],
        "right": film_box["x"] + (box["x"] + box["width"]) * film_box["width"],
        "bottom": film_box["y"] + (box["y"] + box["height"]) * film_box["height"],
    }
    for cue in page.locator(".tp-captions .tp-cue-text").all():
        c = cue.bounding_box()
        apart = (
            c["x"] + c["width"] <= signer["left"]
            or c["x"] >= signer["right"]
            or c["y"] + c["height"] <= signer["top"]
            or c["y"] >= signer["bottom"]
        )
        assert apart, (c, signer)
    # Brief: the message leaves the picture by itself (its timer is a few seconds).
    page.wait_for_function("document.querySelector('.tp-status').textContent === ''", timeout=8_000)
    assert status.is_hidden()


PIXELS_JS = """async ([png, ys]) => {
  const image = await createImageBitmap(await (await fetch('data:image/png;base64,' + png)).blob());
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return ys.map((y) => {
    const row = context.getImageData(0, Math.round(y * (image.height - 1)), image.width, 1).data;
    const colours = [];
    for (let i = 0; i < row.length; i += 4) colours.push(`${row[i]},${row[i + 1]},${row[i + 2]}`);
    return colours;
  });
}"""


def track_drawn(page, selector: str) -> float:  # type: ignore[no-untyped-def]
    """The share of a slider's middle row (its track) that differs from its top row (the
    panel behind it), as a screenshot shows them."""
    png = base64.b64encode(page.locator(selector).screenshot()).decode()
    top, middle = page.evaluate(PIXELS_JS, [png, [0.0, 0.5]])
    return sum(a != b for a, b in zip(top, middle, strict=True)) / len(middle)


def button_rows(page, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The colours along two rows of a button, above and below its icon."""
    png = base64.b64encode(page.locator(selector).screenshot()).decode()
    upper, lower = page.evaluate(PIXELS_JS, [png, [0.15, 0.85]])
    return upper + lower


LOOKS_JS = """(selector) => {
  const style = getComputedStyle(document.querySelector(selector));
  return [style.backgroundColor, style.color];
}"""


def test_in_forced_colours_tracks_and_on_states_can_be_seen(browser, server, film) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        **CONTEXT_OPTIONS, forced_colors="active", viewport={"width": 1280, "height": 720}
    )
    page = context.new_page()
    try:
        page.goto(f"{server.url}/watch/{film['id']}?lang=en")
        page.wait_for_selector(".tolk-player.is-enhanced")
        assert page.evaluate("matchMedia('(forced-colors: active)').matches")
        panel = page.evaluate("getComputedStyle(document.querySelector('.tp-controls')).backgroundColor")
        page.locator(".tp-sign-button").click()
        page.evaluate(f"{PLAYER}.tolkPlayer.captions.choose({PLAYER}.tolkPlayer.captions.trackFor('sv'))")

        def looks(selector: str) -> tuple[str, str]:
            background, colour = page.evaluate(LOOKS_JS, selector)
            return background, colour

        on_sign, on_captions, off = (
            looks(".tp-sign-button"),
            looks(".tp-captions-button"),
            looks(".tp-transcript-button"),
        )
        assert page.locator(".tp-transcript-button").get_attribute("aria-pressed") == "false"
        assert on_sign != off and on_captions != off, (on_sign, on_captions, off)
        assert on_sign[0] != panel  # the on state has a background of its own
        # As seen: the button on and off again differ in most of their pixels, not only in a
        # style the forced palette then overrides (the pointer away, so no hover either).
        page.mouse.move(0, 0)
        sign_on = button_rows(page, ".tp-sign-button")
        page.locator(".tp-sign-button").click()
        page.mouse.move(0, 0)
        assert looks(".tp-sign-button") == off
        sign_off = button_rows(page, ".tp-sign-button")
        differing = sum(a != b for a, b in zip(sign_on, sign_off, strict=True))
        assert differing >= 0.5 * len(sign_on), (differing, len(sign_on))

        for slider in (".tp-seek-input", ".tp-volume"):
            assert track_drawn(page, slider) >= 0.7, slider  # all but the thumb's middle
    finally:
        context.close()
