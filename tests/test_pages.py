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


def test_scripts_go_compressed_to_browsers_that_take_it_and_ranges_as_they_are(client: TestClient) -> None:
    path = "/static/js/player/player.js"
    whole = Path(__file__).parent.parent.joinpath(path.lstrip("/")).read_bytes()
    compressed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert compressed.status_code == 200
    assert compressed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in compressed.headers["vary"].lower()
    assert compressed.content == whole  # httpx undoes the gzip: the same bytes
    assert int(compressed.headers["content-length"]) < len(whole)
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == whole
    part = client.get(path, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert part.status_code == 206
    assert "content-encoding" not in part.headers and part.content == whole[:100]


def test_head_of_a_script_says_what_get_would_send(client: TestClient) -> None:
    path = "/static/js/player/player.js"
    for encoding in ("gzip", "identity"):
        got = client.get(path, headers={"Accept-Encoding": encoding})
        head = client.head(path, headers={"Accept-Encoding": encoding})
        assert head.status_code == 200 and head.content == b""
        for field in ("content-length", "content-type", "etag", "vary"):
            assert head.headers.get(field) == got.headers.get(field), (encoding, field)
        assert head.headers.get("content-encoding") == got.headers.get("content-encoding")
