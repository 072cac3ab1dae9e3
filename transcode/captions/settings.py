"""WebVTT cue settings and region settings: the spec's parsing rules, and Tolk's canonical form.

"Parse the WebVTT cue settings" ignores what it cannot read, setting by setting, and a setting
given twice takes its last valid value; browsers say nothing. Tolk reads them by the same rules
and names each ignored or repeated setting in a warning. The canonical form lists the settings
that take effect, in a fixed order (vertical, line, position, size, align, region), one space
apart, numbers without leading or trailing zeros; a browser reads the same values from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from transcode.captions.model import NoteList, Region

_PERCENTAGE = re.compile(r"([0-9]+(?:\.[0-9]+)?)%")
_LINE_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_SPLIT = re.compile(r"[ \t]+")  # Chromium splits cue settings on spaces and tabs
_REGION_SPLIT = re.compile(r"[\t\n\f\r ]+")
_NAMES = ("vertical", "line", "position", "size", "align", "region")


def _number(text: str) -> str:
    """A decimal number without leading or trailing zeros: ``050.50`` -> ``50.5``, ``-0`` -> ``0``."""
    value = Decimal(text)
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def _percentage(text: str) -> str | None:
    found = _PERCENTAGE.fullmatch(text)
    if not found or Decimal(found[1]) > 100:
        return None
    return _number(found[1]) + "%"


@dataclass
class CueSettings:
    """The settings that take effect, each as written in canonical form (None: not set)."""

    vertical: str | None = None
    line: str | None = None  # "-1", "0", "50%"; with line_align after a comma
    line_align: str | None = None
    position: str | None = None  # "20%"
    position_align: str | None = None
    size: str | None = None  # "80%"
    align: str | None = None
    region: str | None = None

    def text(self) -> str:
        parts = []
        if self.vertical:
            parts.append(f"vertical:{self.vertical}")
        if self.line is not None:
            parts.append(f"line:{self.line}" + (f",{self.line_align}" if self.line_align else ""))
        if self.position is not None:
            parts.append(
                f"position:{self.position}" + (f",{self.position_align}" if self.position_align else "")
            )
        if self.size is not None:
            parts.append(f"size:{self.size}")
        if self.align is not None:
            parts.append(f"align:{self.align}")
        if self.region is not None:
            parts.append(f"region:{self.region}")
        return " ".join(parts)

    def as_browser_reads(self) -> dict[str, object]:
        """The VTTCue attributes these settings give (line, snapToLines, position, size, align,
        vertical, region): what the browser tests compare with Chromium."""
        line: object = "auto"
        if self.line is not None:
            line = float(self.line.rstrip("%"))
        return {
            "line": line,
            "snapToLines": self.line is None or not self.line.endswith("%"),
            "position": "auto" if self.position is None else float(self.position.rstrip("%")),
            "size": 100.0 if self.size is None else float(self.size.rstrip("%")),
            "align": self.align or "center",
            "vertical": self.vertical or "",
            "region": self.region,
        }


def _line_value(value: str) -> tuple[str, str | None] | str:
    """(line, alignment) or the reason the value is ignored."""
    position, comma, alignment = value.partition(",")
    if comma and alignment not in ("start", "center", "end"):
        return f"the line alignment {alignment!r} is not start, center or end"
    if position.endswith("%"):
        percentage = _percentage(position)
        if percentage is None:
            return "a line percentage must be a number from 0% to 100%"
        return percentage, alignment or None
    if not _LINE_NUMBER.fullmatch(position):
        return "the line must be a line number (such as -1 or 0) or a percentage"
    return _number(position), alignment or None


def _position_value(value: str) -> tuple[str, str | None] | str:
    position, comma, alignment = value.partition(",")
    if comma and alignment not in ("line-left", "center", "line-right"):
        return f"the position alignment {alignment!r} is not line-left, center or line-right"
    percentage = _percentage(position)
    if percentage is None:
        return "the position must be a percentage from 0% to 100%"
    return percentage, alignment or None


_REASONS_SV = {
    "the line must be a line number (such as -1 or 0) or a percentage": (
        "line måste vara ett radnummer (som -1 eller 0) eller en procentsats"
    ),
    "a line percentage must be a number from 0% to 100%": "en procentsats för line måste vara 0 % till 100 %",
    "the position must be a percentage from 0% to 100%": (
        "position måste vara en procentsats från 0 % till 100 %"
    ),
    "the size must be a percentage from 0% to 100%": "size måste vara en procentsats från 0 % till 100 %",
    "vertical takes rl or lr (lower case)": "vertical tar rl eller lr (gemener)",
    "align takes start, center, end, left or right": "align tar start, center, end, left eller right",
    "there is no REGION block with that id before the first cue": (
        "det finns inget REGION-block med det id:t före första textremsan"
    ),
    "it is not name:value": "den är inte namn:värde",
}


def _reason_sv(reason: str) -> str:
    if reason in _REASONS_SV:
        return _REASONS_SV[reason]
    if reason.startswith("the line alignment"):
        return reason.replace("the line alignment", "radjusteringen").replace(
            "is not start, center or end", "är inte start, center eller end"
        )
    if reason.startswith("the position alignment"):
        return reason.replace("the position alignment", "positionsjusteringen").replace(
            "is not line-left, center or line-right", "är inte line-left, center eller line-right"
        )
    if reason.startswith("unknown setting"):
        return reason.replace("unknown setting", "okänd inställning").replace("known:", "kända:")
    return reason


def parse_cue_settings(text: str, regions: Mapping[str, Region], line: int, notes: NoteList) -> CueSettings:
    """The spec's "parse the WebVTT cue settings" for one timing line, with a warning for every
    setting a browser ignores, every repeated setting, and a region the spec drops."""
    settings = CueSettings()
    given: dict[str, str] = {}
    for setting in _SPLIT.split(text):
        if not setting:
            continue
        name, colon, value = setting.partition(":")
        reason = None
        if not colon or not name or not value:
            reason = "it is not name:value"
            if setting in _NAMES or (colon and name in _NAMES):
                reason = f"{name} has no value"
        elif name == "vertical":
            if value in ("rl", "lr"):
                settings.vertical = value
            else:
                reason = "vertical takes rl or lr (lower case)"
        elif name == "line":
            parsed = _line_value(value)
            if isinstance(parsed, str):
                reason = parsed
            else:
                settings.line, settings.line_align = parsed
        elif name == "position":
            parsed = _position_value(value)
            if isinstance(parsed, str):
                reason = parsed
            else:
                settings.position, settings.position_align = parsed
        elif name == "size":
            size = _percentage(value)
            if size is None:
                reason = "the size must be a percentage from 0% to 100%"
            else:
                settings.size = size
        elif name == "align":
            if value in ("start", "center", "end", "left", "right"):
                settings.align = value
            else:
                reason = "align takes start, center, end, left or right"
        elif name == "region":
            # The last region with that id, or none: a later region:x that names no region
            # clears an earlier one.
            settings.region = value if value in regions else None
            if value not in regions:
                reason = "there is no REGION block with that id before the first cue"
        else:
            reason = f"unknown setting {name!r} (known: {', '.join(_NAMES)})"
        if reason is not None:
            sv = _reason_sv(reason)
            if reason.endswith("has no value"):
                sv = f"{name} saknar värde"
            notes.warn(
                "webvtt.setting_ignored",
                line,
                f"browsers ignore the cue setting {setting!r}: {reason}; it is left out",
                f"webbläsare hoppar över inställningen {setting!r}: {sv}; den tas bort",
            )
            continue
        if name in given:
            notes.warn(
                "webvtt.setting_repeated",
                line,
                f"the cue setting {name} is given twice ({given[name]!r}, {setting!r}); "
                "browsers use the last, and so does Tolk",
                f"inställningen {name} anges två gånger ({given[name]!r}, {setting!r}); "
                "webbläsare använder den sista, och det gör Tolk också",
            )
        given[name] = setting
    if settings.region is not None and (
        settings.line is not None or settings.size is not None or settings.vertical
    ):
        notes.warn(
            "webvtt.region_ignored",
            line,
            f"region:{settings.region} has no effect on a cue with line, size or vertical; it is left out",
            f"region:{settings.region} gör ingenting för en textremsa med line, size eller vertical; "
            "den tas bort",
        )
        settings.region = None
    return settings


def canonical_settings(text: str, regions: Mapping[str, Region] | None = None) -> str:
    """Cue settings in canonical form, without notes (for cues made in code)."""
    return parse_cue_settings(text, regions or {}, 0, NoteList()).text()


def parse_region(lines: list[str], line: int, notes: NoteList) -> Region | None:
    """The spec's "collect WebVTT region settings" for a REGION block's lines (after REGION)."""
    values: dict[str, str] = {}
    for setting in _REGION_SPLIT.split("\n".join(lines)):
        if not setting:
            continue
        name, colon, value = setting.partition(":")
        canonical = None
        if colon and name and value:
            if name == "id" and "-->" not in value:
                canonical = value
            elif name == "width":
                canonical = _percentage(value)
            elif name == "lines" and value.isascii() and value.isdigit():
                canonical = str(int(value))
            elif name in ("regionanchor", "viewportanchor"):
                x, comma, y = value.partition(",")
                px, py = _percentage(x), _percentage(y)
                canonical = f"{px},{py}" if comma and px and py else None
            elif name == "scroll" and value == "up":
                canonical = value
        if canonical is None:
            notes.warn(
                "webvtt.region_setting_ignored",
                line,
                f"the region setting {setting!r} is not valid WebVTT; browsers ignore it, and it is left out",
                f"regioninställningen {setting!r} är inte giltig WebVTT; webbläsare hoppar över den, "
                "och den tas bort",
            )
            continue
        values[name] = canonical
    if "id" not in values:
        notes.warn(
            "webvtt.region_without_id",
            line,
            "a REGION block without an id cannot be used by any cue; it is left out",
            "ett REGION-block utan id kan inte användas av någon textremsa; det tas bort",
        )
        return None
    order = ("id", "width", "lines", "regionanchor", "viewportanchor", "scroll")
    return Region(values["id"], tuple(f"{name}:{values[name]}" for name in order if name in values))
