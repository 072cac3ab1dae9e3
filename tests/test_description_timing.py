"""Timing audio descriptions against the film's speech: the silencedetect run's arguments and
its report read (pure), the warnings per description cue (pure), speech found by ffmpeg in a
film whose sound is espeak-ng at a known time, and the whole path through the API (a
description track ordering the ``find_speech`` job, the spans stored, the warnings read back)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from speech_helpers import SpokenFilm, speak_film
from variant_helpers import Api, wait_until

from helpers import running_service
from media_service.config import Settings
from transcode.captions import Cue, format_timestamp
from transcode.captions.description_timing import WORDS_PER_MINUTE, spoken_ms, timing_notes
from transcode.captions.model import format_seconds
from transcode.runner import run_ffmpeg
from transcode.safety import check_arguments
from transcode.speech_spans import (
    IN_A_FILM,
    read_speech_spans,
    speech_detection_args,
)

SENTENCE = "Välkommen till biblioteket i Örebro."
SPOKEN_AT, FILM_SECONDS = 1.0, 8.0
# What silencedetect may differ from the samples by: its 20 ms frames, the band-pass, AAC.
SPAN_TOLERANCE = 0.15

# ffmpeg 9's ametadata report of silencedetect on a sentence from 1.016 s to 3.225 s.
REPORT = """frame:4    pts:5928    pts_time:0.3705
lavfi.silence_start=0
frame:10   pts:14845   pts_time:0.927813
lavfi.silence_end=1.01625
lavfi.silence_duration=1.01625
frame:39   pts:57941   pts_time:3.621313
lavfi.silence_start=3.224625
"""


# --- the ffmpeg run and its report --------------------------------------------------------


def test_the_arguments_band_pass_the_first_sound_and_write_the_silences_to_the_report() -> None:
    args = speech_detection_args(Path("/films/in.mp4"), Path("/scratch/silences.txt"))
    check_arguments(args)  # the runner's allow-lists: file protocol, known demuxers, no movie filter
    assert args[args.index("-i") + 1] == "file:/films/in.mp4"
    graph = args[args.index("-filter_complex") + 1]
    assert graph.startswith("[0:a:0]")
    assert "highpass=f=200" in graph and "lowpass=f=3400" in graph
    assert f"silencedetect=d={IN_A_FILM.min_pause_seconds:g}:noise={IN_A_FILM.level_db:g}dB" in graph
    assert "ametadata=file=/scratch/silences.txt:mode=print" in graph
    assert args[-3:] == ["-f", "null", "-"]


def test_the_report_is_read_as_the_stretches_between_silences() -> None:
    assert read_speech_spans(REPORT, 5.53) == ((1016, 3225),)
    # Speech from the start, and to the end (no silence after it).
    assert read_speech_spans("lavfi.silence_start=2.0\nlavfi.silence_end=3.5\n", 6.0) == (
        (0, 2000),
        (3500, 6000),
    )
    assert read_speech_spans("", 4.0) == ((0, 4000),)  # no silence: sound throughout
    assert read_speech_spans("lavfi.silence_start=0\n", 4.0) == ()  # silent throughout
    # A click shorter than the film's min_speech_ms is no speech; times past the end are cut to it.
    clicks = "lavfi.silence_start=0\nlavfi.silence_end=1.0\nlavfi.silence_start=1.05\nlavfi.silence_end=9\n"
    assert read_speech_spans(clicks, 4.0) == ()
    assert read_speech_spans("lavfi.silence_start=nan\nlavfi.silence_start=inf\n", 1.0) == ((0, 1000),)


# --- the warnings -------------------------------------------------------------------------


def codes(notes: list) -> list[tuple[int, str]]:
    return [(note.cue, note.code) for note in notes]


def test_spoken_time_counts_the_words_a_viewer_hears_at_the_describers_pace() -> None:
    assert WORDS_PER_MINUTE == 150
    assert spoken_ms("En röd bil.") == 1200
    assert spoken_ms("<i>En</i> &amp; <b>två</b>\ntre") == 1600  # tags are not words; & is one
    assert spoken_ms("") == 0


def test_a_description_in_a_pause_that_fits_has_no_warning() -> None:
    speech = [(1000, 3000), (6000, 8000)]
    cues = [Cue(3100, 4000, "En röd bil kör förbi."), Cue(0, 900, "Ett rum.")]
    assert timing_notes(cues, speech, 9000) == []


def test_a_description_over_speech_is_warned_naming_the_speech() -> None:
    notes = timing_notes([Cue(2500, 3500, "Han går.")], [(1000, 3000)], 9000)
    assert codes(notes) == [(1, "description.overlaps_speech")]
    assert "00:00:01.000–00:00:03.000" in notes[0].message_en
    assert notes[0].message_sv.startswith("Syntolkning 1 (00:00:02.500): överlappar tal i filmen")
    # Touching the speech is not overlapping it.
    assert timing_notes([Cue(3000, 3500, "Han går.")], [(1000, 3000)], 9000) == []


def test_a_description_longer_than_its_pause_is_warned_with_the_times() -> None:
    text = " ".join(["ord"] * 10)  # 4.0 s at 150 words a minute
    notes = timing_notes([Cue(3000, 4000, text)], [(1000, 2500), (6000, 7000)], 9000)
    assert codes(notes) == [(1, "description.longer_than_gap")]
    assert "takes about 4.0 s to say at 150 words a minute, but the pause lasts 3.0 s" in notes[0].message_en
    assert "tar ungefär 4,0 s att läsa i 150 ord i minuten, men pausen är 3,0 s" in notes[0].message_sv
    # The last pause runs to the film's end; with no known end nothing is said of it.
    assert codes(timing_notes([Cue(7500, 8000, text)], [(1000, 2500)], 9000)) == [
        (1, "description.longer_than_gap")
    ]
    assert timing_notes([Cue(7500, 8000, text)], [(1000, 2500)], None) == []
    # A cue after the film's end has no pause left (not a negative one).
    [after_end] = timing_notes([Cue(9500, 9900, text)], [(1000, 2500)], 9000)
    assert after_end.message_en.endswith("but the pause lasts 0.0 s.")


def test_a_description_that_starts_in_speech_is_warned_once() -> None:
    text = " ".join(["ord"] * 20)
    notes = timing_notes([Cue(1500, 2000, text)], [(1000, 3000)], 9000)
    assert codes(notes) == [(1, "description.overlaps_speech")]


# --- found by ffmpeg, and through the API ---------------------------------------------------


@pytest.fixture(scope="module")
def spoken(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> SpokenFilm:
    return speak_film(ffmpeg, tmp_path_factory.mktemp("spoken"), SENTENCE, SPOKEN_AT, FILM_SECONDS)


def test_ffmpeg_finds_the_sentence_where_it_is_spoken(
    spoken: SpokenFilm, ffmpeg: str, tmp_path: Path
) -> None:
    report = tmp_path / "silences.txt"
    run_ffmpeg(speech_detection_args(spoken.path, report), ffmpeg=ffmpeg, timeout=60)
    spans = read_speech_spans(report.read_text(), spoken.duration)
    assert len(spans) == 1
    (start, end), (onset, ending) = spans[0], spoken.span
    assert start / 1000 == pytest.approx(onset, abs=SPAN_TOLERANCE)
    assert end / 1000 == pytest.approx(ending, abs=SPAN_TOLERANCE)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = Settings(
        data_dir=tmp_path / "data", workers=1, job_retry_delay_seconds=0, remake_outdated_variants=False
    )
    with running_service(settings) as (client, auth):
        yield Api(client, auth)


def descriptions(spoken: SpokenFilm) -> bytes:
    """Three cues: one in the pause before the sentence, one over it, and one a second after
    it too long for what is left of the film (16 words, 6.4 s)."""
    after = round(spoken.span[1] * 1000) + 1000
    long = "Hon ställer boken tillbaka på hyllan och går långsamt mot den stora dörren ut mot gatan."
    return (
        "WEBVTT\n\n00:00:00.000 --> 00:00:00.800\nEtt bibliotek.\n\n"
        "00:00:01.500 --> 00:00:02.500\nEn kvinna ler.\n\n"
        f"{format_timestamp(after)} --> {format_timestamp(after + 1000)}\n{long}\n"
    ).encode()


def timing(api: Api, item_id: int, track_id: int, language: str = "en") -> dict:
    response = api.client.get(
        f"/api/media/{item_id}/captions/{track_id}/timing", headers={**api.auth, "Accept-Language": language}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_description_track_has_the_films_speech_found_and_its_cues_warned(
    api: Api, spoken: SpokenFilm
) -> None:
    item = api.item_with_film(spoken.path)
    added = api.client.post(
        f"/api/media/{item['id']}/captions",
        files={"file": ("sv.vtt", descriptions(spoken))},
        data={"language": "sv", "kind": "descriptions"},
        headers=api.auth,
    )
    assert added.status_code == 201, added.text
    track_id = added.json()["id"]

    def found() -> dict | None:
        answer = timing(api, item["id"], track_id)
        return answer if answer["status"] == "found" else None

    answer = wait_until(found, timeout=60)
    assert answer["duration_ms"] == pytest.approx(FILM_SECONDS * 1000, abs=50)
    assert answer["words_per_minute"] == WORDS_PER_MINUTE
    [span] = answer["speech"]
    assert span["start_ms"] / 1000 == pytest.approx(spoken.span[0], abs=SPAN_TOLERANCE)
    assert span["end_ms"] / 1000 == pytest.approx(spoken.span[1], abs=SPAN_TOLERANCE)
    assert [(n["cue"], n["code"]) for n in answer["notes"]] == [
        (2, "description.overlaps_speech"),
        (3, "description.longer_than_gap"),
    ]
    left = format_seconds(answer["duration_ms"] - (round(spoken.span[1] * 1000) + 1000), "en", 1)
    said = "takes about 6.4 s to say at 150 words a minute, but the pause lasts"
    assert f"{said} {left} s" in answer["notes"][1]["message_en"]
    assert answer["notes"][0]["message_sv"].startswith("Syntolkning 2 (00:00:01.500): överlappar tal")

    # Once found, the speech is not looked for again: a new revision orders no second job.
    jobs = api.client.get(f"/api/media/{item['id']}/jobs", headers=api.auth).json()
    finding = [job for job in jobs if job["kind"] == "find_speech"]
    assert [job["state"] for job in finding] == ["done"]
    again = api.client.post(
        f"/api/media/{item['id']}/captions",
        files={"file": ("sv.vtt", descriptions(spoken).replace(b"ler", b"skrattar"))},
        data={"language": "sv", "kind": "descriptions"},
        headers=api.auth,
    )
    assert again.status_code == 201, again.text
    jobs = api.client.get(f"/api/media/{item['id']}/jobs", headers=api.auth).json()
    assert len([job for job in jobs if job["kind"] == "find_speech"]) == 1

    # A captions track has no timing to check: a clear 422, in Swedish too.
    captions = api.add_captions(item["id"])
    refused = api.client.get(
        f"/api/media/{item['id']}/captions/{captions['id']}/timing",
        headers={**api.auth, "Accept-Language": "sv"},
    )
    assert refused.status_code == 422
    assert "bara för syntolkning" in refused.json()["error"]["message"]
    assert api.client.get(f"/api/media/{item['id']}/captions/{track_id}/timing").status_code == 401


def test_a_new_film_has_its_speech_found_again(api: Api, spoken: SpokenFilm, film: Path) -> None:
    item = api.item_with_film(film)  # a tone throughout: sound in the speech band everywhere
    added = api.client.post(
        f"/api/media/{item['id']}/captions",
        files={"file": ("sv.vtt", descriptions(spoken))},
        data={"language": "sv", "kind": "descriptions"},
        headers=api.auth,
    )
    track_id = added.json()["id"]
    first = wait_until(
        lambda: (t := timing(api, item["id"], track_id))["status"] == "found" and t, timeout=60
    )
    assert len(first["speech"]) == 1 and first["speech"][0]["start_ms"] == 0

    replaced = api.client.put(
        f"/api/media/{item['id']}/file", content=spoken.path.read_bytes(), headers=api.auth
    )
    assert replaced.status_code == 201, replaced.text
    assert timing(api, item["id"], track_id)["status"] in ("finding", "found")
    second = wait_until(
        lambda: (
            (t := timing(api, item["id"], track_id))["status"] == "found"
            and t["speech"][0]["start_ms"] > 0
            and t
        ),
        timeout=60,
    )
    assert second["speech"][0]["start_ms"] / 1000 == pytest.approx(spoken.span[0], abs=SPAN_TOLERANCE)


def test_an_editor_has_the_speech_found_on_request(
    api: Api, spoken: SpokenFilm, make_media: Callable[..., Path]
) -> None:
    item = api.item_with_film(spoken.path)
    added = api.client.post(
        f"/api/media/{item['id']}/captions",
        files={"file": ("sv.vtt", descriptions(spoken))},
        data={"language": "sv"},
        headers=api.auth,
    )
    track_id = added.json()["id"]
    # Made a description track afterwards: nothing has looked for the speech yet.
    changed = api.client.patch(
        f"/api/media/{item['id']}/captions/{track_id}", json={"kind": "descriptions"}, headers=api.auth
    )
    assert changed.status_code == 200, changed.text
    unknown = timing(api, item["id"], track_id)
    assert (unknown["status"], unknown["speech"], unknown["notes"]) == ("unknown", [], [])
    ordered = api.client.post(f"/api/media/{item['id']}/captions/{track_id}/timing/speech", headers=api.auth)
    assert ordered.status_code == 202, ordered.text
    assert ordered.json()["status"] in ("finding", "found")
    answer = wait_until(
        lambda: (t := timing(api, item["id"], track_id))["status"] == "found" and t, timeout=60
    )
    assert [n["code"] for n in answer["notes"]] == [
        "description.overlaps_speech",
        "description.longer_than_gap",
    ]
    # Asked again, nothing more is done.
    again = api.client.post(f"/api/media/{item['id']}/captions/{track_id}/timing/speech", headers=api.auth)
    assert again.status_code == 202 and again.json()["status"] == "found"
    jobs = api.client.get(f"/api/media/{item['id']}/jobs", headers=api.auth).json()
    assert len([job for job in jobs if job["kind"] == "find_speech"]) == 1

    # A silent film has no speech to find: said so, and nothing is queued.
    silent = api.item_with_film(make_media("film", audio=False))
    described = api.client.post(
        f"/api/media/{silent['id']}/captions",
        files={"file": ("sv.vtt", descriptions(spoken))},
        data={"language": "sv", "kind": "descriptions"},
        headers=api.auth,
    ).json()
    assert timing(api, silent["id"], described["id"])["status"] == "no_sound"
    refused = api.client.post(
        f"/api/media/{silent['id']}/captions/{described['id']}/timing/speech",
        headers={**api.auth, "Accept-Language": "sv"},
    )
    assert refused.status_code == 422
    assert "ingen film eller sång med ljud" in refused.json()["error"]["message"]
    silent_jobs = api.client.get(f"/api/media/{silent['id']}/jobs", headers=api.auth).json()
    assert all(job["kind"] != "find_speech" for job in silent_jobs)
