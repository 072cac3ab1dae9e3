"""HLS ladders: the ffmpeg arguments that make one (pure), what the made ladder holds, and its
master playlist.

A ladder is one ffmpeg run: the picture is decoded once, ``split`` between the rungs and
scaled once per rung, each rung encoded by its own libx264; the sound is one shared AAC-LC
rendition. Everything is fMP4 (CMAF) with an init segment per rendition. Keyframes are forced
at the same times in every rung (``force_key_frames`` by time, scene-cut keyframes off), so
each segment of each rung starts on a keyframe at the same moment, and players switch rungs
on any segment boundary.

Folder layout (the master playlist is written by Tolk, last, from what was measured)::

    master.m3u8
    360p/index.m3u8  360p/init.mp4  360p/seg-00000.m4s …
    240p/…
    audio/index.m3u8  audio/init.mp4  audio/seg-00000.m4s …

Rungs never exceed the source: the top rung is the source's height (at most 1080), then the
standard heights below it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import ffmpeg
import m3u8

from transcode.facts import MediaFacts
from transcode.kinds import X264_PRESETS, X264Preset
from transcode.safety import file_url, input_options

STANDARD_HEIGHTS = (1080, 720, 480, 360, 240)
MAX_HEIGHT = STANDARD_HEIGHTS[0]
# Peak video bitrate of a rung: 2,800 kbit/s at 1280x720, growing with the 0.75th power of
# its pixels (what common ladders do: 1080p ~5.1 Mbit/s, 480p ~1.5, 360p ~1.0, 240p ~0.54).
_REFERENCE_PIXELS = 1280 * 720
_REFERENCE_KBPS = 2800
AUDIO_GROUP = "audio"
SUBTITLE_GROUP = "subs"
AUDIO_NAME = "audio"
AUDIO_CODECS = "mp4a.40.2"  # AAC-LC, which the ladder always encodes
MASTER_NAME = "master.m3u8"
PLAYLIST_NAME = "index.m3u8"
INIT_NAME = "init.mp4"  # ffmpeg numbers it per rendition (init_0.mp4); playlists name it
SEGMENT_PATTERN = "seg-%05d.m4s"
_GLOBAL_ARGS = ["-hide_banner", "-nostdin", "-y"]


@dataclass(frozen=True)
class Rung:
    """One picture rendition: its folder name (``360p``), size and peak video bitrate."""

    name: str
    width: int
    height: int
    max_kbps: int


@dataclass(frozen=True)
class LadderSettings:
    """Segment length (2 to 6 s; a keyframe starts each) and the encoders' settings."""

    segment_seconds: float = 4.0
    preset: X264Preset = "veryfast"
    crf: int = 23
    audio_kbps: int = 128

    def __post_init__(self) -> None:
        if not 2 <= self.segment_seconds <= 6:
            raise ValueError(f"HLS segments must be 2 to 6 s long, not {self.segment_seconds!r}")
        if self.preset not in X264_PRESETS:
            raise ValueError(f"x264 preset must be one of {', '.join(X264_PRESETS)}, not {self.preset!r}")
        if not (isinstance(self.crf, int) and 0 <= self.crf <= 51):
            raise ValueError(f"crf must be a whole number from 0 to 51, not {self.crf!r}")


@dataclass(frozen=True)
class LadderJob:
    """A ladder of the file at ``source`` (with its probed ``facts``), written into ``out_dir``.
    ``with_audio`` False leaves the sound out (the signer's window is silent)."""

    source: Path
    facts: MediaFacts
    out_dir: Path
    settings: LadderSettings = field(default_factory=LadderSettings)
    with_audio: bool = True


@dataclass(frozen=True)
class LadderPlan:
    """One ffmpeg run, the folders it writes into (make them first) and its length."""

    args: list[str]
    rungs: list[Rung]
    has_audio: bool
    folders: list[Path]
    duration: float
    frame_rate: float

    def make_folders(self) -> None:
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def rung_kbps(width: int, height: int) -> int:
    """The peak video bitrate of a rung of this size, in kbit/s (rounded to 10)."""
    kbps = _REFERENCE_KBPS * (width * height / _REFERENCE_PIXELS) ** 0.75
    return max(100, round(kbps / 10) * 10)


def ladder_rungs(facts: MediaFacts) -> list[Rung]:
    """The rungs for a picture of these facts, largest first, never larger than the source."""
    if not facts.has_video or facts.video is None:
        raise ValueError("an HLS ladder needs a moving picture")
    width, height = facts.video.display_size
    if width < 64 or height < 64:
        raise ValueError(f"the picture is too small for HLS: {width}x{height} pixels")
    top = min(height, MAX_HEIGHT) - min(height, MAX_HEIGHT) % 2
    heights = [top, *(h for h in STANDARD_HEIGHTS if h < top)]
    rungs = []
    for rung_height in heights:
        rung_width = _even(width * rung_height / height)
        rungs.append(Rung(f"{rung_height}p", rung_width, rung_height, rung_kbps(rung_width, rung_height)))
    return rungs


