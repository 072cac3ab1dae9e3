"""Audio description (syntolkning) mixed into a variant's sound: pure planning and graph parts.

A described variant is made from the film's sound (the programme) and one voiced clip per
description cue. Each clip is placed at its cue's time (never over the clip before it), the
programme is ducked by ``DUCK_DB`` while a clip plays (with short ramps, so nothing clicks)
and left exactly as it is elsewhere, and the voice is set to the programme's own integrated
loudness (ITU-R BS.1770, as EBU R128 measures it): the mix then keeps the loudness its makers
gave the programme, and the descriptions are as loud as the programme around them. A fixed
target such as R128's -23 LUFS would change the programme itself; a programme too quiet to
measure gets the voice at ``FALLBACK_LOUDNESS_LUFS``.

The extended variant (WCAG 1.2.7) holds the picture where a description is longer than its
cue: at the cue's end the last frame is repeated (and the programme is silent) for the
overrun, rounded up to whole frames, so the variant is longer by the overruns and everything
else keeps its sync. ``plan_descriptions`` works out both timelines; ``described_sound`` and
``extended_streams`` are the ffmpeg-python graph parts ``transcode.variants`` puts in its run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import ffmpeg

from transcode.safety import file_url, input_options

DUCK_DB = 15.0  # the programme under a description: WCAG asks it be heard; 10 to 15 dB is usual
ATTACK_SECONDS = 0.2  # the programme is down by the time the voice starts
RELEASE_SECONDS = 0.4  # and comes back after it, without a jump
FALLBACK_LOUDNESS_LUFS = -23.0  # EBU R128's broadcast target, when the programme has none
MAX_VOICE_GAIN_DB = 30.0

Stream = Any  # an ffmpeg-python stream


@dataclass(frozen=True)
class VoicedDescription:
    """A description cue (film times, seconds) and its voiced clip (a WAV Tolk wrote)."""

    start: float
    end: float
    path: Path
    duration: float


@dataclass(frozen=True)
class PlacedClip:
    """A clip where it plays on the output's timeline."""

    path: Path
    start: float
    duration: float

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class Hold:
    """The picture held at film time ``at`` for ``seconds`` (whole frames) in the extended variant."""

    at: float
    seconds: float


@dataclass(frozen=True)
class DescriptionPlan:
    """One timeline of described sound: where each clip plays, when the programme is ducked,
    and (extended) where the picture holds; ``duration`` is the output's length."""

    clips: tuple[PlacedClip, ...]
    ducks: tuple[tuple[float, float], ...]
    holds: tuple[Hold, ...]
    duration: float

    @property
    def overrun(self) -> float:
        return sum(hold.seconds for hold in self.holds)


def plan_descriptions(
    descriptions: Sequence[VoicedDescription],
    film_duration: float,
    *,
    extended: bool = False,
    frame_rate: Fraction = Fraction(25),
) -> DescriptionPlan:
    """Where each description plays: at its cue's start, or after the one before it ends.

    Without ``extended`` a clip longer than its cue simply goes on over the programme (still
    ducked). With it, the picture holds at the cue's end (at a frame) until the clip is done.
    """
    if film_duration <= 0:
        raise ValueError("the film has no duration")
    frame = 1 / float(frame_rate)
    clips: list[PlacedClip] = []
    holds: list[Hold] = []
    shift = 0.0  # how much later the output is than the film, by the holds so far
    voice_free = 0.0  # when the clip before has ended (output time)
    for description in sorted(descriptions, key=lambda d: (d.start, d.end)):
        if description.duration <= 0 or description.start >= film_duration:
            continue
        start = max(description.start + shift, voice_free)
        clip = PlacedClip(description.path, round(start, 3), description.duration)
        clips.append(clip)
        voice_free = clip.end
        if extended:
            # The gap ends at the cue's end, taken at a frame boundary of the film.
            gap_end_film = min(film_duration, math.ceil(description.end / frame - 1e-6) * frame)
            overrun = clip.end - (gap_end_film + shift)
            if overrun > 1e-3:
                seconds = math.ceil(overrun / frame - 1e-6) * frame
                holds.append(Hold(round(gap_end_film, 6), round(seconds, 6)))
                shift += seconds
    duration = film_duration + shift
    return DescriptionPlan(tuple(clips), _merged(clips, duration), tuple(holds), duration)


