"""Signer placement, caption room, crop, key and offset rules (pure geometry, no ffmpeg)."""

from __future__ import annotations

import itertools

import pytest

from transcode.layout import (
    Box,
    CaptionArea,
    ChromaKey,
    Corner,
    Crop,
    InterpreterLayout,
    caption_area,
    interpreter_window,
    place_signer,
    safe_area,
)

PICTURES = [(320, 180), (1280, 720), (1920, 1080), (640, 480), (720, 1280), (1080, 1080)]
# width / height of the shown recording: the test fixture (320x360), a narrow crop, a wide one
ASPECTS = [320 / 360, 0.5, 1.5]


def _is_even(box: Box) -> bool:
    return all(value % 2 == 0 for value in (box.x, box.y, box.width, box.height))


@pytest.mark.parametrize(("size", "aspect"), list(itertools.product(PICTURES, ASPECTS)))
def test_default_signer_is_big_enough_inside_the_safe_area_and_even(
    size: tuple[int, int], aspect: float
) -> None:
    width, height = size
    box = place_signer(width, height, aspect, InterpreterLayout())
    safe = safe_area(width, height)
    assert safe.contains(box)
    assert _is_even(box)
    fits = aspect * height / 2 <= safe.width  # a wide signer in a tall picture may not fit
    if fits:
        assert box.height >= height / 2
        assert box.area >= width * height / 6
    # The shape of the recording is kept (within the rounding to even pixels).
    assert box.width / box.height == pytest.approx(aspect, abs=2 / box.height + 2 / box.width)


def test_default_signer_on_a_hd_film_is_half_the_height_and_a_sixth_of_the_area() -> None:
    box = place_signer(1280, 720, 640 / 720, InterpreterLayout())
    assert box.height >= 360 and box.area >= 1280 * 720 / 6
    # Bottom right, at the safe area's corner.
    assert (box.right, box.bottom) == (1280 - 64, 720 - 36)


def test_safe_area_is_five_percent_in_from_each_edge() -> None:
    assert safe_area(1280, 720) == Box(64, 36, 1152, 648)
    assert safe_area(320, 180) == Box(16, 10, 288, 160)  # 9 px rounded up to even


@pytest.mark.parametrize("corner", list(Corner))
def test_each_corner(corner: Corner) -> None:
    layout = InterpreterLayout(corner=corner, margin=0.02)
    box = place_signer(1280, 720, 0.9, layout)
    safe = safe_area(1280, 720)
    margin = 0.02 * 720
    if corner.is_right:
        assert safe.right - margin - 2 <= box.right <= safe.right - margin
    else:
        assert safe.x + margin <= box.x <= safe.x + margin + 2
    if corner.is_bottom:
        assert safe.bottom - margin - 2 <= box.bottom <= safe.bottom - margin
    else:
        assert safe.y + margin <= box.y <= safe.y + margin + 2
    assert _is_even(box) and safe.contains(box)


def test_corner_accepts_its_name_and_refuses_others() -> None:
    assert InterpreterLayout(corner="top-left").corner is Corner.TOP_LEFT  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="corner must be one of"):
        InterpreterLayout(corner="middle")  # type: ignore[arg-type]


def test_chosen_size_is_used_and_must_fit() -> None:
    box = place_signer(1280, 720, 0.9, InterpreterLayout(size=0.3))
    assert box.height == 216
    with pytest.raises(ValueError, match="does not fit"):
        place_signer(1280, 720, 2.5, InterpreterLayout(size=0.9))
    with pytest.raises(ValueError, match="signer size"):
        InterpreterLayout(size=0.95)
    with pytest.raises(ValueError, match="margin"):
        InterpreterLayout(margin=-0.1)


