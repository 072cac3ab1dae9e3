"""The sound a speech recogniser reads: the first audio stream as 16 kHz mono float32.

A pure builder; ``transcode.runner.run_ffmpeg`` runs what it returns. The output is raw
samples (``f32le``), which a reader maps into memory as they are, with no header to parse.
"""

from __future__ import annotations

from pathlib import Path

from transcode.safety import file_url, input_options

SPEECH_SAMPLE_RATE = 16_000


def speech_audio_args(source: Path, output: Path) -> list[str]:
    """ffmpeg arguments (without the binary) writing ``source``'s first sound to ``output``."""
    args: list[str] = []
    for key, value in input_options().items():
        args += [f"-{key}", value]
    return [
        *args,
        "-i",
        file_url(source),
        "-map",
        "0:a:0",
        "-vn",
        "-sn",
        "-dn",
        "-ac",
        "1",
        "-ar",
        str(SPEECH_SAMPLE_RATE),
        "-c:a",
        "pcm_f32le",
        "-f",
        "f32le",
        "-y",
        str(output),
    ]