def _merged(clips: Sequence[PlacedClip], duration: float) -> tuple[tuple[float, float], ...]:
    """The ducked stretches: each clip, joined with the next when their ramps would meet."""
    spans: list[list[float]] = []
    for clip in sorted(clips, key=lambda c: c.start):
        end = min(clip.end, duration)
        if spans and clip.start - spans[-1][1] < ATTACK_SECONDS + RELEASE_SECONDS:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([clip.start, end])
    return tuple((round(start, 3), round(end, 3)) for start, end in spans)


def duck_expression(ducks: Sequence[tuple[float, float]], duck_db: float = DUCK_DB) -> str:
    """The ``volume`` filter's gain at time t: 1 outside the ducks, ``-duck_db`` dB inside,
    with linear ramps of ``ATTACK_SECONDS`` before and ``RELEASE_SECONDS`` after each."""
    if not ducks:
        return "1"
    floor = 10 ** (-duck_db / 20)
    ramps = "+".join(
        f"clip((t-{start - ATTACK_SECONDS:.3f})/{ATTACK_SECONDS:g},0,1)"
        f"*clip(({end + RELEASE_SECONDS:.3f}-t)/{RELEASE_SECONDS:g},0,1)"
        for start, end in ducks
    )
    return f"1-{1 - floor:.6f}*min(1,{ramps})"


def voice_gain_db(programme_lufs: float | None, voice_lufs: float | None) -> float:
    """How much to raise (or lower) the voice so it is as loud as the programme."""
    if voice_lufs is None:
        return 0.0
    target = programme_lufs if programme_lufs is not None else FALLBACK_LOUDNESS_LUFS
    return max(-MAX_VOICE_GAIN_DB, min(MAX_VOICE_GAIN_DB, target - voice_lufs))


# --- graph parts -----------------------------------------------------------------------------


def open_clip(path: Path) -> Stream:
    """A voiced clip as an input: Tolk's own WAV, opened with the same allow-lists as media."""
    return ffmpeg.input(file_url(path), **input_options())


def described_sound(
    programme: Stream | None,
    clips: Sequence[Stream],
    plan: DescriptionPlan,
    *,
    gain_db: float = 0.0,
) -> Stream:
    """The programme ducked under the descriptions, with each clip (``clips``, in the order of
    ``plan.clips``) delayed to its place, mixed; as long as ``plan.duration``. ``programme``
    None (a film without sound) gives the voice over silence."""
    if programme is None:
        programme = ffmpeg.input(f"anullsrc=r=48000:cl=stereo:d={plan.duration:.3f}", f="lavfi").audio
    ducked = programme.filter("volume", volume=duck_expression(plan.ducks), eval="frame")
    voices = [
        clip.filter("aresample", 48000).filter("adelay", delays=f"{round(placed.start * 1000)}", all=1)
        for clip, placed in zip(clips, plan.clips, strict=True)
    ]
    if not voices:
        return ducked
    voice = voices[0] if len(voices) == 1 else ffmpeg.filter(voices, "amix", inputs=len(voices), normalize=0)
    if abs(gain_db) > 0.05:
        voice = voice.filter("volume", volume=f"{gain_db:.2f}dB")
    # duration=first: the ducked programme sets the length; normalize=0: nothing is scaled down.
    return ffmpeg.filter([ducked, voice], "amix", inputs=2, duration="first", normalize=0)