def test_large_signer_fills_the_safe_height() -> None:
    box = place_signer(1280, 720, 0.9, InterpreterLayout(), large=True)
    assert box.height == safe_area(1280, 720).height


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((-0.1, 0, 0.5, 0.5), "x and y"),
        ((0, 1.0, 0.5, 0.5), "x and y"),
        ((0, 0, 0, 0.5), "width and height"),
        ((0, 0, 0.5, 1.5), "width and height"),
        ((0.6, 0, 0.5, 0.5), "outside the picture"),
        ((0, 0.3, 0.5, 0.8), "outside the picture"),
        ((0, 0, float("nan"), 0.5), "must be a number"),
    ],
)
def test_crop_refuses_what_is_not_inside_the_picture(
    values: tuple[float, float, float, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Crop(*values)


def test_crop_in_pixels_is_even_and_inside_the_recording() -> None:
    box = Crop(0.1, 0.05, 0.8, 0.95).in_pixels(321, 361)
    assert _is_even(box)
    assert Box(0, 0, 321, 361).contains(box)
    assert box.width >= 0.8 * 321 - 4 and box.height >= 0.95 * 361 - 4
    with pytest.raises(ValueError, match="too small"):
        Crop(0, 0, 0.01, 0.5).in_pixels(640, 720)


def test_crop_changes_the_signer_shape() -> None:
    # A crop to the middle half of a 640x720 recording is 320x720 wide: a narrower signer.
    crop = Crop(0.25, 0, 0.5, 1)
    aspect = 640 * crop.width / (720 * crop.height)
    box = place_signer(1280, 720, aspect, InterpreterLayout(crop=crop))
    assert box.width / box.height == pytest.approx(aspect, rel=0.02)


def test_key_presets_colours_and_limits() -> None:
    assert ChromaKey().colour == "0x00b140"
    assert ChromaKey(colour="blue").colour == "0x0047bb"
    assert ChromaKey(colour="#00FF00").colour == "0x00ff00"
    # The green screen of the test interpreter decodes to U=105, V=58 (BT.601, as measured).
    u, v = ChromaKey().chroma
    assert (round(u), round(v)) == (105, 58)
    with pytest.raises(ValueError, match="key colour"):
        ChromaKey(colour="red-ish")
    with pytest.raises(ValueError, match="too close to grey"):
        ChromaKey(colour="0x808080")
    with pytest.raises(ValueError, match="similarity"):
        ChromaKey(similarity=0)
    with pytest.raises(ValueError, match="despill"):
        ChromaKey(despill=2)
    assert InterpreterLayout().key is None  # keying is chosen, never assumed


def test_captions_use_the_safe_area_without_a_signer() -> None:
    assert caption_area(1280, 720, None) == CaptionArea(safe_area(1280, 720))


@pytest.mark.parametrize(
    ("size", "corner", "signer_size"),
    list(itertools.product(PICTURES, list(Corner), [None, 0.5, 0.7, 0.9])),
)
def test_captions_never_cover_the_signer(
    size: tuple[int, int], corner: Corner, signer_size: float | None
) -> None:
    width, height = size
    try:
        signer = place_signer(width, height, 0.9, InterpreterLayout(corner=corner, size=signer_size))
    except ValueError:
        return  # that size does not fit this picture: nothing to place captions around
    area = caption_area(width, height, signer)
    assert not area.box.intersects(signer)
    assert safe_area(width, height).contains(area.box)
    assert area.box.width > 0 and area.box.height > 0


def test_captions_go_beside_a_default_signer_from_the_bottom() -> None:
    signer = place_signer(1280, 720, 0.9, InterpreterLayout())
    area = caption_area(1280, 720, signer)
    assert area.from_bottom
    assert area.box.x == 64 and area.box.right < signer.x
    assert area.box.width >= 0.4 * 1280


def test_captions_go_above_a_wide_bottom_signer_and_below_a_wide_top_one() -> None:
    bottom = place_signer(720, 1280, 0.9, InterpreterLayout())  # portrait: no room beside
    area = caption_area(720, 1280, bottom)
    assert area.from_bottom and area.box.bottom < bottom.y
    top = place_signer(720, 1280, 0.9, InterpreterLayout(corner=Corner.TOP_LEFT))
    area = caption_area(720, 1280, top)
    assert not area.from_bottom and area.box.y > top.bottom


def test_window_positive_offset_starts_the_signer_later() -> None:
    window = interpreter_window(film_duration=10, interpreter_duration=5, offset=2)
    assert (window.skip, window.start, window.length) == (0, 2, 5)


def test_window_negative_offset_skips_the_recording_start() -> None:
    window = interpreter_window(film_duration=10, interpreter_duration=5, offset=-1.5)
    assert (window.skip, window.start, window.length) == (1.5, 0, 3.5)


def test_window_cuts_a_longer_recording_at_the_film_end() -> None:
    assert interpreter_window(10, 30, 0).length == 10
    assert interpreter_window(10, 30, 4).length == 6
    assert interpreter_window(10, 30, -25).length == 5


def test_window_refuses_an_offset_that_hides_the_signer() -> None:
    with pytest.raises(ValueError, match="never shown"):
        interpreter_window(10, 5, 10)
    with pytest.raises(ValueError, match="never shown"):
        interpreter_window(10, 5, -5)
    with pytest.raises(ValueError, match="offset"):
        InterpreterLayout(offset=float("inf"))
