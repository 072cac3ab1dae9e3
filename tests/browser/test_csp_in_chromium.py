"""Tolk's pages work with their Content-Security-Policy in force: no inline script, no eval.

The other browser tests bypass the policy (Playwright's wait_for_function evaluates strings in
the page); here nothing is evaluated in the page, only located, and Chromium reports every
violation of the policy on the console.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from editor_fixtures import add_account, log_in
from player_fixtures import Library, make_library

from bench.live_server import LiveServer


@pytest.fixture(scope="module")
def library(api: httpx.Client, server: LiveServer, make_media: Callable[..., Path]) -> Library:
    return make_library(api, server, make_media)


def test_pages_run_their_scripts_under_the_policy(browser, server: LiveServer, library: Library) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    # The player's modules ran: its own controls are there and work.
    page.goto(f"{server.url}/watch/{library.film}?lang=en")
    page.get_by_role("button", name="Play").wait_for()
    page.get_by_role("button", name="Play").click()
    page.get_by_role("button", name="Pause").wait_for()
    # The embed player and the demo host page, whose script is a file of its own.
    page.goto(f"{server.url}/embed/{library.film}/demo?lang=en")
    page.frame_locator("iframe").get_by_role("button", name="Play").wait_for()
    page.locator("#events li").first.wait_for()  # the host script heard the player's "ready"
    # The editor's scripts: after an upload the report is focused by the page's module.
    add_account(server, "csp")
    log_in(page, server, "csp", "en")
    page.goto(f"{server.url}/editor/items/{library.film}/captions?lang=en")
    captions = {
        "name": "fi.vtt",
        "mimeType": "text/vtt",
        "buffer": b"WEBVTT\n\n00:00.000 --> 00:01.500\nHei\n",
    }
    page.locator("#field-file").set_input_files(files=[captions])
    page.locator("#field-language").fill("fi")
    page.get_by_role("button", name="Upload").click()
    page.locator("#report:focus").wait_for()
    assert violations == []
    context.close()
