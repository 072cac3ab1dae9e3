"""Where a recording has speech, found from its sound: ffmpeg's ``silencedetect``.

The one home of finding speech, for two uses that differ only in their thresholds
(``SpeechDetection``): where a film speaks (``IN_A_FILM``: the gaps a describer must keep
clear of) and where a describer's recording speaks (``IN_A_DESCRIPTION``: where the programme
is ducked under it).

``speech_detection_args`` builds the run: the first sound stream, mono, band-passed to the
speech band where the detection asks for it (so hum and rumble below it and hiss above it are
not taken for a voice), then ``silencedetect``, whose findings ``ametadata`` writes to a report
file (Tolk's runner keeps no log). ``read_speech_spans`` turns the report into the stretches
between the silences.

In a film, what is found is sound in the speech band louder than its level: speech, but also
singing or loud music. That is what a describer must keep clear of in either case. Pauses
shorter than the detection's ``min_pause_seconds`` (between words and breaths) stay inside a
span, and spans shorter than its ``min_speech_ms`` (a click, a door) are dropped. Times are
integer milliseconds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import ffmpeg

from transcode.safety import file_url, input_options

SPEECH_BAND_HZ = (200, 3400)  # the telephone band and a little below: where voices carry
ANALYSIS_RATE = 16_000

Span = tuple[int, int]  # start and end, milliseconds


@dataclass(frozen=True)
class SpeechDetection:
    """What counts as speech: louder than ``level_db`` (dBFS), quiet spells shorter than
    ``min_pause_seconds`` counted as pauses within it, bursts shorter than ``min_speech_ms``
    not counted; ``speech_band`` band-passes the sound first (a film's music and hum)."""

    level_db: float
    min_pause_seconds: float
    min_speech_ms: int
    speech_band: bool


# A film: a shorter quiet than 0.4 s is a pause within speech, not a gap for a description.
IN_A_FILM = SpeechDetection(level_db=-35.0, min_pause_seconds=0.4, min_speech_ms=150, speech_band=True)
# A describer's recording, made for the purpose: quieter than -40 dB is the describer not
# speaking (room tone stays out), 0.3 s pauses are breaths inside one description, and
# bursts under 50 ms (a click) duck nothing.
IN_A_DESCRIPTION = SpeechDetection(level_db=-40.0, min_pause_seconds=0.3, min_speech_ms=50, speech_band=False)


def speech_detection_args(source: Path, report: Path, detection: SpeechDetection = IN_A_FILM) -> list[str]:
    """ffmpeg arguments (without the binary) that write ``source``'s silences to ``report``."""
    sound = (
        ffmpeg.input(file_url(source), **input_options())["a:0"]
        .filter("aresample", ANALYSIS_RATE)
        .filter("aformat", channel_layouts="mono")
    )
    if detection.speech_band:
        low, high = SPEECH_BAND_HZ
        sound = sound.filter("highpass", f=low).filter("lowpass", f=high)
    sound = sound.filter(
        "silencedetect", noise=f"{detection.level_db:g}dB", d=f"{detection.min_pause_seconds:g}"
    ).filter("ametadata", mode="print", file=str(report))
    return ["-hide_banner", "-nostdin", "-y", *ffmpeg.output(sound, "-", f="null").get_args()]


_FINDING = re.compile(r"lavfi\.silence_(start|end)=(-?[0-9.]+)")


def read_speech_spans(
    report_text: str, duration_seconds: float, detection: SpeechDetection = IN_A_FILM
) -> tuple[Span, ...]:
    """The stretches of a ``speech_detection_args`` report that are not silence, within
    ``duration_seconds``, each at least the detection's ``min_speech_ms`` long, in order; a
    silence left open runs to the end, and unreadable or non-finite times are skipped."""
    duration_ms = max(0, round(duration_seconds * 1000))
    silences: list[Span] = []
    silence_from: int | None = None
    for which, value in _FINDING.findall(report_text):
        try:
            at = float(value)
        except ValueError:
            continue
        if not math.isfinite(at):
            continue
        ms = min(duration_ms, max(0, round(at * 1000)))
        if which == "start":
            silence_from = ms
        elif silence_from is not None:
            silences.append((silence_from, ms))
            silence_from = None
    if silence_from is not None:  # silent to the end
        silences.append((silence_from, duration_ms))
    spans: list[Span] = []
    heard_from = 0
    for start, end in sorted(silences):
        if start - heard_from >= detection.min_speech_ms:
            spans.append((heard_from, start))
        heard_from = max(heard_from, end)
    if duration_ms - heard_from >= detection.min_speech_ms:
        spans.append((heard_from, duration_ms))
    return tuple(spans)
