"""Audio description in the player, in headless Chromium: a description track is spoken cue by
cue through the Web Speech API, in the track's language; extended mode holds the film until a
description has been said; the text goes to a polite live region; the toggle, its keyboard
shortcut, the embed's postMessage API and URL option, and axe-core in Swedish and English.

The browser's speech synthesis is replaced, before any page script runs, by a stand-in that
records each utterance (its text, language, rate and the film's time when it was spoken) and
ends it after a delay the test chooses: headless Chromium has no voices, and the stand-in's
known duration is what lets a test tell a hold from a film that plays on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from player_fixtures import SWEDISH, add_track
from playwright.sync_api import expect
from test_embed_in_chromium import Site

from bench.live_server import LiveServer
from helpers import publish

FILM_SECONDS = 10
# Short cues with room between them: the stand-in's delay decides whether speech outlasts one.
DESCRIPTIONS = [
    (1.0, 1.4, "En röd cirkel rör sig över bilden."),
    (4.0, 4.4, "<i>Färgfälten</i> byter plats."),
]
# The film's time may run up to this far past a cue's start before it is spoken: cuechange
# comes with the media's time updates, a few a second.
ON_TIME = 0.35
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MEDIA = "document.querySelector('.tp-media')"
BUTTON = ".tp-descriptions-button"

SPEECH_STAND_IN = """(() => {
  const speech = window.__speech = { spoken: [], cancelled: 0, delayMs: 200,
    voices: [{ name: "Alva", lang: "sv-SE", default: true, localService: true, voiceURI: "alva" }] };
  const film = () => document.querySelector(".tp-media");
  class Utterance extends EventTarget {
    constructor(text) {
      super();
      Object.assign(this, { text: String(text), lang: "", rate: 1, pitch: 1, volume: 1, voice: null,
        onstart: null, onend: null, onerror: null });
    }
  }
  class Synthesis extends EventTarget {
    constructor() { super(); this.queue = []; this.current = null; this.timer = 0; this.paused = false; }
    get speaking() { return Boolean(this.current); }
    get pending() { return this.queue.length > 0; }
    getVoices() { return speech.voices; }
    speak(utterance) { this.queue.push(utterance); this.next(); }
    next() {
      if (this.current || this.queue.length === 0) return;
      const utterance = this.current = this.queue.shift();
      const media = film();
      const record = { text: utterance.text, lang: utterance.lang, rate: utterance.rate,
        voice: utterance.voice ? utterance.voice.lang : null, at: media.currentTime,
        filmPausedAtEnd: null, endedAt: null };
      speech.spoken.push(record);
      this.timer = setTimeout(() => {
        record.filmPausedAtEnd = media.paused;
        record.endedAt = media.currentTime;
        this.current = null;
        if (utterance.onend) utterance.onend(new Event("end"));
        this.next();
      }, speech.delayMs);
    }
    cancel() {
      this.queue = [];
      if (!this.current) return;
      clearTimeout(this.timer);
      const utterance = this.current;
      this.current = null;
      speech.cancelled += 1;
      if (utterance.onerror) utterance.onerror(new Event("error"));
    }
    pause() {}
    resume() {}
  }
  Object.defineProperty(window, "speechSynthesis", { value: new Synthesis(), configurable: true });
  Object.defineProperty(window, "SpeechSynthesisUtterance", { value: Utterance, configurable: true });
})();"""


@dataclass(frozen=True)
class Items:
    film: int  # Swedish captions and a Swedish description track


@pytest.fixture(scope="module")
def items(api: httpx.Client, make_media: Callable[..., Path]) -> Items:
    film = publish(api, make_media("film", duration=FILM_SECONDS), title="Örebro")["id"]
    add_track(api, film, "sv", SWEDISH[:2])
    add_track(api, film, "sv", DESCRIPTIONS, kind="descriptions")
    return Items(film=film)


@pytest.fixture
def speech_page(page):  # type: ignore[no-untyped-def]
    page.add_init_script(SPEECH_STAND_IN)
    return page


@pytest.fixture
def watch(speech_page, server: LiveServer, items: Items) -> Iterator[Callable[..., None]]:  # type: ignore[no-untyped-def]
    def open_page(query: str = "lang=en") -> None:
        speech_page.goto(f"{server.url}/watch/{items.film}?{query}")
        speech_page.wait_for_selector(".tolk-player.is-enhanced")
        speech_page.wait_for_function(f"{MEDIA}.readyState >= 1")

    yield open_page


def spoken(page) -> list[dict]:  # type: ignore[no-untyped-def]
    return page.evaluate("window.__speech.spoken")


def plain(text: str) -> str:
    return text.replace("<i>", "").replace("</i>", "")


def play_from(page, seconds: float) -> None:  # type: ignore[no-untyped-def]
    page.evaluate(f"{MEDIA}.currentTime = {seconds}")
    page.wait_for_function(f"!{MEDIA}.seeking")
    page.locator(".tp-play").click()


def test_each_description_is_spoken_at_its_time_in_the_tracks_language(speech_page, watch) -> None:  # type: ignore[no-untyped-def]
    page = speech_page
    watch()  # the page in English, the descriptions in Swedish
    button = page.locator(BUTTON)
    assert button.get_attribute("aria-label") == "Audio description"
    expect(button).to_have_attribute("aria-pressed", "false")
    assert page.locator(".tp-descriptions-wrap").is_hidden()
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.locator(".tp-descriptions-wrap").is_visible()
    play_from(page, 0.5)
    page.wait_for_function(
        "window.__speech.spoken.length >= 2 && window.__speech.spoken[1].endedAt !== null", timeout=10000
    )
    page.locator(".tp-play").click()
    said = spoken(page)
    assert [s["text"] for s in said] == [plain(text) for _, _, text in DESCRIPTIONS]
    for record, (start, _end, _text) in zip(said, DESCRIPTIONS, strict=True):
        assert start <= record["at"] <= start + ON_TIME, record
        assert record["lang"] == "sv" and record["voice"] == "sv-SE" and record["rate"] == 1
        assert record["filmPausedAtEnd"] is False  # standard mode: the film played on
    # The text went to the polite live region too, in the track's language.
    live = page.locator(".tp-descriptions-live")
    assert live.get_attribute("aria-live") == "polite"
    assert live.get_attribute("lang") == "sv"
    assert live.text_content() == plain(DESCRIPTIONS[1][2])
    assert page.locator(".tp-descriptions-note").is_hidden()  # a Swedish voice was there


def test_extended_mode_holds_the_film_until_the_description_is_said(speech_page, watch) -> None:  # type: ignore[no-untyped-def]
    page = speech_page
    watch()
    page.evaluate("window.__speech.delayMs = 1500")  # outlasts the 0.4 s cue by 1.1 s
    page.locator(BUTTON).click()
    page.locator(".tp-descriptions-settings").click()
    page.get_by_role("menuitemradio", name="The film waits (extended description)").click()
    assert page.evaluate("JSON.parse(localStorage.getItem('tolk-player')).descriptionsExtended") is True
    play_from(page, 0.6)
    # The cue ends at 1.4 s while its description is still being said: the film waits there,
    # and the player still counts as playing (its button offers Pause).
    page.wait_for_function("document.querySelector('.tolk-player').classList.contains('is-describing')")
    assert page.evaluate(f"{MEDIA}.paused")
    held_at = page.evaluate(f"{MEDIA}.currentTime")
    assert DESCRIPTIONS[0][1] <= held_at <= DESCRIPTIONS[0][1] + ON_TIME
    expect(page.locator(".tp-play")).to_have_attribute("aria-label", "Pause")
    assert page.locator(".tp-status").inner_text() == "The film waits for the description …"
    # When the utterance ends the film plays on from where it waited.
    page.wait_for_function(f"!{MEDIA}.paused && {MEDIA}.currentTime > {held_at + 0.2}", timeout=5000)
    first = spoken(page)[0]
    assert first["filmPausedAtEnd"] is True
    assert first["endedAt"] == pytest.approx(held_at, abs=0.05)
    assert page.locator(".tp-status").inner_text() == ""
    page.locator(".tp-play").click()

    # In standard mode the same long description is said over the film, which plays on.
    page.locator(".tp-descriptions-settings").click()
    page.get_by_role("menuitemradio", name="The film plays on").click()
    play_from(page, 3.6)
    page.wait_for_function("window.__speech.spoken.length >= 2 && window.__speech.spoken[1].endedAt !== null")
    second = spoken(page)[1]
    assert second["filmPausedAtEnd"] is False
    assert second["endedAt"] > DESCRIPTIONS[1][1] + 0.5


def test_pausing_during_a_hold_stops_the_description_and_keeps_the_film_paused(speech_page, watch) -> None:  # type: ignore[no-untyped-def]
    page = speech_page
    watch("lang=sv")
    page.evaluate("window.__speech.delayMs = 3000")
    page.locator(BUTTON).click()
    page.locator(".tp-descriptions-settings").click()
    page.locator("[data-mode=extended]").click()
    play_from(page, 0.6)
    page.wait_for_function("document.querySelector('.tolk-player').classList.contains('is-describing')")
    expect(page.locator(".tp-play")).to_have_attribute("aria-label", "Pausa")
    page.locator(".tp-play").click()
    assert page.evaluate("window.__speech.cancelled") == 1
    expect(page.locator(".tp-play")).to_have_attribute("aria-label", "Spela upp")
    page.wait_for_timeout(300)
    assert page.evaluate(f"{MEDIA}.paused")


def test_the_toggle_the_shortcut_and_the_text_preference(speech_page, watch) -> None:  # type: ignore[no-untyped-def]
    page = speech_page
    watch()
    button = page.locator(BUTTON)
    page.locator(".tp-play").focus()
    page.keyboard.press("d")
    expect(button).to_have_attribute("aria-pressed", "true")
    # The choice is remembered: on again after a reload.
    watch()
    expect(button).to_have_attribute("aria-pressed", "true")
    # Without the text preference the live region stays empty; speech goes on.
    page.locator(".tp-descriptions-settings").click()
    page.get_by_role("menuitemcheckbox", name="The description also as text for screen readers").click()
    page.locator(".tp-descriptions-settings").click()
    expect(page.locator("[data-option=text]")).to_have_attribute("aria-checked", "false")
    page.keyboard.press("Escape")
    play_from(page, 0.8)
    page.wait_for_function("window.__speech.spoken.length >= 1")
    assert page.locator(".tp-descriptions-live").text_content() == ""
    # D turns it off: the next description is not said.
    page.locator(".tp-play").focus()
    page.keyboard.press("d")
    expect(button).to_have_attribute("aria-pressed", "false")
    page.evaluate(f"{MEDIA}.currentTime = 3.8")
    page.wait_for_function(f"{MEDIA}.currentTime > 4.6")
    assert len(spoken(page)) == 1
    # The help dialog lists the shortcut.
    page.locator(".tp-help-button").click()
    expect(
        page.locator(".tp-help-dialog").get_by_role("row", name="D Audio description on or off")
    ).to_be_visible()


def test_a_browser_without_a_voice_for_the_language_says_so(speech_page, watch) -> None:  # type: ignore[no-untyped-def]
    page = speech_page
    page.add_init_script("window.__speech.voices = [{name: 'Daniel', lang: 'en-GB', default: true}]")
    watch("lang=sv")
    page.locator(BUTTON).click()
    note = page.locator(".tp-descriptions-note")
    expect(note).to_be_visible()
    assert note.inner_text() == "Webbläsaren har ingen röst för svenska: en annan röst läser beskrivningen."
    assert page.locator(BUTTON).get_attribute("aria-describedby") == note.get_attribute("id")
    # The viewer's speech rate goes to each utterance.
    page.locator(".tp-descriptions-settings").click()
    page.get_by_role("menuitemradio", name="Talhastighet 1,5×").click()
    play_from(page, 0.8)
    page.wait_for_function("window.__speech.spoken.length >= 1")
    first = spoken(page)[0]
    assert first["lang"] == "sv" and first["voice"] is None and first["rate"] == 1.5


def test_the_transcript_shows_the_descriptions_marked(speech_page, watch) -> None:  # type: ignore[no-untyped-def]
    page = speech_page
    watch()  # descriptions off: the transcript has them all the same
    page.locator(".tp-transcript-button").click()
    page.wait_for_selector(".tp-cue-description")
    lines = [" ".join(line.split()) for line in page.locator(".tp-transcript-body li").all_inner_texts()]
    assert lines == [
        "0:00 Välkommen till Örebro.",
        f"0:01 Description: {plain(DESCRIPTIONS[0][2])}",
        f"0:04 Description: {plain(DESCRIPTIONS[1][2])}",
        "0:04 Här bor vi.",
    ]
    described = page.locator(".tp-cue-description .tp-cue-line").first
    assert described.get_attribute("lang") == "sv"
    assert page.locator(".tp-cue-description .tp-cue-label").first.get_attribute("lang") == "en"


RECORD_EVENTS = """() => {
  window.recorded = [];
  window.probe = new TolkEmbed(document.querySelector("iframe"));
  for (const name of ["ready", "descriptionschange", "error"]) {
    probe.on(name, (state, message) => recorded.push({ name, state, message }));
  }
}"""


@pytest.fixture(scope="module")
def host_site() -> Iterator[Site]:
    """Another origin for the page that frames the player (TOLK_FRAME_ANCESTORS allows any)."""
    site = Site()
    yield site
    site.close()


def wait_recorded(page, name: str, condition: str = "true") -> dict:  # type: ignore[no-untyped-def]
    handle = page.wait_for_function(f"() => recorded.find((e) => e.name === {name!r} && ({condition}))")
    return handle.json_value()


def test_the_embed_api_turns_descriptions_on_extended_and_off(speech_page, server, host_site, items) -> None:  # type: ignore[no-untyped-def]
    page = speech_page
    # Tolk's demo host page, served from another origin as a site would serve it.
    demo = httpx.get(f"{server.url}/embed/{items.film}/demo?lang=en").text
    page.goto(host_site.serve("/demo.html", demo))
    page.evaluate(RECORD_EVENTS)
    ready = wait_recorded(page, "ready")["state"]
    assert ready["descriptionsAvailable"] is True and ready["descriptionLanguage"] == "sv"
    assert ready["descriptions"] is False
    frame = next(f for f in page.frames if f.url.startswith(server.url))

    page.get_by_label("Audio description").select_option("extended")  # the demo page's control
    state = wait_recorded(page, "descriptionschange", "e.state.descriptions && e.state.descriptionsExtended")
    assert state["state"]["descriptionLanguage"] == "sv"
    expect(frame.locator(BUTTON)).to_have_attribute("aria-pressed", "true")
    frame.evaluate(f"{MEDIA}.currentTime = 0.8")
    page.evaluate("probe.play()")
    frame.wait_for_function("window.__speech.spoken.length >= 1")  # the stand-in is in the frame too
    assert frame.evaluate("window.__speech.spoken[0].lang") == "sv"

    page.evaluate("probe.setDescriptions(false)")
    wait_recorded(page, "descriptionschange", "!e.state.descriptions")
    expect(frame.locator(BUTTON)).to_have_attribute("aria-pressed", "false")
    page.evaluate("probe.setDescriptions('loud')")
    refused = wait_recorded(page, "error")
    assert refused["message"]["command"] == "descriptions" and "extended" in refused["message"]["message"]
    # The demo page's own log heard the same.
    log = page.locator("#events").inner_text()
    assert "descriptionschange: true (extended)" in log and "descriptionschange: false" in log


def test_the_embed_url_turns_descriptions_on(speech_page, server, items) -> None:  # type: ignore[no-untyped-def]
    page = speech_page
    page.goto(f"{server.url}/embed/{items.film}?descriptions=extended&start=0.8&autoplay=1")
    page.wait_for_selector(".tolk-player.is-enhanced")
    expect(page.locator(BUTTON)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-mode=extended]")).to_have_attribute("aria-checked", "true")
    page.wait_for_function("window.__speech.spoken.length >= 1")
    bad = httpx.get(f"{server.url}/embed/{items.film}?descriptions=loud")
    assert bad.status_code in (400, 422)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_axe_finds_nothing_with_descriptions_on(speech_page, watch, language: str) -> None:  # type: ignore[no-untyped-def]
    page = speech_page
    # No Swedish voice, so the note is shown too; a description long enough to be under way.
    page.add_init_script("window.__speech.voices = [{lang: 'en-GB'}]; window.__speech.delayMs = 5000")
    watch(f"lang={language}")
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}}
    page.locator(BUTTON).click()
    play_from(page, 0.8)
    page.wait_for_function("document.querySelector('.tp-descriptions-live').textContent.length > 0")
    page.locator(".tp-play").click()
    page.locator(".tp-transcript-button").click()
    page.wait_for_selector(".tp-cue-description")
    page.locator(".tp-descriptions-settings").click()
    results = axe.run(page, options=options)
    assert results.violations_count == 0, results.generate_report()
    page.keyboard.press("Escape")
    page.locator(".tp-help-button").click()
    results = axe.run(page, options=options)
    assert results.violations_count == 0, results.generate_report()
