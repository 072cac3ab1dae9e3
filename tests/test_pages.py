"""Catalogue and watch pages: valid, labelled, in Swedish or English, with tracks."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient


def test_catalogue_lists_published_items_with_badges(
    client: TestClient, auth: dict[str, str], upload, film: Path, song: Path
) -> None:
    upload(film, title="Årets <säkerhets>kommun", published=True)
    upload(song, kind="song", title="Utkast")
    page = client.get("/", headers={"Accept-Language": "sv-SE,sv;q=0.9"})
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text
    assert "Årets &lt;säkerhets&gt;kommun" in page.text
    assert "Utkast" not in page.text
    assert "0:02" in page.text


def test_language_follows_accept_language_and_switch(client: TestClient) -> None:
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in english.text and "Media library" in english.text
    switched = client.get("/?lang=sv", headers={"Accept-Language": "en"})
    assert '<html lang="sv">' in switched.text and "Mediebibliotek" in switched.text
    remembered = client.get("/", headers={"Accept-Language": "en"})
    assert '<html lang="sv">' in remembered.text


def test_watch_page_has_video_and_tracks(
    client: TestClient, auth: dict[str, str], upload, film: Path
) -> None:
    item = upload(film, title="Film", published=True)
    client.post(
        f"/api/media/{item['id']}/captions",
        files={"file": ("sv.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHej\n")},
        data={"language": "sv"},
        headers=auth,
    )
    page = client.get(item["watch_url"])
    assert page.status_code == 200
    assert "<video" in page.text and item["source"]["url"] in page.text
    assert 'srclang="sv"' in page.text and 'kind="captions"' in page.text


def test_song_without_video_gets_an_audio_element(client: TestClient, upload, song: Path) -> None:
    item = upload(song, kind="song", published=True)
    page = client.get(item["watch_url"])
    assert "<audio" in page.text and "<video" not in page.text


def test_missing_item_page_is_a_friendly_404(client: TestClient) -> None:
    page = client.get("/watch/4040", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "<h1>404</h1>" in page.text
