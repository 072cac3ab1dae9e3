"""The catalogue's search in Chromium: typed into its labelled box, a word said in the film is
found in another Swedish form, and its link opens the watch page with the film at that cue's
time; axe finds nothing on the results page, in Swedish and in English."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from bench.live_server import LiveServer
from helpers import publish

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CUE_START = 1.25  # inside the 2 s test film
CAPTIONS = (
    "WEBVTT\n\n00:00.000 --> 00:01.000\nVälkommen.\n\n00:01.250 --> 00:01.900\nHär i kommunen bor vi.\n"
)


@pytest.fixture(scope="module")
def film_item(api: httpx.Client, make_media: Callable[..., Path]) -> dict:
    item = publish(api, make_media("film"), title="Livet vid sjön")
    response = api.post(
        f"/api/media/{item['id']}/captions",
        files={"file": ("sv.vtt", CAPTIONS.encode())},
        data={"language": "sv"},
    )
    response.raise_for_status()
    return item


def test_a_word_said_in_the_film_opens_the_film_where_it_is_said(  # type: ignore[no-untyped-def]
    page, server: LiveServer, film_item
) -> None:
    page.goto(f"{server.url}/?lang=sv")
    search_box = page.get_by_label("Sök bland filmer och sånger")
    search_box.fill("kommunerna")
    search_box.press("Enter")
    page.wait_for_url("**/?q=kommunerna")
    # The first heading of the results says how many; the open-data links have their own below.
    expect(page.get_by_role("heading", level=2).first).to_have_text("1 träff för ”kommunerna”")
    cue_link = page.locator(".card-cues a")
    expect(cue_link).to_have_count(1)
    expect(cue_link.locator("mark")).to_have_text("kommunen")

    cue_link.click()
    page.wait_for_url(f"**/watch/{film_item['id']}?t=1.250")
    page.wait_for_selector(".tolk-player.is-enhanced")
    page.wait_for_function("document.querySelector('.tp-media').readyState >= 1")
    page.wait_for_function(f"Math.abs(document.querySelector('.tp-media').currentTime - {CUE_START}) < 0.05")
    assert page.evaluate("document.querySelector('.tp-media').paused")  # placed there, not played


@pytest.mark.parametrize("language", ["sv", "en"])
def test_search_results_page_has_no_axe_violations(  # type: ignore[no-untyped-def]
    page, server: LiveServer, film_item, language: str
) -> None:
    page.goto(f"{server.url}/?lang={language}&q=kommun")
    expect(page.locator(".card-cues a")).to_have_count(1)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
    page.goto(f"{server.url}/?lang={language}&q=flygplan")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
