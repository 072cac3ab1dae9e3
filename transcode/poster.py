"""The poster of a film or song: one representative picture, as ffmpeg arguments.

A pure builder; ``transcode.runner.run_ffmpeg`` runs what it returns. The picture is a
JPEG: posters are mostly video frames (photographic), where JPEG is several times smaller
than PNG at no visible loss, and one format means one content type for the web layer. The
format is set explicitly (``-f image2 -c:v mjpeg -update 1``), so the caller's temporary
output name needs no ``.jpg`` extension and a ``%`` in it is not read as a sequence pattern.

- A film: the frame at 10 % of the duration or 1 s, whichever is earlier (posters of the
  opening titles are rarer at 1 s than at 0 s, and a short clip still gets a frame inside
  it), from the first moving-picture stream (``V``: not a cover).
- A still picture, or a song with a cover image: that picture.
- A song without a picture: its waveform (``showwavespic``) in amber on a dark background,
  16:9.

The picture is ``width`` wide (made even by rounding down) with the height from the display aspect ratio:
non-square pixels are made square and the rotation is applied. ffmpeg rotates by the display
matrix itself before the filters (autorotate), so only the output size needs the rotation.
"""

from __future__ import annotations

from pathlib import Path

import ffmpeg

from transcode.facts import MediaFacts
from transcode.safety import IMAGE_DEMUXERS, file_url, input_options

WAVEFORM_COLOUR = "0xf2b134"
BACKGROUND_COLOUR = "0x14161f"
JPEG_QUALITY = 3  # mjpeg -q:v, 2 (best) to 31: 3 has no visible artefacts on frames or waves
_FRAME_AT_FRACTION = 0.1
_FRAME_AT_LATEST = 1.0


def poster_args(source: Path, facts: MediaFacts, output: Path, *, width: int = 640) -> list[str]:
    """ffmpeg arguments (without the binary) writing the poster of ``source`` to ``output``."""
    if width < 2:
        raise ValueError(f"poster width must be at least 2 pixels, not {width}")
    width -= width % 2  # even, and never wider than asked
    input_kwargs = dict(input_options())
    if facts.container in IMAGE_DEMUXERS:
        # Force the single-image demuxer: by a .jpg name ffmpeg would pick image2 (refused).
        input_kwargs["f"] = facts.container
    if facts.video is not None:
        display_width, display_height = facts.video.display_size
        size = (width, _even(width * display_height / display_width))
        if facts.video.is_still_image:
            picture = ffmpeg.input(file_url(source), **input_kwargs)["v:0"]
        else:
            seek = _frame_time(facts.duration)
            picture = ffmpeg.input(file_url(source), ss=seek, **input_kwargs)["V:0"]
    elif facts.audio is not None:
        size = (width, _even(width * 9 / 16))
        picture = _waveform(ffmpeg.input(file_url(source), **input_kwargs)["a:0"], size)
    else:
        raise ValueError(f"{source.name} has neither a picture nor sound to make a poster of")
    # Square pixels; full-range YUV, which the mjpeg encoder wants, said outright rather than
    # left to a deprecated yuvj pixel format.
    picture = picture.filter("scale", *size, out_range="full").filter("setsar", 1).filter("format", "yuv420p")
    return (
        picture.output(
            file_url(output),
            f="image2",
            update=1,
            **{"frames:v": 1, "c:v": "mjpeg", "q:v": JPEG_QUALITY},
        )
        .overwrite_output()
        .get_args()
    )


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _frame_time(duration: float) -> float:
    """When the poster frame is taken: 10 % in or at 1 s, whichever is earlier."""
    return round(min(duration * _FRAME_AT_FRACTION, _FRAME_AT_LATEST), 3)


def _waveform(audio: ffmpeg.nodes.Stream, size: tuple[int, int]) -> ffmpeg.nodes.Stream:
    """The whole song's waveform over a dark background."""
    wave = audio.filter(
        "showwavespic",
        s="{}x{}".format(*size),
        colors=WAVEFORM_COLOUR,
        scale="sqrt",  # quiet passages stay visible next to loud ones
        draw="full",
        split_channels=0,
    ).split()
    # showwavespic draws on transparency; fill a copy with the background colour and put the
    # wave over it, so the graph needs no second (lavfi) input.
    background = wave[0].filter("drawbox", color=BACKGROUND_COLOUR, t="fill", replace=1)
    return ffmpeg.overlay(background, wave[1])


def thumbnail_args(poster: Path, output: Path, width: int, height: int) -> list[str]:
    """ffmpeg arguments (without the binary) scaling the JPEG ``poster`` to exactly
    ``width`` x ``height`` (a smaller copy for oEmbed consumers) into ``output``."""
    if width < 2 or height < 2:
        raise ValueError(f"a thumbnail must be at least 2x2 pixels, not {width}x{height}")
    picture = ffmpeg.input(file_url(poster), f="jpeg_pipe", **input_options())["v:0"]
    picture = picture.filter("scale", width, height, out_range="full").filter("setsar", 1)
    return (
        picture.filter("format", "yuv420p")
        .output(
            file_url(output), f="image2", update=1, **{"frames:v": 1, "c:v": "mjpeg", "q:v": JPEG_QUALITY}
        )
        .overwrite_output()
        .get_args()
    )
