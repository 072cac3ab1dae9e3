"""The accessible player in headless Chromium: playback, captions, caption style, transcript,
chapters, the synchronised sign window, swapping, burned-in variants and keyboard use."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from player_fixtures import CHAPTERS, ENGLISH, INTERPRETER_OFFSET, SWEDISH, Library, make_library
from playwright.sync_api import expect

from bench.live_server import LiveServer

MAX_DRIFT = 0.3

# How far the signer is from where it should be: film time minus the recording's offset.
DRIFT_JS = """() => {
  const film = document.querySelector('.tp-media'), signer = document.querySelector('.tp-signer');
  const offset = JSON.parse(document.querySelector('.tp-config').textContent).interpreter.offset;
  return signer.currentTime - (film.currentTime - offset);
}"""
MEDIA = "document.querySelector('.tp-media')"


@pytest.fixture(scope="module")
def library(api: httpx.Client, server: LiveServer, make_media: Callable[..., Path]) -> Library:
    return make_library(api, server, make_media)


@pytest.fixture
def watch(page, server: LiveServer, library: Library) -> Iterator[Callable[..., None]]:  # type: ignore[no-untyped-def]
    """Open an item's watch page (the film by default) with its player running."""

    def open_page(item_id: int | None = None, query: str = "lang=en") -> None:
        page.goto(f"{server.url}/watch/{item_id or library.film}?{query}")
        page.wait_for_selector(".tolk-player.is-enhanced")
        page.wait_for_function(f"{MEDIA}.readyState >= 1")

    yield open_page


def media(page, expression: str):  # type: ignore[no-untyped-def]
    return page.evaluate(f"{MEDIA}.{expression}")


def plain(cue_text: str) -> str:
    return cue_text.replace("<v Anna>", "").replace("</v>", "")


def seek_and_settle(page, seconds: float) -> None:  # type: ignore[no-untyped-def]
    page.locator(".tp-seek-input").fill(str(seconds))
    page.wait_for_function(
        """() => { const f = document.querySelector('.tp-media'), s = document.querySelector('.tp-signer');
          return !f.seeking && !s.seeking && f.readyState >= 3 && s.readyState >= 2; }"""
    )


def wait_playing_past(page, seconds: float) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(f"!{MEDIA}.paused && {MEDIA}.currentTime > {seconds}", timeout=15000)


def test_without_javascript_the_native_player_and_tracks_remain(browser, server, library) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/watch/{library.film}")
    assert page.locator("video.tp-media[controls]").count() == 1
    assert page.locator("video.tp-media track[kind=captions]").count() == 2
    assert page.locator("video.tp-media track[kind=chapters]").count() == 1
    assert page.locator(".tp-controls").is_hidden()
    context.close()


