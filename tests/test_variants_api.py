"""Variants and interpreter recordings through the API: ordering, refusals, listing, live
progress, the web variant made on upload, and what the made files show."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from variant_helpers import Api, frame_at, mean_colour, read_in_real_time, wait_until

from helpers import running_service
from media_service.config import Settings
from media_service.db import session_scope
from media_service.services import media, variant_jobs, variants
from transcode.facts import MediaFacts

GREEN = (0, 177, 64)  # the interpreter fixture's screen, 0x00b140


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """A service with one in-process worker, and an editor's client."""
    settings = Settings(data_dir=tmp_path / "data", workers=1, job_retry_delay_seconds=0)
    with running_service(settings) as (client, auth):
        yield Api(client, auth)


def download(api: Api, url: str, folder: Path, name: str) -> Path:
    response = api.client.get(url, headers=api.auth)
    assert response.status_code == 200, response.text
    path = folder / name
    path.write_bytes(response.content)
    return path


def close(first: tuple[int, ...], second: tuple[int, ...], tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(first, second, strict=True))


def band_difference(first: list[bytes], second: list[bytes], rows: range, columns: range) -> float:
    """Mean absolute difference of two pictures' bytes over ``rows`` x ``columns`` pixels."""
    total = count = 0
    for y in rows:
        a, b = first[y][columns.start * 3 : columns.stop * 3], second[y][columns.start * 3 : columns.stop * 3]
        total += sum(abs(p - q) for p, q in zip(a, b, strict=True))
        count += len(a)
    return total / count


