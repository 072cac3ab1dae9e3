"""Captions burned into the picture: cues become an ASS file that libass draws.

The style is chosen for reading, not for looks: a sans-serif font whose line height is 5 %
of the picture height, white text on a black box at 80 % opacity (``BorderStyle=3``: a box
behind each line), kept inside the caption area that ``transcode.layout.caption_area`` found
(inside the safe area and away from the signer). White on that box has a contrast of at
least 12.6:1 whatever the film shows beneath (over pure white the box mixes to #333333);
WCAG asks for 4.5:1.

The ASS file is Tolk's own: only this module writes it, from parsed cues, and the filter
graph reads it with ffmpeg's ``ass`` filter, which hands the path straight to libass (a
plain file read). The ``subtitles`` filter would instead open it through libavformat with
every protocol and demuxer allowed, which is why it is not used.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from transcode.captions import Cue, cue_plain_text
from transcode.layout import CaptionArea

CAPTION_FONT = "DejaVu Sans"  # wide coverage (å, ä, ö and far beyond); libass falls back if absent
LINE_HEIGHT_FRACTION = 0.05
BOX_PADDING_FRACTION = 0.25  # room around the text inside its box, as a fraction of the font size
TEXT_COLOUR = "&H00FFFFFF"  # ASS colours are &HAABBGGRR, alpha 00 = opaque
BOX_COLOUR = "&H33000000"  # black, alpha 0x33 = 80 % opaque
_WORD_JOINER = "\u2060"  # invisible; after a backslash it stops libass reading \N, \n, \h

_HEADER = """\
[Script Info]
; Written by Tolk from the item's captions.
ScriptType: v4.00+
PlayResX: {width}
PlayResY: {height}
WrapStyle: 0
ScaledBorderAndShadow: yes
YCbCr Matrix: None

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, \
Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, \
Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Caption,{font},{font_size},{text},{text},{box},{box},0,0,0,0,100,100,0,0,3,{padding},0,\
{alignment},{margin_left},{margin_right},{margin_vertical},1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def cues_to_ass(cues: Sequence[Cue], width: int, height: int, area: CaptionArea) -> str:
    """An ASS script drawing ``cues`` on a ``width`` x ``height`` picture inside ``area``."""
    font_size = max(1, round(LINE_HEIGHT_FRACTION * height))
    padding = math.ceil(BOX_PADDING_FRACTION * font_size)
    box = area.box
    # Margins place the text; the box reaches ``padding`` beyond it, so keep that inside too.
    header = _HEADER.format(
        width=width,
        height=height,
        font=CAPTION_FONT,
        font_size=font_size,
        text=TEXT_COLOUR,
        box=BOX_COLOUR,
        padding=padding,
        alignment=2 if area.from_bottom else 8,  # bottom centre / top centre (numpad layout)
        margin_left=box.x + padding,
        margin_right=width - box.right + padding,
        margin_vertical=(height - box.bottom if area.from_bottom else box.y) + padding,
    )
    events = [
        f"Dialogue: 0,{ass_timestamp(cue.start_ms)},{ass_timestamp(max(cue.end_ms, cue.start_ms + 10))},"
        f"Caption,,0,0,0,,{text}"
        for cue in cues
        if (text := ass_text(cue_plain_text(cue.text)))
    ]
    return header + "".join(event + "\n" for event in events)


def ass_text(text: str) -> str:
    """Plain text as an ASS event's text, shown exactly as written.

    ``{`` and ``}`` would start and end override blocks (``{\\an8}`` moves a line), and a
    backslash could form ``\\N``, ``\\n`` or ``\\h``: braces are escaped as ``\\{`` ``\\}``
    and every backslash is followed by an invisible word joiner. Line breaks become ``\\N``;
    other control characters (which would end the event's line in the file) become spaces.
    """
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = "".join(" " if unicodedata.category(char) == "Cc" else char for char in line)
        line = line.replace("\\", "\\" + _WORD_JOINER).replace("{", "\\{").replace("}", "\\}")
        lines.append(line.strip())
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\\N".join(lines)


def ass_timestamp(milliseconds: int) -> str:
    """``H:MM:SS.cc``, the ASS time format (centiseconds, rounded half up)."""
    centiseconds = max(0, (milliseconds + 5) // 10)
    hours, rest = divmod(centiseconds, 360_000)
    minutes, rest = divmod(rest, 6000)
    return f"{hours}:{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def ass_filter_path(path: Path) -> str:
    """The caption file's path as the ``ass`` filter's ``filename`` option (before escaping).

    ffmpeg-python escapes every filter option for both levels of ffmpeg's filter graph
    syntax (``\\ ' :`` in the option, then ``\\ ' [ ] , ;`` in the graph), so the path is
    passed as it is: escaping it here too would double the backslashes. Tests run ffmpeg on
    paths full of those characters. The one thing that escaping cannot carry is whitespace
    at the end of the value (ffmpeg trims it), so such names are refused; Tolk names its
    caption files itself. The path is absolute because libass opens it relative to the
    ffmpeg process, not to the graph.
    """
    resolved = Path(path).resolve()
    name = str(resolved)
    if name != name.rstrip():
        raise ValueError(f"a caption file name cannot end in whitespace: {name!r}")
    if resolved.suffix != ".ass":
        raise ValueError(f"burned-in captions come from an .ass file Tolk wrote, not {name!r}")
    return name
