"""Find where an interpreter recording sits on its film by listening to both.

Interpreters often record while hearing the film, so the recording's microphone picks up the
film's sound (through a loudspeaker, with room echo, the interpreter's own noises and another
gain). The time shift between the two sounds is the recording's offset on the film, in the
sense ``transcode.layout.interpreter_window`` uses it: recording time ``r`` is film time
``r + offset``.

The shift is found by generalised cross-correlation with phase transform (GCC-PHAT): every
frequency's contribution is whitened, so a loud hum or a boomy room cannot outvote the sharp
onsets that locate speech and music in time. Only the speech band (200–3,600 Hz) is compared.
Both sounds are read in-process with PyAV through the same allow-list ffmpeg runs use, mixed
to mono at 8 kHz, and at most ``MAX_LISTEN_SECONDS`` of each, so the cost is bounded whatever
the film's length (about a second here for the full three minutes).

The confidence says how far the best match stands out from the next best one (a peak at
least 0.1 s away): 0 when two shifts fit equally well (no shared sound, a steady tone), near
1 when one shift is unmistakable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np
from av.audio.resampler import AudioResampler

from transcode.safety import file_url, input_options

RATE = 8000
MAX_LISTEN_SECONDS = 180.0
BAND_HZ = (200.0, 3600.0)
# A rival peak must lie this far from the best one to count as another answer.
RIVAL_DISTANCE_SECONDS = 0.1
# Quieter than this (RMS of samples in -1..1, about -60 dBFS) is taken for no sound at all.
SILENCE_RMS = 1e-3


class NoSound(ValueError):
    """A file with no audio stream, or whose sound is silence; ``which`` names the file's part
    (``film`` or ``recording``) so the service can say which one."""

    def __init__(self, which: str, message: str) -> None:
        super().__init__(message)
        self.which = which


class UnreadableSound(ValueError):
    """Sound that PyAV cannot decode; ``which`` as for ``NoSound``."""

    def __init__(self, which: str, message: str) -> None:
        super().__init__(message)
        self.which = which


@dataclass(frozen=True)
class OffsetEstimate:
    """The recording's offset on the film in seconds, and how sure the match is (0–1)."""

    seconds: float
    confidence: float


def read_mono(path: Path, *, which: str, max_seconds: float = MAX_LISTEN_SECONDS) -> np.ndarray:
    """The first ``max_seconds`` of a file's first audio stream as mono float32 at ``RATE``.

    Raises ``NoSound`` when there is no audio stream or it is silent, ``UnreadableSound`` when
    it does not decode."""
    try:
        samples = _decode(path, which, int(max_seconds * RATE))
    except av.error.FFmpegError as error:
        raise UnreadableSound(which, f"the {which}'s sound cannot be decoded: {error}") from error
    if samples.size < RATE // 2 or float(np.sqrt(np.mean(np.square(samples)))) < SILENCE_RMS:
        raise NoSound(which, f"the {which}'s sound is silent or shorter than half a second")
    return samples


def _decode(path: Path, which: str, limit: int) -> np.ndarray:
    """Up to ``limit`` samples of the first audio stream, mono float32 at ``RATE``."""
    chunks: list[np.ndarray] = []
    gathered = 0
    with av.open(file_url(path), options=input_options()) as container:
        if not container.streams.audio:
            raise NoSound(which, f"the {which} has no sound")
        stream = container.streams.audio[0]
        resampler = AudioResampler(format="flt", layout="mono", rate=RATE)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunk = out.to_ndarray().reshape(-1)
                chunks.append(chunk)
                gathered += chunk.size
            if gathered >= limit:
                break
        else:
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    samples = np.concatenate(chunks)[:limit] if chunks else np.zeros(0, dtype=np.float32)
    return samples.astype(np.float32, copy=False)


def estimate_offset(film: np.ndarray, recording: np.ndarray, *, rate: int = RATE) -> OffsetEstimate:
    """The shift that best lines ``recording`` up with ``film`` (both mono at ``rate``):
    ``recording[t]`` sounds like ``film[t + offset * rate]``."""
    size = 1 << int(film.size + recording.size - 1).bit_length()
    film_spectrum = np.fft.rfft(film, size)
    recording_spectrum = np.fft.rfft(recording, size)
    cross = film_spectrum * np.conj(recording_spectrum)
    cross /= np.maximum(np.abs(cross), 1e-12)
    frequencies = np.fft.rfftfreq(size, 1.0 / rate)
    cross[(frequencies < BAND_HZ[0]) | (frequencies > BAND_HZ[1])] = 0
    correlation = np.fft.irfft(cross, size)
    # Index k holds the shift k; the upper half holds the negative shifts (k - size). Only
    # shifts at which the two sounds overlap at all are answers.
    shifts = np.arange(size)
    shifts[shifts >= size // 2] -= size
    possible = (shifts > -recording.size) & (shifts < film.size)
    scores = np.where(possible, correlation, -np.inf)
    best = int(np.argmax(scores))
    peak = float(scores[best])
    rivals = np.abs(shifts - shifts[best]) > RIVAL_DISTANCE_SECONDS * rate
    rival = float(np.max(np.where(rivals, scores, -np.inf)))
    confidence = 0.0 if peak <= 0 else max(0.0, min(1.0, 1.0 - max(rival, 0.0) / peak))
    return OffsetEstimate(seconds=round(float(shifts[best]) / rate, 3), confidence=round(confidence, 2))


def offset_by_sound(film: Path, recording: Path) -> OffsetEstimate:
    """Read both files' sound and estimate the recording's offset on the film. Raises
    ``NoSound`` or ``UnreadableSound`` naming the part without usable sound."""
    return estimate_offset(read_mono(film, which="film"), read_mono(recording, which="recording"))
