"""A recorded audio description: a describer's recording uploaded instead of text, mixed into
the described variants with the programme ducked where the recording itself speaks.

The builders are checked without ffmpeg; then the variants job makes a described variant from
a recording (a 1 kHz "voice" from 1.5 to 3.5 s over a 6 kHz programme tone) and the tone is
measured (Goertzel, ``audio_measure``): ≥10 dB down while the recording speaks, within 1 dB of
the source elsewhere. Uploads without sound are refused naming the file, in Swedish and English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from account_helpers import add_user, log_in
from audio_measure import decode, tone_db, window
from fastapi.testclient import TestClient
from variant_helpers import Api, wait_until

from helpers import running_service
from media_service.config import Settings
from transcode import describe
from transcode.facts import AudioFacts, MediaFacts, VideoFacts
from transcode.kinds import VariantKind
from transcode.probe import probe
from transcode.runner import run_ffmpeg
from transcode.safety import check_arguments
from transcode.speech_spans import IN_A_DESCRIPTION, read_speech_spans, speech_detection_args
from transcode.variants import MediaFile, VariantJob, build_variants

TONE_HZ = 6000
SPEAKS = (1.5, 3.5)  # where the test recording speaks
RECORDING_SOURCE = "aevalsrc=if(between(t\\,1.5\\,3.5)\\,0.3*sin(2*PI*1000*t)\\,0):s=48000:d=6"


@pytest.fixture(scope="session")
def recording(made: Callable[..., Path]) -> Path:
    return made("recording.wav", "-f", "lavfi", "-i", RECORDING_SOURCE, "-c:a", "pcm_s16le")


@pytest.fixture(scope="session")
def silent_film(made: Callable[..., Path]) -> Path:
    return made(
        "silent.mp4", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=1", "-pix_fmt", "yuv420p"
    )


# --- planning and arguments, without ffmpeg ---------------------------------------------------


def test_speech_is_the_time_between_the_silences_the_report_lists() -> None:
    report = (
        "frame:10 pts:0 pts_time:0.5\nlavfi.silence_start=0\n"
        "frame:40 pts:0 pts_time:1.5\nlavfi.silence_end=1.5\nlavfi.silence_duration=1.5\n"
        "frame:90 pts:0 pts_time:3.9\nlavfi.silence_start=3.5\n"
    )
    assert read_speech_spans(report, 6.0, IN_A_DESCRIPTION) == ((1500, 3500),)
    # No silence at all: it speaks throughout; all silence: never.
    assert read_speech_spans("", 4.0, IN_A_DESCRIPTION) == ((0, 4000),)
    assert read_speech_spans("lavfi.silence_start=0\n", 4.0, IN_A_DESCRIPTION) == ()
    # A silence closed at the end and a click too short to count (under 50 ms in a recording).
    clicks = "lavfi.silence_start=0\nlavfi.silence_end=1.02\nlavfi.silence_start=1.04\nlavfi.silence_end=4\n"
    assert read_speech_spans(clicks, 4.0, IN_A_DESCRIPTION) == ()
    # A 100 ms burst counts in a recording (made for the purpose), not in a film (150 ms).
    burst = "lavfi.silence_start=0\nlavfi.silence_end=1.0\nlavfi.silence_start=1.1\n"
    assert read_speech_spans(burst, 4.0, IN_A_DESCRIPTION) == ((1000, 1100),)
    assert read_speech_spans(burst, 4.0) == ()


def test_a_recording_plays_from_the_start_and_ducks_where_it_speaks() -> None:
    plan = describe.plan_recording(Path("/tmp/r.wav"), 8.0, [(1.0, 2.0), (2.3, 3.0), (5.0, 9.0)], 6.0)
    assert [(clip.start, clip.duration) for clip in plan.clips] == [(0.0, 6.0)]  # cut at the film's end
    # Speech closer than the ramps is one ducked stretch; nothing past the film.
    assert plan.ducks == ((1.0, 3.0), (5.0, 6.0))
    assert plan.holds == () and plan.duration == 6.0
    with pytest.raises(ValueError, match="no duration"):
        describe.plan_recording(Path("/tmp/r.wav"), 0.0, [], 6.0)


def test_the_silence_finder_reads_the_recording_with_the_allow_lists(tmp_path: Path) -> None:
    args = speech_detection_args(tmp_path / "r.wav", tmp_path / "report.txt", IN_A_DESCRIPTION)
    check_arguments(args)
    graph = args[args.index("-filter_complex") + 1]
    assert "silencedetect=d=0.3:noise=-40dB" in graph and "ametadata" in graph
    assert "highpass" not in graph  # a describer's recording is not band-passed like a film


def _facts(duration: float) -> MediaFacts:
    return MediaFacts(
        container="mov,mp4,m4a,3gp,3g2,mj2",
        duration=duration,
        size_bytes=1000,
        video=VideoFacts("h264", 320, 180, 25.0, "yuv420p"),
        audio=AudioFacts("aac", 2, 48000),
    )


def test_described_variants_mix_the_recording_and_the_extended_one_the_voiced_cues(tmp_path: Path) -> None:
    film = tmp_path / "film.mp4"
    recorded = describe.RecordedDescription(tmp_path / "recording.wav", 6.0, ((1.5, 3.5),), gain_db=3.0)
    cue = describe.VoicedDescription(1.0, 1.2, tmp_path / "cue.wav", 1.0)
    outputs = {
        kind: tmp_path / f"{kind.value}.mp4"
        for kind in (VariantKind.DESCRIBED, VariantKind.DESCRIBED_EXTENDED)
    }
    plan = build_variants(
        VariantJob(
            source=MediaFile(film, _facts(6.0)),
            outputs=outputs,
            descriptions=[cue],
            recording=recorded,
        )
    )
    check_arguments(plan.args)
    inputs = [plan.args[i + 1] for i, arg in enumerate(plan.args) if arg == "-i"]
    assert sum("recording.wav" in i for i in inputs) == 1 and sum("cue.wav" in i for i in inputs) == 1
    graph = plan.args[plan.args.index("-filter_complex") + 1]
    assert "3.00dB" in graph  # the recording's own gain
    assert describe.duck_expression(((1.5, 3.5),)) in graph.replace("\\", "")
    # Only the extended variant (voiced cues) without any text is refused.
    with pytest.raises(ValueError, match="voiced descriptions"):
        build_variants(VariantJob(source=MediaFile(film, _facts(6.0)), outputs=outputs, recording=recorded))
    alone = build_variants(
        VariantJob(
            source=MediaFile(film, _facts(6.0)),
            outputs={VariantKind.DESCRIBED: tmp_path / "d.mp4"},
            recording=recorded,
        )
    )
    check_arguments(alone.args)


def test_silences_are_found_in_a_real_recording_through_the_runner(
    recording: Path, ffmpeg: str, tmp_path: Path
) -> None:
    report = tmp_path / "silences.txt"
    run_ffmpeg(speech_detection_args(recording, report, IN_A_DESCRIPTION), ffmpeg=ffmpeg, timeout=60)
    (speech,) = read_speech_spans(report.read_text(), probe(recording).duration, IN_A_DESCRIPTION)
    assert tuple(ms / 1000 for ms in speech) == pytest.approx(SPEAKS, abs=0.05)


# --- uploaded, mixed by the job, outdated, removed --------------------------------------------


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = Settings(
        data_dir=tmp_path / "data", workers=1, job_retry_delay_seconds=0, remake_outdated_variants=False
    )
    with running_service(settings) as (client, auth):
        yield Api(client, auth)


def test_a_recording_is_mixed_ducking_the_programme_where_it_speaks(
    api: Api, make_media: Callable[..., Path], recording: Path, silent_film: Path, tmp_path: Path
) -> None:
    film = make_media("film", duration=6.0, tone_hz=TONE_HZ)
    item = api.item_with_film(film)
    url = f"/api/media/{item['id']}/description-recording"
    for language, words in (("sv", "har inget ljud"), ("en", "has no sound")):
        refused = api.client.put(
            f"{url}?filename=tyst.mp4",
            content=silent_film.read_bytes(),
            headers={**api.auth, "Accept-Language": language},
        )
        assert refused.status_code == 422, refused.text
        message = refused.json()["error"]["message"]
        assert "tyst.mp4" in message and words in message
    assert api.client.get(url, headers=api.auth).status_code == 404

    stored = api.client.put(f"{url}?filename=syntolk.wav", content=recording.read_bytes(), headers=api.auth)
    assert stored.status_code == 200, stored.text
    assert stored.json()["role"] == "description_recording"
    has = api.client.get(f"/api/media/{item['id']}/accessibility", headers=api.auth).json()
    assert {c["criterion"]: c["status"] for c in has["checks"]}["1.2.5"] == "met"
    # The extended variant holds the picture at cue ends: a recording alone cannot make it.
    extended = api.client.post(
        f"/api/media/{item['id']}/variants", json={"kinds": ["described+extended"]}, headers=api.auth
    )
    assert extended.status_code == 422

    job = api.order(item["id"], "described")
    assert api.wait_for_job(job["id"], timeout=120)["state"] == "done"
    made = api.variants(item["id"])["described"]
    assert made["outdated"] == []
    described = tmp_path / "described.mp4"
    described.write_bytes(api.client.get(made["url"], headers=api.auth).content)
    assert probe(described).duration == pytest.approx(6.0, abs=0.05)
    source, mixed = decode(film), decode(described)

    def drop(start: float, end: float) -> float:
        return tone_db(window(source, start, end), TONE_HZ) - tone_db(window(mixed, start, end), TONE_HZ)

    print(
        f"tone drop while speaking {drop(1.8, 3.3):.2f} dB, "
        f"before {drop(0.1, 1.0):.2f} dB, after {drop(4.3, 5.8):.2f} dB"
    )
    assert drop(1.8, 3.3) >= 10  # while the recording speaks
    assert abs(drop(0.1, 1.0)) <= 1 and abs(drop(4.3, 5.8)) <= 1  # elsewhere, as the source
    assert tone_db(window(mixed, 1.8, 3.3), 1000) > tone_db(window(mixed, 0.1, 1.0), 1000) + 20

    # A new recording outdates it; removing it too (nothing left to describe with).
    replaced = api.client.put(url, content=recording.read_bytes(), headers=api.auth)
    assert replaced.status_code == 200 and replaced.json()["id"] != stored.json()["id"]
    assert wait_until(lambda: api.variants(item["id"])["described"]["outdated"] or None) == [
        "description_recording"
    ]
    assert api.client.delete(url, headers=api.auth).status_code == 204
    assert api.client.get(url, headers=api.auth).status_code == 404
    assert "description_recording" in api.variants(item["id"])["described"]["outdated"]


# --- the editor's form ------------------------------------------------------------------------


def test_the_editor_uploads_and_removes_a_recording_on_the_variants_page(
    client: TestClient, auth: dict[str, str], film: Path, recording: Path, silent_film: Path
) -> None:
    add_user(client, "anna")
    token = log_in(client, "anna")
    item_id = client.post("/api/media", json={"kind": "film", "title": "Syntolkad"}, headers=auth).json()[
        "id"
    ]
    client.put(f"/api/media/{item_id}/file", content=film.read_bytes(), headers=auth)
    page = client.get(f"/editor/items/{item_id}/variants")
    assert (
        "Inspelad syntolkning" in page.text and f"/editor/items/{item_id}/description-recording" in page.text
    )
    assert 'value="described" disabled' in page.text  # no track, no recording yet
    assert "Recorded description" in client.get(f"/editor/items/{item_id}/variants?lang=en").text

    action = f"/editor/items/{item_id}/description-recording"
    refused = client.post(
        action + "?lang=sv",
        data={"csrf_token": token},
        files={"file": ("tyst.mp4", silent_film.read_bytes(), "video/mp4")},
    )
    assert refused.status_code == 422
    assert "tyst.mp4" in refused.text and "har inget ljud" in refused.text
    assert 'id="field-recording-error"' in refused.text and 'aria-invalid="true"' in refused.text
    empty = client.post(action + "?lang=en", data={"csrf_token": token})
    assert empty.status_code == 422 and "Choose a sound file." in empty.text

    stored = client.post(
        action,
        data={"csrf_token": token},
        files={"file": ("syntolk.wav", recording.read_bytes(), "audio/wav")},
        follow_redirects=False,
    )
    assert stored.status_code == 303
    assert client.get(f"/api/media/{item_id}/description-recording", headers=auth).status_code == 200
    page = client.get(f"/editor/items/{item_id}/variants")
    assert "syntolk.wav" in page.text
    # The described variant can be ordered now (it needed a track or a recording).
    assert 'value="described" disabled' not in page.text
    removed = client.post(action + "/delete", data={"csrf_token": token}, follow_redirects=False)
    assert removed.status_code == 303
    assert client.get(f"/api/media/{item_id}/description-recording", headers=auth).status_code == 404
    # Without the CSRF token nothing is changed.
    assert client.post(action + "/delete").status_code in (400, 403)
