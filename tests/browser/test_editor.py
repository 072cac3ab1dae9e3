"""The editor's workflow in headless Chromium: log in, make an item, upload its film (with the
connection dropped halfway and the upload resumed), captions with a validation report, an
interpreter with a live layout preview and a timing check, variants with live progress, publish,
and log out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from editor_fixtures import BROKEN_CAPTIONS, HASTY_CAPTIONS, add_account, log_in, new_item
from player_fixtures import wait_for_window_file

from bench.live_server import LiveServer

# How much of the picture shows the interpreter's green screen (no key yet), per half.
GREEN_BY_HALF_JS = """async (img) => {
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
  const counts = { left: 0, right: 0 };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      const [red, green, blue] = [data[i], data[i + 1], data[i + 2]];
      const screen = red < 40 && Math.abs(green - 0xb1) < 40 && Math.abs(blue - 0x40) < 40;
      if (screen) counts[x < width / 2 ? "left" : "right"] += 1;
    }
  }
  return counts;
}"""


@pytest.fixture(scope="module", autouse=True)
def editor_account(server: LiveServer) -> None:
    add_account(server, "anna")


@pytest.fixture
def editor(page, server: LiveServer):  # type: ignore[no-untyped-def]
    """A page logged in as the editor anna."""
    log_in(page, server, "anna")
    return page


def test_log_in_and_make_an_item(page, server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/?lang=sv")
    page.goto(f"{server.url}/editor")
    assert page.url == f"{server.url}/editor/login?next=%2Feditor"
    page.locator("#field-username").fill("anna")
    page.locator("#field-password").fill("not the password")
    page.locator("form.editor-form button[type=submit]").click()
    page.wait_for_function("document.activeElement.id === 'login-error'")  # read out at once
    assert page.locator("#login-error").inner_text() == "Fel användarnamn eller lösenord."
    assert page.locator("#field-password").get_attribute("aria-describedby") == "login-error"
    page.locator("#field-password").fill("a long enough password")
    page.locator("#field-password").press("Enter")
    page.wait_for_url(f"{server.url}/editor")
    page.get_by_role("link", name="Nytt objekt").first.click()
    page.locator("#field-title").fill("Vinterfilm")
    page.get_by_label("Sång").check()
    page.get_by_role("button", name="Skapa").click()
    page.wait_for_url("**/editor/items/*?notice=created")
    page.wait_for_function("document.activeElement.className === 'notice'")
    assert page.locator("h1").inner_text().startswith("Vinterfilm")
    assert page.get_by_label("Sång").is_checked()


def test_an_upload_resumes_after_the_connection_drops(  # type: ignore[no-untyped-def]
    editor, server: LiveServer, api: httpx.Client, film: Path
) -> None:
    item_id = new_item(api, "Avbruten uppladdning")
    data = film.read_bytes()
    chunk = len(data) // 5 + 1
    editor.goto(f"{server.url}/editor/items/{item_id}")
    editor.locator("form.tus-upload").evaluate("(form, size) => { form.dataset.chunkSize = size; }", chunk)
    patches: list[int] = []
    checksums: list[str] = []
    heads: list[int] = []

    def drop_the_third_chunk(route, request) -> None:  # type: ignore[no-untyped-def]
        if request.method == "PATCH":
            patches.append(int(request.headers["upload-offset"]))
            checksums.append(request.headers.get("upload-checksum", ""))
            if len(patches) == 3:
                route.abort("connectionreset")
                return
        route.continue_()

    def note_offsets(response) -> None:  # type: ignore[no-untyped-def]
        if response.request.method == "HEAD" and "/api/uploads/" in response.url:
            heads.append(int(response.headers["upload-offset"]))

    editor.route("**/api/uploads/*", drop_the_third_chunk)
    editor.on("response", note_offsets)
    editor.locator("#upload-source-file").set_input_files(str(film))
    editor.get_by_role("button", name="Ladda upp").click()
    editor.wait_for_url("**?notice=uploaded", timeout=60_000)
    # Two chunks arrived, the third was cut off; the server said so, and the upload went on
    # from there rather than from the start.
    assert patches[:3] == [0, chunk, 2 * chunk]
    assert heads == [2 * chunk]
    assert patches[3] == 2 * chunk
    assert len(patches) == 6
    assert all(c.startswith("sha256 ") for c in checksums)  # each chunk checked by the server
    item = api.get(f"/api/media/{item_id}").json()
    assert item["source"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert api.get(item["source"]["url"]).content == data
    assert editor.locator(".notice").inner_text() == "Filen är sparad."


def test_captions_get_a_validation_report(editor, server: LiveServer, api: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    item_id = new_item(api, "Textad")
    editor.goto(f"{server.url}/editor/items/{item_id}/captions")
    hasty = {"name": "sv.vtt", "mimeType": "text/vtt", "buffer": HASTY_CAPTIONS}
    editor.locator("#field-file").set_input_files(files=[hasty])
    editor.get_by_role("button", name="Ladda upp").click()
    editor.wait_for_function("document.activeElement.id === 'report'")
    report = editor.locator("#report")
    assert "Sparad: 1 textremsor." in report.inner_text()
    warnings = report.locator(".report-warnings li").all_inner_texts()
    assert warnings == [
        "Rad 3: Textremsa 1 (00:00:00.000): 51,0 tecken per sekund; högst 17 hinner tittarna läsa.",
        "Rad 3: Textremsa 1 (00:00:00.000): en rad har 51 tecken; håll raderna inom 42.",
    ]
    # A file that does not parse: the error names its line, tied to the file field.
    editor.goto(f"{server.url}/editor/items/{item_id}/captions?lang=en")
    broken = {"name": "en.vtt", "mimeType": "text/vtt", "buffer": BROKEN_CAPTIONS}
    editor.locator("#field-file").set_input_files(files=[broken])
    editor.locator("#field-language").fill("en")
    editor.get_by_role("button", name="Upload").click()
    editor.wait_for_function("document.activeElement.className === 'error-summary'")
    field = editor.locator("#field-file")
    assert field.get_attribute("aria-invalid") == "true"
    assert "field-file-error" in (field.get_attribute("aria-describedby") or "")
    assert editor.locator("#field-file-error").inner_text().startswith("Line 3:")
    assert [t["language"] for t in api.get(f"/api/media/{item_id}/captions").json()] == ["sv"]


def test_the_layout_preview_follows_the_form(  # type: ignore[no-untyped-def]
    editor, server: LiveServer, api: httpx.Client, film: Path, interpreter: Path
) -> None:
    item_id = new_item(api, "Tolkad", film)
    editor.goto(f"{server.url}/editor/items/{item_id}/interpreter")
    editor.locator("#upload-interpreter-file").set_input_files(str(interpreter))
    editor.get_by_role("button", name="Ladda upp").click()
    editor.wait_for_url("**?notice=uploaded", timeout=60_000)
    recording = api.get(f"/api/media/{item_id}/interpreters").json()[0]
    # The timing check plays what the sign window plays, made by a job after the upload.
    wait_for_window_file(api, f"/api/media/{item_id}/interpreters/{recording['id']}")
    editor.reload()
    assert editor.locator(".window-file").inner_text().count("klar för alla webbläsare") == 1
    preview = editor.locator(".layout-preview img")
    editor.wait_for_function("document.querySelector('.layout-preview img').complete")
    before = preview.evaluate(GREEN_BY_HALF_JS)
    assert before["right"] > 1000 and before["left"] == 0  # bottom right, as by default
    first_src = preview.get_attribute("src")
    # Keyboard only: the arrow keys move through the corners.
    editor.locator(f"#corner-{recording['id']}-bottom-right").focus()
    editor.keyboard.press("ArrowLeft")
    assert editor.locator(f"#corner-{recording['id']}-bottom-left").is_checked()
    editor.wait_for_function("document.querySelector('.layout-preview img').dataset.state === 'ready'")
    assert preview.get_attribute("src") != first_src
    after = preview.evaluate(GREEN_BY_HALF_JS)
    assert after["left"] > 1000 and after["right"] == 0
    assert editor.locator(".preview-status").inner_text() == "Förhandsvisningen är uppdaterad."
    assert "nere till vänster" in (preview.get_attribute("alt") or "")
    # The timing check plays the interpreter at the offset typed in, before it is saved.
    editor.locator(f"#field-offset_seconds-{recording['id']}").fill("0.5")
    editor.evaluate("document.querySelector('.sync-film').currentTime = 1.2")
    editor.wait_for_function(
        "Math.abs(document.querySelector('.sync-signer').currentTime - 0.7) < 0.1", timeout=10_000
    )
    editor.get_by_role("button", name="Spara placering och tid").click()
    editor.wait_for_url("**?notice=layout_saved")
    saved = api.get(f"/api/media/{item_id}/interpreters/{recording['id']}").json()
    assert (saved["layout"]["corner"], saved["offset_seconds"]) == ("bottom-left", 0.5)


def test_ordered_variants_report_progress_live(  # type: ignore[no-untyped-def]
    editor, server: LiveServer, api: httpx.Client, film: Path
) -> None:
    item_id = new_item(api, "Versioner", film)
    editor.goto(f"{server.url}/editor/items/{item_id}/variants")
    assert editor.get_by_role("checkbox", name="Med tolken i bilden", exact=True).is_disabled()
    earlier_jobs = editor.locator("ul.jobs li.job").count()  # the upload ordered one by itself
    editor.get_by_role("checkbox", name="För webben").check()
    editor.get_by_role("button", name="Beställ").click()
    status = editor.locator(".jobs-status")
    editor.wait_for_function(
        """(earlier) => { const jobs = document.querySelectorAll('ul.jobs li.job');
          return jobs.length === earlier + 1 && jobs[0].dataset.state === 'done'; }""",
        arg=earlier_jobs,
        timeout=120_000,
    )
    job = editor.locator("ul.jobs li.job").first
    assert job.locator("progress").evaluate("bar => bar.value") == 100
    assert job.locator(".job-percent").inner_text() == "100 %"
    assert job.locator(".job-state").inner_text() == "Klart"
    assert status.inner_text() == "För webben: klart."
    assert [v["kind"] for v in api.get(f"/api/media/{item_id}/variants").json()] == ["web"]


def test_publish_then_log_out_and_drafts_are_hidden(  # type: ignore[no-untyped-def]
    editor, server: LiveServer, api: httpx.Client, make_media: Callable[..., Path]
) -> None:
    published = new_item(api, "Publicerad film", make_media("film"))
    draft = new_item(api, "Hemligt utkast")
    editor.goto(f"{server.url}/editor/items/{published}")
    editor.get_by_role("button", name="Publicera").click()
    editor.wait_for_url("**?notice=published")
    assert editor.locator(".notice").inner_text() == "Objektet är publicerat."
    editor.goto(server.url)
    assert editor.get_by_role("link", name="Hemligt utkast").count() == 1  # editors see drafts
    editor.get_by_role("button", name="Logga ut").click()
    editor.wait_for_url(f"{server.url}/")
    assert editor.get_by_role("link", name="Logga in").count() == 1
    assert editor.get_by_role("link", name="Publicerad film").count() == 1
    assert editor.get_by_role("link", name="Hemligt utkast").count() == 0
    assert editor.goto(f"{server.url}/watch/{draft}").status == 404
