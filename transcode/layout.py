"""Where the signer goes on the picture, and where captions may go: pure geometry.

An ``InterpreterLayout`` is what an editor chooses (corner, size, margin, crop to the signing
space, chroma key, time offset). ``place_signer`` turns it into a ``Box`` in output pixels,
``caption_area`` finds the part of the picture that captions may use without covering the
signer, and ``interpreter_window`` says which part of the interpreter recording is shown when.

Conventions: every box is inside the safe area (5 % in from each edge) and every coordinate
and size is even, because H.264 in yuv420p stores colour for 2x2 pixel blocks: an odd edge
would smear the signer's colours into the film's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

SAFE_AREA_FRACTION = 0.05
# Broadcast guidance: a signer no smaller than a sixth of the picture; Equal Dreams: at least
# half the picture's height. The default size meets both.
MIN_SIGNER_AREA_FRACTION = 1 / 6
MIN_SIGNER_HEIGHT_FRACTION = 1 / 2
# Room kept between the signer and the captions, as a fraction of the picture width.
CAPTION_GAP_FRACTION = 0.02
# Captions beside the signer need room for a readable line; below this width they go above
# (or below) the signer instead, when that leaves more room.
MIN_CAPTION_COLUMN_FRACTION = 0.4
MIN_CROP_PIXELS = 16
# A key colour needs this much chroma (of 0..~160) to be told apart from greys and skin.
MIN_KEY_CHROMA = 24

GREEN_KEY = "0x00b140"  # chroma-key green (Pantone 354 C), the usual green screen
BLUE_KEY = "0x0047bb"  # chroma-key blue
KEY_PRESETS = {"green": GREEN_KEY, "blue": BLUE_KEY}
_HEX_COLOUR = re.compile(r"^(?:0x|#)?([0-9a-fA-F]{6})$")


class Corner(StrEnum):
    """The corner of the picture the signer stands in."""

    TOP_LEFT = "top-left"
    TOP_RIGHT = "top-right"
    BOTTOM_LEFT = "bottom-left"
    BOTTOM_RIGHT = "bottom-right"

    @property
    def is_right(self) -> bool:
        return self in (Corner.TOP_RIGHT, Corner.BOTTOM_RIGHT)

    @property
    def is_bottom(self) -> bool:
        return self in (Corner.BOTTOM_LEFT, Corner.BOTTOM_RIGHT)


@dataclass(frozen=True)
class Crop:
    """The signing space within the interpreter recording, as fractions of its picture.

    Fractions rather than pixels, so one layout fits the recording at any resolution (a
    re-export at another size keeps its crop) and the editor's preview maps 1:1 to it.
    """

    x: float
    y: float
    width: float
    height: float

    def __post_init__(self) -> None:
        for name in ("x", "y", "width", "height"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"crop {name} must be a number, not {value!r}")
        if not (0 <= self.x < 1 and 0 <= self.y < 1):
            raise ValueError(
                f"crop x and y are fractions of the picture from 0 up to 1, not {self.x}, {self.y}"
            )
        if not (0 < self.width <= 1 and 0 < self.height <= 1):
            raise ValueError(
                "crop width and height are fractions of the picture above 0 and at most 1, "
                f"not {self.width}, {self.height}"
            )
        if self.x + self.width > 1 + 1e-9 or self.y + self.height > 1 + 1e-9:
            raise ValueError(
                f"crop reaches outside the picture: x + width = {self.x + self.width:g}, "
                f"y + height = {self.y + self.height:g} (each at most 1)"
            )

    def in_pixels(self, frame_width: int, frame_height: int) -> Box:
        """The crop in the recording's pixels, even-aligned and at least 16 px each way."""
        left = _floor_even(self.x * frame_width)
        top = _floor_even(self.y * frame_height)
        right = min(frame_width, _ceil_even((self.x + self.width) * frame_width))
        bottom = min(frame_height, _ceil_even((self.y + self.height) * frame_height))
        width, height = _floor_even(right - left), _floor_even(bottom - top)
        if width < MIN_CROP_PIXELS or height < MIN_CROP_PIXELS:
            raise ValueError(
                f"crop is too small: {width}x{height} pixels of the {frame_width}x{frame_height} "
                f"recording (at least {MIN_CROP_PIXELS}x{MIN_CROP_PIXELS})"
            )
        return Box(left, top, width, height)


