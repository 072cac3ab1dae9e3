"""transcode.probe: facts of good files, refusal of bad ones, no file opened by a playlist."""

from __future__ import annotations

import errno
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import pytest

from transcode.probe import NotMedia, ProbeError, TruncatedMedia, UnsupportedMedia, probe


def cut(source: Path, folder: Path, size: int) -> Path:
    """A copy of ``source`` with only its first ``size`` bytes, as an upload cut off."""
    output = folder / f"cut-{size}-{source.name}"
    output.write_bytes(source.read_bytes()[:size])
    return output


def test_film_facts(film: Path) -> None:
    facts = probe(film)
    assert "mp4" in facts.container.split(",")
    assert facts.duration == pytest.approx(2.0, abs=0.05)
    assert facts.size_bytes == film.stat().st_size
    assert facts.video is not None and facts.audio is not None
    assert (facts.video.codec, facts.video.width, facts.video.height) == ("h264", 320, 180)
    assert facts.video.frame_rate == pytest.approx(25.0)
    assert facts.video.pixel_format == "yuv420p"
    assert (facts.video.rotation, facts.video.sample_aspect_ratio) == (0, 1.0)
    assert not facts.video.is_still_image
    assert (facts.audio.codec, facts.audio.channels, facts.audio.sample_rate) == ("aac", 1, 48000)
    assert facts.has_video and facts.browser_ready
    assert type(facts).from_dict(facts.to_dict()) == facts


def test_song_has_sound_only(song: Path) -> None:
    facts = probe(song)
    assert facts.video is None and not facts.has_video
    assert facts.audio is not None and facts.audio.codec == "aac"
    assert facts.duration == pytest.approx(2.0, abs=0.05)


def test_interpreter_has_picture_only(interpreter: Path) -> None:
    facts = probe(interpreter)
    assert facts.audio is None
    assert facts.video is not None and (facts.video.width, facts.video.height) == (320, 360)


@pytest.mark.parametrize(("display_rotation", "rotation"), [("90", 90), ("-90", 270)])
def test_rotation_from_display_matrix(
    film: Path, made: Callable[..., Path], display_rotation: str, rotation: int
) -> None:
    rotated = made(
        f"rotated{display_rotation}.mp4", "-display_rotation", display_rotation, "-i", str(film), "-c", "copy"
    )
    facts = probe(rotated)
    assert facts.video is not None and facts.video.rotation == rotation
    assert facts.video.display_size == (180, 320)
    assert not facts.browser_ready


def test_non_square_pixels(made: Callable[..., Path]) -> None:
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
    video = probe(anamorphic).video
    assert video is not None and video.sample_aspect_ratio == pytest.approx(2.0)
    assert video.display_size == (320, 180)


@pytest.mark.parametrize(
    ("name", "demuxer"),
    [("poster.jpg", "jpeg_pipe"), ("poster.png", "png_pipe"), ("poster.webp", "webp_pipe")],
)
def test_still_images(made: Callable[..., Path], name: str, demuxer: str) -> None:
    # A .jpg name would make libavformat pick the refused image2 demuxer: probe must not.
    image = made(name, "-f", "lavfi", "-i", "testsrc2=size=320x180", "-frames:v", "1", "-update", "1")
    facts = probe(image)
    assert facts.container == demuxer
    assert facts.duration == 0.0 and facts.audio is None
    assert facts.video is not None and facts.video.is_still_image and not facts.has_video
    assert (facts.video.width, facts.video.height) == (320, 180)


def test_song_with_cover_image(song_with_cover: Path) -> None:
    facts = probe(song_with_cover)
    assert facts.audio is not None and facts.duration == pytest.approx(2.0, abs=0.05)
    assert facts.video is not None and facts.video.is_still_image
    assert not facts.has_video


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("text.mp4", b"This is not a film, just some words.\n" * 20),
        ("random.mp4", os.urandom(64 * 1024)),
        ("empty.mp4", b""),
        ("evil.mp4", b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n/etc/passwd\n#EXT-X-ENDLIST\n"),
        ("list.mp4", b"ffconcat version 1.0\nfile '/etc/passwd'\n"),
    ],
)
def test_not_media(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(NotMedia, match=f"^not a media file: {re.escape(name)}") as caught:
        probe(path)
    assert caught.value.reason == "not_media"
    assert isinstance(caught.value, ProbeError) and isinstance(caught.value, ValueError)


@pytest.fixture
def watched_fifo(tmp_path: Path) -> Iterator[tuple[Path, Callable[[], bool]]]:
    """A named pipe, and a function telling whether anyone opened it for reading.

    A reader opening a FIFO blocks until a writer comes; the watcher keeps trying to open
    it for writing without blocking, which succeeds only while a reader waits.
    """
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)
    stop = threading.Event()
    seen = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError as error:
                if error.errno != errno.ENXIO:
                    raise
                time.sleep(0.002)
            else:
                seen.set()  # closing it gives the reader end-of-file, so it does not hang

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()

    def was_opened() -> bool:
        time.sleep(0.1)
        stop.set()
        watcher.join()
        return seen.is_set()

    yield fifo, was_opened
    stop.set()


