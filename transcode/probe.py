"""Probe a media file in-process with PyAV and describe it as ``MediaFacts``.

``probe(path)`` opens the file through the same allow-list ffmpeg runs use
(``transcode.safety``), so an HLS playlist or an ffconcat list disguised as ``.mp4`` is
refused before it can open another file. It decodes the first frame of the chosen video and
audio stream (the only way PyAV 18 reads the display-matrix rotation, and a check that the
data decodes at all) and checks that the file is complete without reading it through:

- containers whose index lists every packet (MP4/MOV): the end of the last indexed packet
  must lie inside the file; exact, and no packet data is read;
- other containers that state their length (Matroska, fragmented MP4, FLAC, MP3 with a
  Xing header, ...): seek to the last second and demux (not decode) to the end; the last
  packet must end within 0.75 s of the stated duration.

Still images (PNG, JPEG, WebP, GIF, BMP posters and covers) go through ``probe`` too and
come back with ``video.is_still_image`` set and a duration of 0: one entry point, one set of
errors. Their demuxer is chosen from the file's first bytes, because for a ``.jpg`` name
libavformat would otherwise pick the ``image2`` sequence demuxer, which the allow-list
refuses. ``MediaFacts.container`` then names that demuxer (``jpeg_pipe``, ...): pass it as
ffmpeg's ``-f`` for the same reason.

Rotation is the display matrix's, in degrees counter-clockwise (ffprobe's ``rotation``),
normalised to 0, 90, 180 or 270. The ffmpeg CLI applies it itself (autorotate).

Cost, measured here (2 cores, PyAV 18.1 on FFmpeg 8.1, also right after dropping the page
cache): a 60 s 1280x720 30 fps H.264/AAC MP4 (21 MB) probes in 15-20 ms, as Matroska in
15-20 ms; a 1.1 GB 9 minute 720p MP4 in about 10 ms and as Matroska in about 20 ms. For
comparison, demuxing every packet of that 1.1 GB file takes 2.2 s and decoding its video
31 s (5.4 s for the 60 s file), which is why completeness is judged from the index or the
last second and never from a full read.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from fractions import Fraction
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar

import av
import av.error
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition, Stream
from av.video.stream import VideoStream

from transcode.facts import AudioFacts, MediaFacts, VideoFacts
from transcode.safety import IMAGE_DEMUXERS, file_url, input_options


class ProbeError(ValueError):
    """A file Tolk cannot use as media; ``reason`` is a stable code for the web layer."""

    reason: ClassVar[str] = "probe_failed"

    def __init__(self, message: str, *, filename: str) -> None:
        super().__init__(message)
        self.filename = filename

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # Pickled whole (the file's name too): the service probes in a worker process.
        return functools.partial(type(self), filename=self.filename), (str(self),)


class NotMedia(ProbeError):
    """Not audio, video or an image in an accepted format (text, random bytes, playlists)."""

    reason = "not_media"


class UnsupportedMedia(ProbeError):
    """An accepted container without a usable audio or video stream."""

    reason = "unsupported_media"


class TruncatedMedia(ProbeError):
    """A media file that is cut short or whose data does not decode."""

    reason = "truncated_media"


# First bytes of the formats Tolk accepts: (offset, magic, name, demuxer to force or None).
# A file that starts like one of these but does not open is a damaged or cut-off upload,
# not a wrong kind of file. Images name their single-image demuxer (see the module docstring).
_SIGNATURES: tuple[tuple[int, bytes, str, str | None], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "PNG", "png_pipe"),
    (0, b"\xff\xd8\xff", "JPEG", "jpeg_pipe"),
    (8, b"WEBP", "WebP", "webp_pipe"),
    (0, b"GIF87a", "GIF", "gif"),
    (0, b"GIF89a", "GIF", "gif"),
    *((4, box, "MP4", None) for box in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")),
    (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM", None),
    (0, b"RIFF", "RIFF (AVI/WAV)", None),
    (0, b"OggS", "Ogg", None),
    (0, b"fLaC", "FLAC", None),
    (0, b"ID3", "MP3", None),
    (0, b"FLV", "FLV", None),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "ASF/WMV", None),
)
_HEAD_BYTES = 16
# Enough packets to reach the first frame of every stream of any sane file, few enough
# that a stream of garbage is not read to its end.
_FIRST_FRAME_PACKET_LIMIT = 3000
# The tail check reads the last second; a seek that lands much earlier is inconclusive.
# Stated durations and packet ends differ by a frame or a rounding in sound files, and a cut
# is refused when more than _TAIL_TOLERANCE is missing (always so when the last second is).
_TAIL_SECONDS = 1.0
_TAIL_TOLERANCE = 0.75
_TAIL_PACKET_LIMIT = 5000
_INDEX_ENTRIES_CHECKED = 8


def probe(path: Path, *, name: str | None = None) -> MediaFacts:
    """Describe the media file at ``path``; raise a ``ProbeError`` subclass if it is unusable.

    Its messages call the file ``name`` (the name it was uploaded with, say), by default the
    path's own name.
    """
    path = Path(path)
    name = name or path.name
    size = path.stat().st_size
    if size == 0:
        raise NotMedia(f"not a media file: {name} (the file is empty)", filename=name)
    with path.open("rb") as file:
        head = file.read(_HEAD_BYTES)
    container = _open(path, head, name)
    with container:
        return _describe(container, name, size)


def _sniff(head: bytes) -> tuple[str, str | None] | None:
    """The format name and the demuxer to force for a file starting with ``head``."""
    for offset, magic, name, demuxer in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return name, demuxer
    return None


def _open(path: Path, head: bytes, name: str) -> InputContainer:
    sniffed = _sniff(head)
    try:
        return av.open(file_url(path), format=sniffed[1] if sniffed else None, options=input_options())
    except av.error.FFmpegError as error:
        if isinstance(error, OSError):  # missing file, no permission: not the file's fault
            raise
        if sniffed or isinstance(error, av.error.EOFError):
            raise TruncatedMedia(
                f"incomplete or damaged media file: {name} starts like "
                f"{sniffed[0] if sniffed else 'media'} but cannot be read "
                "(was the upload cut off?)",
                filename=name,
            ) from error
        raise NotMedia(
            f"not a media file: {name} (not an audio, video or image format Tolk accepts)",
            filename=name,
        ) from error


def _describe(container: InputContainer, name: str, size: int) -> MediaFacts:
    video_stream = _pick_video(container)
    audio_stream = container.streams.audio[0] if container.streams.audio else None
    chosen = [stream for stream in (video_stream, audio_stream) if stream is not None]
    if not chosen:
        raise UnsupportedMedia(f"unsupported media: {name} has no audio or video stream", filename=name)
    first_frames = _decode_first_frames(container, chosen, name)
    video = audio = None
    if video_stream is not None:
        first_picture = first_frames[video_stream.index]
        assert isinstance(first_picture, av.VideoFrame)  # decoded from a video stream
        video = _video_facts(container, video_stream, first_picture)
    if audio_stream is not None:
        audio = _audio_facts(audio_stream)
    if video is not None and video.is_still_image and audio is None:
        duration = 0.0
    else:
        duration = _stated_duration(container) or _measured_duration(container, name)
        _check_complete(container, name, size, duration)
    return MediaFacts(
        container=container.format.name,
        duration=round(duration, 3),
        size_bytes=size,
        video=video,
        audio=audio,
    )


def _pick_video(container: InputContainer) -> VideoStream | None:
    """The first moving-picture stream, else the first picture (a song's cover)."""
    streams = list(container.streams.video)
    moving = [stream for stream in streams if not _is_still_picture(stream)]
    chosen = moving or streams
    return chosen[0] if chosen else None


def _is_still_picture(stream: Stream) -> bool:
    """A cover attached to a song or a still-image stream, not a moving picture."""
    return bool(stream.disposition & (Disposition.attached_pic | Disposition.still_image))


def _decode_first_frames(
    container: InputContainer, streams: Sequence[Stream], name: str
) -> dict[int, av.VideoFrame | av.AudioFrame]:
    """The first decoded frame of each stream: proves the data decodes, and carries rotation."""
    for stream in streams:
        if stream.codec_context is None:
            raise UnsupportedMedia(  # no decoder in this FFmpeg build
                f"unsupported media: {name} has {stream.type} in a format Tolk cannot decode",
                filename=name,
            )
    frames: dict[int, av.VideoFrame | av.AudioFrame] = {}
    try:
        # demux() ends with an empty packet per stream, which flushes the decoder.
        for count, packet in enumerate(container.demux(*streams)):
            if packet.stream.index not in frames:
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame | av.AudioFrame):
                        frames[packet.stream.index] = frame
                        break
            if len(frames) == len(streams) or count >= _FIRST_FRAME_PACKET_LIMIT:
                break
    except av.error.FFmpegError as error:
        if isinstance(error, OSError):
            raise
        raise TruncatedMedia(
            f"incomplete or damaged media file: {name} ({error.strerror or error})",
            filename=name,
        ) from error
    for stream in streams:
        if stream.index not in frames:
            raise TruncatedMedia(
                f"incomplete or damaged media file: {name} (its {stream.type} "
                f"({_codec_name(stream)}) does not decode)",
                filename=name,
            )
    return frames


