"""Words with times and confidence from speech, by faster-whisper on the CPU.

The audio is 16 kHz mono float32 (``transcode.speech_audio`` has ffmpeg write it). Silero
voice-activity detection (shipped inside faster-whisper) runs first, so music or tones without
words reach the recogniser not at all: Whisper, given sound without speech, invents text.
The language is the item's: Whisper's own detection is a fallback for a language it does not
know by that tag, since on short clips it is often wrong.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from media_service.speech.model import LoadedModel
from media_service.speech.words import TimedWord

SAMPLE_RATE = 16_000
# Pauses of half a second end a stretch of speech (faster-whisper's default of 2 s would keep
# sentences and the silence between them in one stretch).
VAD_PARAMETERS = {"min_silence_duration_ms": 500, "speech_pad_ms": 200, "threshold": 0.5}
# Whisper often starts a stretch's first word early, in the silence before it; words are
# held to where the voice-activity detector, unpadded, hears speech.
SPEECH_EDGE_PAD_MS = 50
# Segments Whisper itself judges as probably not speech and badly decoded are dropped.
NO_SPEECH_PROBABILITY = 0.6
LOW_LOG_PROBABILITY = -1.0


class RecognitionCancelled(Exception):
    """``cancel`` was set while recognising."""


@dataclass(frozen=True)
class Recognition:
    words: list[TimedWord]
    language: str
    duration_seconds: float


def read_audio(path: Path) -> np.ndarray:
    """Raw 16 kHz mono float32 samples as ffmpeg wrote them (memory-mapped: a long film's sound
    is not held in memory twice)."""
    if path.stat().st_size == 0:
        return np.zeros(0, dtype=np.float32)
    return np.memmap(path, dtype=np.float32, mode="r")


def whisper_language(language: str) -> str | None:
    """Whisper's code for a BCP 47 tag (``sv-SE`` → ``sv``), or None when it has none."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    primary = language.split("-")[0].lower()
    return primary if primary in _LANGUAGE_CODES else None


def recognise(
    model: LoadedModel,
    audio: np.ndarray,
    *,
    language: str,
    on_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Recognition:
    """Every recognised word, in order. ``on_progress`` gets the fraction of the audio done;
    raises RecognitionCancelled soon after ``cancel`` is set."""
    duration = len(audio) / SAMPLE_RATE
    if duration == 0:
        return Recognition([], language, 0.0)
    segments, info = model.whisper.transcribe(
        np.asarray(audio, dtype=np.float32),
        language=whisper_language(language),
        task="transcribe",
        beam_size=5,
        word_timestamps=True,
        vad_filter=True,
        vad_parameters=VAD_PARAMETERS,
        # Each segment is decoded on its own: a misheard segment cannot lead the next astray
        # (the repetition loops Whisper is known for on long files).
        condition_on_previous_text=False,
    )
    regions = _speech_regions(audio)
    words: list[TimedWord] = []
    for segment in segments:  # a generator: each step decodes one more window
        if cancel is not None and cancel.is_set():
            raise RecognitionCancelled
        if on_progress is not None:
            on_progress(min(1.0, segment.end / duration))
        if segment.no_speech_prob > NO_SPEECH_PROBABILITY and segment.avg_logprob < LOW_LOG_PROBABILITY:
            continue
        for word in segment.words or []:
            text = word.word.strip()
            if not text:
                continue
            held = _held_to_speech(round(word.start * 1000), round(word.end * 1000), regions)
            if held is not None:
                words.append(TimedWord(text, held[0], held[1], word.probability))
    if on_progress is not None:
        on_progress(1.0)
    return Recognition(words, info.language, duration)


def _speech_regions(audio: np.ndarray) -> list[tuple[int, int]]:
    """Where the voice-activity detector hears speech, in milliseconds, barely padded."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(**{**VAD_PARAMETERS, "speech_pad_ms": SPEECH_EDGE_PAD_MS})
    found = get_speech_timestamps(np.asarray(audio, dtype=np.float32), options, sampling_rate=SAMPLE_RATE)
    return [(region["start"] * 1000 // SAMPLE_RATE, region["end"] * 1000 // SAMPLE_RATE) for region in found]


def _held_to_speech(start: int, end: int, regions: list[tuple[int, int]]) -> tuple[int, int] | None:
    """A word's times moved inside the speech region it overlaps most; None for a word that
    overlaps no speech at all (Whisper's invention in a silence)."""
    best, overlap = None, 0
    for low, high in regions:
        shared = min(end, high) - max(start, low)
        if shared > overlap:
            best, overlap = (low, high), shared
    if best is None:
        return None
    held_start = max(start, best[0])
    return held_start, max(held_start + 1, min(end, best[1]))