def test_watched_fifo_sees_an_unguarded_open(
    tmp_path: Path, watched_fifo: tuple[Path, Callable[[], bool]]
) -> None:
    """The control: without the allow-list, an ffconcat list opens the file it names."""
    fifo, was_opened = watched_fifo
    playlist = tmp_path / "list.mp4"
    playlist.write_text(f"ffconcat version 1.0\nfile '{fifo.name}'\n")
    with pytest.raises(av.error.FFmpegError):
        av.open(str(playlist)).close()
    assert was_opened()


@pytest.mark.parametrize(
    "template",
    [
        "ffconcat version 1.0\nfile '{name}'\n",
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{name}\n#EXT-X-ENDLIST\n",
    ],
)
def test_playlist_never_opens_what_it_names(
    tmp_path: Path, watched_fifo: tuple[Path, Callable[[], bool]], template: str
) -> None:
    fifo, was_opened = watched_fifo
    playlist = tmp_path / "evil.mp4"
    playlist.write_text(template.format(name=fifo.name))
    with pytest.raises(NotMedia):
        probe(playlist)
    assert not was_opened()


def test_no_audio_or_video_stream(tmp_path: Path, made: Callable[..., Path]) -> None:
    captions = tmp_path / "captions.srt"
    captions.write_text("1\n00:00:00,000 --> 00:00:01,000\nHej\n")
    subtitles_only = made("subtitles.mkv", "-i", str(captions), "-c:s", "srt")
    with pytest.raises(UnsupportedMedia, match="has no audio or video stream") as caught:
        probe(subtitles_only)
    assert caught.value.reason == "unsupported_media"


@pytest.mark.parametrize("faststart", [True, False])
@pytest.mark.parametrize("keep", ["half", "1 KB"])
def test_truncated_mp4(
    film: Path, made: Callable[..., Path], tmp_path: Path, faststart: bool, keep: str
) -> None:
    source = film if faststart else made("moov-at-end.mp4", "-i", str(film), "-c", "copy")
    size = source.stat().st_size
    with pytest.raises(TruncatedMedia, match=r"^incomplete") as caught:
        probe(cut(source, tmp_path, size // 2 if keep == "half" else 1024))
    assert caught.value.reason == "truncated_media"
    assert "cut off" in str(caught.value)
    if faststart and keep == "half":  # told from the index alone, without reading packets
        assert f"is {size // 2} bytes but its index reaches byte {size}" in str(caught.value)


def test_truncated_matroska(
    make_media: Callable[..., Path], made: Callable[..., Path], tmp_path: Path
) -> None:
    """Matroska has no full index: the last second is demuxed and found missing."""
    whole = made("six.mkv", "-i", str(make_media("film", duration=6.0)), "-c", "copy")
    assert probe(whole).duration == pytest.approx(6.0, abs=0.1)
    with pytest.raises(TruncatedMedia, match=r"says it lasts 6\.0 s"):
        probe(cut(whole, tmp_path, whole.stat().st_size // 2))


def test_damaged_data(film: Path, tmp_path: Path) -> None:
    """The index is whole but the packets are zeros: the first frames do not decode."""
    data = film.read_bytes()
    start = data.index(b"mdat") + 4
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(data[:start] + bytes(len(data) - start))
    with pytest.raises(TruncatedMedia, match="damaged"):
        probe(damaged)


def test_cut_ogg_is_only_shorter(made: Callable[..., Path], tmp_path: Path) -> None:
    """Ogg measures its length from its last page, so a cut file is whole, just shorter."""
    whole = made("tone.ogg", "-f", "lavfi", "-i", "sine=duration=4", "-c:a", "flac")
    facts = probe(cut(whole, tmp_path, whole.stat().st_size // 2))
    assert 1.0 < facts.duration < 3.0


def test_length_measured_when_not_stated(made: Callable[..., Path], tmp_path: Path) -> None:
    """Cut in half, an ASF file states no length: it is measured from its packets."""
    whole = made("two.wmv", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=2", "-c:v", "wmv2")
    assert probe(whole).duration == pytest.approx(2.0, abs=0.05)
    half = cut(whole, tmp_path, whole.stat().st_size // 2)
    with av.open(str(half)) as container:
        assert container.duration is None  # so probe has to measure
    assert 0.2 < probe(half).duration < 1.5


def test_missing_file_is_not_a_probe_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "nowhere.mp4")
