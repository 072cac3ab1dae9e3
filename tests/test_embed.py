"""Embedding without a browser: the embed page and its options, oEmbed (https://oembed.com),
the discovery link and embed code on watch pages, framing headers, CORS, and the sizing rules."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from pathlib import Path

import av
import httpx
import pytest
from fastapi.testclient import TestClient

from helpers import running_service, stored_keys
from media_service.app import create_app
from media_service.config import Settings
from media_service.services import embed

PUBLIC = "http://127.0.0.1:8000"
OEMBED_REQUIRED = {"version", "type", "html", "width", "height"}


@pytest.fixture
def film_item(upload, film: Path) -> dict:
    return upload(film, title="Örebro <3", published=True)


def oembed(client: TestClient, url: str, **params: object):  # type: ignore[no-untyped-def]
    return client.get("/oembed", params={"url": url, **params})


def embed_config(page: str) -> dict:
    return json.loads(re.search(r'id="tolk-embed-config">(.*?)</script>', page)[1])


def iframe_attributes(html: str) -> dict[str, str]:
    match = re.fullmatch(r"<iframe ([^>]*)></iframe>", html)
    assert match, html
    return {name: unescape(value) for name, value in re.findall(r'([a-z-]+)="([^"]*)"', match[1])}


def framing(response: httpx.Response) -> str:
    """The frame-ancestors directive of a response's Content-Security-Policy."""
    directives = [d.strip() for d in response.headers["content-security-policy"].split(";")]
    return next(d for d in directives if d.startswith("frame-ancestors"))


# The embed page -----------------------------------------------------------------------------


