"""Open data, checked by independent referees: extruct and pyld read the watch pages' schema.org
JSON-LD, feedparser the feeds, lxml the sitemap, rdflib and pySHACL (against shapes of
DCAT-AP-SE's mandatory classes and properties, tests/shapes/) the DCAT catalogue."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import extruct
import feedparser
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from opendata_helpers import CONTACT, PUBLIC, PUBLISHER, PUBLISHER_URL, Library, make_library
from pyld import jsonld
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from helpers import running_service
from media_service.config import Settings
from media_service.db import session_scope
from media_service.models import MediaItem

# Plain namespaces (rdflib's closed DCAT object trips up pytest's collection).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SHAPES = Path(__file__).parent / "shapes" / "dcat_ap_se.ttl"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
VIDEO_NS = "http://www.google.com/schemas/sitemap-video/1.1"
MEDIA_NS = "http://search.yahoo.com/mrss/"
# Headers a client might send to pass itself off as the site: never used for links.
SPOOFED = {"host": "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http"}
VIDEO_PROPERTIES = {
    "name", "description", "thumbnailUrl", "uploadDate", "duration", "contentUrl", "embedUrl",
    "inLanguage", "publisher", "license", "caption", "transcript", "accessibilityFeature",
    "accessMode", "accessModeSufficient", "accessibilitySummary", "hasPart", "associatedMedia",
}  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, film: Path, song: Path, interpreter: Path):  # type: ignore[no-untyped-def]
    """One library for the module (the tests only read it; one that changes it puts it back)."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("opendata") / "data",
        workers=0,
        public_url=PUBLIC,
        publisher_name=PUBLISHER,
        publisher_url=PUBLISHER_URL,
        contact_email=CONTACT,
    )
    with running_service(settings) as (client, auth):
        yield client, make_library(client, auth, film, song, interpreter)


def watch_url(item: dict) -> str:
    return f"{PUBLIC}/watch/{item['id']}"


def offline_schema_org(url: str, options: object = None) -> dict:
    """pyld's document loader without the network: schema.org's context maps every term into
    its vocabulary (as its published context does)."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": "https://schema.org/"}},
    }


def video_objects(html: str) -> list[dict]:
    """Every VideoObject extruct finds in a page's JSON-LD, nested ones included."""
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("@type") == "VideoObject" and "uploadDate" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(extruct.extract(html, base_url=PUBLIC, syntaxes=["json-ld"])["json-ld"])
    return found


# schema.org JSON-LD ------------------------------------------------------------------------------


