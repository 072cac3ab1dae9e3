"""What ffmpeg and PyAV may open: one place for the rule that protects every run.

A crafted upload (an HLS playlist, an ffconcat list, a file with external references)
could make a demuxer open other local files or the network. Every input Tolk opens is
therefore limited to the plain file protocol and to an allow-list of demuxers, and is
named with an explicit ``file:`` prefix so its name is never read as a protocol.
``check_arguments`` enforces this on every argument list the runner is given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

# Demuxers for the media people upload. No playlist, concat, image-sequence or network
# demuxers: those are the ones that open further files by name.
MEDIA_DEMUXERS = (
    "mov,mp4,m4a,3gp,3g2,mj2",
    "matroska,webm",
    "avi",
    "flv",
    "mpegts",
    "mpeg",
    "ogg",
    "wav",
    "mp3",
    "flac",
    "aac",
    "asf",
    "w64",
    "aiff",
    "caf",
)
# Still images (posters, covers): single-image demuxers only, never the image2 sequence one.
IMAGE_DEMUXERS = ("png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "gif")

ALLOWED_DEMUXERS = ",".join(MEDIA_DEMUXERS + IMAGE_DEMUXERS)
ALLOWED_PROTOCOLS = "file"


def input_options() -> dict[str, str]:
    """Options for every ffmpeg input and every PyAV ``open``: file protocol, known demuxers."""
    return {"protocol_whitelist": ALLOWED_PROTOCOLS, "format_whitelist": ALLOWED_DEMUXERS}


def file_url(path: str | Path) -> str:
    """An absolute ``file:`` URL for a local path, so no part of the name selects a protocol."""
    return "file:" + str(Path(path).resolve())


class UnsafeArguments(ValueError):
    """An ffmpeg argument list that could open something other than Tolk's own inputs."""


# Filters that open media files or URLs by name as further inputs; Tolk's graphs never need
# them. (Tolk's own graphs name one file, the ASS captions it wrote, in the `ass` filter.)
_OPENING_FILTERS = re.compile(r"(^|[\[;,\]\s])a?movie\s*=")
_GRAPH_OPTIONS = frozenset({"-filter_complex", "-lavfi", "-vf", "-af", "-filter:v", "-filter:a"})


def check_arguments(args: Sequence[str]) -> None:
    """Refuse an argument list with an input that is not restricted as ``input_options`` says.

    Each ``-i`` must be a ``file:`` URL preceded (since the previous input) by the protocol
    and demuxer allow-lists, or a generated ``-f lavfi`` source; no filter graph may use the
    ``movie`` filters, which open files by name.
    """
    options: dict[str, str] = {}
    for index, arg in enumerate(args):
        value = args[index + 1] if index + 1 < len(args) else ""
        generated = arg == "-i" and options.get("-f") == "lavfi"
        if (arg in _GRAPH_OPTIONS or generated) and _OPENING_FILTERS.search(value):
            raise UnsafeArguments(f"a filter graph that opens files by name: {value!r}")
        if arg == "-i":
            if not generated:
                _check_input(value, options)
            options = {}
        elif arg.startswith("-"):
            options[arg] = value


def _check_input(url: str, options: dict[str, str]) -> None:
    if not url.startswith("file:"):
        raise UnsafeArguments(f"input {url!r} is not a file: URL")
    for key, allowed in input_options().items():
        if options.get(f"-{key}") != allowed:
            raise UnsafeArguments(f"input {url!r} is opened without -{key} {allowed}")