def test_embed_page_is_the_player_alone_and_may_be_framed(client: TestClient, film_item: dict) -> None:
    page = client.get(f"/embed/{film_item['id']}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert framing(page) == "frame-ancestors *"
    assert "data-tolk-player" in page.text and "data-fill-window" in page.text
    assert "<video" in page.text and film_item["source"]["url"] in page.text
    assert '<base target="_blank">' in page.text  # links leave the frame
    assert 'class="site-header"' not in page.text
    assert '<html lang="en">' in page.text
    assert "access-control-allow-origin" not in page.headers


def test_embed_options_reach_the_page_and_bad_ones_are_refused(client: TestClient, film_item: dict) -> None:
    query = "start=12.5&captions=en-GB&sign=1&descriptions=extended&autoplay=true"
    page = client.get(f"/embed/{film_item['id']}?{query}")
    config = embed_config(page.text)
    assert config["options"] == {
        "start": 12.5,
        "captions": "en-GB",
        "sign": True,
        "descriptions": "extended",
        "autoplay": True,
    }
    assert config["frameAncestors"] == ["*"]
    for bad in ("start=-1", "start=soon", "captions=%3Cscript%3E", "sign=maybe", "descriptions=loud"):
        refused = client.get(f"/embed/{film_item['id']}?{bad}")
        assert refused.status_code == 422, bad


def test_unpublished_and_empty_items_cannot_be_embedded_even_by_editors(
    client: TestClient, auth: dict[str, str], upload, film: Path
) -> None:
    draft = upload(film, title="Utkast")
    empty = client.post("/api/media", json={"kind": "film", "title": "Tom", "published": True}, headers=auth)
    for item_id in (draft["id"], empty.json()["id"]):
        assert client.get(f"/embed/{item_id}", headers=auth).status_code == 404
        assert oembed(client, f"{PUBLIC}/watch/{item_id}").status_code == 404
    # The editor still sees the draft's watch page, without an embed code or discovery link.
    watch = client.get(f"/watch/{draft['id']}", headers=auth)
    assert watch.status_code == 200
    assert "embed-code" not in watch.text and "json+oembed" not in watch.text


def test_a_missing_embed_is_a_framable_404_page(client: TestClient) -> None:
    missing = client.get("/embed/4040", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "<h1>404</h1>" in missing.text
    assert framing(missing) == "frame-ancestors *"


# Framing ------------------------------------------------------------------------------------


def test_every_other_page_refuses_framing(client: TestClient, film_item: dict) -> None:
    for path in (
        "/",
        film_item["watch_url"],
        f"/embed/{film_item['id']}/demo",
        "/api/media",
        f"/oembed?url={PUBLIC}/watch/{film_item['id']}",
        "/embed/1/x",
    ):
        response = client.get(path)
        assert framing(response) == "frame-ancestors 'self'", path


def test_an_allow_list_is_sent_as_given(tmp_path: Path, film: Path) -> None:
    sites = "https://a.example, https://*.b.example:8443 'self'"
    settings = Settings(data_dir=tmp_path / "data", workers=0, frame_ancestors=sites)
    with running_service(settings) as (client, auth):
        item = client.post("/api/media", json={"kind": "film", "title": "F", "published": True}, headers=auth)
        client.put(f"/api/media/{item.json()['id']}/file", content=film.read_bytes(), headers=auth)
        page = client.get(f"/embed/{item.json()['id']}")
        expected = "frame-ancestors https://a.example https://*.b.example:8443 'self'"
        assert framing(page) == expected
        sources = ["https://a.example", "https://*.b.example:8443", "'self'"]
        assert embed_config(page.text)["frameAncestors"] == sources
        assert framing(client.get("/")) == "frame-ancestors 'self'"


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ("", "empty"),
        ("https://a.example; script-src *", "'https://a.example;'"),
        ("'none' https://a.example", "'none' must stand alone"),
        ("'unsafe-inline'", "'unsafe-inline'"),
        ('https://a.example"', "is not a CSP source"),
    ],
)
def test_a_bad_frame_ancestors_setting_stops_the_start(tmp_path: Path, setting: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        create_app(Settings(data_dir=tmp_path / "data", workers=0, frame_ancestors=setting))


def test_frame_ancestor_sources_accepts_csp_expressions() -> None:
    assert embed.frame_ancestor_sources("*") == ["*"]
    assert embed.frame_ancestor_sources(" 'none' ") == ["'none'"]
    assert embed.frame_ancestor_sources("https: http://localhost:* example.org/path/") == [
        "https:",
        "http://localhost:*",
        "example.org/path/",
    ]


# oEmbed -------------------------------------------------------------------------------------


def test_oembed_answer_has_every_field_the_spec_asks_for(client: TestClient, film_item: dict) -> None:
    response = oembed(client, f"{PUBLIC}/watch/{film_item['id']}", format="json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert answer.keys() >= OEMBED_REQUIRED
    assert answer["version"] == "1.0" and answer["type"] == "video"
    assert answer["title"] == "Örebro <3"
    assert answer["provider_name"] == "Tolk" and answer["provider_url"] == f"{PUBLIC}/"
    # 320x180 film: the picture 640x360 and the controls under it.
    assert (answer["width"], answer["height"]) == (640, 360 + embed.CONTROLS_HEIGHT)
    frame = iframe_attributes(answer["html"])
    assert frame["src"] == f"{PUBLIC}/embed/{film_item['id']}"
    assert (frame["width"], frame["height"]) == (str(answer["width"]), str(answer["height"]))
    assert frame["title"] == "Mediespelare: Örebro <3"
    # The thumbnail is the poster, with its real size.
    assert answer["thumbnail_url"] == f"{PUBLIC}{film_item['poster_url']}"
    poster = client.get(film_item["poster_url"])
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/jpeg"
    assert (answer["thumbnail_width"], answer["thumbnail_height"]) == (640, 360)


def test_oembed_respects_maxwidth_and_maxheight_keeping_the_aspect(
    client: TestClient, film_item: dict
) -> None:
    url = f"{PUBLIC}/embed/{film_item['id']}"
    for limits in (
        {"maxwidth": 480},
        {"maxheight": 300},
        {"maxwidth": 400, "maxheight": 250},
        {"maxwidth": 1000},
        {"maxheight": 5000},
    ):
        answer = oembed(client, url, **limits).json()
        assert answer["width"] <= limits.get("maxwidth", 640)
        assert answer["height"] <= limits.get("maxheight", 10_000)
        picture_height = answer["height"] - embed.CONTROLS_HEIGHT
        assert answer["width"] / picture_height == pytest.approx(16 / 9, abs=0.02), limits
        frame = iframe_attributes(answer["html"])
        assert (frame["width"], frame["height"]) == (str(answer["width"]), str(answer["height"]))
    assert oembed(client, url, maxwidth=0).status_code == 422


def test_oembed_thumbnail_respects_maxwidth_and_maxheight(
    client: TestClient, auth: dict[str, str], film_item: dict, settings: Settings
) -> None:
    """oEmbed 1.0 section 2.3.4: thumbnail_width/height must respect maxwidth/maxheight. The
    copy is made once, kept in storage, measured here by PyAV, and removed with the item."""
    url = f"{PUBLIC}/watch/{film_item['id']}"
    storage = client.app.state.storage
    sizes = set()
    for limits in ({"maxwidth": 200}, {"maxheight": 100}, {"maxwidth": 400, "maxheight": 250}):
        answer = oembed(client, url, **limits).json()
        width, height = answer["thumbnail_width"], answer["thumbnail_height"]
        assert width <= limits.get("maxwidth", 10_000) and height <= limits.get("maxheight", 10_000)
        assert width / height == pytest.approx(16 / 9, abs=0.05)
        thumbnail = client.get(answer["thumbnail_url"].removeprefix(PUBLIC))
        assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
        with av.open(io.BytesIO(thumbnail.content)) as picture:
            stream = picture.streams.video[0]
            assert (stream.width, stream.height) == (width, height), limits
        sizes.add(f"{width}x{height}.jpg")
    made = [key for key in stored_keys(client, ".jpg") if ".d/" in key]
    assert {key.rsplit("/", 1)[1] for key in made} == sizes
    stamps = [storage.stat(key).modified for key in made]
    oembed(client, url, maxwidth=200)
    assert [storage.stat(key).modified for key in made] == stamps  # made once
    assert not list(settings.scratch_dir.glob("partial-*"))
    # Too small for any copy: no thumbnail at all (the spec wants all three fields or none).
    tiny = oembed(client, url, maxwidth=30).json()
    assert not {"thumbnail_url", "thumbnail_width", "thumbnail_height"} & tiny.keys()
    # Only the sizes oEmbed names are made.
    poster_id = film_item["poster_url"].split("/")[-1].split(".")[0]
    assert client.get(f"/files/{poster_id}/123x45.jpg").status_code == 404
    assert client.delete(f"/api/media/{film_item['id']}", headers=auth).status_code == 204
    assert stored_keys(client, ".jpg") == [] and not any(".d/" in key for key in stored_keys(client))


def test_oembed_keeps_the_embed_options_of_the_url(client: TestClient, film_item: dict) -> None:
    kept = "start=12.5&captions=sv&sign=0&descriptions=on"
    page = f"{PUBLIC}/embed/{film_item['id']}?{kept}&evil=%22%3E&autoplay=maybe"
    frame = iframe_attributes(oembed(client, page).json()["html"])
    assert frame["src"] == f"{PUBLIC}/embed/{film_item['id']}?{kept}"
    assert client.get(frame["src"].removeprefix(PUBLIC)).status_code == 200
    watch = oembed(client, f"{PUBLIC}/watch/{film_item['id']}?lang=en&start=3").json()
    assert iframe_attributes(watch["html"])["src"] == f"{PUBLIC}/embed/{film_item['id']}?lang=en&start=3"


def test_a_song_gets_a_frame_for_its_controls_and_captions(client: TestClient, upload, song: Path) -> None:
    item = upload(song, kind="song", title="Sången", published=True)
    answer = oembed(client, f"{PUBLIC}/watch/{item['id']}").json()
    assert answer["type"] == "video"
    assert (answer["width"], answer["height"]) == (640, embed.CONTROLS_HEIGHT + embed.AUDIO_STAGE_HEIGHT)


THIS_SITE = [
    "{public}/watch/{id}",
    "{public}/watch/{id}/",
    "{public}/watch/{id}?lang=en#t=3",
    "{public}/embed/{id}?captions=sv",
    "HTTP://127.0.0.1:8000/embed/{id}",
]
NOT_THIS_SITE = [
    "https://elsewhere.example/watch/{id}",
    "https://127.0.0.1:8000/watch/{id}",
    "http://127.0.0.1:8001/watch/{id}",
    "http://user@127.0.0.1:8000/watch/{id}",
    "{public}/watch/{id}/transcript",
    "{public}/files/{id}.mp4",
    "{public}/watch/999999",
    "not a url",
]


def test_oembed_takes_this_sites_watch_and_embed_urls_and_404s_others(
    client: TestClient, film_item: dict
) -> None:
    for url in THIS_SITE:
        response = oembed(client, url.format(public=PUBLIC, id=film_item["id"]))
        assert response.status_code == 200, (url, response.text)
    for url in NOT_THIS_SITE:
        response = oembed(client, url.format(public=PUBLIC, id=film_item["id"]))
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"


def test_oembed_formats_other_than_json_are_501(client: TestClient, film_item: dict) -> None:
    for format_ in ("xml", "yaml"):
        response = oembed(client, f"{PUBLIC}/watch/{film_item['id']}", format=format_)
        assert response.status_code == 501
        assert "format=json" in response.json()["error"]["message"]


def test_item_id_from_url_under_a_path_prefix() -> None:
    base = "https://media.example/tolk/"
    assert embed.item_id_from_url(base, "https://media.example/tolk/watch/7") == 7
    assert embed.item_id_from_url(base, "https://MEDIA.example:443/tolk/embed/7") == 7
    assert embed.item_id_from_url(base, "https://media.example/watch/7") is None
    assert embed.item_id_from_url(base, "https://media.example/tolkx/watch/7") is None
    assert embed.item_id_from_url(base, "https://media.example:99999/tolk/watch/7") is None


def test_frame_size_rules() -> None:
    assert embed.frame_size(16 / 9) == embed.FrameSize(640, 360 + embed.CONTROLS_HEIGHT)
    assert embed.frame_size(4 / 3, maxwidth=320) == embed.FrameSize(320, 240 + embed.CONTROLS_HEIGHT)
    squeezed = embed.frame_size(16 / 9, maxheight=embed.CONTROLS_HEIGHT + 90)
    assert squeezed == embed.FrameSize(160, embed.CONTROLS_HEIGHT + 90)
    tiny = embed.frame_size(16 / 9, maxheight=50)
    assert tiny.height <= 50 and tiny.width >= 1
    assert embed.frame_size(None, maxwidth=300, maxheight=100) == embed.FrameSize(300, 100)


# The watch page -----------------------------------------------------------------------------


def test_watch_page_has_the_discovery_link_and_the_embed_code(client: TestClient, film_item: dict) -> None:
    expected = (("sv", "Kod att klistra in", "Mediespelare"), ("en", "Code to paste", "Media player"))
    for language, label, title in expected:
        page = client.get(f"{film_item['watch_url']}?lang={language}")
        link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page.text)
        assert link, "no oEmbed discovery link"
        discovered = client.get(unescape(link[1]).removeprefix(PUBLIC))
        assert discovered.status_code == 200 and discovered.json()["type"] == "video"
        assert label in page.text
        code = unescape(re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', page.text, re.S)[1])
        frame = iframe_attributes(code)
        assert frame["src"] == f"{PUBLIC}/embed/{film_item['id']}"
        assert frame["title"] == f"{title}: Örebro <3"


# CORS ---------------------------------------------------------------------------------------


def test_cors_opens_media_captions_and_oembed_and_nothing_else(
    client: TestClient, auth: dict[str, str], film_item: dict
) -> None:
    track = client.post(
        f"/api/media/{film_item['id']}/captions",
        files={"file": ("sv.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHej\n")},
        data={"language": "sv"},
        headers=auth,
    ).json()
    origin = {"Origin": "https://host.example"}
    for url in (film_item["source"]["url"], track["url"], f"/oembed?url={PUBLIC}/watch/{film_item['id']}"):
        assert client.get(url, headers=origin).headers["access-control-allow-origin"] == "*", url
    item_id = film_item["id"]
    closed = ("/api/media", f"/api/media/{item_id}", "/", film_item["watch_url"], f"/embed/{item_id}")
    for url in closed:
        assert "access-control-allow-origin" not in client.get(url, headers=origin).headers, url
    # A cross-origin request with an editor's token needs a preflight, which is never granted.
    preflight = client.options(
        film_item["source"]["url"],
        headers={
            **origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-headers" not in preflight.headers
