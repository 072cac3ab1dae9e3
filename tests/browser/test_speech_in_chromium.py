"""Captions from speech in Chromium: an editor orders a draft from the captions tab, watches the
job reach its end live, follows the result's link into the caption editor and approves the
draft, which viewers see only then. The speech is the tests' espeak-ng sentences."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from editor_fixtures import add_account, log_in, new_item
from speech_helpers import SpokenFixture, need, speak_sentences

from bench.live_server import LiveServer, live_server
from media_service.speech import model as speech_model


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live service whose worker recognises speech with the packaged base model."""
    need(speech_model.asr_installed(), "faster-whisper (tolk[asr])")
    with live_server(tmp_path_factory.mktemp("live") / "data", hls="false", asr_threads="2") as running:
        add_account(running, "sara")
        yield running


@pytest.fixture(scope="module")
def spoken(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> SpokenFixture:
    return speak_sentences(ffmpeg, tmp_path_factory.mktemp("speech"))


def test_a_draft_ordered_followed_reviewed_and_approved(  # type: ignore[no-untyped-def]
    page, server: LiveServer, api: httpx.Client, spoken: SpokenFixture
) -> None:
    item_id = new_item(api, "Tal", spoken.path, kind="song")
    api.patch(f"/api/media/{item_id}", json={"published": True, "language": "sv"}).raise_for_status()
    log_in(page, server, "sara")
    page.goto(f"{server.url}/editor/items/{item_id}/captions")
    page.get_by_label("Känn igen talet").check()
    page.get_by_role("button", name="Beställ").click()
    page.wait_for_url("**notice=speech_ordered")
    # Followed live on the page, without reloading it.
    page.wait_for_function(
        "() => ['done', 'failed'].includes(document.querySelector('ul.jobs li.job')?.dataset.state)",
        timeout=120_000,
    )
    job = page.locator("ul.jobs li.job").first
    assert job.get_attribute("data-state") == "done", job.inner_text()
    assert job.locator("progress").evaluate("bar => bar.value") == 100
    assert job.locator(".job-state").inner_text() == "Klart"
    assert page.locator(".jobs-status").inner_text() == "Igenkänt tal (sv): klart."
    result = job.locator(".job-result")
    assert "Ett utkast med" in result.inner_text()
    with httpx.Client(base_url=server.url) as viewer:  # no draft for viewers yet
        assert viewer.get(f"/api/media/{item_id}").json()["captions"] == []
    result.get_by_role("link", name="Granska utkastet").click()
    page.wait_for_url("**/edit")
    assert "Tittarna ser det inte förrän du godkänner det" in page.locator("#draft-banner").inner_text()
    assert page.locator("#ce-list [role=option]").count() >= len(spoken.sentences)
    page.get_by_role("button", name="Godkänn och visa för tittarna").click()
    page.wait_for_url("**notice=draft_approved")
    with httpx.Client(base_url=server.url) as viewer:
        tracks = viewer.get(f"/api/media/{item_id}").json()["captions"]
    assert [(t["language"], t["kind"]) for t in tracks] == [("sv", "captions")]