def _frame_rate(facts: MediaFacts) -> Fraction:
    video = facts.video
    assert video is not None
    return Fraction(video.frame_rate).limit_denominator(1001) if video.frame_rate > 0 else Fraction(25)


def build_ladder(job: LadderJob) -> LadderPlan:
    """The one ffmpeg run that writes every rendition of ``job`` (see the module doc)."""
    facts = job.facts
    rungs = ladder_rungs(facts)
    settings = job.settings
    if facts.duration <= 0:
        raise ValueError("the source has no duration")
    source = ffmpeg.input(file_url(job.source), **input_options())
    picture = source["v:0"]
    video = facts.video
    assert video is not None
    if video.pixel_format != "yuv420p":
        picture = picture.filter("format", "yuv420p")
    copies = [picture] if len(rungs) == 1 else [picture.split()[i] for i in range(len(rungs))]
    streams = [
        copy.filter("scale", rung.width, rung.height).filter("setsar", 1)
        for copy, rung in zip(copies, rungs, strict=True)
    ]
    has_audio = job.with_audio and facts.audio is not None
    if has_audio:
        streams.append(source["a:0"])
    fps = _frame_rate(facts)
    options: dict[str, Any] = {
        "c:v": "libx264",
        "preset": settings.preset,
        "crf": settings.crf,
        "pix_fmt": "yuv420p",
        "profile:v": "high",
        # The same keyframe times in every rung, and no others (a scene cut in one rung only
        # would put its keyframes out of step with the rest).
        "force_key_frames": f"expr:gte(t,n_forced*{settings.segment_seconds:g})",
        "g": math.ceil(fps * Fraction(settings.segment_seconds)),
        "sc_threshold": 0,
        "r": str(fps),
        "f": "hls",
        "hls_time": f"{settings.segment_seconds:g}",
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "hls_flags": "independent_segments",
        "hls_fmp4_init_filename": INIT_NAME,
        "hls_segment_filename": file_url(job.out_dir / "%v" / SEGMENT_PATTERN),
        "var_stream_map": " ".join(
            [f"v:{i},name:{rung.name}" for i, rung in enumerate(rungs)]
            + ([f"a:0,name:{AUDIO_NAME}"] if has_audio else [])
        ),
    }
    for index, rung in enumerate(rungs):
        # Capped quality: CRF as the variants use, never above the rung's peak bitrate.
        options[f"maxrate:v:{index}"] = f"{rung.max_kbps}k"
        options[f"bufsize:v:{index}"] = f"{2 * rung.max_kbps}k"
    if has_audio:
        options.update({"c:a": "aac", "b:a": f"{settings.audio_kbps}k", "ac": 2})
    output = ffmpeg.output(*streams, file_url(job.out_dir / "%v" / PLAYLIST_NAME), **options)
    folders = [job.out_dir / rung.name for rung in rungs] + ([job.out_dir / AUDIO_NAME] if has_audio else [])
    return LadderPlan(_GLOBAL_ARGS + output.get_args(), rungs, has_audio, folders, facts.duration, float(fps))


# --- what a made ladder holds ----------------------------------------------------------------


@dataclass(frozen=True)
class Rendition:
    """A made rendition as the master playlist declares it: bitrates in bit/s, measured from
    its segments (peak: the largest segment's rate; average: all of it over its length)."""

    name: str
    codecs: str
    bandwidth: int
    average_bandwidth: int
    width: int = 0
    height: int = 0
    frame_rate: float = 0.0


@dataclass(frozen=True)
class Ladder:
    """A complete ladder: its picture renditions (largest first) and shared sound, if any."""

    renditions: list[Rendition]
    audio: Rendition | None
    duration: float
    segment_seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ladder:
        audio = data.get("audio")
        return cls(
            renditions=[Rendition(**r) for r in data["renditions"]],
            audio=Rendition(**audio) if audio else None,
            duration=data["duration"],
            segment_seconds=data["segment_seconds"],
        )

    @property
    def heights(self) -> list[int]:
        return [r.height for r in self.renditions]


class IncompleteLadder(Exception):
    """A rendition of the ladder is missing, empty or unreadable."""


def avc_codecs(init_segment: bytes) -> str:
    """The RFC 6381 ``avc1.PPCCLL`` string of an init segment's H.264 (from its avcC box)."""
    at = init_segment.find(b"avcC")
    if at < 0 or len(init_segment) < at + 8:
        raise IncompleteLadder("the init segment has no H.264 configuration")
    profile, constraints, level = init_segment[at + 5 : at + 8]
    return f"avc1.{profile:02x}{constraints:02x}{level:02x}"


def _init_segment(folder: Path, playlist: m3u8.M3U8) -> Path:
    maps = playlist.segment_map or []
    uri = maps[0].uri if maps else None
    if not uri or "/" in uri or not (folder / uri).is_file():
        raise IncompleteLadder(f"{folder.name}: the init segment is missing")
    return folder / uri