def _codec_name(stream: Stream) -> str:
    # canonical_name is the codec ("mp3"); name is the decoder ("mp3float").
    return stream.codec_context.codec.canonical_name


def _video_facts(container: InputContainer, stream: VideoStream, frame: av.VideoFrame) -> VideoFacts:
    context = stream.codec_context
    still = _is_still_picture(stream) or (container.format.name in IMAGE_DEMUXERS and stream.frames <= 1)
    return VideoFacts(
        codec=_codec_name(stream),
        width=context.width or frame.width,
        height=context.height or frame.height,
        frame_rate=0.0 if still else _frame_rate(stream),
        pixel_format=context.pix_fmt or frame.format.name,
        rotation=round(frame.rotation or 0) % 360,
        sample_aspect_ratio=_ratio(stream.sample_aspect_ratio or context.sample_aspect_ratio),
        is_still_image=still,
    )


def _frame_rate(stream: Stream) -> float:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return round(float(rate), 3) if rate else 0.0


def _ratio(value: Fraction | None) -> float:
    return round(float(value), 6) if value else 1.0


def _audio_facts(stream: AudioStream) -> AudioFacts:
    context = stream.codec_context
    return AudioFacts(
        codec=_codec_name(stream),
        channels=context.channels,
        sample_rate=context.sample_rate,
    )


