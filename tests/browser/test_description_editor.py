"""The caption editor for a description track in headless Chromium: the film's speech (found
by the ``find_speech`` job from espeak-ng's voice at a known time) on the timeline beside the
descriptions, a warning for the description over the speech and for the one too long for its
pause, kept live as the editor types; finding the speech on request; axe in sv and en (the
editor, and the jobs list naming the job that found the speech)."""

from __future__ import annotations

import re

import httpx
import pytest
from editor_fixtures import add_account, log_in, new_item
from speech_helpers import SpokenFilm, speak_film
from test_accessibility import assert_no_violations
from variant_helpers import wait_until

from bench.live_server import LiveServer
from transcode.captions import format_timestamp

SENTENCE = "Välkommen till biblioteket i Örebro."
LONG = "Hon ställer boken tillbaka på hyllan och går långsamt mot den stora dörren ut mot gatan."


@pytest.fixture(scope="module", autouse=True)
def editor_account(server: LiveServer) -> None:
    add_account(server, "disa")


@pytest.fixture(scope="module")
def spoken(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> SpokenFilm:
    return speak_film(ffmpeg, tmp_path_factory.mktemp("spoken"), SENTENCE, 1.5, 8.0)


def descriptions(spoken: SpokenFilm) -> bytes:
    """In the pause before the sentence; over it; a second after it, too long for the rest."""
    after = round(spoken.span[1] * 1000) + 1000
    return (
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.200\nEtt bibliotek.\n\n"
        "00:00:02.000 --> 00:00:03.000\nEn kvinna ler.\n\n"
        f"{format_timestamp(after)} --> {format_timestamp(after + 1000)}\n{LONG}\n"
    ).encode()


def timing(api: httpx.Client, item_id: int, track_id: int) -> dict:
    response = api.get(f"/api/media/{item_id}/captions/{track_id}/timing")
    response.raise_for_status()
    return response.json()


def found(api: httpx.Client, item_id: int, track_id: int) -> dict:
    return wait_until(
        lambda: (answer := timing(api, item_id, track_id))["status"] == "found" and answer, timeout=60
    )


def described(api: httpx.Client, spoken: SpokenFilm, title: str) -> tuple[int, int]:
    item_id = new_item(api, title, spoken.path)
    response = api.post(
        f"/api/media/{item_id}/captions",
        files={"file": ("sv.vtt", descriptions(spoken))},
        data={"language": "sv", "kind": "descriptions"},
    )
    response.raise_for_status()
    return item_id, response.json()["id"]


def test_the_speech_is_on_the_timeline_and_descriptions_over_it_are_warned(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, spoken: SpokenFilm
) -> None:
    item_id, track_id = described(api, spoken, "Syntolkad")
    answer = found(api, item_id, track_id)
    [span] = answer["speech"]
    log_in(page, server, "disa", "en")
    page.goto(f"{server.url}/editor/items/{item_id}/captions/{track_id}/edit")
    page.wait_for_selector("#ce-cue-2")

    assert "Stretches of speech in the film: 1." in page.locator("#ce-speech-status").inner_text()
    assert "read at 150 words a minute" in page.locator("#ce-timing").inner_text()
    spoken_at = f"{format_timestamp(span['start_ms'])} – {format_timestamp(span['end_ms'])}"
    assert page.locator("#ce-speech-list li").all_text_contents() == [spoken_at]
    # The strip: one speech block placed by its times along the film, and the three descriptions.
    speech = page.locator("#ce-timeline .ce-tl-speech .ce-tl-block")
    assert speech.count() == 1
    left = float(speech.evaluate("block => block.style.left").removesuffix("%"))
    assert left == pytest.approx(100 * span["start_ms"] / answer["duration_ms"], abs=0.01)
    blocks = page.locator("#ce-timeline .ce-tl-cues .ce-tl-block")
    assert blocks.count() == 3
    assert [blocks.nth(i).evaluate("b => b.classList.contains('has-warnings')") for i in range(3)] == [
        False,
        True,
        True,
    ]

    # The list marks the cues; choosing one shows its warning.
    assert page.locator("#ce-cue-0 .ce-w").text_content() == ""
    assert page.locator("#ce-cue-1 .ce-w").text_content() == "⚠ 1"
    page.keyboard.press("Alt+KeyL")
    page.keyboard.press("ArrowDown")
    assert page.locator("#ce-warnings li").all_inner_texts() == [
        f"Overlaps speech in the film ({spoken_at.replace(' – ', '–')}); a description belongs in a pause."
    ]
    assert blocks.nth(1).evaluate("b => b.classList.contains('current')")
    page.keyboard.press("ArrowDown")
    # (It is also read too fast and has a long line: the caption rules hold for descriptions too.)
    said = "Takes about 6.4 s to say at 150 words a minute, but the pause lasts"
    assert any(w.startswith(said) for w in page.locator("#ce-warnings li").all_inner_texts())

    # Live: a shorter text fits the pause; the warning and the strip's mark go.
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    page.keyboard.type("Hon går.")
    assert page.locator("#ce-warnings li").all_inner_texts() == ["No warnings."]
    assert not blocks.nth(2).evaluate("b => b.classList.contains('has-warnings')")
    # Moved over the speech, the first description is warned of it.
    page.keyboard.press("Alt+KeyL")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("00:00:00.500")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("00:00:01.800")
    assert page.locator("#ce-warnings li").all_inner_texts()[0].startswith("Overlaps speech in the film")
    assert blocks.nth(0).evaluate("b => b.classList.contains('has-warnings')")


def test_the_speech_of_a_track_made_a_description_track_is_found_on_request(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, spoken: SpokenFilm
) -> None:
    item_id = new_item(api, "Omgjord", spoken.path)
    response = api.post(
        f"/api/media/{item_id}/captions",
        files={"file": ("sv.vtt", descriptions(spoken))},
        data={"language": "sv"},
    )
    response.raise_for_status()
    track_id = response.json()["id"]
    # Made a description track afterwards: nothing has looked for the speech yet.
    api.patch(f"/api/media/{item_id}/captions/{track_id}", json={"kind": "descriptions"}).raise_for_status()
    assert timing(api, item_id, track_id)["status"] == "unknown"
    log_in(page, server, "disa", "sv")
    page.goto(f"{server.url}/editor/items/{item_id}/captions/{track_id}/edit")
    assert "Tolk vet inte än var filmen har tal." in page.locator("#ce-speech-status").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Hitta talet i filmen").click()
    assert "Tolk letar efter talet i filmen." in page.locator(".notice").inner_text()
    found(api, item_id, track_id)
    page.reload()
    assert "Ställen med tal i filmen: 1." in page.locator("#ce-speech-status").inner_text()
    page.keyboard.press("Alt+KeyL")
    page.keyboard.press("ArrowDown")
    assert page.locator("#ce-warnings li").all_inner_texts()[0].startswith("Överlappar tal i filmen")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_description_editor_has_no_axe_violations(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, spoken: SpokenFilm, language: str
) -> None:
    item_id, track_id = described(api, spoken, f"Syntolkad {language}")
    found(api, item_id, track_id)
    log_in(page, server, "disa", language)
    page.goto(f"{server.url}/editor/items/{item_id}/captions/{track_id}/edit")
    page.wait_for_selector("#ce-timeline .ce-tl-speech .ce-tl-block")
    page.locator("#ce-timing details summary").click()
    page.keyboard.press("Alt+KeyL")
    page.keyboard.press("ArrowDown")
    assert page.locator("html").get_attribute("lang") == language
    assert_no_violations(page)
    # The job that found the speech is listed, by name, with the item's other jobs.
    page.goto(f"{server.url}/editor/items/{item_id}/variants")
    named = {"sv": "Tal i filmen", "en": "Speech in the film"}[language]
    assert named in page.locator("ul.jobs .job-kinds").all_inner_texts()
    assert_no_violations(page)


PARITY_SPEECH = [(1000, 2500), (6000, 7000)]
PARITY_CUES = [
    (0, 900, "Ett rum."),
    (2000, 2600, "Han går."),
    (3000, 4000, " ".join(["ord"] * 10)),
    (2600, 5950, "<i>En</i> &amp; två\ntre fyra"),
    (7500, 8000, "En lång mening som inte hinner sägas före filmens slut alls."),
    (1500, 1500, "Tom tid."),
    (9500, 9900, "Efter slutet."),
]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_editors_rule_is_the_servers_rule(  # type: ignore[no-untyped-def]
    page, server: LiveServer, language: str
) -> None:
    """The script's warnings (codes, cues and numbers) are the server's for the same cues."""
    from transcode.captions import Cue
    from transcode.captions.description_timing import WORDS_PER_MINUTE, timing_notes

    page.goto(f"{server.url}/?lang={language}")
    found = page.evaluate(
        """async ([cues, speech, wpm, language]) => {
            const { timingWarnings } = await import("/static/js/editor/description-timing.js");
            const timing = { status: "found", speech, durationMs: 9000, wordsPerMinute: wpm };
            const shaped = cues.map(([start, end, text]) => ({ start, end, text }));
            return timingWarnings(shaped, timing, language).flatMap((warnings, index) =>
                warnings.map((w) => [index + 1, w.code, w.values.needed || w.values.from || "",
                                     w.values.available || w.values.to || ""]));
        }""",
        [PARITY_CUES, PARITY_SPEECH, WORDS_PER_MINUTE, language],
    )
    expected = []
    for note in timing_notes([Cue(*cue) for cue in PARITY_CUES], PARITY_SPEECH, 9000):
        message = note.message(language)
        code = note.code.removeprefix("description.")
        if code == "overlaps_speech":
            heard = message.split("(")[2].split(")")[0]
            values = heard.split("–")
        else:
            values = re.findall(r"(?:about|ungefär|lasts|pausen är) (\S+) s", message)
        expected.append([note.cue, code, *values])
    assert found == expected
    assert {row[1] for row in found} == {"overlaps_speech", "longer_than_gap"}
