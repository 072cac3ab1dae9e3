"""The embedded player in headless Chromium, framed by pages from other origins (other ports):
the postMessage API driven from a host page, the oEmbed code playing, the frame-ancestors
allow-list enforced by the browser, the embed URL's options, and axe-core on the embed page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from host_site import Site, host_page
from player_fixtures import ENGLISH, SWEDISH, add_interpreter, add_track

from bench.live_server import LiveServer, live_server
from helpers import publish

FILM_SECONDS = 8
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PLAYER_EVENTS = [
    "ready",
    "play",
    "pause",
    "seeked",
    "timeupdate",
    "ended",
    "captionschange",
    "signchange",
    "error",
]
# A second TolkEmbed on the host page that records every event it hears, with when.
RECORD_EVENTS = """(names) => {
  window.recorded = [];
  window.probe = new TolkEmbed(document.querySelector("iframe"));
  for (const name of names) {
    probe.on(name, (state, message) => recorded.push({name, state, message, at: performance.now()}));
  }
}"""
PLAYER_MEDIA = "document.querySelector('.tp-media')"


def player_iframe(server: LiveServer, item_id: int) -> str:
    return f'<iframe src="{server.url}/embed/{item_id}" title="Player" width="640" height="444"></iframe>'


@pytest.fixture(scope="module")
def allowed_site() -> Iterator[Site]:
    site = Site()
    yield site
    site.close()


@pytest.fixture(scope="module")
def other_site() -> Iterator[Site]:
    site = Site()
    yield site
    site.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, allowed_site: Site) -> Iterator[LiveServer]:
    """The service, framed only by ``allowed_site`` (its public URL is its own address)."""
    with live_server(tmp_path_factory.mktemp("embed") / "data", frame_ancestors=allowed_site.url) as running:
        yield running


@dataclass(frozen=True)
class Items:
    film: int  # captions in Swedish and English, an interpreter recording


@pytest.fixture(scope="module")
def items(api: httpx.Client, make_media: Callable[..., Path]) -> Items:
    film = publish(api, make_media("film", duration=FILM_SECONDS), title="Örebro")["id"]
    add_track(api, film, "sv", SWEDISH[:2])
    add_track(api, film, "en", ENGLISH[:2])
    add_interpreter(api, film, make_media("interpreter", duration=FILM_SECONDS), 0.0)
    return Items(film=film)


def player_frame(page, server: LiveServer):  # type: ignore[no-untyped-def]
    """The frame showing the player (Tolk's origin) once its player is running."""
    page.wait_for_function(
        "() => document.querySelector('iframe') && document.querySelector('iframe').contentWindow"
    )
    frame = next(f for f in page.frames if f.url.startswith(server.url))
    frame.wait_for_selector(".tolk-player.is-enhanced")
    return frame


def recorded(page, name: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return page.evaluate("(name) => recorded.filter((e) => e.name === name)", name)


def wait_recorded(page, name: str, condition: str = "true") -> dict:  # type: ignore[no-untyped-def]
    """The first recorded ``name`` event whose ``e`` (with ``e.state``) meets ``condition``."""
    handle = page.wait_for_function(
        f"() => recorded.find((e) => e.name === {name!r} && ({condition}))", timeout=10000
    )
    return handle.json_value()


def test_a_host_page_on_another_origin_drives_the_player(page, server, allowed_site, items) -> None:  # type: ignore[no-untyped-def]
    demo = httpx.get(f"{server.url}/embed/{items.film}/demo?lang=en").text
    page.goto(allowed_site.serve("/demo.html", demo))
    page.evaluate(RECORD_EVENTS, PLAYER_EVENTS)
    frame = player_frame(page, server)
    ready = wait_recorded(page, "ready")
    assert ready["state"]["captionLanguages"] == ["sv", "en"]
    assert ready["state"]["signAvailable"] is True
    assert ready["state"]["paused"] is True

    page.get_by_role("button", name="Play").click()
    frame.wait_for_function(f"!{PLAYER_MEDIA}.paused && {PLAYER_MEDIA}.currentTime > 0.3")
    wait_recorded(page, "play")

    page.get_by_role("button", name="Go to 5 s").click()
    seeked = wait_recorded(page, "seeked", "Math.abs(e.state.currentTime - 5) < 0.3")
    assert seeked["state"]["duration"] == pytest.approx(FILM_SECONDS, abs=0.1)
    assert frame.evaluate(f"{PLAYER_MEDIA}.currentTime") >= 5

    page.get_by_label("Captions").select_option("en")
    assert wait_recorded(page, "captionschange", "e.state.captions === 'en'")
    frame.wait_for_function("document.querySelector('.tp-captions').innerText.includes('This is where')")
    assert frame.locator(".tp-captions").get_attribute("lang") == "en"

    page.get_by_label("Sign language").check()
    assert wait_recorded(page, "signchange", "e.state.sign === true")
    assert frame.locator(".tp-sign").is_visible()
    assert frame.locator(".tp-sign-button").get_attribute("aria-pressed") == "true"

    # timeupdate comes while playing, but at most 4 times a second, even when the film sends
    # more (each of ten quick seeks makes one).
    page.wait_for_timeout(1000)
    assert len(recorded(page, "timeupdate")) >= 3
    before = len(recorded(page, "timeupdate"))
    burst_ms = frame.evaluate(f"""async () => {{
      const media = {PLAYER_MEDIA}, start = performance.now();
      for (let i = 0; i < 10; i++) {{
        const seeked = new Promise((resolve) => media.addEventListener("seeked", resolve, {{ once: true }}));
        media.currentTime = 5 + i / 10;
        await seeked;
      }}
      return performance.now() - start;
    }}""")
    page.wait_for_timeout(250)
    assert len(recorded(page, "timeupdate")) - before <= burst_ms / 250 + 3

    page.evaluate("probe.pause()")
    wait_recorded(page, "pause")
    assert frame.evaluate(f"{PLAYER_MEDIA}.paused")
    page.evaluate("probe.setCaptions('fi')")
    refused = wait_recorded(page, "error")
    assert refused["message"]["command"] == "captions" and "fi" in refused["message"]["message"]

    # The demo page's own log heard the same.
    log = page.locator("#events").inner_text()
    for line in ("ready", "play", "captionschange: en", "signchange: true", "pause"):
        assert line in log


def test_messages_from_anyone_but_the_parent_and_the_player_are_ignored(  # type: ignore[no-untyped-def]
    page, server, allowed_site, other_site, items
) -> None:
    # A page of another origin, framed beside the player, keeps telling the player to play.
    other_site.serve(
        "/meddler.html",
        host_page(
            "<script>setInterval(() => parent.frames[0].postMessage("
            "{tolk: 'command', command: 'play'}, '*'), 100);</script>"
        ),
    )
    embed = player_iframe(server, items.film)
    meddler = f'<iframe src="{other_site.url}/meddler.html" title="Other"></iframe>'
    host_script = f'<script src="{server.url}/static/js/embed/tolk-embed.js"></script>'
    page.goto(allowed_site.serve("/two-frames.html", host_page(embed + meddler + host_script)))
    page.evaluate(RECORD_EVENTS, PLAYER_EVENTS)
    frame = player_frame(page, server)
    wait_recorded(page, "ready")
    page.wait_for_timeout(800)
    assert frame.evaluate(f"{PLAYER_MEDIA}.paused"), "a frame that is not the parent was obeyed"

    # A forged event posted on the host page itself does not reach the host script's handlers.
    page.evaluate("window.postMessage({tolk: 'event', event: 'play', state: {}}, '*')")
    page.wait_for_timeout(200)
    assert recorded(page, "play") == []
    # The parent is heard.
    page.evaluate("probe.play()")
    wait_recorded(page, "play")


def test_origin_matching_follows_csp_source_expressions(page, server, items) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/embed/{items.film}")
    cases = [
        ("https://a.example", ["*"], True),
        ("https://a.example", ["'none'"], False),
        ("null", ["*"], False),
        (server.url, ["'self'"], True),
        ("http://127.0.0.1:1", ["'self'"], False),
        ("https://a.example", ["https:"], True),
        ("https://a.example", ["http:"], True),  # http: allows the upgrade to https:
        ("http://a.example", ["https:"], False),
        ("https://a.example", ["https://a.example"], True),
        ("https://a.example:8443", ["https://a.example"], False),
        ("https://a.example:8443", ["https://a.example:8443"], True),
        ("https://a.example:8443", ["https://a.example:*"], True),
        ("https://b.a.example", ["https://*.a.example"], True),
        ("https://a.example", ["https://*.a.example"], False),
        ("https://evil-a.example", ["https://*.a.example"], False),
        ("http://a.example", ["a.example"], True),  # no scheme: the page's own (http here)
        ("https://a.example", ["https://b.example", "https://a.example/path/"], True),
    ]
    results = page.evaluate(
        """async (cases) => {
          const { originAllowed } = await import("/static/js/embed/origins.js");
          return cases.map(([origin, sources]) => originAllowed(origin, sources, location.origin));
        }""",
        [[origin, sources] for origin, sources, _ in cases],
    )
    assert results == [expected for _, _, expected in cases]


def test_the_oembed_code_plays_on_another_site(page, server, allowed_site, items) -> None:  # type: ignore[no-untyped-def]
    answer = httpx.get(
        f"{server.url}/oembed", params={"url": f"{server.url}/watch/{items.film}", "maxwidth": 480}
    ).json()
    page.goto(allowed_site.serve("/oembed.html", host_page(answer["html"])))
    frame = player_frame(page, server)
    box = page.locator("iframe").bounding_box()
    assert (box["width"], box["height"]) == (answer["width"], answer["height"])
    # The player fits its frame: nothing to scroll to.
    assert frame.evaluate("document.documentElement.scrollHeight <= innerHeight + 1")
    frame.locator(".tp-play").click()
    frame.wait_for_function(f"!{PLAYER_MEDIA}.paused && {PLAYER_MEDIA}.currentTime > 0.5")


def test_only_sites_on_the_allow_list_can_frame_the_player(  # type: ignore[no-untyped-def]
    page, server, allowed_site, other_site, items
) -> None:
    embed = host_page(player_iframe(server, items.film))
    page.goto(allowed_site.serve("/allowed.html", embed))
    player_frame(page, server)

    refused_page = page.context.new_page()
    with refused_page.expect_event("framenavigated", lambda f: f != refused_page.main_frame):
        refused_page.goto(other_site.serve("/refused.html", embed))
    refused_page.wait_for_load_state("load")
    # The browser put its error page in the frame instead of the player.
    frame = refused_page.frames[1]
    assert frame.url.startswith("chrome-error://"), frame.url
    assert frame.locator(".tolk-player").count() == 0
    refused_page.close()


def test_embed_options_start_captions_sign_and_muted_autoplay(page, server, items) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/embed/{items.film}?lang=en&start=4.6&captions=en&sign=1&autoplay=1")
    page.wait_for_selector(".tolk-player.is-enhanced")
    page.wait_for_function(f"!{PLAYER_MEDIA}.paused && {PLAYER_MEDIA}.currentTime >= 4.6")
    assert page.evaluate(f"{PLAYER_MEDIA}.muted")
    page.wait_for_function("document.querySelector('.tp-captions').innerText.includes('This is where')")
    assert page.locator(".tp-sign").is_visible()
    # Muting for autoplay was the host's doing, not a choice for the viewer's next visit.
    assert page.evaluate("JSON.parse(localStorage.getItem('tolk-player')).muted") is False
    # The player fills its window.
    stage = page.locator(".tp-main").bounding_box()
    assert stage["height"] == pytest.approx(page.viewport_size["height"], abs=2)


def test_the_watch_page_copies_its_embed_code(browser, server, items) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(bypass_csp=True)  # for wait_for_function: see conftest.py
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    page.goto(f"{server.url}/watch/{items.film}?lang=en")
    page.get_by_role("button", name="Copy the code").click()
    page.wait_for_function("document.querySelector('.embed-box [role=status]').textContent.length > 0")
    assert page.locator(".embed-box [role=status]").inner_text() == "The code is copied."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#embed-code").input_value()
    assert f'src="{server.url}/embed/{items.film}"' in copied
    context.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_embed_and_demo_pages_have_no_axe_violations(page, server, items, language: str) -> None:  # type: ignore[no-untyped-def]
    axe = Axe()
    page.goto(f"{server.url}/embed/{items.film}?lang={language}&start=1&captions=sv&sign=1")
    page.wait_for_selector(".tolk-player.is-enhanced")
    page.wait_for_function("document.querySelector('.tp-captions').innerText.length > 0")
    assert page.locator("html").get_attribute("lang") == language
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
    page.goto(f"{server.url}/embed/{items.film}/demo?lang={language}")
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
