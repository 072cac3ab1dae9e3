"""Speech made at test time: Swedish sentences by espeak-ng, each placed at a known time with
silence between them, and the packaged Whisper model for the speech tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from transcode import synthetic
from transcode.safety import file_url, input_options

SENTENCES = (
    "Välkommen till biblioteket i Örebro.",
    "Idag ska vi prata om tillgänglighet för alla.",
    "Textning hjälper den som inte hör.",
    "Tack för att du lyssnade.",
)
PLACED_AT = (0.5, 5.0, 10.0, 14.5)  # seconds: each sentence starts here, silence between
LENGTH_SECONDS = 19.0
ONSET_LEVEL = 500  # of 32767: where a sentence's voice is heard to begin


@dataclass(frozen=True)
class SpokenFixture:
    path: Path  # AAC in M4A
    sentences: tuple[str, ...]
    spans: tuple[tuple[float, float], ...]  # each sentence's voice: onset and end, seconds
    duration: float


def need(condition: bool, what: str) -> None:
    """Skip when ``what`` is missing, except under CI, where scripts/setup installs it."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required under CI (scripts/setup installs it)")
    pytest.skip(f"{what} is not installed")


def speak_sentences(ffmpeg: str, folder: Path) -> SpokenFixture:
    """The sentences at ``PLACED_AT`` in one sound file; their spans measured from the samples."""
    espeak = shutil.which("espeak-ng")
    need(espeak is not None, "espeak-ng")
    assert espeak is not None
    rate = 22_050
    samples = np.zeros(int(LENGTH_SECONDS * rate), dtype=np.int16)
    spans = []
    for number, (sentence, at) in enumerate(zip(SENTENCES, PLACED_AT, strict=True)):
        spoken = folder / f"sentence-{number}.wav"
        subprocess.run([espeak, "-v", "sv", "-s", "150", "-w", str(spoken), sentence], check=True, timeout=60)
        with wave.open(str(spoken)) as reader:
            assert reader.getframerate() == rate and reader.getnchannels() == 1
            voice = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
        heard = np.nonzero(np.abs(voice) > ONSET_LEVEL)[0]
        first = int(at * rate)
        samples[first : first + len(voice)] = voice
        spans.append((at + heard[0] / rate, at + heard[-1] / rate))
    joined = folder / "sentences.wav"
    with wave.open(str(joined), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.tobytes())
    song = folder / "sentences.m4a"
    restricted = [part for key, value in input_options().items() for part in (f"-{key}", value)]
    encode = ["-c:a", "aac", "-b:a", "96k", "-y", str(song)]
    subprocess.run(
        [ffmpeg, "-nostdin", "-loglevel", "error", *restricted, "-i", file_url(joined), *encode],
        check=True,
        timeout=60,
    )
    return SpokenFixture(song, SENTENCES, tuple(spans), LENGTH_SECONDS)


@dataclass(frozen=True)
class SpokenFilm:
    path: Path  # H.264 and AAC in MP4, 320x180
    span: tuple[float, float]  # the sentence's voice: onset and end, seconds
    duration: float


def speak_film(ffmpeg: str, folder: Path, sentence: str, at: float, length: float) -> SpokenFilm:
    """A film of ``length`` seconds whose sound is silence but for ``sentence`` (espeak-ng,
    Swedish) from ``at``; the voice's span is measured from the samples."""
    espeak = shutil.which("espeak-ng")
    need(espeak is not None, "espeak-ng")
    assert espeak is not None
    spoken = folder / "sentence.wav"
    subprocess.run([espeak, "-v", "sv", "-w", str(spoken), sentence], check=True, timeout=60)
    with wave.open(str(spoken)) as reader:
        rate = reader.getframerate()
        voice = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
    heard = np.nonzero(np.abs(voice) > ONSET_LEVEL)[0]
    samples = np.zeros(int(length * rate), dtype=np.int16)
    first = int(at * rate)
    samples[first : first + len(voice)] = voice
    joined = folder / "sound.wav"
    with wave.open(str(joined), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.tobytes())
    film = folder / "spoken.mp4"
    subprocess.run(
        [ffmpeg, *synthetic.film_args(film, duration=length, sound=joined)], check=True, timeout=60
    )
    return SpokenFilm(film, (at + heard[0] / rate, at + heard[-1] / rate), length)