def _measure(folder: Path) -> tuple[int, int, float, Path]:
    """Peak and average bit/s, the length and the init segment of the rendition in ``folder``."""
    playlist_path = folder / PLAYLIST_NAME
    try:
        playlist = m3u8.loads(playlist_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise IncompleteLadder(f"{folder.name}: no readable playlist ({error})") from error
    if not playlist.is_endlist or not playlist.segments:
        raise IncompleteLadder(f"{folder.name}: the playlist is unfinished")
    init = _init_segment(folder, playlist)
    total_bits = 8 * init.stat().st_size
    peak = 0.0
    length = 0.0
    for segment in playlist.segments:
        path = folder / segment.uri
        if "/" in segment.uri or not path.is_file() or segment.duration <= 0:
            raise IncompleteLadder(f"{folder.name}: segment {segment.uri} is missing")
        bits = 8 * path.stat().st_size
        total_bits += bits
        length += segment.duration
        peak = max(peak, bits / segment.duration)
    return math.ceil(peak), math.ceil(total_bits / length), length, init


def describe_ladder(plan: LadderPlan, out_dir: Path, segment_seconds: float) -> Ladder:
    """What ffmpeg made for ``plan`` in ``out_dir``; raises ``IncompleteLadder`` if any of it is
    missing, so a ladder is only ever described (and published) whole."""
    renditions = []
    duration = 0.0
    for rung in plan.rungs:
        folder = out_dir / rung.name
        peak, average, duration, init = _measure(folder)
        codecs = avc_codecs(init.read_bytes())
        renditions.append(
            Rendition(rung.name, codecs, peak, average, rung.width, rung.height, plan.frame_rate)
        )
    audio = None
    if plan.has_audio:
        peak, average, _, _ = _measure(out_dir / AUDIO_NAME)
        audio = Rendition(AUDIO_NAME, AUDIO_CODECS, peak, average)
    return Ladder(renditions, audio, duration or plan.duration, segment_seconds)


# --- the master playlist -----------------------------------------------------------------------


@dataclass(frozen=True)
class SubtitleRendition:
    """A WebVTT track offered in the master playlist (``uri``: its one-segment playlist)."""

    name: str
    language: str
    uri: str
    default: bool = False
    forced: bool = False


def _quoted(value: str) -> str:
    # Quoted strings in HLS cannot hold a double quote or a line break (RFC 8216, 4.2).
    return '"' + value.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def master_playlist(
    ladder: Ladder,
    *,
    subtitles: Sequence[SubtitleRendition] = (),
    audio_language: str | None = None,
    only_height: int | None = None,
) -> str:
    """The master playlist: every picture rendition (or the one of ``only_height``) with
    BANDWIDTH (picture and sound at their peaks), AVERAGE-BANDWIDTH, RESOLUTION, CODECS and
    FRAME-RATE, the shared sound and the subtitle renditions."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    if ladder.audio is not None:
        language = f",LANGUAGE={_quoted(audio_language)}" if audio_language else ""
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{AUDIO_GROUP}",NAME="{AUDIO_NAME}"{language},'
            f'DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="{AUDIO_NAME}/{PLAYLIST_NAME}"'
        )
    for subtitle in subtitles:
        lines.append(
            f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="{SUBTITLE_GROUP}",NAME={_quoted(subtitle.name)},'
            f"LANGUAGE={_quoted(subtitle.language)},DEFAULT={'YES' if subtitle.default else 'NO'},"
            f"AUTOSELECT=YES,FORCED={'YES' if subtitle.forced else 'NO'},URI={_quoted(subtitle.uri)}"
        )
    sound = ladder.audio
    for rendition in ladder.renditions:
        if only_height is not None and rendition.height != only_height:
            continue
        bandwidth = rendition.bandwidth + (sound.bandwidth if sound else 0)
        average = rendition.average_bandwidth + (sound.average_bandwidth if sound else 0)
        codecs = rendition.codecs + (f",{sound.codecs}" if sound else "")
        attributes = [
            f"BANDWIDTH={bandwidth}",
            f"AVERAGE-BANDWIDTH={average}",
            f"RESOLUTION={rendition.width}x{rendition.height}",
            f'CODECS="{codecs}"',
        ]
        if rendition.frame_rate > 0:
            attributes.append(f"FRAME-RATE={rendition.frame_rate:.3f}")
        if sound is not None:
            attributes.append(f'AUDIO="{AUDIO_GROUP}"')
        if subtitles:
            attributes.append(f'SUBTITLES="{SUBTITLE_GROUP}"')
        lines.append("#EXT-X-STREAM-INF:" + ",".join(attributes))
        lines.append(f"{rendition.name}/{PLAYLIST_NAME}")
    return "\n".join(lines) + "\n"


def subtitle_playlist(track_uri: str, duration: float) -> str:
    """A media playlist of one WebVTT segment: the whole track."""
    return "\n".join(
        [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            f"#EXT-X-TARGETDURATION:{max(1, math.ceil(duration))}",
            "#EXT-X-PLAYLIST-TYPE:VOD",
            f"#EXTINF:{duration:.3f},",
            track_uri,
            "#EXT-X-ENDLIST",
            "",
        ]
    )
