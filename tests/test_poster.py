"""transcode.poster: the arguments it builds, and the pictures ffmpeg makes from them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import pytest

from transcode.facts import AudioFacts, MediaFacts, VideoFacts
from transcode.poster import BACKGROUND_COLOUR, WAVEFORM_COLOUR, poster_args
from transcode.probe import probe
from transcode.runner import run_ffmpeg

RGB = tuple[int, int, int]


def make_poster(source: Path, folder: Path, ffmpeg: str, *, width: int = 640) -> av.VideoFrame:
    """Probe ``source``, run its poster arguments and decode the picture they wrote."""
    output = folder / "poster.tmp"  # a temporary name, as the caller gives
    run_ffmpeg(poster_args(source, probe(source), output, width=width), ffmpeg=ffmpeg)
    with av.open(str(output), format="jpeg_pipe") as container:
        return next(container.decode(video=0))


def rgb_bytes(frame: av.VideoFrame, width: int, height: int) -> list[bytes]:
    """Rows of packed RGB bytes of ``frame`` scaled to ``width`` x ``height``."""
    plane = frame.reformat(width=width, height=height, format="rgb24").planes[0]
    data = bytes(plane)
    return [data[row * plane.line_size : row * plane.line_size + width * 3] for row in range(height)]


def pixel(rows: list[bytes], x: int, y: int) -> RGB:
    red, green, blue = rows[y][x * 3 : x * 3 + 3]
    return red, green, blue


def colour(hex_colour: str) -> RGB:
    value = int(hex_colour, 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def close(actual: RGB, expected: RGB, tolerance: int = 24) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def mean_difference(first: list[bytes], second: list[bytes]) -> float:
    """Mean absolute difference per byte, on every fourth row."""
    pairs = [
        (a, b)
        for row_a, row_b in zip(first[::4], second[::4], strict=True)
        for a, b in zip(row_a, row_b, strict=True)
    ]
    return sum(abs(a - b) for a, b in pairs) / len(pairs)


def source_frame_at(path: Path, seconds: float) -> av.VideoFrame:
    with av.open(str(path)) as container:
        return min(container.decode(video=0), key=lambda frame: abs(frame.time - seconds))


def test_input_is_guarded_and_named_as_a_file(film: Path, tmp_path: Path) -> None:
    args = poster_args(film, probe(film), tmp_path / "poster.tmp")
    source_at = args.index("-i")
    assert args[source_at + 1] == f"file:{film.resolve()}"
    assert args[args.index("-protocol_whitelist") + 1] == "file"
    assert args.index("-protocol_whitelist") < source_at
    assert args.index("-format_whitelist") < source_at
    assert args.count("-i") == 1  # no lavfi or other second input
    assert args[args.index("-f", source_at) + 1] == "image2"
    assert f"file:{(tmp_path / 'poster.tmp').resolve()}" in args
    assert args[0].startswith("-")  # the runner adds the binary


@pytest.mark.parametrize(("duration", "expected"), [(2.0, "0.2"), (60.0, "1.0"), (0.5, "0.05")])
def test_frame_is_taken_early_but_inside(duration: float, expected: str, tmp_path: Path) -> None:
    facts = MediaFacts(
        "mov,mp4,m4a,3gp,3g2,mj2", duration, 1000, video=VideoFacts("h264", 320, 180, 25.0, "yuv420p")
    )
    args = poster_args(tmp_path / "in.mp4", facts, tmp_path / "out")
    assert args[args.index("-ss") + 1] == expected
    assert args.index("-ss") < args.index("-i")


def test_film_poster_is_the_frame_at_ten_percent(film: Path, tmp_path: Path, ffmpeg: str) -> None:
    poster = make_poster(film, tmp_path, ffmpeg)
    assert (poster.width, poster.height) == (640, 360)
    rows = rgb_bytes(poster, 640, 360)
    at_poster_time = mean_difference(rows, rgb_bytes(source_frame_at(film, 0.2), 640, 360))
    later = mean_difference(rows, rgb_bytes(source_frame_at(film, 1.6), 640, 360))
    assert at_poster_time < 6 < later


def test_song_poster_is_a_waveform(song: Path, tmp_path: Path, ffmpeg: str) -> None:
    poster = make_poster(song, tmp_path, ffmpeg)
    assert (poster.width, poster.height) == (640, 360)  # 16:9
    rows = rgb_bytes(poster, 640, 360)
    assert close(pixel(rows, 5, 5), colour(BACKGROUND_COLOUR))
    assert close(pixel(rows, 320, 180), colour(WAVEFORM_COLOUR))  # a steady tone: a full band


def test_song_with_cover_shows_the_cover(song_with_cover: Path, tmp_path: Path, ffmpeg: str) -> None:
    poster = make_poster(song_with_cover, tmp_path, ffmpeg, width=128)
    assert (poster.width, poster.height) == (128, 128)
    assert close(pixel(rgb_bytes(poster, 128, 128), 64, 64), (255, 0, 0))


def test_rotation_is_applied(film: Path, tmp_path: Path, ffmpeg: str, made: Callable[..., Path]) -> None:
    rotated = made("rotated90.mp4", "-display_rotation", "90", "-i", str(film), "-c", "copy")
    poster = make_poster(rotated, tmp_path, ffmpeg, width=180)
    assert (poster.width, poster.height) == (180, 320)
    # Rotated a quarter turn anticlockwise, the film's top row becomes the poster's left
    # column: compare with the unrotated poster's top row read from the right.
    upright = rgb_bytes(make_poster(film, tmp_path, ffmpeg, width=320), 320, 180)
    turned = rgb_bytes(poster, 180, 320)
    for y in range(20, 300, 40):
        assert close(pixel(turned, 2, y), pixel(upright, 319 - y, 2), tolerance=40)


def test_non_square_pixels_and_odd_width(tmp_path: Path, ffmpeg: str, made: Callable[..., Path]) -> None:
    anamorphic = made(
        "anamorphic.mp4",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x180:rate=25:duration=0.4,setsar=2",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
    )
    poster = make_poster(anamorphic, tmp_path, ffmpeg, width=333)
    assert (poster.width, poster.height) == (332, 186)  # 16:9 as shown; even, not wider


def test_jpeg_named_jpg_as_source(tmp_path: Path, ffmpeg: str, made: Callable[..., Path]) -> None:
    """ffmpeg would pick the refused image2 demuxer by the name; the builder forces jpeg_pipe."""
    image = made(
        "still.jpg", "-f", "lavfi", "-i", "color=c=blue:size=320x240", "-frames:v", "1", "-update", "1"
    )
    poster = make_poster(image, tmp_path, ffmpeg, width=160)
    assert (poster.width, poster.height) == (160, 120)
    assert close(pixel(rgb_bytes(poster, 160, 120), 80, 60), (0, 0, 255))


def test_nothing_to_show(tmp_path: Path) -> None:
    facts = MediaFacts("matroska,webm", 2.0, 1000)
    with pytest.raises(ValueError, match="neither a picture nor sound"):
        poster_args(tmp_path / "in.mkv", facts, tmp_path / "out")


def test_song_facts_need_no_video(tmp_path: Path) -> None:
    facts = MediaFacts("mov,mp4,m4a,3gp,3g2,mj2", 2.0, 1000, audio=AudioFacts("aac", 2, 48000))
    args = poster_args(tmp_path / "in.m4a", facts, tmp_path / "out", width=1280)
    graph = args[args.index("-filter_complex") + 1]
    assert "showwavespic" in graph and "s=1280x720" in graph and "-ss" not in args