def _stated_duration(container: InputContainer) -> float | None:
    """Seconds as the container, else the longest stream, states it."""
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    stream_durations = [
        float(stream.duration * stream.time_base)
        for stream in container.streams
        if stream.duration and stream.time_base
    ]
    return max(stream_durations, default=None)


def _measured_duration(container: InputContainer, name: str) -> float:
    """Seconds from the packets themselves, for containers that state no length."""
    container.seek(0)
    end = max(_packet_ends(container), default=None)
    if end is None:
        raise UnsupportedMedia(
            f"unsupported media: {name} (its length cannot be determined)",
            filename=name,
        )
    return end - _start_seconds(container)


def _start_seconds(container: InputContainer) -> float:
    return (container.start_time or 0) / av.time_base


def _packet_ends(container: InputContainer) -> Iterator[float]:
    """The end time (seconds) of each timestamped packet from here to the end of the file."""
    for packet in container.demux():
        if packet.pts is not None and packet.time_base is not None:
            yield float((packet.pts + (packet.duration or 0)) * packet.time_base)


def _check_complete(container: InputContainer, name: str, size: int, duration: float) -> None:
    indexed_end = _indexed_end(container)
    if indexed_end is not None:
        if indexed_end > size:
            raise TruncatedMedia(
                f"incomplete media file: {name} is {size} bytes but its index reaches "
                f"byte {indexed_end} (was the upload cut off?)",
                filename=name,
            )
        return
    missing = _missing_seconds(container, duration)
    if missing is not None and missing > _TAIL_TOLERANCE:
        raise TruncatedMedia(
            f"incomplete media file: {name} says it lasts {duration:.1f} s but its data "
            f"stops {missing:.1f} s or more before that (was the upload cut off?)",
            filename=name,
        )


def _indexed_end(container: InputContainer) -> int | None:
    """Where the last packet ends, when the container indexes every packet (MP4/MOV)."""
    streams = [stream for stream in container.streams if not _is_still_picture(stream)]
    if not streams:
        return None
    ends = []
    for stream in streams:
        entries = stream.index_entries
        count = len(entries)
        if stream.frames <= 0 or count < stream.frames:
            return None
        # Packets are stored in index order, so the last few entries hold the furthest end.
        ends += [
            entries[i].pos + entries[i].size for i in range(max(0, count - _INDEX_ENTRIES_CHECKED), count)
        ]
    return max(ends)


def _missing_seconds(container: InputContainer, duration: float) -> float | None:
    """How much sooner than ``duration`` the packets stop (at least); None if unknown."""
    start = _start_seconds(container)
    target = max(0.0, duration - _TAIL_SECONDS)
    try:
        container.seek(round((start + target) * av.time_base), backward=True, any_frame=True)
        ends = list(islice(_packet_ends(container), _TAIL_PACKET_LIMIT + 1))
    except av.error.FFmpegError as error:
        if isinstance(error, OSError):
            raise
        return None  # a demuxer that cannot seek proves nothing; refusing would be a guess
    if len(ends) > _TAIL_PACKET_LIMIT:
        return None  # the seek landed far too early to tell
    # No packet after the last second's position: the data stops before it.
    data_end = max(ends) - start if ends else target
    return duration - data_end
