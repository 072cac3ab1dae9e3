"""Described variants (audio description mixed into the sound), measured on what ffmpeg made.

The test film's programme sound is a steady 6 kHz tone, above the speech band, so the tone's
level (Goertzel) tells how much the programme is ducked while the descriptions' energy shows
in the speech band (300 to 3400 Hz). The descriptions are voiced with espeak-ng, as the job
does. The builders' argument lists are checked without ffmpeg first.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import pytest
from audio_measure import decode, speech_band_db, tone_db, window

from media_service.services.description_voice import DEFAULT_VOICE_COMMAND, voice_command, voice_cues
from transcode import describe
from transcode.captions import Cue
from transcode.kinds import VariantKind
from transcode.probe import probe
from transcode.runner import run_ffmpeg
from transcode.safety import check_arguments
from transcode.variants import MediaFile, VariantJob, build_variants

TONE_HZ = 6000
FILM_SECONDS = 6.0
FPS = 25
# The first fits its cue; the second is far longer than its 0.3 s cue, so the extended variant holds.
CUES = (
    Cue(1000, 3000, "En röd bil kör förbi."),
    Cue(4000, 4300, "Solen går ner över staden."),
)

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def voiced(start: float, end: float, duration: float, name: str = "a.wav") -> describe.VoicedDescription:
    return describe.VoicedDescription(start, end, Path("/tmp") / name, duration)


# --- planning, without ffmpeg ----------------------------------------------------------------


def test_clips_play_at_their_cue_and_never_over_the_one_before() -> None:
    plan = describe.plan_descriptions(
        [voiced(1.0, 3.0, 1.5), voiced(2.0, 2.5, 1.0, "b.wav"), voiced(8.0, 9.0, 0.5, "c.wav")], 10.0
    )
    assert [(clip.start, clip.duration) for clip in plan.clips] == [(1.0, 1.5), (2.5, 1.0), (8.0, 0.5)]
    # Clips closer than the ramps are one ducked stretch.
    assert plan.ducks == ((1.0, 3.5), (8.0, 8.5))
    assert plan.holds == () and plan.duration == 10.0


def test_extended_holds_at_the_cue_end_for_the_overrun_in_whole_frames() -> None:
    plan = describe.plan_descriptions(
        [voiced(1.0, 1.5, 1.23), voiced(3.0, 5.0, 1.0, "b.wav")], 10.0, extended=True, frame_rate=Fraction(25)
    )
    (hold,) = plan.holds
    assert hold.at == 1.52  # the first frame boundary at or after the cue's end (1.5 s)
    assert hold.seconds == pytest.approx(0.72)  # the overrun, 2.23 - 1.52 s, in whole frames
    # Everything after the hold is later by it: the next clip starts at its cue plus the hold.
    assert plan.clips[1].start == pytest.approx(3.0 + hold.seconds)
    assert plan.duration == pytest.approx(10.0 + hold.seconds)


def test_duck_expression_is_the_floor_inside_and_one_outside() -> None:
    expression = describe.duck_expression([(2.0, 3.0)], 15.0)

    def gain(t: float) -> float:
        def clip(x: float, low: float, high: float) -> float:
            return min(high, max(low, x))

        return eval(expression, {"clip": clip, "min": min, "t": t})  # the same syntax as ffmpeg's

    assert gain(0.5) == 1 and gain(4.0) == 1
    assert 20 * math.log10(gain(2.5)) == pytest.approx(-15, abs=0.01)


def test_voice_gain_matches_the_programme_and_is_bounded() -> None:
    assert describe.voice_gain_db(-20.0, -26.0) == 6.0
    assert describe.voice_gain_db(None, -26.0) == describe.FALLBACK_LOUDNESS_LUFS + 26.0
    assert describe.voice_gain_db(-10.0, -60.0) == describe.MAX_VOICE_GAIN_DB
    assert describe.read_loudness("frame:1\nlavfi.r128.I=-70.0\nframe:2\nlavfi.r128.I=-19.5\n") == -19.5
    assert describe.read_loudness("lavfi.r128.I=-inf\n") is None


def test_voice_command_fills_language_and_output_per_argument_and_never_uses_a_shell() -> None:
    args = voice_command(DEFAULT_VOICE_COMMAND, "sv-SE", Path("/w/d 1.wav"))
    assert args == ["espeak-ng", "--stdin", "-v", "sv", "-s", "165", "-w", "/w/d 1.wav"]
    with pytest.raises(ValueError):
        voice_command("  ", "sv", Path("/w/x.wav"))


def test_described_arguments_pass_the_safety_check_and_copy_a_browser_ready_picture(
    tone_film: Path, tmp_path: Path
) -> None:
    job = VariantJob(
        source=MediaFile(tone_film, probe(tone_film)),
        outputs={
            VariantKind.DESCRIBED: tmp_path / "d.mp4",
            VariantKind.DESCRIBED_EXTENDED: tmp_path / "x.mp4",
        },
        descriptions=[voiced(1.0, 3.0, 1.0), voiced(4.0, 4.3, 1.5, "b.wav")],
    )
    plan = build_variants(job)
    check_arguments(plan.args)
    described = plan.args[plan.args.index("-map", plan.args.index("-filter_complex")) :]
    assert "copy" in described  # the described variant copies the picture
    graph = plan.args[plan.args.index("-filter_complex") + 1]
    assert "tpad" in graph and "volume" in graph and "amix" in graph
    assert plan.duration > FILM_SECONDS


def test_a_described_variant_needs_descriptions(tone_film: Path, tmp_path: Path) -> None:
    job = VariantJob(
        source=MediaFile(tone_film, probe(tone_film)), outputs={VariantKind.DESCRIBED: tmp_path / "d.mp4"}
    )
    with pytest.raises(ValueError, match="descriptions"):
        build_variants(job)


# --- made by ffmpeg ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tone_film(make_media: Callable[..., Path]) -> Path:
    return make_media("film", duration=FILM_SECONDS, tone_hz=TONE_HZ, fps=FPS)


@dataclass(frozen=True)
class Made:
    described: Path
    extended: Path
    descriptions: list[describe.VoicedDescription]
    extended_plan: describe.DescriptionPlan


@pytest.fixture(scope="module")
def made(tone_film: Path, ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Made:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    folder = tmp_path_factory.mktemp("described")
    descriptions = voice_cues(CUES, "sv", DEFAULT_VOICE_COMMAND, folder)
    from media_service.services.description_voice import voice_gain

    gain = voice_gain(tone_film, [d.path for d in descriptions], folder, ffmpeg=ffmpeg, timeout=60)
    outputs = {
        VariantKind.DESCRIBED: folder / "described.mp4",
        VariantKind.DESCRIBED_EXTENDED: folder / "extended.mp4",
    }
    job = VariantJob(
        source=MediaFile(tone_film, probe(tone_film)),
        outputs=outputs,
        descriptions=descriptions,
        voice_gain_db=gain,
    )
    plan = build_variants(job)
    run_ffmpeg(plan.args, ffmpeg=ffmpeg, duration=plan.duration, timeout=120)
    extended_plan = describe.plan_descriptions(
        descriptions, FILM_SECONDS, extended=True, frame_rate=Fraction(FPS)
    )
    return Made(
        outputs[VariantKind.DESCRIBED], outputs[VariantKind.DESCRIBED_EXTENDED], descriptions, extended_plan
    )


def _inside(start: float, end: float) -> tuple[float, float]:
    return start + 0.15, end - 0.15


@needs_espeak
def test_programme_is_ducked_at_least_10_db_under_each_description_and_the_voice_is_there(
    made: Made, tone_film: Path
) -> None:
    source, described = decode(tone_film), decode(made.described)
    for description in made.descriptions:
        start, end = _inside(description.start, description.start + description.duration)
        drop = tone_db(window(source, start, end), TONE_HZ) - tone_db(window(described, start, end), TONE_HZ)
        assert drop >= 10, f"the programme is only {drop:.1f} dB down at {start:.2f} s"
        # The speech band holds the voice: far above what the tone alone leaves there.
        speech = speech_band_db(window(described, start, end))
        assert speech - speech_band_db(window(source, start, end)) >= 10
        assert speech > -40


@needs_espeak
def test_outside_the_descriptions_the_programme_is_within_1_db_of_the_source(
    made: Made, tone_film: Path
) -> None:
    source, described = decode(tone_film), decode(made.described)
    first_end = made.descriptions[0].start + made.descriptions[0].duration
    quiet = [(0.1, 1.0 - describe.ATTACK_SECONDS - 0.05)]
    if made.descriptions[1].start - describe.ATTACK_SECONDS - (first_end + describe.RELEASE_SECONDS) > 0.2:
        quiet.append((first_end + describe.RELEASE_SECONDS + 0.02, 4.0 - describe.ATTACK_SECONDS - 0.02))
    for start, end in quiet:
        difference = tone_db(window(described, start, end), TONE_HZ) - tone_db(
            window(source, start, end), TONE_HZ
        )
        assert abs(difference) <= 1.0, f"{difference:.2f} dB at {start:.2f}–{end:.2f} s"
    assert probe(made.described).duration == pytest.approx(FILM_SECONDS, abs=0.05)


def _grey_frames(path: Path) -> list[tuple[float, bytes]]:
    with av.open(str(path)) as container:
        return [
            (frame.time, bytes(frame.reformat(format="gray").planes[0]))
            for frame in container.decode(video=0)
        ]


def _difference(first: bytes, second: bytes) -> float:
    return sum(abs(a - b) for a, b in zip(first[::7], second[::7], strict=True)) / len(first[::7])


def _frame(frames: list[tuple[float, bytes]], seconds: float) -> bytes:
    return min(frames, key=lambda item: abs(item[0] - seconds))[1]


@needs_espeak
def test_extended_is_longer_by_the_overrun_holds_the_picture_and_keeps_sync_elsewhere(
    made: Made, tone_film: Path
) -> None:
    (hold,) = made.extended_plan.holds
    assert probe(made.extended).duration == pytest.approx(FILM_SECONDS + hold.seconds, abs=0.06)
    source_frames, frames = _grey_frames(tone_film), _grey_frames(made.extended)
    # The picture holds: every frame in the hold is the frame at its start.
    held = [data for time, data in frames if hold.at + 0.02 <= time < hold.at + hold.seconds - 0.02]
    assert len(held) >= round(hold.seconds * FPS) - 2
    assert max(_difference(held[0], data) for data in held) < 1.0
    # Before the hold the film is where it was; after it, later by exactly the hold.
    for output_time, source_time in ((2.0, 2.0), (hold.at + hold.seconds + 0.6, hold.at + 0.6)):
        same = _difference(_frame(frames, output_time), _frame(source_frames, source_time))
        next_frame = _difference(_frame(frames, output_time), _frame(source_frames, source_time + 2 / FPS))
        assert same < next_frame and same < 3.0, (output_time, same, next_frame)
    # The sound: the tone comes back after the hold as loud as in the source.
    source, extended = decode(tone_film), decode(made.extended)
    after = hold.at + hold.seconds + describe.RELEASE_SECONDS + 0.05
    level = tone_db(window(extended, after, after + 0.5), TONE_HZ)
    source_level = tone_db(window(source, after - hold.seconds, after - hold.seconds + 0.5), TONE_HZ)
    assert abs(level - source_level) <= 1.0
    # And the second description is ducked in the extended variant too.
    clip = made.extended_plan.clips[1]
    start, end = _inside(clip.start, min(clip.end, hold.at))
    if end - start > 0.1:
        assert tone_db(window(extended, start, end), TONE_HZ) <= source_level - 10
