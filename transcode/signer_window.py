"""The sign window's own file: an interpreter recording made ready for every browser (pure).

Studios deliver signers in ProRes or DNxHD in QuickTime, in Matroska with VP9, or as H.264
with the index (``moov``) at the end; browsers play none of these well (ProRes not at all,
a late index only after the whole file has arrived). The window therefore never plays the
upload: it plays this file, silent H.264 (yuv420p, square pixels, even size, at most
``MAX_HEIGHT`` lines) in MP4 with the index first (``+faststart``).

A recording whose picture is already such H.264 (in MP4, MOV, Matroska or WebM) is only
remuxed, the picture copied (well under a second); anything else is encoded with libx264 at
its own frame rate, with a keyframe every second so the window seeks quickly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from transcode.facts import MediaFacts
from transcode.kinds import X264_PRESETS, X264Preset
from transcode.safety import file_url, input_options
from transcode.variants import web_is_remux

MAX_HEIGHT = 720  # the window is a part of the screen; a 1080p signer only costs bandwidth
KEYFRAME_SECONDS = 1.0
_GLOBAL_ARGS = ["-hide_banner", "-nostdin", "-y"]


@dataclass(frozen=True)
class WindowSettings:
    """The encoder's settings when a recording has to be encoded."""

    preset: X264Preset = "veryfast"
    crf: int = 23

    def __post_init__(self) -> None:
        if self.preset not in X264_PRESETS:
            raise ValueError(f"x264 preset must be one of {', '.join(X264_PRESETS)}, not {self.preset!r}")
        if not (isinstance(self.crf, int) and 0 <= self.crf <= 51):
            raise ValueError(f"crf must be a whole number from 0 to 51, not {self.crf!r}")


@dataclass(frozen=True)
class WindowPlan:
    """One ffmpeg run writing the window's file; ``remux`` is True when nothing is encoded."""

    args: list[str]
    remux: bool
    duration: float


def window_is_remux(facts: MediaFacts) -> bool:
    """True when the recording's picture is H.264 browsers play and only needs a new container."""
    video = facts.video
    return facts.has_video and video is not None and video.height <= MAX_HEIGHT and web_is_remux(facts)


def window_size(facts: MediaFacts) -> tuple[int, int]:
    """The encoded picture's size: the display size (rotation and pixel aspect applied), at
    most ``MAX_HEIGHT`` high, both sides even."""
    if facts.video is None or not facts.has_video:
        raise ValueError("a sign window needs a moving picture")
    width, height = facts.video.display_size
    if width < 16 or height < 16:
        raise ValueError(f"the picture is too small for a sign window: {width}x{height} pixels")
    scale = min(1.0, MAX_HEIGHT / height)
    return _even(width * scale), _even(height * scale)


def _even(value: float) -> int:
    return max(2, math.floor(value / 2) * 2)


def build_window(source: Path, facts: MediaFacts, output: Path, settings: WindowSettings) -> WindowPlan:
    """The ffmpeg run that writes the window's file for the recording at ``source``."""
    if facts.duration <= 0:
        raise ValueError("the recording has no duration")
    width, height = window_size(facts)
    args = list(_GLOBAL_ARGS)
    for name, value in input_options().items():
        args += [f"-{name}", value]
    args += ["-i", file_url(source), "-map", "0:v:0", "-an", "-sn", "-dn", "-map_metadata", "-1"]
    remux = window_is_remux(facts)
    if remux:
        args += ["-c:v", "copy"]
    else:
        assert facts.video is not None
        rate = facts.video.frame_rate if facts.video.frame_rate > 0 else 25.0
        args += [
            "-vf",
            f"scale={width}:{height},setsar=1,format=yuv420p",
            *("-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf)),
            *("-profile:v", "high", "-g", str(max(1, math.ceil(rate * KEYFRAME_SECONDS)))),
        ]
    args += ["-movflags", "+faststart", "-f", "mp4", file_url(output)]
    return WindowPlan(args, remux, facts.duration)