@dataclass(frozen=True)
class ChromaKey:
    """Keying out a green (or blue, or any) screen behind the interpreter.

    ``similarity`` and ``blend`` use the scale of ffmpeg's ``chromakey`` filter: the distance
    between two colours' chroma, 0 (same) to 1 (opposite). Colours closer to the key than
    ``similarity`` become transparent; over the next ``blend`` they fade in. ``despill``
    (0..1) takes the key's hue out of what remains (green light reflected on hair and edges).
    """

    colour: str = GREEN_KEY
    similarity: float = 0.10
    blend: float = 0.04
    despill: float = 1.0

    def __post_init__(self) -> None:
        match = _HEX_COLOUR.match(KEY_PRESETS.get(self.colour, self.colour))
        if not match:
            raise ValueError(
                f"key colour must be 'green', 'blue' or a hex colour such as 0x00b140, not {self.colour!r}"
            )
        object.__setattr__(self, "colour", "0x" + match.group(1).lower())
        for name, low, high in (("similarity", 0.001, 1.0), ("blend", 0.0, 1.0), ("despill", 0.0, 1.0)):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not low <= value <= high:
                raise ValueError(f"key {name} must be from {low:g} to {high:g}, not {value!r}")

        u, v = self.chroma
        if math.hypot(u - 128, v - 128) < MIN_KEY_CHROMA:
            raise ValueError(
                f"key colour {self.colour} is too close to grey to key out; "
                "choose the colour of the green or blue screen"
            )

    @property
    def chroma(self) -> tuple[float, float]:
        """The key colour's (U, V) as ffmpeg's ``chromakey`` computes it: BT.601, 16-240."""
        value = int(self.colour, 16)
        red, green, blue = value >> 16, (value >> 8) & 0xFF, value & 0xFF
        scale = 224 / 255
        u = 128 + scale * (-0.168736 * red - 0.331264 * green + 0.5 * blue)
        v = 128 + scale * (0.5 * red - 0.418688 * green - 0.081312 * blue)
        return u, v


@dataclass(frozen=True)
class InterpreterLayout:
    """How the interpreter is shown on the film.

    - ``corner``: where the signer stands (bottom right by default, as W3C WAI advises).
    - ``size``: the signer's height as a fraction of the picture height; ``None`` picks the
      smallest size that covers a sixth of the picture's area and half its height.
    - ``margin``: extra room between the signer and the safe area's edge, a fraction of the
      picture height.
    - ``crop``: the signing space in the recording, or ``None`` for all of it.
    - ``key``: the chroma key, or ``None`` to show the recording as it is.
    - ``offset``: seconds to shift the interpreter against the film; positive starts the
      signer later, negative skips the start of the recording.
    """

    corner: Corner = Corner.BOTTOM_RIGHT
    size: float | None = None
    margin: float = 0.0
    crop: Crop | None = None
    key: ChromaKey | None = None
    offset: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "corner", _corner(self.corner))
        if self.size is not None and not (
            isinstance(self.size, int | float) and 0.1 <= self.size <= 1 - 2 * SAFE_AREA_FRACTION
        ):
            raise ValueError(
                f"signer size is the fraction of the picture height from 0.1 to "
                f"{1 - 2 * SAFE_AREA_FRACTION:g}, not {self.size!r}"
            )
        if not (isinstance(self.margin, int | float) and 0 <= self.margin <= 0.2):
            raise ValueError(f"margin must be from 0 to 0.2 of the picture height, not {self.margin!r}")
        if not (isinstance(self.offset, int | float) and math.isfinite(self.offset)):
            raise ValueError(f"offset must be a number of seconds, not {self.offset!r}")


def _corner(value: Corner | str) -> Corner:
    try:
        return Corner(value)
    except ValueError:
        choices = ", ".join(corner.value for corner in Corner)
        raise ValueError(f"corner must be one of {choices}, not {value!r}") from None


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left, top, width, height."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def area(self) -> int:
        return self.width * self.height

    def intersects(self, other: Box) -> bool:
        return (
            self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
        )

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


def safe_area(width: int, height: int) -> Box:
    """The part of a ``width`` x ``height`` picture 5 % in from every edge (even-aligned)."""
    inset_x = _ceil_even(width * SAFE_AREA_FRACTION)
    inset_y = _ceil_even(height * SAFE_AREA_FRACTION)
    return Box(inset_x, inset_y, width - 2 * inset_x, height - 2 * inset_y)


def shown_aspect(display_size: tuple[int, int], crop: Crop | None) -> float:
    """Width over height of the part of a recording that is shown: its display size, cropped."""
    width, height = display_size
    if crop is not None:
        return (width * crop.width) / (height * crop.height)
    return width / height


