"""axe-core's WCAG 2.2 A and AA rules find nothing on the catalogue, watch and transcript pages,
in Swedish and in English, with the player's panels open and closed.

axe-core comes from the PyPI package axe-playwright-python, which ships axe.min.js: nothing is
fetched at test time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from player_fixtures import Library, make_library

from bench.live_server import LiveServer

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()


@pytest.fixture(scope="module")
def library(api: httpx.Client, server: LiveServer, make_media: Callable[..., Path]) -> Library:
    return make_library(api, server, make_media)


def assert_no_violations(page) -> None:  # type: ignore[no-untyped-def]
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_catalogue_and_transcript_pages(page, server, library, language: str) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", f"/watch/{library.film}/transcript", f"/watch/{library.song}/transcript"):
        page.goto(f"{server.url}{path}?lang={language}")
        assert page.locator("html").get_attribute("lang") == language
        assert_no_violations(page)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_watch_page_with_every_panel(page, server, library, language: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/watch/{library.film}?lang={language}")
    page.wait_for_selector(".tolk-player.is-enhanced")
    assert page.locator("html").get_attribute("lang") == language
    assert_no_violations(page)
    # Captions drawn, the transcript open, the sign window on, a menu open.
    page.locator(".tp-seek-input").fill("1")
    page.wait_for_function("document.querySelector('.tp-captions').innerText.length > 0")
    page.locator(".tp-transcript-button").click()
    page.wait_for_selector(".tp-cue-button")
    page.locator(".tp-sign-button").click()
    page.locator(".tp-layout-button").click()
    assert_no_violations(page)
    page.keyboard.press("Escape")
    for dialog_button in (".tp-style-button", ".tp-help-button"):
        page.locator(dialog_button).click()
        assert_no_violations(page)
        page.keyboard.press("Escape")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_song_and_signed_variant_pages(page, server, library, language: str) -> None:  # type: ignore[no-untyped-def]
    for item_id in (library.song, library.signed_only):
        page.goto(f"{server.url}/watch/{item_id}?lang={language}")
        page.wait_for_selector(".tolk-player.is-enhanced")
        assert_no_violations(page)
