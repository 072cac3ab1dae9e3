"""The caption editor in headless Chromium, by keyboard alone: choose a cue in the list, edit
its text and end, split, merge, shift, save a revision and restore an earlier one; live
warnings as the editor types; axe finds no WCAG A/AA violations on its pages in sv and en."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from editor_fixtures import add_account, log_in, new_item
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from test_accessibility import assert_no_violations

from bench.live_server import LiveServer
from media_service.models import CaptionTrack

CUES = (
    b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nEtt\n\n00:00:01.000 --> 00:00:02.000\nTv\xc3\xa5\n\n"
    b"00:00:02.000 --> 00:00:04.000\nTre fyra\n"
)


@pytest.fixture(scope="module", autouse=True)
def editor_account(server: LiveServer) -> None:
    add_account(server, "cecilia")


def track(api: httpx.Client, film: Path, title: str) -> tuple[int, int]:
    item_id = new_item(api, title, film)
    response = api.post(
        f"/api/media/{item_id}/captions", files={"file": ("sv.vtt", CUES)}, data={"language": "sv"}
    )
    response.raise_for_status()
    return item_id, response.json()["id"]


def cues(api: httpx.Client, item_id: int, track_id: int, number: int) -> list[tuple[int, int, str]]:
    revision = api.get(f"/api/media/{item_id}/captions/{track_id}/revisions/{number}").json()
    return [(c["start_ms"], c["end_ms"], c["text"]) for c in revision["cues"]]


def focused_id(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("document.activeElement.id")


def test_edit_split_merge_shift_save_and_restore_by_keyboard(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, film: Path
) -> None:
    item_id, track_id = track(api, film, "Tangentbordet")
    log_in(page, server, "cecilia", "en")
    edit = f"{server.url}/editor/items/{item_id}/captions/{track_id}/edit"
    page.goto(edit)
    page.wait_for_selector("#ce-cue-2")

    # The list is reached with Tab and worked with the arrow keys; Enter edits the text.
    page.keyboard.press("Alt+KeyL")
    assert focused_id(page) == "ce-list"
    page.keyboard.press("ArrowDown")
    assert page.locator("#ce-list").get_attribute("aria-activedescendant") == "ce-cue-1"
    assert page.locator("#ce-cue-1").get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    assert focused_id(page) == "ce-text"
    page.keyboard.press("Control+A")
    page.keyboard.type("Två är en alldeles för lång rad att läsa på en sekund")
    # Live warnings, by the same rules as the report: 54 characters in 1 s, a line over 42.
    warnings = page.locator("#ce-warnings li").all_inner_texts()
    assert any("characters per second" in w for w in warnings)
    assert any("A line has 53 characters" in w for w in warnings)
    assert page.locator("#ce-cue-1 .ce-w").text_content() == "⚠ 2"
    page.keyboard.press("Control+A")
    page.keyboard.type("Två")
    assert page.locator("#ce-warnings li").all_inner_texts() == ["No warnings."]

    # Split the third cue at the cursor, after "Tre".
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Alt+KeyL")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Alt+KeyS")
    assert page.locator("#ce-list [role=option]").count() == 4
    assert "Split into cues 3 and 4" in page.locator("#ce-status").inner_text()
    assert page.locator("#ce-cue-3 .ce-x").text_content() == "fyra"
    # Merge the first two.
    page.keyboard.press("Alt+KeyL")
    page.keyboard.press("Home")
    page.keyboard.press("Alt+KeyM")
    assert page.locator("#ce-list [role=option]").count() == 3
    assert page.locator("#ce-cue-0 .ce-x").text_content() == "Ett / Två"
    # Edit the end of the last cue by typing into its field.
    page.keyboard.press("Alt+KeyL")
    page.keyboard.press("End")
    page.keyboard.press("Tab")  # from the list to the start, then the end
    page.keyboard.press("Tab")
    assert focused_id(page) == "ce-end"
    page.keyboard.press("Control+A")
    page.keyboard.type("00:00:04.500")
    # Shift every cue half a second later.
    page.keyboard.press("Alt+KeyO")
    assert focused_id(page) == "ce-offset"
    page.keyboard.type("0,5")
    page.keyboard.press("Enter")
    assert "3 cues shifted by 0.5 s" in page.locator("#ce-status").inner_text()

    with page.expect_navigation():
        page.keyboard.press("Control+KeyS")
    page.wait_for_selector(".notice")
    assert cues(api, item_id, track_id, 2) == [
        (500, 2500, "Ett\nTvå"),
        (2500, 3250, "Tre"),
        (3250, 5000, "fyra"),
    ]
    assert "A new revision of the captions is saved." in page.locator(".notice").inner_text()

    # Restore revision 1 by Tab and Enter alone.
    restore = page.get_by_role("button", name="Restore revision 1")
    page.keyboard.press("Tab")
    for _ in range(200):
        if restore.evaluate("button => button === document.activeElement"):
            break
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    revisions = api.get(f"/api/media/{item_id}/captions/{track_id}/revisions").json()
    assert [(r["number"], r["origin"], r["restored_from"], r["author"]) for r in revisions] == [
        (1, "upload", None, "token 'bench'"),
        (2, "editor", None, "cecilia"),
        (3, "restore", 1, "cecilia"),
    ]
    assert cues(api, item_id, track_id, 3) == cues(api, item_id, track_id, 1)
    page.wait_for_selector("#ce-cue-2")
    assert page.locator("#ce-cue-2 .ce-x").text_content() == "Tre fyra"


def test_a_two_thousand_cue_track_is_built_and_worked_at_once(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, film: Path
) -> None:
    item_id = new_item(api, "Lång", film)
    blocks = [
        f"{i // 60:02d}:{i % 60:02d}.000 --> {i // 60:02d}:{i % 60:02d}.800\nRad {i}" for i in range(2000)
    ]
    long = ("WEBVTT\n\n" + "\n\n".join(f"00:{block}" for block in blocks) + "\n").encode()
    track_id = api.post(
        f"/api/media/{item_id}/captions", files={"file": ("sv.vtt", long)}, data={"language": "sv"}
    ).json()["id"]
    log_in(page, server, "cecilia", "en")
    page.goto(f"{server.url}/editor/items/{item_id}/captions/{track_id}/edit")
    page.wait_for_selector("#ce-cue-1999", state="attached")
    page.keyboard.press("Alt+KeyL")
    page.keyboard.press("End")
    assert page.locator("#ce-list").get_attribute("aria-activedescendant") == "ce-cue-1999"
    # Every cue is shown 0.8 s: the next warning after the last is the first.
    page.keyboard.press("Alt+KeyW")
    assert page.locator("#ce-list").get_attribute("aria-activedescendant") == "ce-cue-0"
    assert "Cue 1: Shown for 0.80 s" in page.locator("#ce-status").inner_text()


def make_draft(server: LiveServer, track_id: int, low_confidence: list[dict[str, object]]) -> None:
    """Mark a track a draft from speech, with the words it asks about, as a speech job leaves it."""
    engine = create_engine(f"sqlite:///{server.env['TOLK_DATA_DIR']}/tolk.db")
    with Session(engine) as session, session.begin():
        draft = session.get(CaptionTrack, track_id)
        assert draft is not None and draft.current_revision is not None
        draft.draft = True
        draft.current_revision.speech = {
            "mode": "recognise",
            "low_confidence": low_confidence,
            "unplaced": [],
        }
    engine.dispose()


def test_a_drafts_uncertain_words_are_warnings_on_their_cues_until_changed(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, film: Path
) -> None:
    item_id, track_id = track(api, film, "Osäkra ord")
    make_draft(server, track_id, [{"cue": 3, "word": "fyra", "start_ms": 3100}])
    log_in(page, server, "cecilia", "en")
    page.goto(f"{server.url}/editor/items/{item_id}/captions/{track_id}/edit")
    page.wait_for_selector("#ce-cue-2")
    assert page.locator("#ce-cue-0 .ce-w").text_content() == ""
    assert page.locator("#ce-cue-2 .ce-w").text_content() == "⚠ 1"
    page.keyboard.press("Alt+KeyW")  # the next warning is that word
    assert page.locator("#ce-list").get_attribute("aria-activedescendant") == "ce-cue-2"
    assert page.locator("#ce-warnings li").all_inner_texts() == [
        "“fyra” was heard with low confidence: check the word against the sound."
    ]
    page.locator("#ce-text").fill("Tre fem")  # the editor corrected the word
    assert page.locator("#ce-warnings li").all_inner_texts() == ["No warnings."]
    assert page.locator("#ce-cue-2 .ce-w").text_content() == ""


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_caption_editor_pages_have_no_axe_violations(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, film: Path, language: str
) -> None:
    item_id, track_id = track(api, film, f"Tillgänglig redigering {language}")
    base = f"/api/media/{item_id}/captions/{track_id}/revisions"
    api.post(base, json={"cues": [{"start_ms": 0, "end_ms": 300, "text": "Kort"}]}).raise_for_status()
    log_in(page, server, "cecilia", language)
    page.goto(f"{server.url}/editor/items/{item_id}/captions/{track_id}/edit")
    page.wait_for_selector("#ce-cue-0")
    assert page.locator("html").get_attribute("lang") == language
    assert_no_violations(page)
    page.goto(f"{server.url}/editor/items/{item_id}/captions/{track_id}/revisions/2/changes")
    assert_no_violations(page)
    page.goto(f"{server.url}/editor/items/{item_id}/captions")
    assert_no_violations(page)
