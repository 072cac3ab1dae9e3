"""Where the ffmpeg binary is, and which version it is."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path


class FfmpegNotFound(RuntimeError):
    """No usable ffmpeg binary at the configured path nor in the imageio-ffmpeg wheel."""


def ffmpeg_path(configured: str | None = None) -> str:
    """The ffmpeg to run: the configured path or name, else the binary of the imageio-ffmpeg wheel."""
    if configured:
        found = shutil.which(configured) or (configured if Path(configured).is_file() else None)
        if not found:
            raise FfmpegNotFound(f"ffmpeg not found at {configured!r}")
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@functools.cache
def ffmpeg_version(path: str) -> str:
    """The first line of ``ffmpeg -version``, e.g. ``ffmpeg version n9.0.2 ...``."""
    result = subprocess.run(
        [path, "-hide_banner", "-version"], capture_output=True, text=True, timeout=30, check=True
    )
    return result.stdout.splitlines()[0] if result.stdout else "unknown"
