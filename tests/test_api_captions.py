"""Caption tracks through the API: upload, normalised WebVTT, errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

SRT_WITH_BOM_CRLF = (
    "\ufeff1\r\n00:00:00,500 --> 00:00:02,000\r\nVem du än är,\r\när du välkommen hit.\r\n\r\n"
    "2\r\n00:00:02,500 --> 00:00:04,000\r\n<i>Vi bygger vår stad</i>\r\n\r\n"
).encode()


def post_track(client: TestClient, auth: dict[str, str], item_id: int, name: str, data: bytes, **form):
    form = {"language": "sv", **form}
    return client.post(
        f"/api/media/{item_id}/captions", files={"file": (name, data)}, data=form, headers=auth
    )


@pytest.fixture
def item(upload, film: Path) -> dict:
    return upload(film, published=True)


def test_srt_is_served_as_normalised_webvtt(client: TestClient, auth: dict[str, str], item: dict) -> None:
    response = post_track(client, auth, item["id"], "sv.srt", SRT_WITH_BOM_CRLF)
    assert response.status_code == 201, response.text
    track = response.json()
    assert track["cue_count"] == 2 and track["source_format"] == "srt" and track["label"] == "Svenska"
    served = client.get(track["url"], headers={"Origin": "https://example.org"})
    assert served.headers["content-type"] == "text/vtt; charset=utf-8"
    assert served.headers["access-control-allow-origin"] == "*"
    text = served.content.decode("utf-8")
    assert text.startswith("WEBVTT\n\n")
    assert "\r" not in text and "\ufeff" not in text
    assert "00:00:00.500 --> 00:00:02.000\nVem du än är,\när du välkommen hit." in text
    assert "<i>Vi bygger vår stad</i>" in text


def test_same_language_and_kind_replaces_the_track(
    client: TestClient, auth: dict[str, str], item: dict
) -> None:
    first = post_track(client, auth, item["id"], "a.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\nEtt\n")
    second = post_track(client, auth, item["id"], "b.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\nTva\n")
    english = post_track(
        client, auth, item["id"], "en.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\nOne\n", language="en"
    )
    assert first.json()["id"] == second.json()["id"]
    tracks = client.get(f"/api/media/{item['id']}/captions").json()
    assert sorted(t["language"] for t in tracks) == ["en", "sv"]
    assert "Tva" in client.get(second.json()["url"]).text
    assert english.json()["label"] == "English"


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        # An SRT timing line with one dash: refused naming it, never stored as caption text.
        ("bad.srt", b"1\n00:00:01,000 --> 00:00:02,000\nHej\n\n2\n00:00:05,000 -> 00:00:06,000\nFel\n", 6),
        # A time at 10^10 hours: past the documented maximum, a 422 and never a 500.
        ("late.vtt", b"WEBVTT\n\n10000000000:00:00.000 --> 10000000000:00:01.000\nSent\n", 3),
        ("late.srt", b"1\n10000000000:00:00,000 --> 10000000000:00:01,000\nSent\n", 2),
        ("not.vtt", b"WEBVTTX\n\n00:00.000 --> 00:01.000\nHej\n", 1),
    ],
)
def test_refused_file_answers_422_with_its_line(
    client: TestClient, auth: dict[str, str], item: dict, name: str, data: bytes, line: int
) -> None:
    response = post_track(client, auth, item["id"], name, data)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["line"] == line
    assert f"line {line}" in error["message"]
    assert client.get(f"/api/media/{item['id']}/captions").json() == []


def test_webvtt_that_chromium_plays_is_stored_without_its_broken_block(
    client: TestClient, auth: dict[str, str], item: dict
) -> None:
    data = b"WEBVTT\n\n00:00.000 --> 00:01.000 align:middle\nHej\n\n00:01.000 -> 00:02.000\nFel\n"
    response = post_track(client, auth, item["id"], "ok.vtt", data)
    assert response.status_code == 201, response.text
    assert response.json()["cue_count"] == 1
    assert client.get(response.json()["url"]).text == "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHej\n\n"


@pytest.mark.parametrize(
    ("form", "data", "message"),
    [
        ({"language": "svenska!"}, b"WEBVTT\n\n00:00.000 --> 00:01.000\nHej\n", "BCP 47"),
        ({"kind": "karaoke"}, b"WEBVTT\n\n00:00.000 --> 00:01.000\nHej\n", "kind"),
        ({}, b"", "empty"),
    ],
)
def test_bad_caption_requests(
    client: TestClient, auth: dict[str, str], item: dict, form: dict, data: bytes, message: str
) -> None:
    response = post_track(client, auth, item["id"], "x.vtt", data, **form)
    assert response.status_code == 422
    assert message in response.json()["error"]["message"]


def test_delete_track(client: TestClient, auth: dict[str, str], item: dict) -> None:
    track = post_track(client, auth, item["id"], "a.vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\nEtt\n")
    url = track.json()["url"]
    deleted = client.delete(f"/api/media/{item['id']}/captions/{track.json()['id']}", headers=auth)
    assert deleted.status_code == 204
    assert client.get(url).status_code == 404


def test_update_track_label_language_and_clash(client: TestClient, auth: dict[str, str], item: dict) -> None:
    vtt = b"WEBVTT\n\n00:01.000 --> 00:02.000\nEtt\n"
    sv = post_track(client, auth, item["id"], "sv.vtt", vtt).json()
    en = post_track(client, auth, item["id"], "en.vtt", vtt, language="en").json()
    url = f"/api/media/{item['id']}/captions"
    renamed = client.patch(f"{url}/{sv['id']}", json={"label": "Svenska (sång)"}, headers=auth)
    assert renamed.status_code == 200 and renamed.json()["label"] == "Svenska (sång)"
    clash = client.patch(f"{url}/{en['id']}", json={"language": "sv"}, headers=auth)
    assert clash.status_code == 409
    moved = client.patch(f"{url}/{en['id']}", json={"language": "en-GB"}, headers=auth)
    assert moved.json()["language"] == "en-GB"
    assert client.patch(f"{url}/{en['id']}", json={"label": "x"}).status_code == 401
