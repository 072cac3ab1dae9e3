"""The plain transcript page (WCAG 1.2.8) and the player's markup and settings on the watch page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from media_service.jobs.worker import JobRunner

SWEDISH = (
    "WEBVTT\n\n"
    "00:00.200 --> 00:00.900\n<v Anna>Hej &amp; välkommen</v>\n\n"
    "00:01.000 --> 00:01.800\nVi ses <i>snart</i>.\n"
)
ENGLISH = "WEBVTT\n\n00:00.200 --> 00:00.900\nHello &amp; welcome\n"
DESCRIPTIONS = "WEBVTT\n\n00:00.500 --> 00:00.900\nEn man vinkar.\n"
CHAPTERS = "WEBVTT\n\n00:00.000 --> 00:01.000\nBörjan\n\n00:01.000 --> 00:02.000\nSlutet\n"


def add_track(
    client: TestClient, auth: dict[str, str], item_id: int, text: str, language: str, kind: str
) -> None:
    response = client.post(
        f"/api/media/{item_id}/captions",
        files={"file": (f"{language}.vtt", text.encode())},
        data={"language": language, "kind": kind},
        headers=auth,
    )
    assert response.status_code == 201, response.text


def text_of(html: str) -> str:
    """The page's visible text, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_transcript_has_cues_descriptions_chapters_and_voices(
    client: TestClient, auth: dict[str, str], upload: Callable[..., dict], film: Path
) -> None:
    item = upload(film, title="Örebro", published=True)
    for text, language, kind in (
        (SWEDISH, "sv", "captions"),
        (ENGLISH, "en", "captions"),
        (DESCRIPTIONS, "sv", "descriptions"),
        (CHAPTERS, "sv", "chapters"),
    ):
        add_track(client, auth, item["id"], text, language, kind)
    page = client.get(f"/watch/{item['id']}/transcript", headers={"Accept-Language": "sv"})
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text and '<div class="transcript" lang="sv">' in page.text
    text = text_of(page.text)
    # Chapters as headings; what is said and what is described, in time order, as plain text.
    assert re.search(r"<h2[^>]*>Början</h2>.*<h2[^>]*>Slutet</h2>", page.text, re.S)
    assert "Anna: Hej &amp; välkommen" in text
    assert text.index("Hej") < text.index("Bildbeskrivning: En man vinkar.") < text.index("Vi ses snart.")
    assert "<i>" not in page.text.split('class="transcript"')[1]
    # Each line links to the film at its time.
    assert f'href="/watch/{item["id"]}?t=1.000"' in page.text
    # The other language is one link away, and an English reader gets English first.
    assert 'hreflang="en"' in page.text
    english = client.get(f"/watch/{item['id']}/transcript", headers={"Accept-Language": "en"})
    assert '<div class="transcript" lang="en">' in english.text and "Hello &amp; welcome" in english.text
    assert "Transcript" in english.text


def test_transcript_of_a_chosen_track_and_without_captions(
    client: TestClient, auth: dict[str, str], upload: Callable[..., dict], film: Path
) -> None:
    item = upload(film, title="Tyst", published=True)
    page = client.get(f"/watch/{item['id']}/transcript?lang=en")
    assert page.status_code == 200 and "There are no captions to make a transcript from yet." in page.text
    add_track(client, auth, item["id"], SWEDISH, "sv", "captions")
    add_track(client, auth, item["id"], ENGLISH, "en", "captions")
    tracks = client.get(f"/api/media/{item['id']}/captions").json()
    english = next(t for t in tracks if t["language"] == "en")
    chosen = client.get(f"/watch/{item['id']}/transcript?lang=sv&track={english['id']}")
    assert '<div class="transcript" lang="en">' in chosen.text


def test_transcript_of_an_unpublished_item_is_not_found(
    client: TestClient, upload: Callable[..., dict], film: Path
) -> None:
    item = upload(film, title="Utkast")
    assert client.get(f"/watch/{item['id']}/transcript").status_code == 404


def player_config(html: str) -> dict:
    found = re.search(r'<script type="application/json" class="tp-config">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


def test_watch_page_gives_the_player_its_settings_and_keeps_native_controls(
    client: TestClient, auth: dict[str, str], upload: Callable[..., dict], film: Path, interpreter: Path
) -> None:
    item = upload(film, title="Örebro", published=True)
    add_track(client, auth, item["id"], SWEDISH, "sv", "captions")
    add_track(client, auth, item["id"], CHAPTERS, "sv", "chapters")
    response = client.post(
        f"/api/media/{item['id']}/interpreters", content=interpreter.read_bytes(), headers=auth
    )
    assert response.status_code == 201, response.text
    # Until its window file is made, the page offers no sign window (never the upload itself).
    assert player_config(client.get(f"/watch/{item['id']}").text)["interpreter"] is None
    state = client.app.state
    runner = JobRunner(
        state.settings, state.sessions, state.storage, state.job_queue, handlers=state.job_handlers
    )
    jobs = client.get(f"/api/media/{item['id']}/jobs", headers=auth).json()
    for job in jobs:
        if job["kind"] == "signer_window":
            runner.run(job["id"])
    recording = client.get(
        f"/api/media/{item['id']}/interpreters/{response.json()['id']}", headers=auth
    ).json()
    page = client.get(f"/watch/{item['id']}?lang=en")
    config = player_config(page.text)
    assert config["lang"] == "en" and config["strings"]["player_play"] == "Play"
    assert config["interpreter"]["url"] == recording["window_file"]["url"]
    assert config["interpreter"]["aspect"] == 320 / 360 and config["interpreter"]["offset"] == 0
    assert config["filmAspect"] == 320 / 180 and config["signedVariant"] is None
    # Without JavaScript: native controls and tracks; the player's own controls stay hidden.
    assert re.search(r"<video class=\"tp-media\" controls", page.text)
    assert '<div class="tp-controls" role="group" aria-label="Media player" hidden>' in page.text
    assert 'kind="chapters"' in page.text and 'class="tp-button tp-menu-button tp-chapters"' in page.text
    assert 'class="tp-button tp-sign-button" aria-pressed="false"' in page.text
    assert f'href="/watch/{item["id"]}/transcript"' in page.text
    swedish = player_config(client.get(f"/watch/{item['id']}?lang=sv").text)
    assert swedish["strings"]["player_play"] == "Spela upp"


def test_song_with_only_captions_has_an_audio_player_without_sign_language(
    client: TestClient, auth: dict[str, str], upload: Callable[..., dict], song: Path
) -> None:
    item = upload(song, kind="song", title="Sången", published=True)
    add_track(client, auth, item["id"], SWEDISH, "sv", "captions")
    page = client.get(f"/watch/{item['id']}")
    assert '<audio class="tp-media"' in page.text
    assert "tp-sign-button" not in page.text and "tp-fullscreen" not in page.text
    assert "tp-transcript-button" in page.text
