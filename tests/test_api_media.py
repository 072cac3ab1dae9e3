"""The media API: authentication, CRUD, filters, uploads and what is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from helpers import running_service
from media_service.config import Settings
from media_service.db import session_scope
from media_service.models import MediaFile
from media_service.storage import open_storage


def stored_files(settings: Settings) -> list[str]:
    return sorted(open_storage(settings).all_keys())


def scratch_files(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.scratch_dir.rglob("*") if p.is_file())


def file_rows(client: TestClient) -> int:
    with session_scope(client.app.state.sessions) as session:  # type: ignore[attr-defined]
        return session.scalar(select(func.count(MediaFile.id))) or 0


def new_item(client: TestClient, auth: dict[str, str], **fields: object) -> dict:
    body = {"kind": "film", "title": "Film", **fields}
    response = client.post("/api/media", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/media"),
        ("patch", "/api/media/1"),
        ("delete", "/api/media/1"),
        ("put", "/api/media/1/file"),
        ("post", "/api/media/1/captions"),
        ("delete", "/api/media/1/captions/1"),
    ],
)
def test_anonymous_writes_are_refused(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    bad = client.request(method, path, json={}, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_crud_on_sqlite_and_postgresql(database_url: str, tmp_path: Path, film: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, workers=0)
    with running_service(settings) as (client, auth):
        item = new_item(client, auth, title="  Årets säkerhetskommun ", language="SV", published=True)
        assert item["title"] == "Årets säkerhetskommun"
        assert item["language"] == "sv"
        assert item["source"] is None
        uploaded = client.put(f"/api/media/{item['id']}/file", content=film.read_bytes(), headers=auth)
        assert uploaded.status_code == 201, uploaded.text
        changed = client.patch(f"/api/media/{item['id']}", json={"description": "Trygg stad"}, headers=auth)
        assert changed.json()["description"] == "Trygg stad"
        listed = client.get("/api/media").json()
        assert [i["id"] for i in listed["items"]] == [item["id"]]
        assert client.delete(f"/api/media/{item['id']}", headers=auth).status_code == 204
        assert client.get(f"/api/media/{item['id']}").status_code == 404
        assert stored_files(settings) == []


def test_create_validates_fields(client: TestClient, auth: dict[str, str]) -> None:
    for body, field in [
        ({"kind": "podcast", "title": "x"}, "kind"),
        ({"kind": "film", "title": "   "}, "title"),
        ({"kind": "film", "title": "x", "language": "not a tag"}, "language"),
        ({"kind": "film", "title": "x", "colour": "red"}, "colour"),
    ]:
        response = client.post("/api/media", json=body, headers=auth)
        assert response.status_code == 422
        assert field in response.json()["error"]["message"]


def test_unpublished_items_are_hidden_from_anonymous_viewers(
    client: TestClient, auth: dict[str, str]
) -> None:
    draft = new_item(client, auth, title="Utkast")
    assert client.get(f"/api/media/{draft['id']}").status_code == 404
    assert client.get(f"/api/media/{draft['id']}", headers=auth).status_code == 200
    assert client.get("/api/media").json()["total"] == 0
    assert client.get("/api/media", headers=auth).json()["total"] == 1


def test_list_filters_and_pages(
    client: TestClient, auth: dict[str, str], upload, film: Path, song: Path
) -> None:
    film_item = upload(film, kind="film", title="Film", published=True)
    song_item = upload(song, kind="song", title="Sång", published=True)
    vtt = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHej\n"
    client.post(
        f"/api/media/{song_item['id']}/captions",
        files={"file": ("sv.vtt", vtt)},
        data={"language": "sv"},
        headers=auth,
    )

    def ids(**params: object) -> list[int]:
        return [i["id"] for i in client.get("/api/media", params=params).json()["items"]]

    assert ids(kind="film") == [film_item["id"]]
    assert ids(kind="song") == [song_item["id"]]
    assert ids(has_captions=True) == [song_item["id"]]
    assert ids(has_captions=False) == [film_item["id"]]
    assert ids(has_sign_language=True) == []
    page = client.get("/api/media", params={"per_page": 1, "page": 2}).json()
    assert page["total"] == 2 and len(page["items"]) == 1

    def total(**params: object) -> int:
        return client.get("/api/media", params={"per_page": 1, **params}).json()["total"]

    # Totals counted (a full page, or one past the end) hold the same filters as the listing.
    assert total(has_captions=True) == 1 and total(has_captions=False) == 1
    assert total(has_sign_language=False) == 2 and total(has_sign_language=True, page=3) == 0
    assert total(kind="song", has_captions=True, page=4) == 1
    assert total(kind="film", has_captions=True, page=2) == 0
    assert client.get("/api/media", params={"per_page": 0}).status_code == 422


def test_every_page_in_order_from_either_end(database_url: str, tmp_path: Path) -> None:
    # A page past the middle is read from the oldest end (services.media): the pages still
    # follow one another newest first, with no item twice or missing, and the last one short.
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, workers=0)
    with running_service(settings) as (client, auth):
        made = [new_item(client, auth, title=f"Film {n}", published=n % 4 != 1)["id"] for n in range(11)]
        published = [item_id for n, item_id in reversed(list(enumerate(made))) if n % 4 != 1]
        for per_page in (1, 2, 3, 8, 100):
            seen: list[int] = []
            for page in range(1, len(published) // per_page + 3):
                answer = client.get("/api/media", params={"per_page": per_page, "page": page}).json()
                assert answer["total"] == len(published)
                seen += [item["id"] for item in answer["items"]]
            assert seen == published, per_page


def test_upload_probes_and_makes_a_poster(client: TestClient, upload, film: Path) -> None:
    item = upload(film, published=True)
    facts = item["source"]["facts"]
    assert facts["video"]["width"] == 320 and facts["video"]["height"] == 180
    assert facts["audio"]["codec"] == "aac"
    assert 1.9 < item["duration"] < 2.2
    assert item["source"]["content_type"] == "video/mp4"
    poster = client.get(item["poster_url"])
    assert poster.status_code == 200
    assert poster.headers["content-type"] == "image/jpeg"
    assert poster.content[:2] == b"\xff\xd8"


def test_song_without_video_is_audio(upload, song: Path) -> None:
    item = upload(song, kind="song")
    assert item["source"]["content_type"] == "audio/mp4"
    assert item["source"]["facts"]["video"] is None


def test_a_film_needs_a_picture(client: TestClient, auth: dict[str, str], song: Path) -> None:
    item = new_item(client, auth)
    response = client.put(f"/api/media/{item['id']}/file", content=song.read_bytes(), headers=auth)
    assert response.status_code == 422
    assert "moving picture" in response.json()["error"]["message"]


def _bad_uploads(film: Path, tmp_path: Path) -> dict[str, bytes]:
    data = film.read_bytes()
    return {
        "text renamed .mp4": b"This is not a film, just some text.\n" * 20,
        "empty": b"",
        "truncated mp4": data[: len(data) // 2],
        "hls playlist naming /etc/passwd": (
            b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"
        ),
        "ffconcat list naming /etc/passwd": b"ffconcat version 1.0\nfile '/etc/passwd'\n",
    }


@pytest.mark.parametrize(
    "case",
    [
        "text renamed .mp4",
        "empty",
        "truncated mp4",
        "hls playlist naming /etc/passwd",
        "ffconcat list naming /etc/passwd",
    ],
)
def test_bad_uploads_are_refused_and_leave_nothing(
    client: TestClient, auth: dict[str, str], settings: Settings, film: Path, tmp_path: Path, case: str
) -> None:
    item = new_item(client, auth)
    body = _bad_uploads(film, tmp_path)[case]
    response = client.put(f"/api/media/{item['id']}/file?filename=film.mp4", content=body, headers=auth)
    assert response.status_code in (413, 415, 422), response.text
    message = response.json()["error"]["message"]
    assert message and "Traceback" not in message
    assert stored_files(settings) == []
    assert scratch_files(settings) == []
    assert file_rows(client) == 0
    assert client.get(f"/api/media/{item['id']}", headers=auth).json()["source"] is None


def test_upload_over_the_limit_is_refused_while_streaming(tmp_path: Path, film: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=0, max_upload_bytes=10_000)
    with running_service(settings) as (client, auth):
        item = new_item(client, auth)

        def body():  # no Content-Length: the limit must hold while the body streams in
            data = film.read_bytes()
            for start in range(0, len(data), 4096):
                yield data[start : start + 4096]

        response = client.put(f"/api/media/{item['id']}/file", content=body(), headers=auth)
        assert response.status_code == 413
        assert "10000" in response.json()["error"]["message"]
        assert stored_files(settings) == [] and scratch_files(settings) == []


def test_replacing_the_file_removes_the_old_one(
    client: TestClient, auth: dict[str, str], settings: Settings, upload, film: Path, make_media
) -> None:
    item = upload(film)
    before = set(stored_files(settings))
    other = make_media("film", width=160, height=90)
    response = client.put(f"/api/media/{item['id']}/file", content=other.read_bytes(), headers=auth)
    assert response.status_code == 201
    assert response.json()["source"]["facts"]["video"]["width"] == 160
    after = set(stored_files(settings))
    assert not before & after
    assert len(after) == 2  # the new source and its poster


def test_delete_removes_every_file(
    client: TestClient, auth: dict[str, str], settings: Settings, upload, film: Path
) -> None:
    item = upload(film)
    client.post(
        f"/api/media/{item['id']}/captions",
        files={"file": ("sv.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHej\n")},
        data={"language": "sv"},
        headers=auth,
    )
    assert len(stored_files(settings)) == 3
    assert client.delete(f"/api/media/{item['id']}", headers=auth).status_code == 204
    assert stored_files(settings) == []
    assert client.delete(f"/api/media/{item['id']}", headers=auth).status_code == 404


def test_numbers_too_large_for_the_database_are_refused(database_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, workers=0)
    huge = "9" * 25
    with running_service(settings) as (client, auth):
        for url in (f"/api/media/{huge}", f"/watch/{huge}", f"/files/{huge}.mp4", f"/api/media?page={huge}"):
            response = client.get(url, headers=auth)
            assert response.status_code == 422, url
            # The declared bound (the API, as its document says) or the database's own refusal.
            message = response.json()["error"]["message"]
            assert "less than or equal to" in message or "out of range" in message, url


def test_media_without_a_usable_stream_is_unsupported_and_damaged_media_invalid(
    client: TestClient, auth: dict[str, str], film: Path, tmp_path: Path, made: Callable[..., Path]
) -> None:
    """The prober's "unsupported media" is the API's 415, as "not media" is; a cut-off file is 422."""
    captions = tmp_path / "captions.srt"
    captions.write_text("1\n00:00:00,000 --> 00:00:01,000\nHej\n")
    subtitles_only = made("subtitles-only.mkv", "-i", str(captions), "-c:s", "srt").read_bytes()
    cut_off = film.read_bytes()[: film.stat().st_size // 2]
    item = new_item(client, auth)
    url = f"/api/media/{item['id']}/file?filename=film.mkv"
    for body, status, code in [(subtitles_only, 415, "unsupported_media"), (cut_off, 422, "invalid")]:
        response = client.put(url, content=body, headers=auth)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), response.text