def test_a_film_has_one_video_object_with_every_property(site: tuple[TestClient, Library]) -> None:
    client, library = site
    page = client.get(f"/watch/{library.film['id']}?lang=en", headers=SPOOFED)
    (video,) = video_objects(page.text)
    assert set(video) >= VIDEO_PROPERTIES
    assert video["name"] == "Öppna Örebro <innovation> & data"  # escaped in the page, intact here
    assert "<innovation>" not in page.text.split('application/ld+json">')[1].split("</script>")[0]
    assert video["duration"] == "PT2S"
    assert video["uploadDate"].endswith("+00:00")
    assert video["contentUrl"].startswith(f"{PUBLIC}/files/")
    assert video["embedUrl"] == f"{PUBLIC}/embed/{library.film['id']}"
    assert video["thumbnailUrl"][0].startswith(f"{PUBLIC}/files/") and video["thumbnailUrl"][0].endswith(
        ".jpg"
    )
    assert video["inLanguage"] == "sv"
    assert video["publisher"] == {"@type": "Organization", "name": PUBLISHER, "url": PUBLISHER_URL}
    assert video["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    (caption,) = video["caption"]
    assert caption["@type"] == "MediaObject" and caption["inLanguage"] == "sv"
    assert caption["contentUrl"].startswith(f"{PUBLIC}/captions/") and caption["encodingFormat"] == "text/vtt"
    assert video["transcript"].startswith("Hej och välkommen till Örebro")
    assert set(video["accessibilityFeature"]) == {
        "captions",
        "signLanguage",
        "audioDescription",
        "transcript",
    }
    assert set(video["accessMode"]) == {"auditory", "visual"}
    assert {"textual"} in [set(s["itemListElement"]) for s in video["accessModeSufficient"]]
    assert "Swedish Sign Language" in video["accessibilitySummary"]  # the page's language: English
    assert [m["inLanguage"] for m in video["associatedMedia"]] == ["swl"]
    document = next(p for p in video["hasPart"] if p["@type"] == "DigitalDocument")
    assert document["name"] == "Lättläst sammanfattning" and document["encodingFormat"] == "application/pdf"
    assert document["url"] == f"{PUBLIC}{library.document['url']}"
    assert "evil.example" not in json.dumps(video)

    expanded = jsonld.expand(
        extruct.extract(page.text, syntaxes=["json-ld"])["json-ld"][0], {"documentLoader": offline_schema_org}
    )
    (node,) = expanded
    assert node["@type"] == ["https://schema.org/VideoObject"]
    assert {f"https://schema.org/{name}" for name in VIDEO_PROPERTIES} <= set(node)


def test_the_summary_follows_the_page_language(site: tuple[TestClient, Library]) -> None:
    client, library = site
    (video,) = video_objects(client.get(f"/watch/{library.film['id']}?lang=sv").text)
    assert "svenskt teckenspråk" in video["accessibilitySummary"]
    assert "Textning: Svenska." in video["accessibilitySummary"]


def test_open_data_says_what_the_watch_page_and_the_checklist_say(site: tuple[TestClient, Library]) -> None:
    """One rule (services.accessibility): the JSON-LD summary ends with the watch page's WCAG
    statement, and the exports carry the same summary in each language."""
    client, library = site
    rows = {r["id"]: r for r in client.get("/api/catalogue.json").json()["items"]}
    for language in ("sv", "en"):
        page = client.get(f"/watch/{library.film['id']}?lang={language}").text
        found = re.search(r'<p class="accessibility-statement">(.*?)</p>', page, re.S)
        assert found, "no accessibility statement"
        (video,) = video_objects(page)
        assert video["accessibilitySummary"].endswith(html.unescape(found[1]))
        assert rows[library.film["id"]][f"accessibility_summary_{language}"] == video["accessibilitySummary"]
    checklist = client.get(f"/api/media/{library.film['id']}/accessibility").json()
    assert f"WCAG 2.1 level {checklist['level']}" in rows[library.film["id"]]["accessibility_summary_en"]


def test_a_song_is_a_music_recording_with_its_video(site: tuple[TestClient, Library]) -> None:
    client, library = site
    page = client.get(f"/watch/{library.song['id']}")
    (data,) = extruct.extract(page.text, syntaxes=["json-ld"])["json-ld"]
    assert data["@type"] == "MusicRecording" and data["name"] == "Vårsång"
    (video,) = video_objects(page.text)
    assert VIDEO_PROPERTIES - {"associatedMedia", "hasPart"} <= set(video)
    assert set(video["accessibilityFeature"]) == {"captions", "transcript"}
    assert video["license"] == "https://creativecommons.org/licenses/by/4.0/"  # the default
    jsonld.expand(data, {"documentLoader": offline_schema_org})


def test_an_unpublished_preview_carries_no_structured_data(site: tuple[TestClient, Library]) -> None:
    client, library = site
    assert client.get(f"/watch/{library.draft['id']}").status_code == 404
    preview = client.get(f"/watch/{library.draft['id']}", headers=library.auth)  # an editor's
    assert preview.status_code == 200 and "Hemligt utkast" in preview.text
    assert extruct.extract(preview.text, syntaxes=["json-ld"])["json-ld"] == []


# Feeds -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [f"/feeds/{kind}.{form}" for kind in ("all", "films", "songs") for form in ("rss", "atom")]
)
def test_feeds_list_exactly_the_published_items_with_enclosures_and_dates(
    site: tuple[TestClient, Library], path: str
) -> None:
    client, library = site
    response = client.get(path, headers=SPOOFED)
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    expected = {"all": [library.song, library.film], "films": [library.film], "songs": [library.song]}
    wanted = expected[path.split("/")[2].split(".")[0]]
    assert [e.link for e in feed.entries] == [watch_url(i) for i in wanted]  # newest first
    assert "Hemligt utkast" not in response.text and "evil.example" not in response.text
    with session_scope(client.app.state.sessions) as session:
        published = {
            i.id: i.published_at.replace(tzinfo=UTC) for i in session.query(MediaItem) if i.published
        }
    for entry, item in zip(feed.entries, wanted, strict=True):
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == published[item["id"]].replace(
            microsecond=0
        )
        (enclosure,) = [link for link in entry.links if link.rel == "enclosure"][-1:]
        source = item["source"]
        assert enclosure.href == f"{PUBLIC}{source['url']}"
        assert int(enclosure.length) == source["size_bytes"] and enclosure.type == source["content_type"]


def test_rss_carries_media_rss_with_subtitles(site: tuple[TestClient, Library]) -> None:
    client, library = site
    feed = feedparser.parse(client.get("/feeds/films.rss").content)
    (entry,) = feed.entries
    (content,) = entry.media_content
    assert content["url"] == f"{PUBLIC}{library.film['source']['url']}"
    assert content["filesize"] == str(library.film["source"]["size_bytes"]) and content["medium"] == "video"
    root = etree.fromstring(client.get("/feeds/films.rss").content)
    (subtitle,) = root.iter(f"{{{MEDIA_NS}}}subTitle")
    assert subtitle.get("lang") == "sv" and subtitle.get("href").startswith(f"{PUBLIC}/captions/")
    assert root.find(f".//{{{MEDIA_NS}}}license").get("href").endswith("/by-sa/4.0/")


