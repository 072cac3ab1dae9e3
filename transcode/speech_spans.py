"""Where a film has speech, found from its sound: ffmpeg's ``silencedetect`` on the speech band.

``speech_detection_args`` builds the run: the first sound stream, mono, band-passed to the
speech band (so hum and rumble below it and hiss above it are not taken for a voice), then
``silencedetect``, whose findings ``ametadata`` writes to a report file (Tolk's runner keeps
no log). ``read_speech_spans`` turns the report into the stretches between the silences.

What is found is sound in the speech band louder than ``SILENCE_LEVEL_DB``: speech, but also
singing or loud music. That is what a describer must keep clear of in either case. Pauses
shorter than ``MIN_PAUSE_SECONDS`` (between words and breaths) stay inside a span, and spans
shorter than ``MIN_SPEECH_MS`` (a click, a door) are dropped. Times are integer milliseconds.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import ffmpeg

from transcode.safety import file_url, input_options

SPEECH_BAND_HZ = (200, 3400)  # the telephone band and a little below: where voices carry
SILENCE_LEVEL_DB = -35.0  # quieter than this (dBFS, in the band) is no speech
MIN_PAUSE_SECONDS = 0.4  # a shorter quiet is a pause within speech, not a gap for a description
MIN_SPEECH_MS = 150  # a shorter sound is no speech
ANALYSIS_RATE = 16_000

Span = tuple[int, int]  # start and end, milliseconds


def speech_detection_args(source: Path, report: Path) -> list[str]:
    """ffmpeg arguments (without the binary) that write ``source``'s silences to ``report``."""
    low, high = SPEECH_BAND_HZ
    sound = (
        ffmpeg.input(file_url(source), **input_options())["a:0"]
        .filter("aresample", ANALYSIS_RATE)
        .filter("aformat", channel_layouts="mono")
        .filter("highpass", f=low)
        .filter("lowpass", f=high)
        .filter("silencedetect", noise=f"{SILENCE_LEVEL_DB:g}dB", d=f"{MIN_PAUSE_SECONDS:g}")
        .filter("ametadata", mode="print", file=str(report))
    )
    return ["-hide_banner", "-nostdin", "-y", *ffmpeg.output(sound, "-", f="null").get_args()]


_FINDING = re.compile(r"lavfi\.silence_(start|end)=(-?[0-9.]+)")


def read_speech_spans(report_text: str, duration_seconds: float) -> tuple[Span, ...]:
    """The stretches of a ``speech_detection_args`` report that are not silence, within the
    film's ``duration_seconds``, each at least ``MIN_SPEECH_MS`` long, in order."""
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
        if start - heard_from >= MIN_SPEECH_MS:
            spans.append((heard_from, start))
        heard_from = max(heard_from, end)
    if duration_ms - heard_from >= MIN_SPEECH_MS:
        spans.append((heard_from, duration_ms))
    return tuple(spans)