def place_signer(
    width: int, height: int, signer_aspect: float, layout: InterpreterLayout, *, large: bool = False
) -> Box:
    """The signer's box on a ``width`` x ``height`` picture.

    ``signer_aspect`` is the shown (cropped) recording's width / height. ``large`` makes the
    signer as tall as the safe area allows (a song without a picture of its own). Raises
    ``ValueError`` if an explicitly chosen size does not fit in the safe area.
    """
    if signer_aspect <= 0 or not math.isfinite(signer_aspect):
        raise ValueError(f"the interpreter's picture has no usable shape (aspect {signer_aspect})")
    safe = safe_area(width, height)
    margin = _ceil_even(layout.margin * height)
    room_width, room_height = safe.width - margin, safe.height - margin
    if layout.size is not None:
        box_height = layout.size * height
    elif large:
        box_height = room_height
    else:
        box_height = max(
            MIN_SIGNER_HEIGHT_FRACTION * height,
            math.sqrt(MIN_SIGNER_AREA_FRACTION * width * height / signer_aspect),
        )
    box_height = _ceil_even(box_height)
    box_width = _ceil_even(box_height * signer_aspect)
    if box_width > room_width or box_height > room_height:
        if layout.size is not None:
            raise ValueError(
                f"signer size {layout.size:g} does not fit: the signer would be "
                f"{box_width}x{box_height} pixels, but the safe area leaves "
                f"{room_width}x{room_height} on a {width}x{height} picture"
            )
        # The default and large sizes shrink to fit: the best the picture allows.
        shrink = min(room_width / box_width, room_height / box_height)
        box_width, box_height = _floor_even(box_width * shrink), _floor_even(box_height * shrink)
    x = safe.right - margin - box_width if layout.corner.is_right else safe.x + margin
    y = safe.bottom - margin - box_height if layout.corner.is_bottom else safe.y + margin
    return Box(x, y, box_width, box_height)


@dataclass(frozen=True)
class CaptionArea:
    """Where caption boxes may be drawn, and from which edge lines stack (bottom or top)."""

    box: Box
    from_bottom: bool = True


def caption_area(width: int, height: int, signer: Box | None) -> CaptionArea:
    """The part of the safe area that captions may use without ever covering ``signer``.

    Without a signer: the whole safe area, lines from the bottom. With one: the column
    beside the signer (lines from the bottom) when it is wide enough for a readable line;
    otherwise the larger of that column and the band above a bottom signer (lines from the
    bottom) or below a top one (lines from the top, so more lines grow away from it).
    """
    safe = safe_area(width, height)
    if signer is None:
        return CaptionArea(safe)
    gap = _ceil_even(CAPTION_GAP_FRACTION * width)
    signer_is_right = signer.x + signer.width / 2 > width / 2
    if signer_is_right:
        column = Box(safe.x, safe.y, max(0, signer.x - gap - safe.x), safe.height)
    else:
        column_left = signer.right + gap
        column = Box(column_left, safe.y, max(0, safe.right - column_left), safe.height)
    if column.width >= MIN_CAPTION_COLUMN_FRACTION * width:
        return CaptionArea(column)
    signer_is_bottom = signer.y + signer.height / 2 > height / 2
    if signer_is_bottom:
        band = Box(safe.x, safe.y, safe.width, max(0, signer.y - gap - safe.y))
    else:
        band_top = signer.bottom + gap
        band = Box(safe.x, band_top, safe.width, max(0, safe.bottom - band_top))
    if max(column.area, band.area) == 0:
        raise ValueError("the signer leaves no room for captions; choose a smaller signer")
    if column.area >= band.area:
        return CaptionArea(column)
    return CaptionArea(band, from_bottom=signer_is_bottom)


@dataclass(frozen=True)
class InterpreterWindow:
    """Which part of the interpreter recording is shown: ``skip`` seconds of its start are
    left out, and the next ``length`` seconds are shown from ``start`` seconds into the film.
    """

    skip: float
    start: float
    length: float


def interpreter_window(film_duration: float, interpreter_duration: float, offset: float) -> InterpreterWindow:
    """Align a recording with a film: shift by ``offset`` seconds and cut at the film's end.

    A recording shorter than the film leaves the rest of the film as it is; a longer one is
    cut. Raises ``ValueError`` when the offset leaves nothing of the recording on the film.
    """
    skip = max(0.0, -offset)
    start = max(0.0, offset)
    length = min(interpreter_duration - skip, film_duration - start)
    if length <= 0:
        raise ValueError(
            f"with an offset of {offset:g} s the interpreter ({interpreter_duration:g} s) "
            f"is never shown on the film ({film_duration:g} s)"
        )
    return InterpreterWindow(skip, start, length)


def _ceil_even(value: float) -> int:
    return 2 * math.ceil(round(value, 6) / 2)


def _floor_even(value: float) -> int:
    return 2 * math.floor(round(value, 6) / 2)
