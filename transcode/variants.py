"""ffmpeg argument lists for Tolk's variants of a film or song: pure functions, no ffmpeg run.

Variants:

- ``web``: H.264 (yuv420p, even size, square pixels, rotation applied) and AAC in MP4 with
  ``+faststart`` and a keyframe every 2 s. A source whose picture browsers already play
  (``web_is_remux``: such H.264 in MP4, MOV, Matroska or WebM) is remuxed into MP4 instead
  (the picture copied; sound other than AAC encoded to AAC, which costs little), and a
  song's ``web`` variant is its sound alone.
- ``captioned``: the captions burned in (``transcode.burnin``).
- ``signed``: the interpreter as picture-in-picture, with the film's sound.
- ``signed+captioned``: both, the captions beside (or above) the signer, never over it.
- ``described`` and ``…+described``: as the kind without it, with the audio description
  voiced and mixed into the sound (``transcode.describe``); ``described`` alone copies the
  picture where ``web`` does. ``described+extended`` holds the picture where a description
  is longer than its cue, and is longer than the film by those holds.

A song without pictures gets one: its cover image (else its waveform) on a dark canvas in
the room the signer leaves; the signer is then as tall as the safe area.

All variants ordered together come from ONE ffmpeg run: every input is decoded once, the
picture is split between the outputs, and each output has its own encoder (the encoder is
the floor of the cost: docs/architecture.md, "Measured ffmpeg facts", has the measurements).
A film ordered as all four::

    [0:v] -> scale/setsar/format (only if needed) -> split=2 -> split=2 -> web
                                                  |                   -> ass (safe area) -> captioned
                                                  -> overlay -> split=2 -> signed
                                    [signer] --------^                  -> ass (beside signer) -> s+c
    [1:v] (-ss/-t: the offset window) -> crop -> scale to the signer's box -> key -> setpts -> fps
    key:  format=yuv420p -> extractplanes=y+u+v (gray) -> lut2 (alpha) -> scale to full size
                                                          -> lut2 (despilled U), lut2 (despilled V)
          -> mergeplanes (Y, U', V', alpha) = yuva420p   (all gray in between: no conversion)
    [0:a] -> copied if AAC, else AAC per output

The key is a lookup table on the chroma planes at chroma resolution (the finest colour detail
a yuv420p recording has); on 2 cores it costs about a tenth of ffmpeg's ``chromakey`` filter.
The graph runs in one thread (``-filter_complex_threads 1``) and the interpreter is decoded
by one: slice and frame threads on pictures this small cost more CPU time than they save.
Several encoders in one run share x264's thread budget for one (``EncoderSettings.x264_threads``):
they keep the cores busy without frame threads, which cost CPU time to hand frames over.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import ffmpeg

from transcode.burnin import ass_filter_path, cues_to_ass
from transcode.captions import Cue
from transcode.describe import (
    DescriptionPlan,
    RecordedDescription,
    VoicedDescription,
    described_sound,
    extended_streams,
    open_clip,
    plan_descriptions,
    plan_recording,
)
from transcode.facts import MediaFacts, VideoFacts
from transcode.kinds import X264_PRESETS, VariantKind, X264Preset
from transcode.layout import (
    Box,
    ChromaKey,
    InterpreterLayout,
    caption_area,
    interpreter_window,
    place_signer,
    shown_aspect,
)
from transcode.safety import file_url, input_options

SONG_PICTURE_SIZE = (1280, 720)
SONG_FRAME_RATE = Fraction(25)
SONG_BACKGROUND = "0x1b1b1b"
WAVEFORM_COLOUR = "0xd8d8d8"
SIGNER_OUTLINE_COLOUR = "0x33ccff"
CAPTION_OUTLINE_COLOUR = "yellow"
# Chroma distances are normalised as ffmpeg's chromakey does: the largest possible
# difference of two (U, V) pairs, 255 * sqrt(2), is 1.
_CHROMA_SCALE = 255 * math.sqrt(2)
_GLOBAL_ARGS = ["-hide_banner", "-nostdin", "-y"]
# The filter graphs work on small pictures (a signer's box, caption boxes): slicing each frame
# between threads cost more in handing over than it saved (about 0.1 CPU s per minute of
# film, bench/variants.py). The graph still runs in a thread of its own beside the decoders
# and the encoders.
_GRAPH_THREADS = ["-filter_complex_threads", "1"]

Stream = Any  # an ffmpeg-python stream (the library has no type hints)


@dataclass(frozen=True)
class MediaFile:
    """A file and what ``transcode.probe.probe`` found in it."""

    path: Path
    facts: MediaFacts


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity, as x264 counts them)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity on this platform
        return os.cpu_count() or 1


@dataclass(frozen=True)
class EncoderSettings:
    """libx264 and AAC settings shared by every re-encoded output. ``cores`` is what the
    run's encoders share between them (``x264_threads``); it changes no picture."""

    preset: X264Preset = "veryfast"
    crf: int = 23
    keyframe_seconds: float = 2.0
    audio_bitrate: str = "128k"
    cores: int = field(default_factory=available_cores)

    def __post_init__(self) -> None:
        if self.preset not in X264_PRESETS:
            raise ValueError(f"x264 preset must be one of {', '.join(X264_PRESETS)}, not {self.preset!r}")
        if not (isinstance(self.crf, int) and 0 <= self.crf <= 51):
            raise ValueError(f"crf must be a whole number from 0 to 51, not {self.crf!r}")
        if not 0.5 <= self.keyframe_seconds <= 10:
            raise ValueError(f"keyframe interval must be from 0.5 to 10 s, not {self.keyframe_seconds!r}")
        if not (isinstance(self.cores, int) and self.cores >= 1):
            raise ValueError(f"cores must be a whole number of at least 1, not {self.cores!r}")

    def x264_threads(self, encoders: int) -> int | None:
        """Threads for each of ``encoders`` libx264 encoders in one run: None (x264's own
        choice, 1.5 per core) for one; for more, that budget shared between them, at least
        one each. Three encoders of 3 frame threads each on 2 cores took 3 to 5 % more CPU
        time than one thread each (bench/variants.py (b), issue 15): frame threads cost CPU
        time to hand over, and with several encoders the cores are busy without them."""
        if encoders <= 1:
            return None
        return max(1, 3 * self.cores // (2 * encoders))


@dataclass(frozen=True)
class VariantJob:
    """Everything one ffmpeg run needs to make the variants ordered together.

    ``outputs`` maps each variant to the (temporary) file it is written to; they are MP4
    whatever their names. ``cues`` are burned into the captioned variants, from ASS files
    written to ``work_dir``. ``cover`` is a song's picture (its waveform is drawn when there
    is none), on a picture of ``song_picture_size``. ``descriptions`` are the voiced
    description cues the described variants mix in, the voice raised by ``voice_gain_db``
    (``transcode.describe.voice_gain_db``: as loud as the programme). ``recording``, a
    describer's recording, takes their place in the described variants that are not extended
    (a recording has no cue ends to hold the picture at, so ``described+extended`` voices text).
    """

    source: MediaFile
    outputs: Mapping[VariantKind, Path]
    interpreter: MediaFile | None = None
    layout: InterpreterLayout = field(default_factory=InterpreterLayout)
    cues: Sequence[Cue] = ()
    work_dir: Path | None = None
    cover: MediaFile | None = None
    song_picture_size: tuple[int, int] = SONG_PICTURE_SIZE
    encoder: EncoderSettings = field(default_factory=EncoderSettings)
    descriptions: Sequence[VoicedDescription] = ()
    voice_gain_db: float = 0.0
    recording: RecordedDescription | None = None


@dataclass(frozen=True)
class VariantPlan:
    """One ffmpeg run: its arguments (without the binary), the caption files it reads and
    the length of its outputs (for progress). Write the caption files before the run: their
    contents depend on each output's layout, so the plan makes them."""

    args: list[str]
    caption_files: dict[Path, str]
    duration: float

    def write_caption_files(self) -> None:
        for path, text in self.caption_files.items():
            path.write_text(text, encoding="utf-8")


# Containers from which a browser-playable H.264 picture is copied into MP4 as it is (PyAV's
# names): MP4 and MOV share a demuxer, Matroska and WebM another.
REMUX_CONTAINERS = frozenset({"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"})


def web_is_remux(facts: MediaFacts) -> bool:
    """True when the ``web`` variant of a source with these facts needs no re-encode: a song
    (its sound alone), or a film whose picture browsers play in MP4 (H.264 in yuv420p, no
    rotation, square pixels) in one of ``REMUX_CONTAINERS``. Only the sound may be encoded.

    Other codecs browsers play (VP9, AV1) are not copied: not every browser plays them in MP4.
    """
    if not facts.has_video:
        return True
    video = facts.video
    assert video is not None
    return (
        facts.container in REMUX_CONTAINERS
        and video.codec == "h264"
        and video.pixel_format == "yuv420p"
        and video.rotation == 0
        and abs(video.sample_aspect_ratio - 1.0) < 1e-3
    )


def build_variants(job: VariantJob) -> VariantPlan:
    """The one ffmpeg run that makes every variant in ``job.outputs`` (see the module doc)."""
    outputs = {_kind(kind): Path(path) for kind, path in job.outputs.items()}
    _check_job(job, outputs)
    facts = job.source.facts
    is_song = not facts.has_video
    width, height = _picture_size(facts, job.song_picture_size)
    source_input = _open(job.source.path)
    remux_web = web_is_remux(facts)
    copied = (VariantKind.WEB, VariantKind.DESCRIBED)  # the picture copied where it can be
    drawn = [kind for kind in outputs if not (kind in copied and remux_web)]

    signer_box = None
    if any(kind.has_signer for kind in drawn):
        assert job.interpreter is not None
        signer_box = _signer_box(job.interpreter, job.layout, width, height, large=is_song)
    # Variants with and without the signer: a song's picture differs between the two.
    groups = {
        with_signer: [kind for kind in drawn if kind.has_signer == with_signer]
        for with_signer in (False, True)
        if any(kind.has_signer == with_signer for kind in drawn)
    }
    bases = (
        _base_pictures(
            job.source,
            source_input,
            job.cover,
            width,
            height,
            {with_signer: signer_box if with_signer else None for with_signer in groups},
        )
        if groups
        else {}
    )
    caption_files: dict[Path, str] = {}
    pictures: dict[VariantKind, Stream] = {}
    for with_signer, kinds in groups.items():
        picture = bases[with_signer]
        if with_signer:
            assert job.interpreter is not None and signer_box is not None
            window = interpreter_window(facts.duration, job.interpreter.facts.duration, job.layout.offset)
            recording = _open(
                job.interpreter.path,
                skip=window.skip,
                length=window.length,
                threads=_recording_threads(job.interpreter.facts),
            )
            signer = _signer(
                recording,
                job.interpreter.facts,
                job.layout,
                signer_box,
                _frame_rate(facts),
                start=window.start,
            )
            picture = _overlay(picture, signer, signer_box)
        for kind, copy in zip(kinds, _fan_out(picture, len(kinds)), strict=True):
            if kind.has_captions:
                assert job.work_dir is not None
                area = caption_area(width, height, signer_box if with_signer else None)
                ass_path = Path(job.work_dir).resolve() / (
                    "captions-beside-signer.ass" if with_signer else "captions.ass"
                )
                caption_files[ass_path] = cues_to_ass(job.cues, width, height, area)
                copy = copy.filter("ass", filename=ass_filter_path(ass_path))
            pictures[kind] = copy

    sounds, plans = _described_sounds(job, outputs, source_input, pictures)
    threads = job.encoder.x264_threads(len(pictures))
    rendered = [
        _encoded_output(pictures[kind], source_input, facts, path, job.encoder, sounds.get(kind), threads)
        if kind in pictures
        else _remuxed_output(source_input, facts, path, job.encoder, sounds.get(kind))
        for kind, path in outputs.items()
    ]
    args = _GLOBAL_ARGS + _GRAPH_THREADS + ffmpeg.merge_outputs(*rendered).get_args()
    longest = max([facts.duration, *(plan.duration for plan in plans)])
    return VariantPlan(args, caption_files, longest)


def _described_sounds(
    job: VariantJob,
    outputs: Mapping[VariantKind, Path],
    source_input: Stream,
    pictures: dict[VariantKind, Stream],
) -> tuple[dict[VariantKind, Stream], list[DescriptionPlan]]:
    """The described sound of each described output (and, for an extended one, its picture
    with the holds put in, replaced in ``pictures``): one mix per timeline, split between
    the outputs that share it."""
    facts = job.source.facts
    described = [kind for kind in outputs if kind.has_descriptions]
    if not described:
        return {}, []
    fps = _frame_rate(facts)
    timelines = [
        (extended, [kind for kind in described if kind.is_extended == extended])
        for extended in (False, True)
        if any(kind.is_extended == extended for kind in described)
    ]
    recorded = job.recording
    plans = [
        plan_recording(recorded.path, recorded.duration, recorded.speech, facts.duration)
        if recorded is not None and not extended
        else plan_descriptions(job.descriptions, facts.duration, extended=extended, frame_rate=fps)
        for extended, _ in timelines
    ]
    gains = [
        recorded.gain_db if recorded is not None and not extended else job.voice_gain_db
        for extended, _ in timelines
    ]
    # Each timeline mixes its own copy of the programme and of every clip (split once).
    count = len(timelines)
    programmes = (
        _fan_out(source_input["a:0"], count, audio=True) if facts.audio is not None else [None] * count
    )
    # A clip is opened once and split between the timelines that play it.
    users = Counter(clip.path for plan in plans for clip in plan.clips)
    clip_copies = {
        path: iter(_fan_out(open_clip(path)["a:0"], uses, audio=True)) for path, uses in users.items()
    }
    sounds: dict[VariantKind, Stream] = {}
    for index, ((extended, kinds), plan) in enumerate(zip(timelines, plans, strict=True)):
        sound = programmes[index]
        if extended:
            # One extended kind (described+extended): its picture carries the holds.
            (kind,) = kinds
            pictures[kind], sound = extended_streams(pictures[kind], sound, plan.holds, facts.duration)
        clips = [next(clip_copies[clip.path]) for clip in plan.clips]
        mix = described_sound(sound, clips, plan, gain_db=gains[index])
        sounds.update(zip(kinds, _fan_out(mix, len(kinds), audio=True), strict=True))
    return sounds, plans


def layout_preview_args(
    source: MediaFile,
    interpreter: MediaFile,
    layout: InterpreterLayout,
    at_seconds: float,
    output_png: Path,
    *,
    cover: MediaFile | None = None,
    song_picture_size: tuple[int, int] = SONG_PICTURE_SIZE,
) -> list[str]:
    """ffmpeg arguments for one PNG of ``source`` at ``at_seconds`` with the signer placed
    and keyed as ``layout`` says, and the signer's box and the caption area outlined. When
    the offset leaves the signer out at that moment, the outlines are drawn alone."""
    facts = source.facts
    if not 0 <= at_seconds <= facts.duration:
        raise ValueError(f"preview time {at_seconds:g} s is outside the source (0 to {facts.duration:g} s)")
    if not interpreter.facts.has_video:
        raise ValueError("the interpreter recording has no moving picture")
    _check_cover(cover)
    width, height = _picture_size(facts, song_picture_size)
    box = _signer_box(interpreter, layout, width, height, large=not facts.has_video)
    source_input = _open(source.path, skip=at_seconds, length=1.0)
    picture = _base_pictures(source, source_input, cover, width, height, {True: box})[True]
    into_recording = at_seconds - layout.offset
    if 0 <= into_recording < interpreter.facts.duration:
        recording = _open(interpreter.path, skip=into_recording, length=1.0)
        signer = _signer(recording, interpreter.facts, layout, box, _frame_rate(facts), start=0)
        picture = _overlay(picture, signer, box)
    thickness = max(2, height // 180)
    for outline, colour in (
        (box, SIGNER_OUTLINE_COLOUR),
        (caption_area(width, height, box).box, CAPTION_OUTLINE_COLOUR),
    ):
        picture = picture.drawbox(
            outline.x, outline.y, outline.width, outline.height, colour, thickness=thickness
        )
    output = ffmpeg.output(
        picture, file_url(output_png), f="image2", update=1, **{"frames:v": 1, "c:v": "png"}
    )
    return _GLOBAL_ARGS + output.get_args()


# --- checks ----------------------------------------------------------------------------------


def _kind(value: VariantKind | str) -> VariantKind:
    try:
        return VariantKind(value)
    except ValueError:
        choices = ", ".join(kind.value for kind in VariantKind)
        raise ValueError(f"unknown variant {value!r}: choose from {choices}") from None


def _check_job(job: VariantJob, outputs: Mapping[VariantKind, Path]) -> None:
    if not outputs:
        raise ValueError("no variants ordered")
    if len({path.resolve() for path in outputs.values()}) != len(outputs):
        raise ValueError("each variant needs its own output file")
    facts = job.source.facts
    if not facts.has_video and facts.audio is None:
        raise ValueError("the source has neither a moving picture nor sound")
    if facts.duration <= 0:
        raise ValueError("the source has no duration")
    if any(kind.has_signer for kind in outputs):
        if job.interpreter is None:
            raise ValueError("a signed variant needs an interpreter recording")
        if not job.interpreter.facts.has_video:
            raise ValueError("the interpreter recording has no moving picture")
    # A recording serves the described kinds but the extended one, which needs voiced cues.
    described = [kind for kind in outputs if kind.has_descriptions]
    needs_cues = job.recording is None or any(kind.is_extended for kind in described)
    if described and needs_cues and not job.descriptions:
        raise ValueError("a described variant needs voiced descriptions")
    if any(kind.has_captions for kind in outputs):
        if not job.cues:
            raise ValueError("a captioned variant needs captions")
        if job.work_dir is None:
            raise ValueError("a captioned variant needs a work directory for its caption file")
    _check_cover(job.cover)


def _check_cover(cover: MediaFile | None) -> None:
    if cover is not None and not (cover.facts.video and cover.facts.video.is_still_image):
        raise ValueError("the cover must be a still image (PNG, JPEG, WebP, GIF or BMP)")


# --- inputs and pictures ---------------------------------------------------------------------


def _open(
    path: Path,
    *,
    skip: float = 0.0,
    length: float | None = None,
    demuxer: str | None = None,
    threads: int | None = None,
) -> Stream:
    """An input of user media (file protocol, known demuxers only), optionally a window, and
    optionally decoded by ``threads`` threads."""
    options: dict[str, Any] = dict(input_options())
    if threads is not None:
        options["threads"] = threads
    if skip > 0:
        options["ss"] = f"{skip:.3f}"  # input seeking: accurate, and skips the decoding
    if length is not None:
        options["t"] = f"{length:.3f}"
    if demuxer is not None:
        options["f"] = demuxer
    return ffmpeg.input(file_url(path), **options)


# Up to full HD, one thread decodes a recording faster than the film is encoded.
_ONE_THREAD_PIXELS = 1920 * 1088


def _recording_threads(facts: MediaFacts) -> int | None:
    """Decoding threads for the interpreter recording: one up to full HD (a decoder's frame
    threads cost CPU time to hand frames over while x264 keeps every core busy anyway), else
    ffmpeg's choice, so that a 4K recording does not hold the encoders back."""
    video = facts.video
    if video is not None and video.width * video.height <= _ONE_THREAD_PIXELS:
        return 1
    return None


def _picture_size(facts: MediaFacts, song_picture_size: tuple[int, int]) -> tuple[int, int]:
    """The output picture: the film as displayed (even sizes), or the size made for a song."""
    if facts.has_video:
        assert facts.video is not None
        width, height = facts.video.display_size
    else:
        width, height = song_picture_size
    width, height = width - width % 2, height - height % 2
    if width < 64 or height < 64:
        raise ValueError(f"the picture is too small for variants: {width}x{height} pixels")
    return width, height


def _frame_rate(facts: MediaFacts) -> Fraction:
    """The outputs' frame rate: the film's (29.97 as 30000/1001), or 25 for a song."""
    if facts.has_video and facts.video is not None and facts.video.frame_rate > 0:
        return Fraction(facts.video.frame_rate).limit_denominator(1001)
    return SONG_FRAME_RATE


def _base_pictures(
    source: MediaFile,
    source_input: Stream,
    cover: MediaFile | None,
    width: int,
    height: int,
    signer_boxes: Mapping[bool, Box | None],
) -> dict[bool, Stream]:
    """The picture under the signer and captions, per group of variants (keyed as
    ``signer_boxes``: with a signer or not). A film gives the same picture to both groups;
    a song gets one made per group, since the signer takes room from its cover."""
    if source.facts.has_video:
        film = _film_picture(source_input, source.facts, width, height)
        return dict(zip(signer_boxes, _fan_out(film, len(signer_boxes)), strict=True))
    if cover is not None:
        backdrops = _fan_out(_open(cover.path, demuxer=cover.facts.container)["v:0"], len(signer_boxes))
    else:
        backdrops = _fan_out(source_input["a:0"], len(signer_boxes), audio=True)
    canvas = ffmpeg.input(
        f"color=c={SONG_BACKGROUND}:s={width}x{height}:r={SONG_FRAME_RATE}:d={source.facts.duration:.3f}",
        f="lavfi",
    )
    return {
        # The cover or waveform goes where the signer leaves room (as the captions do).
        with_signer: _song_picture(
            canvas_copy, backdrop, cover is not None, caption_area(width, height, box).box
        )
        for (with_signer, box), canvas_copy, backdrop in zip(
            signer_boxes.items(), _fan_out(canvas, len(signer_boxes)), backdrops, strict=True
        )
    }


def _film_picture(source_input: Stream, facts: MediaFacts, width: int, height: int) -> Stream:
    """The film's picture as every output needs it: even size, square pixels, yuv420p.

    ffmpeg applies the rotation itself while decoding (autorotate). Each step is added only
    when the film needs it: scaling the full picture costs about as much as decoding it.
    """
    video = facts.video
    assert video is not None
    picture = source_input["v:0"]
    if (width, height) != _decoded_size(video) or abs(video.sample_aspect_ratio - 1.0) > 1e-3:
        picture = picture.filter("scale", width, height).filter("setsar", 1)
    if video.pixel_format != "yuv420p":
        picture = picture.filter("format", "yuv420p")
    return picture


def _decoded_size(video: VideoFacts) -> tuple[int, int]:
    """The frames' size as the filter graph gets them: ffmpeg has applied the rotation."""
    return (video.height, video.width) if video.rotation % 180 else (video.width, video.height)


def _song_picture(canvas: Stream, backdrop: Stream, is_cover: bool, room: Box) -> Stream:
    """A picture for a song: on a dark ``canvas``, the cover (or the waveform of
    ``backdrop``, the song's sound) centred in ``room``."""
    if is_cover:
        art = backdrop.filter(
            "scale",
            room.width,
            room.height,
            force_original_aspect_ratio="decrease",
            force_divisible_by=2,
        )
        # The cover is one frame: overlay repeats it (eof_action=repeat) to the canvas's end.
        picture = ffmpeg.overlay(
            canvas,
            art,
            x=f"{room.x}+({room.width}-overlay_w)/2",
            y=f"{room.y}+({room.height}-overlay_h)/2",
        )
    else:
        waves = backdrop.filter(
            "showwaves",
            s=f"{room.width}x{room.height}",
            mode="cline",
            rate=SONG_FRAME_RATE,
            colors=WAVEFORM_COLOUR,
        )
        picture = ffmpeg.overlay(canvas, waves, x=room.x, y=room.y, eof_action="pass")
    return picture.filter("format", "yuv420p")


# --- the signer ------------------------------------------------------------------------------


def _signer_box(
    interpreter: MediaFile, layout: InterpreterLayout, width: int, height: int, *, large: bool
) -> Box:
    video = interpreter.facts.video
    assert video is not None
    return place_signer(width, height, shown_aspect(video.display_size, layout.crop), layout, large=large)


def _signer(
    recording: Stream,
    facts: MediaFacts,
    layout: InterpreterLayout,
    box: Box,
    fps: Fraction,
    *,
    start: float,
) -> Stream:
    """The interpreter as drawn on the film: cropped, scaled to ``box``, keyed, starting
    ``start`` seconds into the film, at the film's frame rate.

    Cropping first is free (it only moves plane pointers) and leaves less to scale; scaling
    before keying leaves less to key. Frames are duplicated to the film's rate last, after
    all per-pixel work.
    """
    video = facts.video
    assert video is not None
    signer = recording["v:0"]
    if layout.crop is not None:
        crop = layout.crop.in_pixels(*_decoded_size(video))
        signer = signer.crop(crop.x, crop.y, crop.width, crop.height)
    # Bilinear: downscaling a person by 2-3x shows no difference to bicubic, at less cost.
    signer = signer.filter("scale", box.width, box.height, flags="bilinear").filter("setsar", 1)
    if layout.key is not None:
        signer = _keyed(signer, layout.key, box)
    return signer.setpts(f"PTS-STARTPTS+{start:.3f}/TB").filter("fps", fps)


def _keyed(signer: Stream, key: ChromaKey, box: Box) -> Stream:
    """``signer`` with the key colour transparent and its spill taken out (yuva420p).

    Lookup tables on the U and V planes (``lut2``: 256x256 entries, computed once): alpha
    from the distance to the key colour, scaled up to the luma size; despill removes the
    part of each colour that points towards the key's hue.

    Every plane stays ``gray`` from ``extractplanes`` to ``mergeplanes``: mergeplanes wants
    one format on all its inputs, so a yuv420p picture among them made ffmpeg convert each
    chroma plane to yuv420p (full to limited range: the colours came out faded, at twice
    the cost of the key itself).
    """
    planes = signer.filter("format", "yuv420p").filter_multi_output("extractplanes", "y+u+v")
    # Each chroma plane feeds the alpha and then either its despill table or the merge as it is.
    copies = 3 if key.despill > 0 else 2
    u_planes, v_planes = _fan_out(planes[1], copies), _fan_out(planes[2], copies)
    alpha = ffmpeg.filter([u_planes[0], v_planes[0]], "lut2", c0=_alpha_expression(key))
    alpha = alpha.filter("scale", box.width, box.height, flags="bilinear")
    if key.despill == 0:
        new_u, new_v = u_planes[1], v_planes[1]
    else:
        new_u, new_v = (
            ffmpeg.filter([u, v], "lut2", c0=expression)
            for u, v, expression in zip(u_planes[1:], v_planes[1:], _despill_expressions(key), strict=True)
        )
    return ffmpeg.filter(
        [planes[0], new_u, new_v, alpha],
        "mergeplanes",
        format="yuva420p",
        map0s=0,
        map0p=0,
        map1s=1,
        map1p=0,
        map2s=2,
        map2p=0,
        map3s=3,
        map3p=0,
    )


def _alpha_expression(key: ChromaKey) -> str:
    """lut2 expression, x = U and y = V: 0 (transparent) near the key colour, 255 beyond."""
    key_u, key_v = key.chroma
    distance = f"hypot(x-{key_u:.2f},y-{key_v:.2f})/{_CHROMA_SCALE:.3f}"
    if key.blend > 0:
        return f"255*clip(({distance}-{key.similarity:g})/{key.blend:g},0,1)"
    return f"255*gte({distance},{key.similarity:g})"


def _despill_expressions(key: ChromaKey) -> tuple[str, str]:
    """lut2 expressions (x = U, y = V) for the despilled U and V: the component of the
    colour along the key's hue, when positive, is taken out (times ``despill``)."""
    key_u, key_v = key.chroma
    length = math.hypot(key_u - 128, key_v - 128)
    along_u, along_v = (key_u - 128) / length, (key_v - 128) / length
    spill = f"{key.despill:g}*max(0,(x-128)*{along_u:.4f}+(y-128)*{along_v:.4f})"
    return (
        f"clip(x-{spill}*{along_u:.4f},0,255)",
        f"clip(y-{spill}*{along_v:.4f},0,255)",
    )


def _overlay(picture: Stream, signer: Stream, box: Box) -> Stream:
    # eof_action=pass: when the recording ends before the film, the film goes on alone.
    return ffmpeg.overlay(picture, signer, x=box.x, y=box.y, eof_action="pass")


def _fan_out(stream: Stream, count: int, *, audio: bool = False) -> list[Stream]:
    """``count`` uses of one stream: ``split`` (``asplit``) when there is more than one."""
    if count == 1:
        return [stream]
    node = stream.asplit() if audio else stream.split()
    return [node[index] for index in range(count)]


# --- outputs ---------------------------------------------------------------------------------


def _encoded_output(
    picture: Stream,
    source_input: Stream,
    facts: MediaFacts,
    path: Path,
    encoder: EncoderSettings,
    sound: Stream | None = None,
    threads: int | None = None,
) -> Stream:
    fps = _frame_rate(facts)
    video_options: dict[str, Any] = {
        "c:v": "libx264",
        "preset": encoder.preset,
        "crf": encoder.crf,
        "pix_fmt": "yuv420p",
        # Keyframes by time, so they stay 2 s apart whatever the frame rate does; the GOP
        # limit is the frame at (or just after) that time, so it never adds one in between.
        "force_key_frames": f"expr:gte(t,n_forced*{encoder.keyframe_seconds:g})",
        "g": math.ceil(fps * Fraction(encoder.keyframe_seconds)),
    }
    if threads is not None:
        video_options["threads:v"] = threads
    streams = [picture, *_sound(source_input, facts, sound)]
    return ffmpeg.output(
        *streams, file_url(path), **video_options, **_output_options(facts, encoder, mixed=sound is not None)
    )


def _remuxed_output(
    source_input: Stream, facts: MediaFacts, path: Path, encoder: EncoderSettings, sound: Stream | None = None
) -> Stream:
    """The source's own streams in MP4 with faststart: a film browsers play, or a song; with
    ``sound`` (a described mix) in place of the source's."""
    streams = [source_input["v:0"]] if facts.has_video else []
    options = {"c:v": "copy"} if facts.has_video else {}
    return ffmpeg.output(
        *streams,
        *_sound(source_input, facts, sound),
        file_url(path),
        **options,
        **_output_options(facts, encoder, mixed=sound is not None),
    )


def _sound(source_input: Stream, facts: MediaFacts, mixed: Stream | None = None) -> Iterable[Stream]:
    if mixed is not None:
        return [mixed]
    return [source_input["a:0"]] if facts.audio is not None else []


def _output_options(facts: MediaFacts, encoder: EncoderSettings, *, mixed: bool = False) -> dict[str, Any]:
    options: dict[str, Any] = {"f": "mp4", "movflags": "+faststart"}
    if mixed:
        options.update({"c:a": "aac", "b:a": encoder.audio_bitrate, "ar": 48000})
    elif facts.audio is not None:
        # AAC is what MP4 players want: copy it as it is, encode anything else.
        if facts.audio.codec == "aac":
            options["c:a"] = "copy"
        else:
            options.update({"c:a": "aac", "b:a": encoder.audio_bitrate})
    return options
