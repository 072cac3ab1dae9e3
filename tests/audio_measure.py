"""Audio measurements for the described-variant tests, in plain Python (no numpy): the sound
decoded by PyAV to 16 kHz mono, a tone's level by the Goertzel algorithm, and the energy of
the speech band (300 to 3400 Hz) through a fourth-order band-pass (RBJ biquads)."""

from __future__ import annotations

import math
from array import array
from pathlib import Path

import av

RATE = 16000


def decode(path: Path) -> array:
    """The first sound stream of ``path`` as 16 kHz mono float samples."""
    samples = array("f")
    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                samples.frombytes(bytes(out.planes[0])[: out.samples * 4])
        for out in resampler.resample(None):
            samples.frombytes(bytes(out.planes[0])[: out.samples * 4])
    return samples


def window(samples: array, start: float, end: float) -> array:
    return samples[int(start * RATE) : int(end * RATE)]


def tone_db(samples: array, frequency: float) -> float:
    """The level (dBFS, as a sine's amplitude) of ``frequency`` in ``samples`` (Goertzel)."""
    count = len(samples)
    coefficient = 2 * math.cos(2 * math.pi * frequency / RATE)
    previous = before = 0.0
    for sample in samples:
        previous, before = sample + coefficient * previous - before, previous
    power = previous * previous + before * before - coefficient * previous * before
    amplitude = 2 * math.sqrt(max(power, 0.0)) / count
    return 20 * math.log10(max(amplitude, 1e-9))


def _biquad(samples: list[float], b: tuple[float, float, float], a: tuple[float, float]) -> list[float]:
    x1 = x2 = y1 = y2 = 0.0
    out = []
    for x in samples:
        y = b[0] * x + b[1] * x1 + b[2] * x2 - a[0] * y1 - a[1] * y2
        x2, x1, y2, y1 = x1, x, y1, y
        out.append(y)
    return out


def _coefficients(kind: str, frequency: float) -> tuple[tuple[float, float, float], tuple[float, float]]:
    w = 2 * math.pi * frequency / RATE
    alpha = math.sin(w) / (2 * math.sqrt(0.5))
    cos = math.cos(w)
    a0 = 1 + alpha
    if kind == "low":
        b = ((1 - cos) / 2, 1 - cos, (1 - cos) / 2)
    else:
        b = ((1 + cos) / 2, -(1 + cos), (1 + cos) / 2)
    return (b[0] / a0, b[1] / a0, b[2] / a0), (-2 * cos / a0, (1 - alpha) / a0)


def speech_band_db(samples: array) -> float:
    """The RMS level (dBFS) of ``samples`` between 300 and 3400 Hz."""
    filtered = list(samples)
    for kind, frequency in (("high", 300), ("high", 300), ("low", 3400), ("low", 3400)):
        filtered = _biquad(filtered, *_coefficients(kind, frequency))
    settled = filtered[RATE // 50 :]  # past the filters' start
    rms = math.sqrt(sum(v * v for v in settled) / max(1, len(settled)))
    return 20 * math.log10(max(rms, 1e-9))
