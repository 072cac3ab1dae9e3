"""Variants made by ffmpeg from the builders' arguments, checked by looking at their frames."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import av
import pytest
from pydantic import ValidationError

from media_service.config import Settings
from transcode.burnin import ass_filter_path, ass_text, ass_timestamp, cues_to_ass
from transcode.captions import Cue
from transcode.facts import MediaFacts, VideoFacts
from transcode.kinds import X264_PRESETS, CaptionKind, VariantKind, spoken_caption_kinds
from transcode.layout import (
    Box,
    CaptionArea,
    ChromaKey,
    InterpreterLayout,
    caption_area,
    place_signer,
)
from transcode.probe import probe
from transcode.runner import run_ffmpeg
from transcode.synthetic import SHIRT
from transcode.variants import (
    EncoderSettings,
    MediaFile,
    VariantJob,
    VariantPlan,
    build_variants,
    layout_preview_args,
)

FILM_SIZE = (320, 180)
INTERPRETER_ASPECT = 320 / 360
KEYED = InterpreterLayout(key=ChromaKey())
SHIRT_RGB = tuple(int(SHIRT[i : i + 2], 16) for i in (2, 4, 6))
# The four kinds made from film, interpreter and captions alone; described kinds are tested
# with voiced descriptions in their own file.
ALL_KINDS = [kind for kind in VariantKind if not kind.has_descriptions]


# --- looking at frames -----------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """One decoded frame as RGB bytes."""

    width: int
    height: int
    stride: int
    data: bytes

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        at = y * self.stride + 3 * x
        red, green, blue = self.data[at : at + 3]
        return red, green, blue

    def pixels(self, box: Box) -> list[tuple[int, int, int]]:
        return [self.pixel(x, y) for y in range(box.y, box.bottom) for x in range(box.x, box.right)]


def _picture(frame: av.VideoFrame) -> Picture:
    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    return Picture(rgb.width, rgb.height, plane.line_size, bytes(plane))


def frame_at(path: Path, seconds: float) -> Picture:
    """The frame shown at ``seconds``."""
    with av.open(str(path)) as container:
        best = None
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time <= seconds + 1e-3:
                best = frame
            else:
                break
        assert best is not None, f"no frame at {seconds} s in {path.name}"
        return _picture(best)


def close(colour: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def mean_difference(first: Picture, second: Picture, box: Box) -> float:
    pairs = zip(first.pixels(box), second.pixels(box), strict=True)
    total = sum(abs(a - b) for one, other in pairs for a, b in zip(one, other, strict=True))
    return total / (3 * box.area)


def chroma_distance_to_key(colour: tuple[int, int, int], key: ChromaKey) -> float:
    """The distance ffmpeg's chromakey (and Tolk's key) measures, for an RGB colour."""
    red, green, blue = colour
    u = 128 + 224 / 255 * (-0.168736 * red - 0.331264 * green + 0.5 * blue)
    v = 128 + 224 / 255 * (0.5 * red - 0.418688 * green - 0.081312 * blue)
    key_u, key_v = key.chroma
    return ((u - key_u) ** 2 + (v - key_v) ** 2) ** 0.5 / (255 * 2**0.5)


def shows_signer(picture: Picture, box: Box) -> bool:
    """The interpreter's dark shirt is where the recording puts it (its lower middle)."""
    return close(picture.pixel(box.x + box.width // 2, box.y + box.height * 7 // 8), SHIRT_RGB, 24)


def shows_film(picture: Picture, film: Picture, box: Box) -> bool:
    return mean_difference(picture, film, box) < 8


def green_pixels(picture: Picture, box: Box) -> int:
    """Pixels in ``box`` near the green key colour (on a grey film nothing else is)."""
    key = ChromaKey()
    return sum(1 for colour in picture.pixels(box) if chroma_distance_to_key(colour, key) < 0.15)


def changed_bounds(picture: Picture, reference: Picture, threshold: int = 60) -> Box | None:
    """The bounding box of the pixels that differ clearly between two frames."""
    xs, ys = [], []
    for y in range(picture.height):
        for x in range(picture.width):
            if not close(picture.pixel(x, y), reference.pixel(x, y), threshold):
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return Box(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)


# --- running -----------------------------------------------------------------------------------


def media(path: Path) -> MediaFile:
    return MediaFile(path, probe(path))


def run(plan: VariantPlan, ffmpeg: str) -> None:
    plan.write_caption_files()
    run_ffmpeg(plan.args, ffmpeg=ffmpeg, duration=plan.duration)


def make(ffmpeg: str, output: Path, *args: str) -> Path:
    """A small file made by ffmpeg from lavfi sources, for cases the shared fixtures lack."""
    subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", *args, str(output)],
        check=True,
        capture_output=True,
    )
    return output


@dataclass(frozen=True)
class AllVariants:
    outputs: dict[VariantKind, Path]
    plan: VariantPlan
    film: Path
    signer: Box
    cue: Cue


@pytest.fixture(scope="module")
def bars_film(make_media: Callable[..., Path]) -> Path:
    """Colour bars: a picture whose re-encoding differs from it only by noise."""
    return make_media("film", pattern="smptebars")


@pytest.fixture(scope="module")
def all_variants(
    bars_film: Path, interpreter: Path, ffmpeg: str, tmp_path_factory: pytest.TempPathFactory
) -> AllVariants:
    """The four variants of a film (colour bars), from one ffmpeg run."""
    film = bars_film
    folder = tmp_path_factory.mktemp("variants")
    outputs = {kind: folder / f"{kind.value}.mp4.part" for kind in ALL_KINDS}
    cue = Cue(600, 1400, "Hej världen")
    job = VariantJob(media(film), outputs, media(interpreter), KEYED, [cue], work_dir=folder)
    plan = build_variants(job)
    run(plan, ffmpeg)
    signer = place_signer(*FILM_SIZE, INTERPRETER_ASPECT, KEYED)
    return AllVariants(outputs, plan, film, signer, cue)


@pytest.fixture(scope="module")
def grey_film(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 s of mid grey, 320x180: no colour near a green screen's, so any green is left over."""
    return make(
        ffmpeg,
        tmp_path_factory.mktemp("grey") / "grey.mp4",
        "-f",
        "lavfi",
        "-i",
        "color=c=0x808080:s=320x180:r=25:d=2",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
    )


# --- one run, many outputs ---------------------------------------------------------------------


def test_variants_ordered_together_are_one_ffmpeg_run(all_variants: AllVariants) -> None:
    args = all_variants.plan.args
    assert args.count("-i") == 2  # the film and the interpreter, each opened once
    assert args.count("-filter_complex") == 1
    outputs = [arg for arg in args if arg.startswith("file:") and arg.endswith(".part")]
    assert len(outputs) == 4
    graph = args[args.index("-filter_complex") + 1]
    assert graph.startswith("[0:v:0]split=2")  # one decode of the film, shared
    assert graph.count("overlay=") == 1  # signed and signed+captioned share the overlay
    assert "chromakey" not in graph
    for option in ("-protocol_whitelist", "-format_whitelist"):
        assert args.count(option) == 2


@pytest.mark.parametrize(("recording_size", "threads"), [((1920, 1080), ["1"]), ((3840, 2160), [])])
def test_the_signer_is_keyed_without_format_conversions_on_one_thread(
    recording_size: tuple[int, int], threads: list[str], tmp_path: Path
) -> None:
    """Pure: the arguments alone. The key's planes stay gray up to mergeplanes (a yuv420p
    input among them made ffmpeg convert the chroma planes, full range to limited); the graph
    runs in one thread, and a recording up to full HD is decoded by one."""
    width, height = recording_size
    film = MediaFacts("mov,mp4,m4a,3gp,3g2,mj2", 10.0, 1, VideoFacts("h264", 1280, 720, 25.0, "yuv420p"))
    recording = MediaFacts(
        "mov,mp4,m4a,3gp,3g2,mj2", 10.0, 1, VideoFacts("h264", width, height, 25.0, "yuv420p")
    )
    job = VariantJob(
        source=MediaFile(tmp_path / "film.mp4", film),
        outputs={VariantKind.SIGNED: tmp_path / "signed.mp4"},
        interpreter=MediaFile(tmp_path / "signer.mp4", recording),
        layout=KEYED,
    )
    args = build_variants(job).args
    assert args[args.index("-filter_complex_threads") + 1] == "1"
    signer_input = args.index("file:" + str((tmp_path / "signer.mp4").resolve()))
    before_signer = args[args.index("file:" + str((tmp_path / "film.mp4").resolve())) : signer_input]
    assert [before_signer[i + 1] for i, arg in enumerate(before_signer) if arg == "-threads"] == threads
    graph = args[args.index("-filter_complex") + 1]
    assert "extractplanes=y+u+v" in graph and "mergeplanes=format=yuva420p" in graph
    assert "split=2" not in graph  # the picture is not split off to join the gray planes


@pytest.mark.parametrize(
    ("kinds", "cores", "threads"),
    [
        # One encoder takes x264's own choice; several share its budget (1.5 threads a core).
        ([VariantKind.SIGNED], 2, []),
        ([VariantKind.WEB, VariantKind.SIGNED], 2, []),  # web is a remux: one encoder
        ([VariantKind.CAPTIONED, VariantKind.SIGNED, VariantKind.SIGNED_CAPTIONED], 2, ["1", "1", "1"]),
        ([VariantKind.CAPTIONED, VariantKind.SIGNED], 2, ["1", "1"]),
        ([VariantKind.CAPTIONED, VariantKind.SIGNED, VariantKind.SIGNED_CAPTIONED], 8, ["4", "4", "4"]),
    ],
)
def test_the_encoders_of_one_run_share_the_cores(
    kinds: list[VariantKind], cores: int, threads: list[str], tmp_path: Path
) -> None:
    """Pure: the arguments alone. Each output's libx264 gets its share of the cores; a run
    with one encoder leaves the choice to x264."""
    film = MediaFacts("mov,mp4,m4a,3gp,3g2,mj2", 10.0, 1, VideoFacts("h264", 1280, 720, 25.0, "yuv420p"))
    recording = MediaFacts("mov,mp4,m4a,3gp,3g2,mj2", 10.0, 1, VideoFacts("h264", 640, 720, 25.0, "yuv420p"))
    job = VariantJob(
        source=MediaFile(tmp_path / "film.mp4", film),
        outputs={kind: tmp_path / f"{kind.value}.mp4" for kind in kinds},
        interpreter=MediaFile(tmp_path / "signer.mp4", recording),
        layout=KEYED,
        cues=[Cue(0, 1000, text="Hej")],
        work_dir=tmp_path,
        encoder=EncoderSettings(cores=cores),
    )
    args = build_variants(job).args
    assert [args[i + 1] for i, arg in enumerate(args) if arg == "-threads:v"] == threads
    with pytest.raises(ValueError, match="cores must be"):
        EncoderSettings(cores=0)


def test_outputs_keep_the_duration_and_sound(all_variants: AllVariants) -> None:
    for kind, path in all_variants.outputs.items():
        facts = probe(path)
        assert facts.duration == pytest.approx(2.0, abs=0.1), kind
        assert facts.audio is not None and facts.audio.codec == "aac", kind
        assert facts.video is not None and facts.video.display_size == FILM_SIZE, kind
        assert facts.browser_ready, kind
        data = path.read_bytes()
        assert data.index(b"moov") < data.index(b"mdat"), f"{kind}: no faststart"


def output_options(args: list[str], path: Path) -> list[str]:
    """The options given for one output: from its first -map to its file name."""
    end = args.index("file:" + str(path))
    previous = [index for index, arg in enumerate(args[:end]) if arg.startswith("file:")]
    options = args[previous[-1] + 1 : end]
    return options[options.index("-map") :]


def test_web_of_a_browser_ready_film_is_a_stream_copy(all_variants: AllVariants) -> None:
    options = output_options(all_variants.plan.args, all_variants.outputs[VariantKind.WEB])
    assert options[options.index("-c:v") + 1] == "copy"
    assert "libx264" not in options and "-filter_complex" not in options


def test_encoded_outputs_are_h264_with_a_keyframe_every_two_seconds(
    all_variants: AllVariants,
) -> None:
    for kind in (VariantKind.CAPTIONED, VariantKind.SIGNED, VariantKind.SIGNED_CAPTIONED):
        options = output_options(all_variants.plan.args, all_variants.outputs[kind])
        assert options[options.index("-c:v") + 1] == "libx264"
        assert options[options.index("-force_key_frames") + 1] == "expr:gte(t,n_forced*2)"
        assert options[options.index("-g") + 1] == "50"  # 2 s at 25 fps
        assert options[options.index("-movflags") + 1] == "+faststart"


# --- signed --------------------------------------------------------------------------------------


def test_signed_shows_the_interpreter_in_its_box_and_the_film_elsewhere(
    all_variants: AllVariants,
) -> None:
    signed = frame_at(all_variants.outputs[VariantKind.SIGNED], 1.0)
    film = frame_at(all_variants.film, 1.0)
    box = all_variants.signer
    assert shows_signer(signed, box)
    assert not shows_film(signed, film, box)
    left_half = Box(0, 0, box.x - 2, FILM_SIZE[1])
    assert shows_film(signed, film, left_half)


def test_keyed_signer_leaves_no_green_and_shows_the_film_around_the_figure(
    all_variants: AllVariants,
) -> None:
    signed = frame_at(all_variants.outputs[VariantKind.SIGNED], 1.0)
    film = frame_at(all_variants.film, 1.0)
    box = all_variants.signer
    # The top corners of the box were green screen: the film shows there now.
    for x in (box.x, box.right - 16):
        assert shows_film(signed, film, Box(x, box.y, 16, 16))


def test_key_leaves_no_green_on_a_grey_film(
    grey_film: Path, interpreter: Path, ffmpeg: str, tmp_path: Path
) -> None:
    output = tmp_path / "signed.mp4"
    run(
        build_variants(VariantJob(media(grey_film), {VariantKind.SIGNED: output}, media(interpreter), KEYED)),
        ffmpeg,
    )
    box = place_signer(*FILM_SIZE, INTERPRETER_ASPECT, KEYED)
    for seconds in (0.0, 0.7, 1.5):
        picture = frame_at(output, seconds)
        assert green_pixels(picture, box) == 0
        assert shows_signer(picture, box)


# --- captions ------------------------------------------------------------------------------------


def test_captioned_changes_the_caption_area_only_while_a_cue_is_shown(
    all_variants: AllVariants,
) -> None:
    captioned = all_variants.outputs[VariantKind.CAPTIONED]
    film = all_variants.film
    area = caption_area(*FILM_SIZE, None).box
    drawn = changed_bounds(frame_at(captioned, 1.0), frame_at(film, 1.0))
    assert drawn is not None, "no caption while the cue is shown"
    assert area.contains(drawn)
    assert drawn.bottom > area.bottom - 8  # on the bottom line
    for seconds in (0.2, 1.8):  # before and after the cue
        assert changed_bounds(frame_at(captioned, seconds), frame_at(film, seconds)) is None


def test_captions_never_cover_the_signer(all_variants: AllVariants) -> None:
    both = frame_at(all_variants.outputs[VariantKind.SIGNED_CAPTIONED], 1.0)
    signed = frame_at(all_variants.outputs[VariantKind.SIGNED], 1.0)
    drawn = changed_bounds(both, signed)
    assert drawn is not None, "no caption drawn"
    assert not drawn.intersects(all_variants.signer)
    assert caption_area(*FILM_SIZE, all_variants.signer).box.contains(drawn)
    assert shows_signer(both, all_variants.signer)


def test_burned_captions_are_readable_escaped_and_read_from_any_path(ffmpeg: str, tmp_path: Path) -> None:
    # A white film: the worst case for white text on a semi-opaque box.
    white = make(
        ffmpeg,
        tmp_path / "white.mp4",
        "-f",
        "lavfi",
        "-i",
        "color=c=white:s=320x180:r=25:d=1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
    )
    nasty = tmp_path / "dir with 'quotes', [brackets]; colons: \\ and = % é"
    nasty.mkdir()
    output = nasty / "out: 'captioned' [1],;.mp4"
    text = "{\\an8}Hej \\N {}"  # an override tag, a backslash escape and braces, as text
    job = VariantJob(media(white), {VariantKind.CAPTIONED: output}, cues=[Cue(0, 1000, text)], work_dir=nasty)
    run(build_variants(job), ffmpeg)
    picture = frame_at(output, 0.5)
    drawn = changed_bounds(picture, Picture(320, 180, 960, b"\xff" * 960 * 180), threshold=30)
    assert drawn is not None
    assert drawn.y > 90, "the {\\an8} in the text moved the caption to the top"
    lines = {len(set(range(drawn.y, drawn.bottom)))}
    assert lines and drawn.height < 30, "the \\N in the text made a second line"
    luminances = sorted(_luminance(colour) for colour in picture.pixels(drawn))
    text_luminance = luminances[-1]
    box_luminance = luminances[len(luminances) // 4]  # most of the box is box, not text
    assert (text_luminance + 0.05) / (box_luminance + 0.05) >= 4.5


def _luminance(colour: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    linear = [
        value / 255 / 12.92 if value / 255 <= 0.04045 else ((value / 255 + 0.055) / 1.055) ** 2.4
        for value in colour
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_ass_text_escapes_what_libass_would_read_as_markup() -> None:
    assert ass_text("a{b}c") == "a\\{b\\}c"
    assert ass_text("C:\\New\\h") == "C:\\\u2060New\\\u2060h"
    assert ass_text("one\r\ntwo\nthree\rfour") == "one\\Ntwo\\Nthree\\Nfour"
    assert ass_text("tab\there\x00") == "tab here"
    assert ass_text("  \n ") == ""


def test_ass_timestamps_are_centiseconds() -> None:
    assert ass_timestamp(0) == "0:00:00.00"
    assert ass_timestamp(61_237) == "0:01:01.24"
    assert ass_timestamp(3_725_500) == "1:02:05.50"
    assert ass_timestamp(-1) == "0:00:00.00"


def test_ass_script_uses_the_output_size_a_box_and_the_caption_area() -> None:
    area = CaptionArea(Box(64, 36, 700, 648))
    script = cues_to_ass(
        [Cue(1000, 2000, "<v Anna>Hej &amp; <i>välkommen</i></v>"), Cue(3000, 4000, "<b></b>")],
        1280,
        720,
        area,
    )
    assert "PlayResX: 1280\nPlayResY: 720\n" in script
    style = next(line for line in script.splitlines() if line.startswith("Style:")).split(",")
    font_size, border_style, padding = int(style[2]), style[15], int(style[16])
    assert font_size == 36  # line height 5 % of 720
    assert border_style == "3"  # a box behind each line
    alignment, margin_left, margin_right, margin_vertical = map(int, style[18:22])
    assert alignment == 2
    assert margin_left == 64 + padding and margin_right == 1280 - 764 + padding
    assert margin_vertical == 720 - 684 + padding
    events = [line for line in script.splitlines() if line.startswith("Dialogue:")]
    assert events == ["Dialogue: 0,0:00:01.00,0:00:02.00,Caption,,0,0,0,,Hej & välkommen"]


def test_caption_file_path_for_the_filter() -> None:
    assert ass_filter_path(Path("/tmp/a: b'[c].ass")) == "/tmp/a: b'[c].ass"
    with pytest.raises(ValueError, match=r"\.ass file"):
        ass_filter_path(Path("/tmp/captions.vtt"))
    with pytest.raises(ValueError, match="whitespace"):
        ass_filter_path(Path("/tmp/captions.ass "))


# --- interpreter timing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "offset", "signer_at", "film_at"),
    [
        (1.0, 0.0, [0.5], [1.5]),  # shorter: the film goes on alone after it
        (1.0, 0.8, [1.2], [0.4, 1.92]),  # later start
        (1.0, -0.5, [0.2], [0.8]),  # the first half second of the recording skipped
        (3.0, 0.0, [1.9], []),  # longer: cut at the film's end
    ],
)
def test_interpreter_timing(
    length: float,
    offset: float,
    signer_at: list[float],
    film_at: list[float],
    film: Path,
    make_media: Callable[..., Path],
    ffmpeg: str,
    tmp_path: Path,
) -> None:
    # 30 fps on a 25 fps film: the recording is brought to the film's rate.
    recording = make_media("interpreter", duration=length, fps=30)
    layout = replace(KEYED, offset=offset)
    output = tmp_path / "signed.mp4"
    run(
        build_variants(VariantJob(media(film), {VariantKind.SIGNED: output}, media(recording), layout)),
        ffmpeg,
    )
    box = place_signer(*FILM_SIZE, INTERPRETER_ASPECT, layout)
    for seconds in signer_at:
        assert shows_signer(frame_at(output, seconds), box), f"no signer at {seconds} s"
    for seconds in film_at:
        assert shows_film(frame_at(output, seconds), frame_at(film, seconds), box), f"signer at {seconds} s"
    facts = probe(output)
    assert facts.duration == pytest.approx(2.0, abs=0.1)
    assert facts.video is not None and Fraction(facts.video.frame_rate) == 25


# --- songs -------------------------------------------------------------------------------------


def test_song_with_a_cover_gets_a_picture_with_the_signer_large(
    song: Path, interpreter: Path, ffmpeg: str, tmp_path: Path
) -> None:
    cover = make(
        ffmpeg, tmp_path / "cover.png", "-f", "lavfi", "-i", "color=c=0xcc2222:s=200x300", "-frames:v", "1"
    )
    outputs = {VariantKind.WEB: tmp_path / "web.mp4", VariantKind.SIGNED_CAPTIONED: tmp_path / "sc.mp4"}
    job = VariantJob(
        media(song),
        outputs,
        media(interpreter),
        KEYED,
        [Cue(200, 1800, "La la la")],
        work_dir=tmp_path,
        cover=media(cover),
        song_picture_size=FILM_SIZE,
    )
    run(build_variants(job), ffmpeg)
    web = probe(outputs[VariantKind.WEB])
    assert web.video is None and web.audio is not None
    assert web.duration == pytest.approx(2.0, abs=0.1)
    facts = probe(outputs[VariantKind.SIGNED_CAPTIONED])
    assert facts.video is not None and facts.video.display_size == FILM_SIZE
    assert facts.audio is not None and facts.duration == pytest.approx(2.0, abs=0.1)
    picture = frame_at(outputs[VariantKind.SIGNED_CAPTIONED], 1.0)
    signer = place_signer(*FILM_SIZE, INTERPRETER_ASPECT, KEYED, large=True)
    assert signer.height == 160  # as tall as the safe area
    assert shows_signer(picture, signer)
    room = caption_area(*FILM_SIZE, signer).box
    assert close(picture.pixel(room.x + room.width // 2, room.y + 10), (0xCC, 0x22, 0x22), 30)
    assert not close(picture.pixel(room.x + room.width // 2, room.bottom - 6), (0xCC, 0x22, 0x22), 30), (
        "no caption over the cover"
    )


def test_song_without_a_cover_shows_its_waveform(
    song: Path, interpreter: Path, ffmpeg: str, tmp_path: Path
) -> None:
    output = tmp_path / "signed.mp4"
    job = VariantJob(
        media(song), {VariantKind.SIGNED: output}, media(interpreter), song_picture_size=FILM_SIZE
    )
    run(build_variants(job), ffmpeg)
    picture = frame_at(output, 1.0)
    signer = place_signer(*FILM_SIZE, INTERPRETER_ASPECT, InterpreterLayout(), large=True)
    room = caption_area(*FILM_SIZE, signer).box
    bright = [colour for colour in picture.pixels(room) if min(colour) > 150]
    assert len(bright) > room.width  # the wave crosses the room
    assert shows_signer(picture, signer)


# --- other sources -------------------------------------------------------------------------------


def test_web_of_a_rotated_film_is_encoded_upright(film: Path, ffmpeg: str, tmp_path: Path) -> None:
    rotated = make(ffmpeg, tmp_path / "rotated.mp4", "-display_rotation", "90", "-i", str(film), "-c", "copy")
    source = media(rotated)
    assert not source.facts.browser_ready
    output = tmp_path / "web.mp4"
    encoder = EncoderSettings(keyframe_seconds=0.5)
    plan = build_variants(VariantJob(source, {VariantKind.WEB: output}, encoder=encoder))
    assert "libx264" in plan.args
    run(plan, ffmpeg)
    facts = probe(output)
    assert facts.video is not None
    assert (facts.video.width, facts.video.height, facts.video.rotation) == (180, 320, 0)
    assert facts.browser_ready
    picture = frame_at(output, 1.0)
    assert (picture.width, picture.height) == (180, 320)
    with av.open(str(output)) as container:
        keyframes = [
            float(packet.pts * packet.time_base) for packet in container.demux(video=0) if packet.is_keyframe
        ]
    # Every 0.5 s: the first frame at or after each multiple (25 fps: 0.52 s), nothing else.
    assert keyframes == [0.0, 0.52, 1.0, 1.52]


# --- preview ----------------------------------------------------------------------------------


@pytest.mark.parametrize("keyed", [True, False])
def test_layout_preview_shows_the_signer_and_outlines_the_caption_area(
    keyed: bool, grey_film: Path, interpreter: Path, ffmpeg: str, tmp_path: Path
) -> None:
    layout = KEYED if keyed else InterpreterLayout()
    output = tmp_path / "preview.png.part"
    args = layout_preview_args(media(grey_film), media(interpreter), layout, 1.0, output)
    run_ffmpeg(args, ffmpeg=ffmpeg)
    picture = frame_at(output, 0)
    box = place_signer(*FILM_SIZE, INTERPRETER_ASPECT, layout)
    assert shows_signer(picture, box)
    area = caption_area(*FILM_SIZE, box).box
    assert close(picture.pixel(area.x, area.y + area.height // 2), (255, 255, 0), 10)
    assert close(picture.pixel(area.right - 1, area.y + area.height // 2), (255, 255, 0), 10)
    inner = Box(box.x + 4, box.y + 4, box.width - 8, box.height - 8)
    if keyed:
        assert green_pixels(picture, inner) == 0
    else:
        assert green_pixels(picture, inner) > inner.area // 3  # the green screen fills the box


def test_layout_preview_before_the_signer_starts_draws_the_outlines_only(
    film: Path, interpreter: Path, ffmpeg: str, tmp_path: Path
) -> None:
    output = tmp_path / "preview.png"
    layout = replace(KEYED, offset=1.5)
    # 0.48 s is a frame's own time (25 fps), so the preview and the film show the same frame.
    run_ffmpeg(layout_preview_args(media(film), media(interpreter), layout, 0.48, output), ffmpeg=ffmpeg)
    box = place_signer(*FILM_SIZE, INTERPRETER_ASPECT, layout)
    picture = frame_at(output, 0)
    inner = Box(box.x + 4, box.y + 4, box.width - 8, box.height - 8)
    assert shows_film(picture, frame_at(film, 0.48), inner)


# --- refusals -------------------------------------------------------------------------------


def test_jobs_that_cannot_be_made_are_refused(film: Path, song: Path, tmp_path: Path) -> None:
    source = media(film)
    with pytest.raises(ValueError, match="no variants"):
        build_variants(VariantJob(source, {}))
    with pytest.raises(ValueError, match="interpreter recording"):
        build_variants(VariantJob(source, {VariantKind.SIGNED: tmp_path / "a.mp4"}))
    with pytest.raises(ValueError, match="needs captions"):
        build_variants(VariantJob(source, {VariantKind.CAPTIONED: tmp_path / "a.mp4"}, work_dir=tmp_path))
    with pytest.raises(ValueError, match="work directory"):
        build_variants(
            VariantJob(source, {VariantKind.CAPTIONED: tmp_path / "a.mp4"}, cues=[Cue(0, 1000, "x")])
        )
    with pytest.raises(ValueError, match="own output file"):
        build_variants(
            VariantJob(
                source,
                {VariantKind.WEB: tmp_path / "a.mp4", VariantKind.CAPTIONED: tmp_path / "a.mp4"},
                cues=[Cue(0, 1000, "x")],
                work_dir=tmp_path,
            )
        )
    with pytest.raises(ValueError, match="moving picture"):
        build_variants(VariantJob(source, {VariantKind.SIGNED: tmp_path / "a.mp4"}, interpreter=media(song)))
    with pytest.raises(ValueError, match="cover must be a still image"):
        build_variants(
            VariantJob(
                media(song), {VariantKind.SIGNED: tmp_path / "a.mp4"}, interpreter=media(film), cover=source
            )
        )
    with pytest.raises(ValueError, match="never shown"):
        build_variants(
            VariantJob(
                source,
                {VariantKind.SIGNED: tmp_path / "a.mp4"},
                interpreter=media(film),
                layout=InterpreterLayout(offset=5),
            )
        )
    with pytest.raises(ValueError, match="unknown variant 'hd'"):
        build_variants(VariantJob(source, {"hd": tmp_path / "a.mp4"}))  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="outside the source"):
        layout_preview_args(source, media(film), InterpreterLayout(), 3.0, tmp_path / "a.png")


def test_the_vocabulary_is_one_list_of_each() -> None:
    """The kinds say what they need; the service's settings take exactly the builder's presets."""
    assert [kind.value for kind in VariantKind if kind.has_signer] == [
        "signed",
        "signed+captioned",
        "signed+described",
        "signed+captioned+described",
    ]
    assert [kind.value for kind in VariantKind if kind.has_captions] == [
        "captioned",
        "signed+captioned",
        "captioned+described",
        "signed+captioned+described",
    ]
    assert [kind.value for kind in VariantKind if kind.is_extended] == ["described+extended"]
    assert all(kind.has_descriptions for kind in VariantKind if "described" in kind.value)
    assert spoken_caption_kinds() == (CaptionKind.CAPTIONS, CaptionKind.SUBTITLES)
    for preset in X264_PRESETS:
        assert Settings(variant_preset=preset).variant_preset == EncoderSettings(preset=preset).preset
    with pytest.raises(ValidationError, match="veryslow"):
        Settings(variant_preset="placebo")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="x264 preset must be one of"):
        EncoderSettings(preset="placebo")  # type: ignore[arg-type]