def test_play_and_pause(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    play = page.locator(".tp-play")
    assert play.get_attribute("aria-label") == "Play"
    assert not page.evaluate(f"{MEDIA}.controls")  # the player's own controls took over
    play.click()
    wait_playing_past(page, 0.5)
    # Labels follow the media's events, which are queued after its state changes.
    expect(play).to_have_attribute("aria-label", "Pause")
    expect(page.locator(".tolk-player")).to_have_attribute("data-state", "playing")
    play.click()
    page.wait_for_function(f"{MEDIA}.paused")
    expect(play).to_have_attribute("aria-label", "Play")
    assert "of 0:32" in page.locator(".tp-seek-input").get_attribute("aria-valuetext")


def test_chosen_caption_language_is_drawn_by_the_player(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    layer = page.locator(".tp-captions")
    # The page is in English but the film is Swedish: captions start in the page's language.
    page.locator(".tp-seek-input").fill("5")
    page.wait_for_function("document.querySelector('.tp-captions').innerText.includes('This is where')")
    assert layer.get_attribute("lang") == "en"
    page.locator(".tp-captions-button").click()
    page.locator("[role=menuitemradio][data-language=sv]").click()
    page.wait_for_function("document.querySelector('.tp-captions').innerText.includes('Här bor vi.')")
    assert layer.get_attribute("lang") == "sv"
    assert layer.inner_text().strip() == plain(SWEDISH[1][2])
    # Drawn by the player, not the browser: every track stays hidden or disabled.
    modes = page.evaluate(f"[...{MEDIA}.textTracks].map(t => t.mode)")
    assert "showing" not in modes
    page.locator(".tp-captions-button").click()
    page.locator("[role=menuitemradio][data-track='']").click()
    assert layer.is_hidden()
    page.wait_for_timeout(300)
    assert "showing" not in page.evaluate(f"[...{MEDIA}.textTracks].map(t => t.mode)")


def test_caption_size_is_kept_after_a_reload(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    page.locator(".tp-seek-input").fill("1")
    page.wait_for_function("document.querySelector('.tp-captions').innerText.length > 0")
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.tp-captions')).fontSize)")
    page.locator(".tp-style-button").click()
    dialog = page.locator(".tp-style-dialog")
    assert dialog.is_visible()
    dialog.locator("select[name=size]").select_option("2")
    dialog.locator("select[name=colour]").select_option("#ffff00")
    preview = dialog.locator(".tp-preview-screen .tp-cue-text")
    assert preview.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 0)"
    dialog.get_by_role("button", name="Close").click()
    assert not dialog.is_visible()
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.tp-captions')).fontSize)")
    assert large == pytest.approx(2 * normal, rel=0.01)

    page.reload()
    page.wait_for_selector(".tolk-player.is-enhanced")
    page.locator(".tp-seek-input").fill("1")
    page.wait_for_function("document.querySelector('.tp-captions').innerText.length > 0")
    kept = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.tp-captions')).fontSize)")
    assert kept == pytest.approx(large, rel=0.01)
    colour = page.evaluate("getComputedStyle(document.querySelector('.tp-captions .tp-cue-text')).color")
    assert colour == "rgb(255, 255, 0)"
    page.locator(".tp-style-button").click()
    assert page.locator(".tp-style-dialog select[name=size]").input_value() == "2"


def test_transcript_click_seeks_and_search_marks(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    transcript = page.locator(".tp-transcript")
    assert transcript.is_hidden()
    page.locator(".tp-transcript-button").click()
    assert transcript.is_visible()
    cues = transcript.locator(".tp-cue-button")
    page.wait_for_function("document.querySelectorAll('.tp-cue-button').length === 8")
    assert cues.nth(2).locator(".tp-cue-line").inner_text() == ENGLISH[2][2]
    # Chapter headings from the chapters track.
    headings = transcript.locator(".tp-chapter-heading").all_inner_texts()
    assert headings == [title for _, _, title in CHAPTERS]
    cues.nth(5).click()
    page.wait_for_function(f"!{MEDIA}.seeking && Math.abs({MEDIA}.currentTime - {ENGLISH[5][0]}) < 0.05")
    page.wait_for_function("document.querySelectorAll('.tp-cue-button')[5].ariaCurrent === 'true'")
    # Search marks the matching cues and says how many.
    transcript.locator("input[type=search]").fill("town")
    assert transcript.locator("mark").count() == 2
    assert transcript.locator(".tp-search-status").inner_text() == "2 matches"
    # Hidden again, and the choice is remembered.
    transcript.locator(".tp-transcript-close").click()
    assert transcript.is_hidden()
    page.reload()
    page.wait_for_selector(".tolk-player.is-enhanced")
    assert page.locator(".tp-transcript").is_hidden()


def test_chapters_menu_and_marks(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    page.wait_for_function("document.querySelectorAll('.tp-chapter-mark').length === 2")
    left = page.locator(".tp-chapter-mark").first.evaluate("e => parseFloat(e.style.left)")
    assert left == pytest.approx(100 * CHAPTERS[1][0] / 32, abs=0.5)
    page.locator(".tp-chapters").click()
    page.get_by_role("menuitemradio", name="Slutet").click()
    page.wait_for_function(f"Math.abs({MEDIA}.currentTime - {CHAPTERS[2][0]}) < 0.05")
    page.wait_for_function("document.querySelector('.tp-chapters').ariaLabel === 'Chapters: Slutet'")


def test_sign_window_follows_seeks_and_rate_changes(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    page.locator(".tp-sign-button").click()
    sign = page.locator(".tp-sign")
    assert sign.is_visible()
    assert sign.get_attribute("aria-label") == "Sign language interpreter"
    page.locator(".tp-play").click()
    wait_playing_past(page, 1.5)
    assert abs(page.evaluate(DRIFT_JS)) <= MAX_DRIFT

    for seconds in (14.0, 6.0):
        seek_and_settle(page, seconds)
        wait_playing_past(page, seconds + 0.3)
        assert abs(page.evaluate(DRIFT_JS)) <= MAX_DRIFT, f"after seeking to {seconds}"

    page.locator(".tp-speed").click()
    page.get_by_role("menuitemradio", name="2×").click()
    assert media(page, "playbackRate") == 2
    page.wait_for_timeout(1000)
    assert abs(page.evaluate(DRIFT_JS)) <= MAX_DRIFT, "after speeding up"
    page.locator(".tp-speed").click()
    page.get_by_role("menuitemradio", name="0.5×").click()
    page.wait_for_timeout(1000)
    assert abs(page.evaluate(DRIFT_JS)) <= MAX_DRIFT, "after slowing down"

    page.locator(".tp-play").click()
    page.wait_for_function(f"{MEDIA}.paused")
    page.wait_for_function("document.querySelector('.tp-signer').paused")
    page.wait_for_timeout(400)
    assert abs(page.evaluate(DRIFT_JS)) <= MAX_DRIFT, "when paused"


def test_drift_stays_small_over_twenty_seconds_at_one_and_a_half(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    page.locator(".tp-sign-button").click()
    page.locator(".tp-speed").click()
    page.get_by_role("menuitemradio", name="1.5×").click()
    page.locator(".tp-play").click()
    wait_playing_past(page, 1.0)
    started = time.monotonic()
    drifts = []
    while time.monotonic() - started < 20:
        page.wait_for_timeout(500)
        drifts.append(page.evaluate(DRIFT_JS))
    assert media(page, "currentTime") > 25  # it really played at 1.5x for 20 s
    assert max(abs(drift) for drift in drifts) <= MAX_DRIFT, drifts


def test_signer_waits_for_the_film_offset(page, watch) -> None:  # type: ignore[no-untyped-def]
    """Before the interpreter's offset the signer holds its first frame; then it plays along."""
    watch()
    page.locator(".tp-sign-button").click()
    page.wait_for_function("document.querySelector('.tp-signer').readyState >= 1")
    assert page.evaluate("document.querySelector('.tp-signer').currentTime") == 0
    page.locator(".tp-play").click()
    wait_playing_past(page, INTERPRETER_OFFSET + 1)
    assert page.evaluate("document.querySelector('.tp-signer').currentTime") > 0.5
    assert abs(page.evaluate(DRIFT_JS)) <= MAX_DRIFT


def box(page, selector: str) -> dict:  # type: ignore[no-untyped-def]
    return page.locator(selector).bounding_box()


def test_swap_makes_the_interpreter_the_large_picture(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    page.locator(".tp-sign-button").click()
    film, sign = box(page, ".tp-film"), box(page, ".tp-sign")
    assert sign["width"] * sign["height"] < film["width"] * film["height"]
    page.locator(".tp-layout-button").click()
    page.get_by_role("menuitemradio", name="Large interpreter, small film").click()
    film, sign = box(page, ".tp-film"), box(page, ".tp-sign")
    assert sign["width"] * sign["height"] > 1.5 * film["width"] * film["height"]
    assert sign["height"] == pytest.approx(box(page, ".tp-stage")["height"], abs=1)
    # Now the film is the window the viewer moves, and the two do not overlap.
    assert page.locator(".tp-film").get_attribute("aria-label") == "The film"
    assert page.locator(".tp-sign").get_attribute("tabindex") is None
    assert film["x"] >= sign["x"] + sign["width"] - 1 or film["x"] + film["width"] <= sign["x"] + 1
    # Captions are drawn clear of the interpreter.
    page.locator(".tp-seek-input").fill("1")
    page.wait_for_function("document.querySelector('.tp-captions').innerText.length > 0")
    captions = box(page, ".tp-captions .tp-cue-text")
    assert captions["x"] >= sign["x"] + sign["width"] - 1
    page.reload()
    page.wait_for_selector(".tolk-player.is-enhanced")
    assert page.locator(".tp-sign-button").get_attribute("aria-pressed") == "true"
    assert page.locator(".tp-film").get_attribute("aria-label") == "The film"


def test_captions_keep_clear_of_the_sign_window(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    page.locator(".tp-sign-button").click()
    page.locator(".tp-seek-input").fill("1")
    page.wait_for_function("document.querySelector('.tp-captions').innerText.length > 0")
    sign = box(page, ".tp-sign")
    for cue in page.locator(".tp-captions .tp-cue-text").all():
        text = cue.bounding_box()
        overlaps_x = text["x"] < sign["x"] + sign["width"] and sign["x"] < text["x"] + text["width"]
        overlaps_y = text["y"] < sign["y"] + sign["height"] and sign["y"] < text["y"] + text["height"]
        assert not (overlaps_x and overlaps_y)


def test_sign_window_moves_and_resizes_with_a_pointer(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    page.locator(".tp-sign-button").click()
    before = box(page, ".tp-sign")
    page.mouse.move(before["x"] + before["width"] / 2, before["y"] + before["height"] / 2)
    page.mouse.down()
    page.mouse.move(before["x"] - 200, before["y"] - 100, steps=5)
    page.mouse.up()
    moved = box(page, ".tp-sign")
    assert moved["x"] < before["x"] - 100 and moved["width"] == pytest.approx(before["width"], abs=1)
    handle = box(page, ".tp-sign .tp-handle-resize")
    # Drag the handle away from the window's middle: the window grows.
    away_x = 60 if handle["x"] > moved["x"] + moved["width"] / 2 else -60
    away_y = 60 if handle["y"] > moved["y"] + moved["height"] / 2 else -60
    page.mouse.move(handle["x"] + 5, handle["y"] + 5)
    page.mouse.down()
    page.mouse.move(handle["x"] + 5 + away_x, handle["y"] + 5 + away_y, steps=5)
    page.mouse.up()
    assert box(page, ".tp-sign")["height"] > moved["height"] + 20


def test_signed_variant_replaces_the_film_at_the_same_moment(page, watch, library) -> None:  # type: ignore[no-untyped-def]
    watch(library.signed_only)
    first_source = media(page, "currentSrc")
    page.locator(".tp-play").click()
    wait_playing_past(page, 2)
    for expected_source in ("variant", first_source):
        moment = media(page, "currentTime")
        page.locator(".tp-sign-button").click()
        changed = f"{MEDIA}.currentSrc !== {first_source!r}"
        switched = changed if expected_source == "variant" else f"!({changed})"
        # Same moment: the new source starts where the old one was, and plays on.
        page.wait_for_function(f"{switched} && !{MEDIA}.paused && {MEDIA}.currentTime > {moment}")
    assert page.locator(".tp-sign").count() == 0  # no interpreter recording: no sign window


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}"""

CONTROLS = [
    ".tp-play",
    ".tp-seek-input",
    ".tp-mute",
    ".tp-volume",
    ".tp-speed",
    ".tp-chapters",
    ".tp-captions-button",
    ".tp-style-button",
    ".tp-transcript-button",
    ".tp-sign-button",
    ".tp-help-button",
    ".tp-fullscreen",
]


@pytest.mark.parametrize(
    ("opener", "dialog"), [(".tp-style-button", ".tp-style-dialog"), (".tp-help-button", ".tp-help-dialog")]
)
def test_a_closed_dialog_leaves_the_focus_where_the_viewer_moved_it(
    page, watch, opener: str, dialog: str
) -> None:  # type: ignore[no-untyped-def]
    """The close event comes as a task of its own; a key handled before it (Tab after Escape,
    on a busy machine) has moved the focus on, and it stays there."""
    watch()
    page.locator(opener).click()
    expect(page.locator(dialog)).to_be_visible()
    moved = page.evaluate(
        """([dialog]) => new Promise((resolve) => {
          document.querySelector(dialog).close();
          document.querySelector('.tp-transcript-button').focus();  // before the close event
          setTimeout(() => resolve(document.activeElement.className), 50);
        })""",
        [dialog],
    )
    assert "tp-transcript-button" in moved
    # Closed with nothing else focused, the focus goes back to the button that opened it.
    page.locator(opener).click()
    page.keyboard.press("Escape")
    expect(page.locator(dialog)).to_be_hidden()
    page.wait_for_function("(s) => document.activeElement.matches(s)", arg=opener)


def test_every_control_works_from_the_keyboard(page, watch) -> None:  # type: ignore[no-untyped-def]
    watch()
    # Every control is in the tab order, in this order, with a visible focus ring.
    for selector in CONTROLS:
        tab_to(page, selector)
        assert page.evaluate(FOCUS_RING), f"no visible focus on {selector}"
    key = page.keyboard.press

    tab_to(page, ".tp-play")
    key("Enter")
    wait_playing_past(page, 0.2)
    key("Space")
    page.wait_for_function(f"{MEDIA}.paused")
    start = media(page, "currentTime")
    tab_to(page, ".tp-seek-input")
    key("ArrowRight")
    page.wait_for_function(f"Math.abs({MEDIA}.currentTime - {start + 5}) < 0.05")
    key("Home")
    page.wait_for_function(f"{MEDIA}.currentTime === 0")
    tab_to(page, ".tp-mute")
    key("Enter")
    assert media(page, "muted")
    key("Enter")
    assert not media(page, "muted")
    volume = page.locator(".tp-volume")
    expect(volume).to_have_value("1")  # the slider follows volumechange, a queued event
    tab_to(page, ".tp-volume")
    key("ArrowLeft")
    assert media(page, "volume") == pytest.approx(0.95)

    tab_to(page, ".tp-speed")
    key("Enter")
    assert page.evaluate("document.activeElement.textContent") == "1×"
    key("ArrowDown")
    key("Enter")
    assert media(page, "playbackRate") == 1.25
    assert page.evaluate("document.activeElement.matches('.tp-speed')")

    tab_to(page, ".tp-chapters")
    key("ArrowDown")
    key("End")
    key("Enter")
    page.wait_for_function(f"{MEDIA}.currentTime === {CHAPTERS[2][0]}")

    tab_to(page, ".tp-captions-button")
    key("Enter")
    key("Home")
    key("Enter")
    assert page.evaluate("document.querySelector('.tolk-player').tolkPlayer.captions.selected") == ""
    key("c")  # the shortcut turns them back on
    assert page.evaluate("document.querySelector('.tolk-player').tolkPlayer.captions.selected") != ""

    tab_to(page, ".tp-style-button")
    key("Enter")
    assert page.locator(".tp-style-dialog").is_visible()
    assert page.evaluate("document.activeElement.name") == "size"
    key("ArrowDown")
    assert page.locator(".tp-style-dialog select[name=size]").input_value() == "1.5"
    key("Escape")
    assert not page.locator(".tp-style-dialog").is_visible()
    assert page.evaluate("document.activeElement.matches('.tp-style-button')")

    tab_to(page, ".tp-transcript-button")
    key("Space")
    # A button acts on Space's key-up: waited for, not read at once (a busy machine lags).
    expect(page.locator(".tp-transcript")).to_be_visible()
    tab_to(page, ".tp-cue-button")
    key("ArrowDown")
    key("ArrowDown")
    key("Enter")
    page.wait_for_function(f"Math.abs({MEDIA}.currentTime - {ENGLISH[2][0]}) < 0.05")

    page.locator(".tp-play").focus()
    tab_to(page, ".tp-sign-button")
    key("Enter")
    expect(page.locator(".tp-sign")).to_be_visible()
    tab_to(page, ".tp-layout-button")
    # The window is part of the picture, which comes before the controls.
    tab_to(page, ".tp-sign.is-window", backwards=True)
    assert page.evaluate(FOCUS_RING)
    before = box(page, ".tp-sign")
    key("ArrowLeft")
    key("ArrowUp")
    key("Shift+ArrowUp")
    after = box(page, ".tp-sign")
    assert after["x"] < before["x"] and after["y"] < before["y"] and after["height"] > before["height"]
    assert media(page, "currentTime") == pytest.approx(ENGLISH[2][0], abs=0.05)  # arrows did not seek

    page.locator(".tp-play").focus()
    tab_to(page, ".tp-layout-button")
    key("Enter")
    key("ArrowDown")
    key("ArrowDown")
    key("Enter")
    assert page.locator(".tp-film").get_attribute("aria-label") == "The film"

    tab_to(page, ".tp-help-button")
    key("Enter")
    help_dialog = page.locator(".tp-help-dialog")
    assert help_dialog.is_visible() and "Keyboard shortcuts" in help_dialog.inner_text()
    key("Escape")
    assert not help_dialog.is_visible()

    tab_to(page, ".tp-fullscreen")
    key("Enter")
    page.wait_for_function("document.fullscreenElement === document.querySelector('.tolk-player')")
    # The button is relabelled on the fullscreenchange event, which may follow a moment later.
    expect(page.locator(".tp-fullscreen")).to_have_attribute("aria-label", "Exit full screen")
    assert page.locator(".tp-sign").is_visible()  # the interpreter stays in full screen
    key("f")
    page.wait_for_function("document.fullscreenElement === null")

    # Shortcuts, from any control in the player.
    page.locator(".tp-play").focus()
    key("k")
    wait_playing_past(page, 0)
    key("k")
    page.wait_for_function(f"{MEDIA}.paused")
    key("m")
    assert media(page, "muted")
    key("s")
    assert page.locator(".tp-sign").is_hidden()
    key("t")
    assert page.locator(".tp-transcript").is_hidden()
    key("?")
    assert help_dialog.is_visible()
