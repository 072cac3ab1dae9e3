"""What ffmpeg and PyAV may open: one place for the rule that protects every run.

A crafted upload (an HLS playlist, an ffconcat list, a file with external references)
could make a demuxer open other local files or the network. Every input Tolk opens is
therefore limited to the plain file protocol and to an allow-list of demuxers, and is
named with an explicit ``file:`` prefix so its name is never read as a protocol.
"""

from __future__ import annotations

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
# Caption files Tolk itself wrote, read by the subtitles filter.
CAPTION_DEMUXERS = ("webvtt", "ass", "srt")

ALLOWED_DEMUXERS = ",".join(MEDIA_DEMUXERS + IMAGE_DEMUXERS)
ALLOWED_PROTOCOLS = "file"


def input_options() -> dict[str, str]:
    """Options for every ffmpeg input and every PyAV ``open``: file protocol, known demuxers."""
    return {"protocol_whitelist": ALLOWED_PROTOCOLS, "format_whitelist": ALLOWED_DEMUXERS}


def file_url(path: str | Path) -> str:
    """An absolute ``file:`` URL for a local path, so no part of the name selects a protocol."""
    return "file:" + str(Path(path).resolve())
