"""Browser tests: Debian's Chromium driven by Playwright against a live ``tolk serve``.

They run whenever /usr/bin/chromium exists, and always under CI (CI=true), where a missing
Chromium is a failure rather than a skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.live_server import LiveServer, live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required under CI but {CHROMIUM} is missing")
        pytest.skip(f"browser tests skipped: Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Playwright's wait_for_function evaluates its expression inside the page, which Tolk's
# Content-Security-Policy (script-src 'self', no eval) forbids; test_csp_in_chromium.py runs the
# pages with the policy in force.
CONTEXT_OPTIONS = {"bypass_csp": True}


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(**CONTEXT_OPTIONS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live service with an empty library, shared by one test module."""
    # Progressive MP4 only: test_hls_player.py has a server of its own that makes ladders.
    with live_server(tmp_path_factory.mktemp("live") / "data", hls="false") as running:
        yield running


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[httpx.Client]:
    """An authenticated API client for the live service."""
    headers = {"Authorization": f"Bearer {server.token()}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
        yield client
