"""Described variants ordered through the API and made by the variants job: the voice from
espeak-ng at job time, the mix measured, what it was made from recorded (a new description
revision marks it outdated), and the refusal naming what is missing."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from audio_measure import decode, speech_band_db, tone_db, window
from variant_helpers import Api, wait_until

from helpers import running_service
from media_service.config import Settings
from transcode.probe import probe

TONE_HZ = 6000
DESCRIPTIONS_VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.500\nEn röd bil kör förbi.\n".encode()

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = Settings(
        data_dir=tmp_path / "data", workers=1, job_retry_delay_seconds=0, remake_outdated_variants=False
    )
    with running_service(settings) as (client, auth):
        yield Api(client, auth)


def add_descriptions(api: Api, item_id: int, body: bytes = DESCRIPTIONS_VTT) -> dict:
    response = api.client.post(
        f"/api/media/{item_id}/captions",
        files={"file": ("sv.vtt", body)},
        data={"language": "sv", "kind": "descriptions"},
        headers=api.auth,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_described_variant_is_ordered_made_and_marked_outdated_by_a_new_revision(
    api: Api, make_media: Callable[..., Path], tmp_path: Path
) -> None:
    film = make_media("film", duration=4.0, tone_hz=TONE_HZ)
    item = api.item_with_film(film)
    refused = api.client.post(
        f"/api/media/{item['id']}/variants", json={"kinds": ["described"]}, headers=api.auth
    )
    assert refused.status_code == 422
    assert "description track" in refused.json()["error"]["problems"][0]["message"]

    add_descriptions(api, item["id"])
    job = api.order(item["id"], "described", "described+extended")
    assert api.wait_for_job(job["id"], timeout=120)["state"] == "done"
    made = api.variants(item["id"])
    assert made["described"]["outdated"] == [] and made["described+extended"]["outdated"] == []

    download = api.client.get(made["described"]["url"], headers=api.auth)
    assert download.status_code == 200
    described = tmp_path / "described.mp4"
    described.write_bytes(download.content)
    assert probe(described).duration == pytest.approx(4.0, abs=0.05)
    source, mixed = decode(film), decode(described)
    assert tone_db(window(source, 1.2, 2.0), TONE_HZ) - tone_db(window(mixed, 1.2, 2.0), TONE_HZ) >= 10
    assert speech_band_db(window(mixed, 1.2, 2.0)) > -40
    assert abs(tone_db(window(source, 0.1, 0.7), TONE_HZ) - tone_db(window(mixed, 0.1, 0.7), TONE_HZ)) <= 1

    add_descriptions(api, item["id"], DESCRIPTIONS_VTT.replace(b"bil", b"buss"))

    def outdated() -> list | None:
        return api.variants(item["id"])["described"]["outdated"] or None

    assert wait_until(outdated) == ["descriptions"]