def test_variants_ordered_together_are_made_by_one_ffmpeg_run_and_show_what_they_should(
    api: Api, film: Path, interpreter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[list[str]] = []
    run_ffmpeg = variant_jobs.run_ffmpeg

    def counted(args: list[str], **options: object):  # type: ignore[no-untyped-def]
        runs.append(args)
        return run_ffmpeg(args, **options)

    monkeypatch.setattr(variant_jobs, "run_ffmpeg", counted)
    item = api.item_with_film(film)
    recording = api.add_interpreter(item["id"], interpreter)
    api.add_captions(item["id"])
    api.wait_for_job(api.web_job(item["id"])["id"])
    runs.clear()

    job = api.order(item["id"], "captioned", "signed", "signed+captioned")
    assert api.wait_for_job(job["id"])["state"] == "done"
    assert len(runs) == 1

    made = api.variants(item["id"])
    assert set(made) == {"web", "captioned", "signed", "signed+captioned"}
    frames = {}
    for kind, variant in made.items():
        facts = MediaFacts.from_dict(variant["facts"])
        assert facts.browser_ready and facts.video is not None
        assert (facts.video.width, facts.video.height) == (320, 180)
        assert facts.duration == pytest.approx(2.0, abs=0.1)
        assert variant["job_id"] == (job["id"] if kind != "web" else variant["job_id"])
        path = download(api, variant["url"], tmp_path, f"{kind}.mp4")
        assert path.stat().st_size == variant["size_bytes"]
        frames[kind] = frame_at(path, 1.0)[2]
    saved = api.client.get(made["signed"]["download_url"], headers=api.auth)
    assert saved.headers["content-disposition"].startswith("attachment")
    watch = api.client.get(f"/watch/{item['id']}?lang=en", headers=api.auth).text
    for variant in made.values():
        assert f'href="{variant["url"]}?download=1"' in watch
    assert "With the sign-language interpreter and captions" in watch

    # The signer's box: the recording's green screen shows (no key), in the same place with
    # and without captions; the captions sit beside the signer, never over it.
    place = recording["placement"]
    box = (round(place["x"] * 320) + 2, round(place["y"] * 180) + 2, 10, 8)
    assert close(mean_colour(frames["signed"], box), GREEN, 40)
    assert not close(mean_colour(frames["web"], box), GREEN, 40)
    assert close(mean_colour(frames["signed+captioned"], box), mean_colour(frames["signed"], box), 6)
    # Captions: the bottom of the picture changed, the top did not.
    bottom, top, across = range(150, 170), range(12, 40), range(40, 200)
    assert band_difference(frames["captioned"], frames["web"], bottom, across) > 20
    assert band_difference(frames["captioned"], frames["web"], top, across) < 6
    assert band_difference(frames["signed+captioned"], frames["signed"], bottom, range(40, 190)) > 20


def test_a_keyed_signer_lets_the_film_show_through(
    api: Api, film: Path, interpreter: Path, tmp_path: Path
) -> None:
    item = api.item_with_film(film)
    recording = api.add_interpreter(item["id"], interpreter, layout={"key": {"colour": "green"}})
    assert recording["layout"]["key"]["colour"] == "0x00b140"
    assert api.wait_for_job(api.order(item["id"], "signed")["id"])["state"] == "done"
    made = api.variants(item["id"])
    signed = frame_at(download(api, made["signed"]["url"], tmp_path, "signed.mp4"), 1.0)[2]
    web = frame_at(download(api, made["web"]["url"], tmp_path, "web.mp4"), 1.0)[2]
    place = recording["placement"]
    box = (round(place["x"] * 320) + 2, round(place["y"] * 180) + 2, 10, 8)
    assert not close(mean_colour(signed, box), GREEN, 40)
    assert close(mean_colour(signed, box), mean_colour(web, box), 12)


def missing_inputs(api: Api, item_id: int) -> dict[str, str | None]:
    """What the item lacks per variant kind, as the editor's variants page is told."""
    with session_scope(api.client.app.state.sessions) as session:
        item = media.get_item(session, item_id, include_unpublished=True)
        return {kind.value: need and need.value for kind, need in variants.missing_inputs(item).items()}


def test_orders_are_refused_naming_what_is_missing(
    api: Api, film: Path, interpreter: Path, tmp_path: Path
) -> None:
    client, auth = api.client, api.auth
    empty = client.post("/api/media", json={"kind": "film", "title": "Tom"}, headers=auth).json()
    no_film = client.post(f"/api/media/{empty['id']}/variants", json={"kinds": ["web"]}, headers=auth)
    assert no_film.status_code == 422 and "upload it first" in no_film.json()["error"]["message"]
    assert set(missing_inputs(api, empty["id"]).values()) == {"source"}

    item = api.item_with_film(film)
    assert missing_inputs(api, item["id"]) == {
        "web": None,
        "captioned": "captions",
        "signed": "interpreter",
        "signed+captioned": "interpreter",
        # Described variants need a description track first (tests/test_described_jobs.py).
        "described": "descriptions",
        "captioned+described": "descriptions",
        "signed+described": "descriptions",
        "signed+captioned+described": "descriptions",
        "described+extended": "descriptions",
    }
    url = f"/api/media/{item['id']}/variants"
    for body, field, words in [
        ({"kinds": ["signed"]}, "kinds", "interpreter recording"),
        ({"kinds": ["captioned", "web"]}, "kinds", "caption track"),
        ({"kinds": ["signed+captioned"]}, "kinds", "interpreter recording"),
        ({"kinds": []}, "body.kinds", "at least 1"),
        ({"kinds": ["subtitled"]}, "body.kinds.0", "web"),
        ({"kinds": ["web"], "speed": "fast"}, "body.speed", "Extra inputs"),
    ]:
        response = client.post(url, json=body, headers=auth)
        assert response.status_code == 422, body
        problem = response.json()["error"]["problems"][0]
        assert problem["field"] == field and words in problem["message"], (body, problem)
    api.add_interpreter(item["id"], interpreter)
    assert missing_inputs(api, item["id"])["signed+captioned"] == "captions"
    other = api.item_with_film(film)
    stranger = api.add_interpreter(other["id"], interpreter)
    wrong = client.post(url, json={"kinds": ["signed"], "interpreter_id": stranger["id"]}, headers=auth)
    assert wrong.status_code == 422 and wrong.json()["error"]["problems"][0]["field"] == "interpreter_id"
    assert client.post(url, json={"kinds": ["web"]}).status_code == 401
    jobs = client.get(f"/api/media/{item['id']}/jobs", headers=auth).json()
    variant_jobs = [job["kinds"] for job in jobs if job["kind"] == "variants"]
    assert variant_jobs == [["web"]]  # refused orders made no job (ladders are jobs of their own)
    api.add_captions(item["id"])
    assert {need for kind, need in missing_inputs(api, item["id"]).items() if "described" not in kind} == {
        None
    }


def test_progress_streams_as_server_sent_events_until_done(
    api: Api, make_media: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    read_in_real_time(monkeypatch)
    item = api.item_with_film(make_media("film", duration=3))
    api.add_captions(item["id"])
    job = api.order(item["id"], "captioned")
    events = []
    # Anonymous, as a browser's EventSource is (the item is published).
    with api.client.stream("GET", job["events_url"]) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        name = None
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    names = [name for name, _ in events]
    assert names[-1] == "done" and set(names[:-1]) == {"progress"}
    assert events[-1][1]["state"] == "done" and events[-1][1]["progress"] == 1.0
    running = [data for name, data in events if data["state"] == "running"]
    assert any(0 < data["progress"] < 1 and data["eta_seconds"] for data in running)
    assert [d["progress"] for _, d in events] == sorted(d["progress"] for _, d in events)
    assert api.client.get("/api/jobs/999/events").status_code == 404


def test_the_web_variant_follows_every_upload(
    api: Api, film: Path, make_media: Callable[..., Path], ffmpeg: str, tmp_path: Path
) -> None:
    item = api.item_with_film(film)
    web_job = api.web_job(item["id"])
    assert api.wait_for_job(web_job["id"])["state"] == "done"
    web = api.variants(item["id"])["web"]
    data = api.client.get(web["url"]).content
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: playable while it downloads
    assert web["facts"]["video"] == item["source"]["facts"]["video"]  # a remux, not a re-encode

    # A source browsers do not play as it is is transcoded.
    matroska = tmp_path / "film.mkv"
    subprocess.run([ffmpeg, "-v", "error", "-i", str(film), "-c", "copy", str(matroska)], check=True)
    other = api.item_with_film(matroska)
    assert api.wait_for_job(api.web_job(other["id"])["id"])["state"] == "done"
    transcoded = api.variants(other["id"])["web"]
    assert transcoded["content_type"] == "video/mp4"
    assert MediaFacts.from_dict(transcoded["facts"]).browser_ready

    # A new film replaces the old variants: they are dropped at once and made again.
    api.add_captions(item["id"])
    assert api.wait_for_job(api.order(item["id"], "captioned")["id"])["state"] == "done"
    old_urls = [v["url"] for v in api.variants(item["id"]).values()]
    smaller = make_media("film", width=256, height=144)
    response = api.client.put(f"/api/media/{item['id']}/file", content=smaller.read_bytes(), headers=api.auth)
    assert response.status_code == 201
    for url in old_urls:
        assert api.client.get(url, headers=api.auth).status_code == 404

    def remade() -> dict | None:
        made = api.variants(item["id"])
        return made if set(made) == {"web", "captioned"} else None

    for variant in wait_until(remade).values():
        assert (variant["facts"]["video"]["width"], variant["facts"]["video"]["height"]) == (256, 144)


def test_interpreter_recordings_upload_list_and_delete(
    tmp_path: Path, film: Path, interpreter: Path, song: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=0)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        item = api.item_with_film(film, published=False)
        url = f"/api/media/{item['id']}/interpreters"
        assert client.post(url, content=interpreter.read_bytes()).status_code == 401
        recording = api.add_interpreter(item["id"], interpreter)
        assert recording["language"] == "swl" and recording["label"] == "Svenskt teckenspråk"
        assert recording["layout"] == {
            "corner": "bottom-right",
            "size": None,
            "margin": 0.0,
            "crop": None,
            "key": None,
        }
        assert recording["offset_seconds"] == 0.0
        place = recording["placement"]
        assert place["x"] + place["width"] == pytest.approx(0.95, abs=0.01)  # inside the safe area
        assert place["y"] + place["height"] == pytest.approx(0.944, abs=0.01)
        assert place["height"] >= 0.5 and place["width"] * place["height"] >= 1 / 6 - 0.01

        sound_only = client.post(url, content=song.read_bytes(), headers=auth)
        assert sound_only.status_code == 422 and "must be a video" in sound_only.json()["error"]["message"]
        with_sound = client.post(f"{url}?language=swl", content=film.read_bytes(), headers=auth)
        assert with_sound.status_code == 201  # a recording with its own sound is fine

        assert client.get(url).status_code == 404  # unpublished: editors only
        assert [r["id"] for r in client.get(url, headers=auth).json()] == [
            recording["id"],
            with_sound.json()["id"],
        ]
        client.patch(f"/api/media/{item['id']}", json={"published": True}, headers=auth)
        assert client.get(f"{url}/{recording['id']}").json()["id"] == recording["id"]

        assert client.delete(f"{url}/{recording['id']}", headers=auth).status_code == 204
        assert client.get(recording["file"]["url"]).status_code == 404
        assert client.get(f"{url}/{recording['id']}").status_code == 404


def patch_layout(client: TestClient, auth: dict[str, str], url: str, body: dict) -> dict:
    response = client.patch(url, json=body, headers=auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_layout_changes_are_validated_field_by_field(tmp_path: Path, film: Path, interpreter: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=0)
    with running_service(settings) as (client, auth):
        api = Api(client, auth)
        item = api.item_with_film(film)
        recording = api.add_interpreter(item["id"], interpreter)
        url = f"/api/media/{item['id']}/interpreters/{recording['id']}"

        moved = patch_layout(client, auth, url, {"layout": {"corner": "top-left", "margin": 0.02}})
        assert moved["placement"]["x"] == pytest.approx(0.05 + 0.02 * 180 / 320, abs=0.01)
        keyed = patch_layout(client, auth, url, {"layout": {"key": {"colour": "blue", "similarity": 0.2}}})
        assert keyed["layout"]["corner"] == "top-left"  # fields not sent keep their value
        assert keyed["layout"]["key"] == {
            "colour": "0x0047bb",
            "similarity": 0.2,
            "blend": 0.04,
            "despill": 1.0,
        }
        cropped = patch_layout(
            client,
            auth,
            url,
            {"layout": {"crop": {"x": 0.1, "y": 0, "width": 0.8, "height": 1}}, "offset_seconds": -0.5},
        )
        assert cropped["layout"]["crop"]["width"] == 0.8 and cropped["offset_seconds"] == -0.5
        cleared = patch_layout(client, auth, url, {"layout": {"key": None, "crop": None}})
        assert cleared["layout"]["key"] is None and cleared["layout"]["crop"] is None

        for body, field, words in [
            ({"layout": {"corner": "middle"}}, "layout.corner", "bottom-right"),
            ({"layout": {"size": 0.95}}, "layout.size", "0.1 to 0.9"),
            ({"layout": {"size": 0.9}}, "layout.size", "does not fit"),
            ({"layout": {"margin": 0.5}}, "layout.margin", "from 0 to 0.2"),
            ({"layout": {"crop": {"x": 0.5, "width": 0.8}}}, "layout.crop", "outside the picture"),
            ({"layout": {"key": {"colour": "purple"}}}, "layout.key", "'green', 'blue' or a hex"),
            ({"layout": {"key": {"colour": "#808080"}}}, "layout.key", "too close to grey"),
            ({"layout": {"key": {"similarity": 2}}}, "layout.key", "similarity"),
            ({"offset_seconds": 5}, "offset_seconds", "never shown"),
            ({"layout": {"colour": "green"}}, "body.layout.colour", "Extra inputs"),
        ]:
            response = client.patch(url, json=body, headers=auth)
            assert response.status_code == 422, body
            problem = response.json()["error"]["problems"][0]
            assert problem["field"] == field and words in problem["message"], (body, problem)
        assert client.get(url, headers=auth).json()["layout"] == cleared["layout"]  # nothing changed


def test_a_songs_variants_get_a_picture_with_the_signer(api: Api, song: Path, interpreter: Path) -> None:
    created = api.client.post("/api/media", json={"kind": "song", "title": "Sång"}, headers=api.auth).json()
    uploaded = api.client.put(f"/api/media/{created['id']}/file", content=song.read_bytes(), headers=api.auth)
    assert uploaded.status_code == 201, uploaded.text
    api.add_interpreter(created["id"], interpreter, layout={"key": {"colour": "green"}})
    api.add_captions(created["id"])
    job = api.wait_for_job(api.order(created["id"], "captioned", "signed", "signed+captioned")["id"])
    assert job["state"] == "done", job["error"]
    made = api.variants(created["id"])
    assert made["web"]["content_type"] == "audio/mp4"  # a song's web variant is its sound
    for kind in ("captioned", "signed", "signed+captioned"):
        facts = MediaFacts.from_dict(made[kind]["facts"])
        assert facts.has_video and facts.audio is not None and made[kind]["content_type"] == "video/mp4"
