"""axe-core's WCAG 2.2 A and AA rules find nothing on the editor's pages, in Swedish and in
English: the login page (also with its error), the list of items, a new item's form with its
errors, an item's details, captions with a validation report and with an error, the
interpreter's layout and preview, variants with jobs, API tokens with a new token, and the
audit log."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from editor_fixtures import BROKEN_CAPTIONS, HASTY_CAPTIONS, PASSWORD, add_account, log_in, new_item
from test_accessibility import assert_no_violations

from bench.live_server import LiveServer
from media_service.models import UserRole


@pytest.fixture(scope="module")
def item_id(server: LiveServer, api: httpx.Client, film: Path, interpreter: Path) -> int:
    """An item with a film, captions, an interpreter recording and a finished job."""
    add_account(server, "root", UserRole.ADMIN)
    item_id = new_item(api, "Tillgänglig", film)
    api.post(
        f"/api/media/{item_id}/captions", files={"file": ("sv.vtt", HASTY_CAPTIONS)}, data={"language": "sv"}
    ).raise_for_status()
    api.post(f"/api/media/{item_id}/interpreters", content=interpreter.read_bytes()).raise_for_status()
    return item_id


def upload_captions(page, data: bytes) -> None:  # type: ignore[no-untyped-def]
    page.locator("#field-file").set_input_files(
        files=[{"name": "t.vtt", "mimeType": "text/vtt", "buffer": data}]
    )
    # The caption upload form (the captions tab also has one ordering captions from speech).
    page.locator("form:has(#field-file) button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_login_page(page, server: LiveServer, item_id: int, language: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/editor/login?lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    assert_no_violations(page)
    page.locator("#field-username").fill("root")
    page.locator("#field-password").fill(PASSWORD + "!")
    page.locator("form.editor-form button[type=submit]").click()
    page.wait_for_selector("#login-error")
    assert_no_violations(page)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_editor_pages(page, server: LiveServer, item_id: int, language: str) -> None:  # type: ignore[no-untyped-def]
    log_in(page, server, "root", language)
    item = f"{server.url}/editor/items/{item_id}"
    for url in (f"{server.url}/editor", item, f"{server.url}/editor/audit", f"{item}/delete"):
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        assert_no_violations(page)

    page.goto(f"{server.url}/editor/items/new")
    assert_no_violations(page)
    page.locator("form.editor-form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert_no_violations(page)

    page.goto(f"{item}/captions")
    upload_captions(page, HASTY_CAPTIONS)
    page.wait_for_selector(".report-warnings")
    assert_no_violations(page)
    upload_captions(page, BROKEN_CAPTIONS)
    page.wait_for_selector("#field-file-error")
    assert_no_violations(page)

    page.goto(f"{item}/interpreter")
    page.wait_for_function("document.querySelector('.layout-preview img').complete")
    assert_no_violations(page)

    page.goto(f"{item}/variants")
    page.wait_for_selector("ul.jobs li.job")
    assert_no_violations(page)

    page.goto(f"{server.url}/editor/tokens")
    page.locator("#field-name").fill("skript")
    page.locator("form.editor-form button[type=submit]").click()
    page.wait_for_selector("#new-token")
    assert_no_violations(page)