def extended_streams(
    picture: Stream, programme: Stream | None, holds: Sequence[Hold], film_duration: float
) -> tuple[Stream, Stream | None]:
    """The picture and programme sound with every hold put in: the picture's frame at the
    hold repeated (``tpad`` clone), the programme silent (``apad``) for the same time."""
    if not holds:
        return picture, programme
    cuts = [0.0, *(hold.at for hold in holds), film_duration]
    count = len(cuts) - 1
    pictures = _split(picture, count, audio=False)
    sounds: list[Stream | None] = (
        list(_split(programme, count, audio=True)) if programme is not None else [None] * count
    )
    parts: list[Stream] = []
    for index in range(count):
        start, end = cuts[index], cuts[index + 1]
        hold = holds[index].seconds if index < len(holds) else 0.0
        video = pictures[index].trim(start=f"{start:.6f}", end=f"{end:.6f}").setpts("PTS-STARTPTS")
        if hold > 0:
            video = video.filter("tpad", stop_mode="clone", stop_duration=f"{hold:.6f}")
        parts.append(video)
        sound = sounds[index]
        if sound is not None:
            audio = sound.filter("atrim", start=f"{start:.6f}", end=f"{end:.6f}").filter(
                "asetpts", "PTS-STARTPTS"
            )
            # apad's whole_dur: exactly the segment and its hold, so sound and picture agree.
            audio = audio.filter("apad", whole_dur=f"{end - start + hold:.6f}")
            parts.append(audio)
    audio_count = 1 if programme is not None else 0
    joined = ffmpeg.concat(*parts, v=1, a=audio_count).node
    return joined[0], (joined[1] if programme is not None else None)


def _split(stream: Stream, count: int, *, audio: bool) -> list[Stream]:
    if count == 1:
        return [stream]
    node = stream.asplit() if audio else stream.split()
    return [node[index] for index in range(count)]


# --- loudness --------------------------------------------------------------------------------


def loudness_args(inputs: Sequence[Path], report: Path) -> list[str]:
    """ffmpeg arguments that measure the integrated loudness (BS.1770, ``ebur128``) of the
    inputs played one after another, writing the running values to ``report`` as text
    (``ametadata``: Tolk's runner keeps no log); ``read_loudness`` reads the last."""
    if not inputs:
        raise ValueError("nothing to measure")
    streams = [ffmpeg.input(file_url(path), **input_options()).audio for path in inputs]
    joined = (
        streams[0]
        if len(streams) == 1
        else ffmpeg.concat(*[s.filter("aresample", 48000) for s in streams], v=0, a=1)
    )
    measured = joined.filter("ebur128", metadata=1).filter(
        "ametadata", mode="print", key="lavfi.r128.I", file=str(report)
    )
    return ["-hide_banner", "-nostdin", "-y", *ffmpeg.output(measured, "-", f="null").get_args()]


_INTEGRATED = re.compile(r"lavfi\.r128\.I=(-?[0-9.]+|-?inf|nan)")


def read_loudness(report_text: str) -> float | None:
    """The integrated loudness (LUFS) at the end of a ``loudness_args`` report, or None when
    it was too quiet (or too short) to measure."""
    values = _INTEGRATED.findall(report_text)
    if not values:
        return None
    try:
        value = float(values[-1])
    except ValueError:
        return None
    return value if math.isfinite(value) and value > -70 else None


# --- a recorded description ------------------------------------------------------------------
# An editor may upload a describer's recording instead of text: one sound file timed to the
# film (its time 0 is the film's). The programme is ducked while the recording speaks, found
# on the recording itself (transcode.speech_spans, ``IN_A_DESCRIPTION``), so the ducking
# follows the describer's voice exactly as it does a voiced cue; the mix is then the same
# ``described_sound``.


@dataclass(frozen=True)
class RecordedDescription:
    """A describer's recording (film times from 0), where it speaks, and its gain (dB)."""

    path: Path
    duration: float
    speech: tuple[tuple[float, float], ...]
    gain_db: float = 0.0


def plan_recording(
    recording: Path, recording_duration: float, speech: Sequence[tuple[float, float]], film_duration: float
) -> DescriptionPlan:
    """A recorded description's timeline: the recording plays from the film's start (cut at
    its end), and the programme is ducked wherever it speaks, as under voiced cues."""
    if film_duration <= 0:
        raise ValueError("the film has no duration")
    if recording_duration <= 0:
        raise ValueError("the description recording has no duration")
    length = min(recording_duration, film_duration)
    clip = PlacedClip(recording, 0.0, length)
    spoken = [
        PlacedClip(recording, start, min(end, length) - start)
        for start, end in speech
        if start < length and min(end, length) > start
    ]
    return DescriptionPlan((clip,), _merged(spoken, film_duration), (), film_duration)
