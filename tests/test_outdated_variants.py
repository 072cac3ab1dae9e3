"""Variants never go stale: a correction marks the variants made from the old captions (or the
old placement of the signer) outdated, in the API, the editor and on the watch page; a new job
is ordered by itself (unless the setting is off); the old variant is served until the new one
is published, and the new one shows the new text, frame for frame as the builder draws it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from variant_helpers import Api, frame_at, read_in_real_time, wait_until

from helpers import running_service
from media_service.config import Settings
from transcode.captions import Cue
from transcode.probe import probe
from transcode.runner import run_ffmpeg
from transcode.variants import EncoderSettings, MediaFile, VariantJob, VariantKind, build_variants

CORRECTED = "Rättad text i filmen."


def service(tmp_path: Path, **settings: object) -> Iterator[Api]:
    options = Settings(data_dir=tmp_path / "data", workers=1, job_retry_delay_seconds=0, **settings)  # type: ignore[arg-type]
    with running_service(options) as (client, auth):
        yield Api(client, auth)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from service(tmp_path)


@pytest.fixture
def manual_api(tmp_path: Path) -> Iterator[Api]:
    """A service where a change orders nothing by itself (TOLK_REMAKE_OUTDATED_VARIANTS=false)."""
    yield from service(tmp_path, remake_outdated_variants=False)


def upload_correction(api: Api, item_id: int, text: str) -> dict:
    body = f"WEBVTT\n\n00:00:00.000 --> 00:00:30.000\n{text}\n".encode()
    response = api.client.post(
        f"/api/media/{item_id}/captions",
        files={"file": ("sv.vtt", body)},
        data={"language": "sv"},
        headers=api.auth,
    )
    assert response.status_code == 201, response.text
    return response.json()


def bottom_difference(first: list[bytes], second: list[bytes]) -> float:
    """Mean difference of the bytes of the caption band (the bottom of a 320x180 picture)."""
    total = count = 0
    for y in range(140, 175):
        total += sum(abs(a - b) for a, b in zip(first[y], second[y], strict=True))
        count += len(first[y])
    return total / count


def reference_frame(film: Path, text: str, folder: Path, ffmpeg: str) -> list[bytes]:
    """The captioned frame at 1 s as the builder draws ``text`` on the film."""
    output = folder / "reference.mp4"
    work = folder / "work"
    work.mkdir()
    settings = Settings(data_dir=folder / "unused")
    plan = build_variants(
        VariantJob(
            source=MediaFile(film, probe(film)),
            outputs={VariantKind.CAPTIONED: output},
            cues=[Cue(0, 30_000, text)],
            work_dir=work,
            encoder=EncoderSettings(preset=settings.variant_preset, crf=settings.variant_crf),
        )
    )
    plan.write_caption_files()
    run_ffmpeg(plan.args, ffmpeg=ffmpeg, duration=plan.duration)
    return frame_at(output, 1.0)[2]


def fetch(api: Api, url: str, path: Path) -> Path:
    response = api.client.get(url, headers=api.auth)
    assert response.status_code == 200, response.text
    path.write_bytes(response.content)
    return path


def test_a_correction_is_remade_while_the_old_variant_is_served(
    api: Api, film: Path, tmp_path: Path, ffmpeg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = api.item_with_film(film)
    api.wait_for_job(api.web_job(item["id"])["id"])
    api.add_captions(item["id"])
    assert api.wait_for_job(api.order(item["id"], "captioned")["id"])["state"] == "done"
    old = api.variants(item["id"])["captioned"]
    assert old["outdated"] == [] and old["caption_revision_id"] is not None
    old_frame = frame_at(fetch(api, old["url"], tmp_path / "old.mp4"), 1.0)[2]

    read_in_real_time(monkeypatch)  # the remake lasts as long as the film: time to look at it
    upload_correction(api, item["id"], CORRECTED)
    outdated = api.variants(item["id"])["captioned"]
    assert outdated["outdated"] == ["captions"] and outdated["url"] == old["url"]
    remake = api.client.get(f"/api/media/{item['id']}/jobs", headers=api.auth).json()[0]
    assert remake["kinds"] == ["captioned"] and remake["state"] in ("queued", "running")
    editor_page = api.client.get(f"/editor/items/{item['id']}/variants?lang=en", headers=api.auth)
    assert editor_page.status_code == 200
    assert (
        "Outdated" in editor_page.text and "Made with an older revision of the captions." in editor_page.text
    )
    watch = api.client.get(f"/watch/{item['id']}?lang=en", headers=api.auth).text
    assert "Note: the captions here are an older version than the current captions." in watch

    # Until the new one is published, the old file is what the variant serves.
    wait_until(lambda: api.job(remake["id"])["state"] == "running")
    assert api.client.get(old["url"], headers=api.auth).status_code == 200
    assert api.variants(item["id"])["captioned"]["url"] == old["url"]

    assert api.wait_for_job(remake["id"])["state"] == "done"
    new = api.variants(item["id"])["captioned"]
    assert new["outdated"] == [] and new["url"] != old["url"] and new["job_id"] == remake["id"]
    assert new["caption_revision_id"] != old["caption_revision_id"]
    assert api.client.get(old["url"], headers=api.auth).status_code == 404
    assert "Note: the captions" not in api.client.get(f"/watch/{item['id']}?lang=en", headers=api.auth).text

    new_frame = frame_at(fetch(api, new["url"], tmp_path / "new.mp4"), 1.0)[2]
    expected = reference_frame(film, CORRECTED, tmp_path, ffmpeg)
    assert bottom_difference(new_frame, expected) < 2, "the new variant does not show the corrected text"
    assert bottom_difference(new_frame, old_frame) > 5, "the new variant still shows the old text"


def test_changes_mark_what_they_touch_and_the_setting_orders_nothing(
    manual_api: Api, film: Path, interpreter: Path
) -> None:
    api = manual_api
    item = api.item_with_film(film)
    api.wait_for_job(api.web_job(item["id"])["id"])
    recording = api.add_interpreter(item["id"], interpreter)
    api.add_captions(item["id"])
    assert api.wait_for_job(api.order(item["id"], "captioned", "signed")["id"])["state"] == "done"
    jobs_before = len(api.client.get(f"/api/media/{item['id']}/jobs", headers=api.auth).json())
    assert {kind: v["outdated"] for kind, v in api.variants(item["id"]).items()} == {
        "web": [],
        "captioned": [],
        "signed": [],
    }

    moved = api.client.patch(
        f"/api/media/{item['id']}/interpreters/{recording['id']}",
        json={"offset_seconds": 0.5},
        headers=api.auth,
    )
    assert moved.status_code == 200, moved.text
    assert api.variants(item["id"])["signed"]["outdated"] == ["layout"]
    assert api.variants(item["id"])["captioned"]["outdated"] == []
    upload_correction(api, item["id"], CORRECTED)
    assert api.variants(item["id"])["captioned"]["outdated"] == ["captions"]
    assert len(api.client.get(f"/api/media/{item['id']}/jobs", headers=api.auth).json()) == jobs_before

    # Ordered by hand, the new variants record what they are made from and are current again.
    assert api.wait_for_job(api.order(item["id"], "captioned", "signed")["id"])["state"] == "done"
    assert all(not v["outdated"] for v in api.variants(item["id"]).values())
    assert (
        api.client.delete(
            f"/api/media/{item['id']}/interpreters/{recording['id']}", headers=api.auth
        ).status_code
        == 204
    )
    assert api.variants(item["id"])["signed"]["outdated"] == ["interpreter"]
