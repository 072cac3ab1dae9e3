"""Captions from speech: espeak-ng sentences at known times, the packaged Whisper base model."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from speech_helpers import SpokenFixture, need, speak_sentences
from variant_helpers import wait_until

from helpers import running_service
from media_service.config import Settings
from media_service.doctor import run_checks
from media_service.services import speech
from media_service.speech import model as speech_model
from media_service.speech.align import align_text
from media_service.speech.cues import build_cues
from media_service.speech.recognise import Recognition, read_audio, recognise
from media_service.speech.wer import word_error_rate
from transcode.captions import cue_plain_text
from transcode.safety import check_arguments
from transcode.speech_audio import speech_audio_args

TOLERANCE = 0.3


@pytest.fixture(scope="session")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> speech_model.LoadedModel:
    need(speech_model.asr_installed(), "faster-whisper (tolk[asr])")
    files = speech_model.model_files("base", tmp_path_factory.mktemp("models"))
    return speech_model.load_model(files, threads=2)


def _samples(ffmpeg: str, source: Path, folder: Path):  # type: ignore[no-untyped-def]
    args = speech_audio_args(source, folder / "speech.f32")
    check_arguments(args)
    subprocess.run([ffmpeg, "-nostdin", "-loglevel", "error", *args], check=True, timeout=120)
    return read_audio(folder / "speech.f32")


@pytest.fixture(scope="session")
def spoken(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> SpokenFixture:
    return speak_sentences(ffmpeg, tmp_path_factory.mktemp("speech"))


@pytest.fixture(scope="session")
def heard(
    spoken: SpokenFixture,
    loaded: speech_model.LoadedModel,
    ffmpeg: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Recognition:
    return recognise(loaded, _samples(ffmpeg, spoken.path, tmp_path_factory.mktemp("pcm")), language="sv")


def test_aligned_cues_start_within_0_3_s_of_each_sentence_and_keep_the_given_text(
    spoken: SpokenFixture, heard: Recognition
) -> None:
    text = "\n".join(spoken.sentences)
    cues, _groups = build_cues(align_text(text, heard.words))
    assert len(cues) == len(spoken.sentences)
    for cue, (onset, _end) in zip(cues, spoken.spans, strict=True):
        assert abs(cue.start_ms / 1000 - onset) <= TOLERANCE, (cue, onset)
    assert " ".join(cue_plain_text(c.text).replace("\n", " ") for c in cues) == " ".join(spoken.sentences)


def test_recognised_draft_has_a_cue_per_sentence_and_none_in_the_silences(
    spoken: SpokenFixture, heard: Recognition
) -> None:
    cues, _groups = build_cues(heard.words)
    assert len(cues) >= len(spoken.sentences)
    for cue in cues:
        start = cue.start_ms / 1000
        inside = [span for span in spoken.spans if span[0] - TOLERANCE <= start <= span[1]]
        assert inside, f"cue {cue} starts in a silence"
        later = [span[0] for span in spoken.spans if span[0] > start + TOLERANCE]
        assert not later or cue.end_ms / 1000 < later[0], f"cue {cue} runs into the next sentence"
    for onset, _end in spoken.spans:
        assert any(abs(c.start_ms / 1000 - onset) <= TOLERANCE for c in cues)
    print("WER", word_error_rate(" ".join(spoken.sentences), " ".join(w.text for w in heard.words)))


@pytest.mark.parametrize("melody", [True, False])
def test_a_tone_or_melody_makes_no_cues(
    melody: bool,
    make_media,
    loaded: speech_model.LoadedModel,
    ffmpeg: str,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    tone = make_media("tone", duration=6.0, melody=melody)
    recognition = recognise(loaded, _samples(ffmpeg, tone, tmp_path), language="sv")
    assert build_cues(recognition.words)[0] == []


def test_a_missing_or_wrong_model_is_named_by_doctor(tmp_path: Path) -> None:
    missing = Settings(data_dir=tmp_path / "data", asr_model=str(tmp_path / "nowhere"))
    check = run_checks(missing)[-1]
    assert not check.ok and "does not exist" in check.detail
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in speech_model.MODEL_FILES:
        (broken / name).write_bytes(b"not a model")
    if speech_model.asr_installed():
        status = speech.check_model(Settings(data_dir=tmp_path / "data", asr_model=str(broken)))
        assert status.problem is speech_model.Problem.DOES_NOT_LOAD
        assert "kan inte" not in speech.problem_text(status.problem, str(broken), "en")
        assert "går inte att läsa in" in speech.problem_text(status.problem, str(broken), "sv")


def test_a_job_error_is_worded_in_the_readers_language() -> None:
    error = speech_model.ModelUnavailable(speech_model.Problem.CHECKSUM, "sha256 differs")
    text = speech.job_error(error, "base")
    assert "fel kontrollsumma" in (speech.job_error_text(text, "sv") or "")
    assert "wrong checksum" in (speech.job_error_text(text, "en") or "")


def test_alignment_tolerates_misheard_and_joined_words() -> None:
    from media_service.speech.words import TimedWord

    heard_words = [
        TimedWord("Mälkommen", 300, 900),
        TimedWord("till", 900, 1200),
        TimedWord("bibliotekatiövabru.", 1200, 2900),
    ]
    words = align_text("Välkommen till biblioteket i Örebro.", heard_words)
    assert [w.text for w in words] == ["Välkommen", "till", "biblioteket", "i", "Örebro."]
    starts = [w.start_ms for w in words]
    assert 300 <= starts[0] <= 400 and starts == sorted(starts) and starts[-1] < 2900


def test_a_packaged_model_whose_parts_join_to_another_checksum_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need(speech_model.asr_installed(), "faster-whisper (tolk[asr])")
    pinned = speech_model.PACKAGED_MODELS["base"]
    monkeypatch.setitem(speech_model.PACKAGED_MODELS, "base", dataclasses.replace(pinned, sha256="0" * 64))
    status = speech.check_model(Settings(data_dir=tmp_path / "data", asr_model="base"), load=False)
    assert status.problem is speech_model.Problem.CHECKSUM and not status.ok
    assert "wrong checksum" in speech.problem_text(status.problem, "base", "en")
    # Nothing half-joined is left that a later run could take for the model.
    assert not list((tmp_path / "data" / "models").rglob("model.bin"))


def test_without_the_extra_the_service_works_and_speech_says_it_is_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, song: Path
) -> None:
    # As if tolk[asr] were not installed: faster-whisper cannot be found or imported.
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    settings = Settings(data_dir=tmp_path / "data", workers=1, job_retry_delay_seconds=0)
    check = run_checks(settings)[-1]
    assert not check.ok and "not installed" in check.detail and check.off
    with running_service(settings) as (client, auth):
        item = client.post("/api/media", json={"kind": "song", "title": "Sång"}, headers=auth).json()
        assert (
            client.put(f"/api/media/{item['id']}/file", content=song.read_bytes(), headers=auth).status_code
            == 201
        )
        files = {"file": ("sv.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.500\nHej.\n", "text/vtt")}
        uploaded = client.post(
            f"/api/media/{item['id']}/captions", files=files, data={"language": "en"}, headers=auth
        )
        assert uploaded.status_code == 201, uploaded.text
        ordered = client.post(
            f"/api/media/{item['id']}/captions/automatic",
            json={"mode": "recognise", "language": "sv"},
            headers=auth,
        )
        assert ordered.status_code == 202, ordered.text

        def failed() -> dict | None:
            job = client.get(ordered.json()["url"], headers={**auth, "Accept-Language": "sv"}).json()
            return job if job["state"] == "failed" else None

        job = wait_until(failed)
        assert "Taligenkänning är inte installerad" in job["error_message"]
        tracks = client.get(f"/api/media/{item['id']}", headers=auth).json()["captions"]
        assert [track["language"] for track in tracks] == ["en"]  # no draft was made


def test_a_speech_job_saves_a_draft_that_opens_in_the_caption_editor(
    tmp_path: Path, spoken: SpokenFixture
) -> None:
    need(speech_model.asr_installed(), "faster-whisper (tolk[asr])")
    from account_helpers import add_user, log_in

    settings = Settings(data_dir=tmp_path / "data", workers=1, asr_threads=2, remake_outdated_variants=False)
    with running_service(settings) as (client, auth):
        body = {"kind": "song", "title": "Tal", "language": "sv", "published": True}
        item_id = client.post("/api/media", json=body, headers=auth).json()["id"]
        client.put(f"/api/media/{item_id}/file", content=spoken.path.read_bytes(), headers=auth)
        text = "\n".join(spoken.sentences)
        ordered = client.post(
            f"/api/media/{item_id}/captions/automatic", json={"mode": "align", "text": text}, headers=auth
        )
        job = wait_until(
            lambda: (
                (j := client.get(ordered.json()["url"], headers=auth).json())["state"] in ("done", "failed")
                and j
            ),
            timeout=120,
        )
        assert job["state"] == "done", job["error"]
        assert job["result"]["cues"] == len(spoken.sentences) and job["result"]["unplaced"] == 0
        track_id = job["result"]["track_id"]
        assert client.get(f"/api/media/{item_id}").json()["captions"] == []  # viewers: none yet
        add_user(client, "anna")
        log_in(client, "anna")
        editing = client.get(f"/editor/items/{item_id}/captions/{track_id}/edit?lang=en")
        assert editing.status_code == 200 and "Viewers do not see it until you approve it" in editing.text
        listed = client.get(f"/api/media/{item_id}/captions", headers=auth).json()
        draft = next(track for track in listed if track["id"] == track_id)
        assert draft["draft"] is True
        vtt = client.get(draft["url"], headers=auth)
        heard = vtt.text.replace("\n", " ")  # a long sentence is two lines of one cue
        assert vtt.status_code == 200 and all(sentence in heard for sentence in spoken.sentences)
