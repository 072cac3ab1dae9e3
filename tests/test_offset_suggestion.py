"""The signer's timing found by sound: an interpreter recording made while the film was heard
carries the film's sound, shifted by where the recording started; Tolk suggests that shift.

The recordings here are made at test time from the film's own sound (espeak-ng Swedish speech),
shifted by a known amount, with an echo, another gain and noise mixed in, as a microphone in a
room would hear a loudspeaker.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.account_helpers import add_user, log_in
from transcode.sound_offset import RATE, NoSound, estimate_offset, offset_by_sound, read_mono

SENTENCES = (
    "Vem du än är, är du välkommen hit. Örebro är teckenspråkets huvudstad i Europa. "
    "Här finns plats för alla, och alla får höra och se."
)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.skip("espeak-ng is not installed (scripts/setup installs it as root)")
    output = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run([espeak, "-v", "sv", "-w", str(output), SENTENCES], check=True, timeout=60)
    return output


@pytest.fixture(scope="module")
def spoken_film(speech: Path, made: Callable[..., Path]) -> Path:
    """An 8 s 320x180 film whose sound is the Swedish speech."""
    return made(
        "spoken-film.mp4",
        *("-f", "lavfi", "-i", "testsrc=size=320x180:rate=25:duration=8", "-i", str(speech)),
        *("-af", "apad", "-t", "8", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"),
    )


def _recording(made: Callable[..., Path], spoken_film: Path, name: str, offset: float) -> Path:
    """A 6 s signer picture whose sound is the film's heard in a room, starting ``offset``
    seconds into the film (negative: that long before the film starts), with noise."""
    if offset >= 0:
        heard = ("-ss", f"{offset}", "-i", str(spoken_film))
        shift = "anull"
    else:
        heard = ("-i", str(spoken_film))
        shift = f"adelay={round(-offset * 1000)}:all=1"
    graph = (
        f"[1:a]{shift},volume=0.5,aecho=0.8:0.6:35:0.4,highpass=f=150[room];"
        "[room][2:a]amix=inputs=2:duration=first:normalize=0[a]"
    )
    return made(
        name,
        *("-f", "lavfi", "-i", "testsrc2=size=160x180:rate=25:duration=6", *heard),
        *("-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.08:duration=6"),
        *("-filter_complex", graph, "-map", "0:v", "-map", "[a]", "-t", "6"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"),
    )


# --- the estimate itself, on made-up signals (no ffmpeg) ---------------------------------------


def test_a_known_shift_is_found_through_noise_and_another_gain() -> None:
    rng = np.random.default_rng(7)
    film = rng.standard_normal(RATE * 10).astype(np.float32)
    for shift in (2.5, -1.25, 0.0):
        start = round(shift * RATE)
        if start >= 0:
            heard = film[start : start + RATE * 5]
        else:
            heard = np.concatenate([np.zeros(-start, np.float32), film[: RATE * 5 + start]])
        recording = 0.3 * heard + 0.3 * rng.standard_normal(heard.size).astype(np.float32)
        estimate = estimate_offset(film, recording)
        assert estimate.seconds == pytest.approx(shift, abs=0.01)
        assert estimate.confidence > 0.5


def test_sounds_that_share_nothing_give_no_confidence() -> None:
    rng = np.random.default_rng(8)
    estimate = estimate_offset(rng.standard_normal(RATE * 6), rng.standard_normal(RATE * 4))
    assert estimate.confidence < 0.3


# --- real files -------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [1.3, -0.8])
def test_the_offset_of_a_recording_made_from_the_films_own_sound_is_found(
    made: Callable[..., Path], spoken_film: Path, offset: float
) -> None:
    recording = _recording(made, spoken_film, f"heard-{offset}.mp4", offset)
    estimate = offset_by_sound(spoken_film, recording)
    assert estimate.seconds == pytest.approx(offset, abs=0.1)
    assert estimate.confidence >= 0.3


def test_a_recording_without_sound_is_named(spoken_film: Path, interpreter: Path) -> None:
    with pytest.raises(NoSound) as raised:
        offset_by_sound(spoken_film, interpreter)
    assert raised.value.which == "recording"


def test_listening_is_bounded(spoken_film: Path) -> None:
    assert read_mono(spoken_film, which="film", max_seconds=2).size == 2 * RATE


# --- through the API and the editor -----------------------------------------------------------


def _item_with_recording(
    client: TestClient, auth: dict[str, str], film: Path, recording: Path
) -> tuple[int, int]:
    item_id = client.post("/api/media", json={"kind": "film", "title": "Tolkad"}, headers=auth).json()["id"]
    assert (
        client.put(f"/api/media/{item_id}/file", content=film.read_bytes(), headers=auth).status_code == 201
    )
    answer = client.post(f"/api/media/{item_id}/interpreters", content=recording.read_bytes(), headers=auth)
    assert answer.status_code == 201, answer.text
    return item_id, answer.json()["id"]


def test_the_api_suggests_and_saves_nothing(
    client: TestClient, auth: dict[str, str], made: Callable[..., Path], spoken_film: Path
) -> None:
    recording = _recording(made, spoken_film, "heard-1.3.mp4", 1.3)
    item_id, recording_id = _item_with_recording(client, auth, spoken_film, recording)
    url = f"/api/media/{item_id}/interpreters/{recording_id}/offset-suggestion"
    assert client.get(url).status_code == 401
    answer = client.get(url, headers=auth)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["offset_seconds"] == pytest.approx(1.3, abs=0.1)
    assert body["sure"] is True and 0.3 <= body["confidence"] <= 1
    saved = client.get(f"/api/media/{item_id}/interpreters/{recording_id}", headers=auth).json()
    assert saved["offset_seconds"] == 0.0


def test_a_silent_recording_is_refused_in_the_askers_language(
    client: TestClient, auth: dict[str, str], spoken_film: Path, interpreter: Path
) -> None:
    item_id, recording_id = _item_with_recording(client, auth, spoken_film, interpreter)
    url = f"/api/media/{item_id}/interpreters/{recording_id}/offset-suggestion"
    answer = client.get(url, headers={**auth, "Accept-Language": "sv"})
    assert answer.status_code == 422
    assert answer.json()["error"]["message"].startswith("Tolkinspelningen har inget ljud")


def test_the_editor_fills_in_the_suggestion_and_saving_accepts_it(
    client: TestClient, auth: dict[str, str], made: Callable[..., Path], spoken_film: Path
) -> None:
    recording = _recording(made, spoken_film, "heard--0.8.mp4", -0.8)
    item_id, recording_id = _item_with_recording(client, auth, spoken_film, recording)
    add_user(client, "anna")
    token = log_in(client, "anna")
    page = client.get(f"/editor/items/{item_id}/interpreter", params={"suggest": recording_id, "lang": "sv"})
    assert page.status_code == 200
    assert "Ljuden stämmer bäst överens vid -0,8 sekunder" in page.text
    assert f'id="field-offset_seconds-{recording_id}" name="offset_seconds" value="-0.8"' in page.text
    saved = client.get(f"/api/media/{item_id}/interpreters/{recording_id}", headers=auth).json()
    assert saved["offset_seconds"] == 0.0  # only filled in
    form = {"corner": "bottom-right", "size": "", "margin": "0", "key": "none", "offset_seconds": "-0.8"}
    accepted = client.post(
        f"/editor/items/{item_id}/interpreters/{recording_id}", data={**form, "csrf_token": token}
    )
    assert accepted.status_code in (200, 303), accepted.text
    saved = client.get(f"/api/media/{item_id}/interpreters/{recording_id}", headers=auth).json()
    assert saved["offset_seconds"] == pytest.approx(-0.8)


def test_the_editor_says_why_there_is_no_suggestion(
    client: TestClient, auth: dict[str, str], spoken_film: Path, interpreter: Path
) -> None:
    item_id, recording_id = _item_with_recording(client, auth, spoken_film, interpreter)
    add_user(client, "anna")
    log_in(client, "anna")
    page = client.get(f"/editor/items/{item_id}/interpreter", params={"suggest": recording_id, "lang": "en"})
    assert page.status_code == 200
    assert "The interpreter recording has no sound (or only silence)" in page.text
    assert client.get(f"/editor/items/{item_id}/interpreter", params={"suggest": 999999}).status_code == 404
