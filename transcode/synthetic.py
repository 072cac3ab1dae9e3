"""Synthetic media made from ffmpeg's lavfi sources: demo content and test fixtures.

Builders return ffmpeg argument lists (without the binary); ``transcode.runner`` runs them.
"""

from __future__ import annotations

from pathlib import Path

from transcode.safety import file_url, input_options

GREEN_SCREEN = "0x00b140"
SKIN = "0xd9a27e"
SHIRT = "0x1f2a44"


def _encode_args(output: Path, *, video: bool, audio: bool) -> list[str]:
    args: list[str] = []
    if video:
        args += ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "50"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "96k"]
    return [*args, "-movflags", "+faststart", "-y", str(output)]


def film_args(
    output: Path,
    *,
    duration: float = 2.0,
    width: int = 320,
    height: int = 180,
    fps: int = 25,
    audio: bool = True,
    tone_hz: int = 440,
    pattern: str = "testsrc2",
    sound: Path | None = None,
    grain: int = 0,
) -> list[str]:
    """A moving test picture with a sine tone (or the given ``sound`` file), H.264/AAC in MP4.
    ``grain`` (0 to 100) adds moving noise, which compresses as badly as real footage."""
    args = [
        "-hide_banner",
        "-nostdin",
        "-f",
        "lavfi",
        "-i",
        f"{pattern}=size={width}x{height}:rate={fps}:duration={duration}",
    ]
    if sound is not None:
        # The sound is Tolk's own generated file; padded with silence to the picture's length.
        args += [*_restricted_input(sound), "-af", "apad", "-t", str(duration)]
    elif audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate=48000:duration={duration}"]
        args += ["-shortest"]
    if grain:
        args += ["-vf", f"noise=alls={int(grain)}:allf=t"]
    return args + _encode_args(output, video=True, audio=audio)


def tone_args(output: Path, *, duration: float = 2.0, tone_hz: int = 523, melody: bool = False) -> list[str]:
    """Audio only, standing in for a song: a tone, or a simple four-note melody, in AAC/M4A."""
    source = f"sine=frequency={tone_hz}:sample_rate=48000:duration={duration}"
    if melody:
        # Steps through four notes of a major chord, one every half second, with a soft attack.
        pitch = f"{tone_hz}*(1+0.25*mod(floor(2*t),4))"
        source = f"aevalsrc=exprs='0.3*sin(2*PI*t*{pitch})*min(1,8*mod(t,0.5))':s=48000:d={duration}"
    return [
        "-hide_banner",
        "-nostdin",
        "-f",
        "lavfi",
        "-i",
        source,
        "-c:a",
        "aac",
        "-b:a",
        "96k",
        "-movflags",
        "+faststart",
        "-y",
        str(output),
    ]


def _restricted_input(path: Path) -> list[str]:
    args: list[str] = []
    for key, value in input_options().items():
        args += [f"-{key}", value]
    return [*args, "-i", file_url(path)]


def interpreter_args(
    output: Path,
    *,
    duration: float = 2.0,
    width: int = 320,
    height: int = 360,
    fps: int = 25,
    background: str = GREEN_SCREEN,
) -> list[str]:
    """A figure that moves its body and hands in front of a green (or other) background."""
    body_w, body_h = width * 3 // 8, height * 2 // 3
    head = width // 5
    hand = width // 10
    body_x, body_y = (width - body_w) // 2, height - body_h
    graph = (
        f"color=c={background}:size={width}x{height}:rate={fps}:duration={duration}[bg];"
        f"color=c={SHIRT}:size={body_w}x{body_h}:rate={fps}[body];"
        f"color=c={SKIN}:size={head}x{head}:rate={fps}[head];"
        f"color=c={SKIN}:size={hand}x{hand}:rate={fps},split[lh][rh];"
        f"[bg][body]overlay=x={body_x}+{width // 40}*sin(2*t):y={body_y}:shortest=1[a];"
        f"[a][head]overlay=x={(width - head) // 2}+{width // 40}*sin(2*t):y={body_y - head - 4}[b];"
        f"[b][lh]overlay=x={body_x - hand}+{width // 8}*sin(5*t):y={body_y + body_h // 4}"
        f"+{height // 10}*cos(4*t)[c];"
        f"[c][rh]overlay=x={body_x + body_w}-{width // 8}*sin(4*t):y={body_y + body_h // 4}"
        f"+{height // 10}*sin(5*t)"
    )
    header = ["-hide_banner", "-nostdin", "-f", "lavfi", "-i", graph, "-t", str(duration)]
    return [*header, *_encode_args(output, video=True, audio=False)]
