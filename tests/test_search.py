"""Catalogue search on SQLite (FTS5 over Swedish stems) and PostgreSQL (its 'swedish' config):
by title, by description and by a word said in a film, in Swedish word forms; kept in step with
items and caption tracks; never showing an unpublished item to a viewer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import html

from helpers import running_service
from media_service.config import Settings
from media_service.services import search

CAPTIONS = (
    "WEBVTT\n\n"
    "00:00.000 --> 00:01.500\nVälkommen till filmen.\n\n"
    "00:01.500 --> 00:03.250\n<v Anna>Här bor vi i kommunen</v> vid sjön.\n\n"
    "01:02.000 --> 01:04.000\nHästarna betar &amp; vilar.\n"
)


@pytest.fixture
def library(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, workers=0)
    with running_service(settings) as running:
        yield running


def _item(client: TestClient, auth: dict[str, str], **fields: object) -> dict:
    created = client.post("/api/media", json={"kind": "film", "title": "Film", **fields}, headers=auth)
    assert created.status_code == 201, created.text
    return created.json()


def _captions(
    client: TestClient, auth: dict[str, str], item_id: int, text: str, language: str = "sv"
) -> dict:
    response = client.post(
        f"/api/media/{item_id}/captions",
        files={"file": ("sv.vtt", text.encode())},
        data={"language": language},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _found(client: TestClient, query: str, headers: dict[str, str] | None = None) -> list[str]:
    response = client.get("/api/media", params={"q": query}, headers=headers or {})
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def test_finds_by_title_description_and_caption_words_in_swedish_forms(library) -> None:
    client, auth = library
    lake = _item(client, auth, title="Livet vid sjön", published=True)
    _captions(client, auth, lake["id"], CAPTIONS)
    _item(client, auth, title="Kommunens nya bibliotek", description="Om läsning.", published=True)
    _item(client, auth, title="Fjällen", description="Renar och kommuner i norr.", published=True)
    _item(client, auth, title="Något helt annat", published=True)

    # "kommunen" (said in the film), "Kommunens" (a title) and "kommuner" (a description)
    # are all forms of "kommun"; the title counts most.
    assert _found(client, "kommun") == ["Kommunens nya bibliotek", "Fjällen", "Livet vid sjön"]
    assert set(_found(client, "kommunerna")) == {"Kommunens nya bibliotek", "Fjällen", "Livet vid sjön"}
    assert _found(client, "hästen") == ["Livet vid sjön"]  # "Hästarna" in a cue
    assert _found(client, "SJÖN") == ["Livet vid sjön"]
    assert _found(client, "läsningen") == ["Kommunens nya bibliotek"]
    # Every word must be in the item, though not in the same cue: "sjön" is in the title.
    assert _found(client, "sjön hästar") == ["Livet vid sjön"]
    assert _found(client, "fjällen hästarna") == []
    assert _found(client, "flygplan") == []
    assert _found(client, '"); DROP TABLE media_items; --') == []  # words, never syntax
    assert _found(client, "***") == [item["title"] for item in client.get("/api/media").json()["items"]]


def test_a_caption_hit_links_to_the_moment_it_is_said(library) -> None:
    client, auth = library
    lake = _item(client, auth, title="Livet vid sjön", published=True)
    _captions(client, auth, lake["id"], CAPTIONS)

    answer = client.get("/api/media", params={"q": "hästar"}).json()
    [match] = answer["matches"]
    assert match["field"] == "caption" and match["start"] == 62.0
    assert match["text"] == "Hästarna betar & vilar."  # as a viewer reads it
    assert match["url"] == f"/watch/{lake['id']}?t=62.000"
    start, end = match["highlights"][0]
    assert match["text"][start:end] == "Hästarna"

    page = html.fromstring(client.get("/", params={"q": "kommunen"}).text)
    [link] = page.xpath("//ul[@class='card-cues']//a")
    assert parse_qs(urlsplit(link.get("href")).query) == {"t": ["1.500"]}
    assert link.xpath("string(.//mark)") == "kommunen"
    assert "Här bor vi i kommunen vid sjön." in link.text_content()


def test_unpublished_items_are_found_by_editors_only(library) -> None:
    client, auth = library
    draft = _item(client, auth, title="Hemlig kommun", published=False)
    _captions(client, auth, draft["id"], CAPTIONS)
    assert _found(client, "kommun") == []
    assert _found(client, "hästarna") == []
    page = client.get("/", params={"q": "kommun"})
    assert "Hemlig" not in page.text
    assert _found(client, "kommun", auth) == ["Hemlig kommun"]

    client.patch(f"/api/media/{draft['id']}", json={"published": True}, headers=auth)
    assert _found(client, "kommun") == ["Hemlig kommun"]


def test_the_index_follows_edits_of_items_and_captions(library) -> None:
    client, auth = library
    item = _item(client, auth, title="Älgen", published=True)
    track = _captions(client, auth, item["id"], CAPTIONS)
    assert _found(client, "hästarna") == ["Älgen"]

    # A new revision by the caption editor replaces the cues that are found.
    revisions = f"/api/media/{item['id']}/captions/{track['id']}/revisions"
    cues = [{"start_ms": 0, "end_ms": 1000, "text": "Cyklarna står i stället."}]
    saved = client.post(revisions, json={"cues": cues}, headers=auth)
    assert saved.status_code == 201, saved.text
    assert _found(client, "hästarna") == []
    assert _found(client, "cyklar") == ["Älgen"]

    # Restoring the first revision brings its words back.
    restored = client.post(f"{revisions}/1/restore", headers=auth)
    assert restored.status_code in (200, 201), restored.text
    assert _found(client, "hästarna") == ["Älgen"] and _found(client, "cyklar") == []

    # An upload for the same language and kind is a new revision too.
    _captions(client, auth, item["id"], "WEBVTT\n\n00:00.000 --> 00:01.000\nBåtarna\n")
    assert _found(client, "båt") == ["Älgen"] and _found(client, "hästarna") == []

    renamed = {"title": "Renen", "description": "Tågen går"}
    client.patch(f"/api/media/{item['id']}", json=renamed, headers=auth)
    assert _found(client, "älgen") == [] and _found(client, "renarna") == ["Renen"]
    assert _found(client, "tåg") == ["Renen"]

    assert client.delete(f"/api/media/{item['id']}/captions/{track['id']}", headers=auth).status_code == 204
    assert _found(client, "båtarna") == []

    _captions(client, auth, item["id"], CAPTIONS, language="en")
    assert _found(client, "kommun") == ["Renen"]
    assert client.delete(f"/api/media/{item['id']}", headers=auth).status_code == 204
    assert _found(client, "kommun") == [] and _found(client, "renen") == []


def test_catalogue_page_has_a_labelled_search_box_and_keeps_the_query(library) -> None:
    client, auth = library
    for number in range(30):
        _item(client, auth, title=f"Kommun {number}", published=True)
    _item(client, auth, title="Sång om kommunen", kind="song", published=True)

    for language, label in (("sv", "Sök bland filmer och sånger"), ("en", "Search films and songs")):
        page = html.fromstring(client.get("/", params={"q": "kommun", "lang": language}).text)
        [form] = page.xpath("//form[@role='search']")
        [field] = form.xpath(".//input[@type='search']")
        assert field.get("name") == "q" and field.get("value") == "kommun"
        assert form.xpath(f"string(.//label[@for='{field.get('id')}'])") == label
    page = html.fromstring(client.get("/", params={"q": "kommun", "lang": "sv"}).text)
    assert page.xpath("string(//h2[@class='search-summary'])") == "31 träffar för ”kommun”"
    [next_page] = page.xpath("//a[@rel='next']")
    assert parse_qs(urlsplit(next_page.get("href")).query) == {"page": ["2"], "q": ["kommun"]}
    second = html.fromstring(client.get("/" + next_page.get("href")).text)
    assert len(second.xpath("//li[@class='card']")) == 7
    songs = html.fromstring(client.get("/", params={"q": "kommun", "kind": "song"}).text)
    assert [t.text_content() for t in songs.xpath("//span[@class='card-title']")] == ["Sång om kommunen"]

    # User text is escaped wherever it is shown, and too long a query is a clear 422.
    hostile = client.get("/", params={"q": "<script>kommun</script>"})
    assert "<script>kommun" not in hostile.text and "&lt;script&gt;kommun" in hostile.text
    too_long = client.get("/", params={"q": "a" * 201}, headers={"Accept": "text/html"})
    assert too_long.status_code == 422


def test_stems_and_highlights() -> None:
    assert search.stems("Kommunen, KOMMUNERNA och hästar_na!") == "kommun kommun och häst na"
    assert search.query_words("  ") == []
    text = "I kommunen finns kommuner."
    assert [text[a:b] for a, b in search.word_spans(text, "kommun")] == ["kommunen", "kommuner"]