def test_podcast_feed_lists_the_songs(site: tuple[TestClient, Library]) -> None:
    client, library = site
    feed = feedparser.parse(client.get("/feeds/podcast.rss").content)
    assert not feed.bozo, feed.bozo_exception
    (entry,) = feed.entries
    assert entry.link == watch_url(library.song) and entry.itunes_duration == "2"
    assert entry.enclosures[0].type.startswith("audio/")
    assert client.get("/feeds/nothing.rss").status_code == 404


# Sitemap -----------------------------------------------------------------------------------------


def test_sitemap_lists_exactly_the_published_items(site: tuple[TestClient, Library]) -> None:
    client, library = site
    response = client.get("/sitemap.xml", headers=SPOOFED)
    root = etree.fromstring(response.content)  # well-formed, or this raises
    assert root.tag == f"{{{SITEMAP_NS}}}urlset" and root.nsmap["video"] == VIDEO_NS
    urls = root.findall(f"{{{SITEMAP_NS}}}url")
    assert {u.findtext(f"{{{SITEMAP_NS}}}loc") for u in urls} == {
        watch_url(library.film),
        watch_url(library.song),
    }
    for url in urls:
        (video,) = url.findall(f"{{{VIDEO_NS}}}video")
        for required in ("thumbnail_loc", "title", "description"):
            assert video.findtext(f"{{{VIDEO_NS}}}{required}"), required
        assert video.findtext(f"{{{VIDEO_NS}}}content_loc").startswith(f"{PUBLIC}/files/")
        assert video.findtext(f"{{{VIDEO_NS}}}player_loc").startswith(f"{PUBLIC}/embed/")
        assert video.findtext(f"{{{VIDEO_NS}}}duration") == "2"
    assert "evil.example" not in response.text
    robots = client.get("/robots.txt").text
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots.splitlines()


# DCAT-AP-SE --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "rdf_format"), [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")])
def test_dcat_catalogue_parses_and_meets_the_dcat_ap_se_shapes(
    site: tuple[TestClient, Library], path: str, rdf_format: str
) -> None:
    client, _ = site
    response = client.get(f"/dcat/catalog.{path}", headers=SPOOFED)
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=rdf_format)
    conforms, _report, text = validate(graph, shacl_graph=Graph().parse(SHAPES, format="turtle"))
    assert conforms, text
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    keywords = {str(k) for k in graph.objects(dataset, DCAT.keyword)}
    assert {"film", "sång", "textning", "teckenspråk", "syntolkning"} <= keywords
    access = {
        str(u) for d in graph.objects(dataset, DCAT.distribution) for u in graph.objects(d, DCAT.accessURL)
    }
    assert {
        f"{PUBLIC}/api/catalogue.json",
        f"{PUBLIC}/api/catalogue.csv",
        f"{PUBLIC}/feeds/all.rss",
    } <= access
    assert "evil.example" not in response.text


def test_the_shapes_refuse_a_catalogue_missing_a_mandatory_property(site: tuple[TestClient, Library]) -> None:
    client, _ = site
    graph = Graph().parse(data=client.get("/dcat/catalog.ttl").content, format="turtle")
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    graph.remove((catalog, DCTERMS.license, None))
    graph.remove((None, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"), None))
    conforms, _report, text = validate(graph, shacl_graph=Graph().parse(SHAPES, format="turtle"))
    assert not conforms
    assert "license" in text and "hasEmail" in text


# Exports -----------------------------------------------------------------------------------------


def test_exports_are_published_items_readable_from_any_origin(site: tuple[TestClient, Library]) -> None:
    client, library = site
    response = client.get("/api/catalogue.json", headers={**SPOOFED, "origin": "https://other.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    rows = response.json()["items"]
    assert [r["id"] for r in rows] == [library.song["id"], library.film["id"]]
    film = rows[1]
    assert film["licence"] == "CC-BY-SA-4.0" and film["sign_language"] == "swl"
    assert film["accessibility_features"] == ["captions", "signLanguage", "audioDescription", "transcript"]
    assert film["watch_url"] == watch_url(library.film) and "evil.example" not in response.text
    table = client.get("/api/catalogue.csv")
    assert (
        table.headers["content-type"].startswith("text/csv")
        and table.headers["access-control-allow-origin"] == "*"
    )
    parsed = list(csv.DictReader(io.StringIO(table.text)))
    assert [int(r["id"]) for r in parsed] == [r["id"] for r in rows]
    assert parsed[1]["title"] == "Öppna Örebro <innovation> & data" and parsed[1]["caption_languages"] == "sv"


def test_unpublishing_removes_an_item_from_every_output(site: tuple[TestClient, Library]) -> None:
    client, library = site

    def published(value: bool) -> None:
        with session_scope(client.app.state.sessions) as session:
            session.get(MediaItem, library.song["id"]).published = value

    published(False)
    try:
        song = watch_url(library.song)
        for path in (
            "/feeds/all.rss",
            "/feeds/all.atom",
            "/feeds/podcast.rss",
            "/sitemap.xml",
            "/api/catalogue.json",
        ):
            assert song not in client.get(path).text, path
    finally:
        published(True)
