"""Voicing description cues for the described variants, and matching the voice's loudness.

Each cue's plain text is spoken by the voice command (``TOLK_DESCRIPTION_VOICE_COMMAND``,
espeak-ng by default; e.g. Piper with a voice file for a better voice) into a WAV of its own.
The command is split like a shell line but never run by a shell: ``{language}`` and
``{output}`` are filled in per argument, and the text goes to its standard input, so no
description text is ever read as an option or a command.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Sequence
from pathlib import Path

from media_service.config import Settings
from transcode import describe
from transcode.captions import Cue, cue_plain_text
from transcode.probe import ProbeError, probe
from transcode.runner import run_ffmpeg

DEFAULT_VOICE_COMMAND: str = Settings.model_fields["description_voice_command"].default
VOICE_TIMEOUT_SECONDS = 120


class VoiceFailed(RuntimeError):
    """The voice command failed, or wrote nothing playable."""


def voice_command(template: str, language: str, output: Path) -> list[str]:
    """The voice command's arguments for one clip (``{language}``: the primary subtag)."""
    words = shlex.split(template)
    if not words:
        raise ValueError("the description voice command is empty")
    primary = language.split("-")[0].lower() or "sv"
    return [word.replace("{language}", primary).replace("{output}", str(output)) for word in words]


def voice_cues(
    cues: Sequence[Cue], language: str, template: str, folder: Path
) -> list[describe.VoicedDescription]:
    """Every cue with text, voiced into ``folder`` (one WAV each), in cue order."""
    voiced: list[describe.VoicedDescription] = []
    for index, cue in enumerate(cues):
        text = " ".join(cue_plain_text(cue.text).split())
        if not text:
            continue
        output = folder / f"description-{index:05d}.wav"
        args = voice_command(template, language, output)
        try:
            subprocess.run(
                args, input=text.encode(), check=True, capture_output=True, timeout=VOICE_TIMEOUT_SECONDS
            )
            duration = probe(output).duration
        except FileNotFoundError as error:
            raise VoiceFailed(f"the description voice command {args[0]!r} is not installed") from error
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, ProbeError) as error:
            raise VoiceFailed(f"the description voice command failed on cue {index + 1}: {error}") from error
        voiced.append(describe.VoicedDescription(cue.start_ms / 1000, cue.end_ms / 1000, output, duration))
    return voiced


def voice_gain(
    programme: Path | None, clips: Sequence[Path], folder: Path, *, ffmpeg: str, timeout: float
) -> float:
    """The gain (dB) that makes the voice as loud as the programme (``transcode.describe``)."""
    if not clips:
        return 0.0

    def measured(paths: Sequence[Path], name: str) -> float | None:
        report = folder / name
        run_ffmpeg(describe.loudness_args(paths, report), ffmpeg=ffmpeg, timeout=timeout)
        return describe.read_loudness(report.read_text(encoding="utf-8", errors="replace"))

    programme_lufs = measured([programme], "programme-loudness.txt") if programme is not None else None
    return describe.voice_gain_db(programme_lufs, measured(clips, "voice-loudness.txt"))
