"""Every ffmpeg run is limited to Tolk's own inputs: the runner refuses anything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from transcode import synthetic
from transcode.runner import run_ffmpeg
from transcode.safety import UnsafeArguments, check_arguments, file_url, input_options


def restricted(path: str) -> list[str]:
    args: list[str] = []
    for key, value in input_options().items():
        args += [f"-{key}", value]
    return [*args, "-i", file_url(path)]


def test_restricted_and_generated_inputs_pass(tmp_path: Path) -> None:
    check_arguments([*restricted("/srv/film.mp4"), *restricted("/srv/signer.mp4"), "-f", "null", "-"])
    check_arguments(synthetic.interpreter_args(tmp_path / "out.mp4"))
    check_arguments(synthetic.film_args(tmp_path / "out.mp4", sound=tmp_path / "speech.wav"))


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["-i", "/etc/passwd"], "not a file: URL"),
        (["-i", "http://example.org/film.mp4"], "not a file: URL"),
        (["-protocol_whitelist", "file", "-i", "file:/srv/a.mp4"], "-format_whitelist"),
        (
            ["-format_whitelist", "hls", "-protocol_whitelist", "file", "-i", "file:/a.m3u8"],
            "-format_whitelist",
        ),
        (["-protocol_whitelist", "file,http", "-i", "file:/srv/a.mp4"], "-protocol_whitelist"),
        # The allow-lists of the first input do not carry over to the second.
        ([*restricted("/srv/a.mp4"), "-i", "file:/srv/b.mp4"], "file:/srv/b.mp4"),
        (["-f", "lavfi", "-i", "movie=/etc/passwd"], "opens files by name"),
        ([*restricted("/a.mp4"), "-filter_complex", "amovie=file.wav[a];[0:a][a]amix"], "opens files"),
    ],
)
def test_unrestricted_inputs_are_refused(args: list[str], problem: str) -> None:
    with pytest.raises(UnsafeArguments, match=problem):
        check_arguments([*args, "-f", "null", "-"])


def test_the_runner_refuses_before_starting_ffmpeg(ffmpeg: str) -> None:
    with pytest.raises(UnsafeArguments):
        run_ffmpeg(["-i", "/etc/passwd", "-f", "null", "-"], ffmpeg=ffmpeg)
