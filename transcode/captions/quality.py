"""Caption quality: what common captioning guidelines ask, as warnings per cue.

Reading speed at most 17 characters a second, lines of at most 42 characters, at most two
lines, each cue shown at least 1 s, no overlaps, and no gap between cues shorter than two
frames (a flicker; at 25 fps unless the film's frame rate is given). All arithmetic is on
integer milliseconds, with the frame rate as an exact fraction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from fractions import Fraction

from transcode.captions.cuetext import cue_plain_text
from transcode.captions.model import CaptionNote, Cue, Severity, format_seconds, format_timestamp

MAX_CHARS_PER_SECOND = 17
MAX_LINE_LENGTH = 42
MAX_LINES = 2
MIN_DURATION_MS = 1000
MIN_GAP_FRAMES = 2
DEFAULT_FRAME_RATE = 25


def quality_notes(cues: Sequence[Cue], frame_rate: float | Fraction | None = None) -> list[CaptionNote]:
    """Warnings for editors, cue by cue, in cue order."""
    notes = [note for number, cue in enumerate(cues, 1) for note in _cue_notes(number, cue)]
    notes.extend(
        _timeline_notes(cues, Fraction(str(frame_rate)) if frame_rate else Fraction(DEFAULT_FRAME_RATE))
    )
    notes.sort(key=lambda note: note.cue)
    return notes


def _note(number: int, cue: Cue, code: str, en: str, sv: str) -> CaptionNote:
    where = f"{number} ({format_timestamp(cue.start_ms)})"
    return CaptionNote(
        f"quality.{code}",
        Severity.WARNING,
        f"Cue {where}: {en}",
        f"Textremsa {where}: {sv}",
        cue.line,
        number,
        cue.start_ms,
    )


def _cue_notes(number: int, cue: Cue) -> list[CaptionNote]:
    # NFC so that a decomposed å counts as one character.
    lines = unicodedata.normalize("NFC", cue_plain_text(cue.text)).split("\n")
    duration = cue.end_ms - cue.start_ms
    characters = sum(len(line) for line in lines)
    longest = max(len(line) for line in lines)
    found = []
    if duration > 0 and characters * 1000 > MAX_CHARS_PER_SECOND * duration:
        tenths = (characters * 10_000 + duration // 2) // duration  # characters a second, x10
        speed = f"{tenths // 10}.{tenths % 10}"
        found.append(
            _note(
                number,
                cue,
                "reading_speed",
                f"{speed} characters per second; at most {MAX_CHARS_PER_SECOND} lets viewers keep up.",
                f"{speed.replace('.', ',')} tecken per sekund; "
                f"högst {MAX_CHARS_PER_SECOND} hinner tittarna läsa.",
            )
        )
    if longest > MAX_LINE_LENGTH:
        found.append(
            _note(
                number,
                cue,
                "line_too_long",
                f"a line has {longest} characters; keep lines to {MAX_LINE_LENGTH}.",
                f"en rad har {longest} tecken; håll raderna inom {MAX_LINE_LENGTH}.",
            )
        )
    if len(lines) > MAX_LINES:
        found.append(
            _note(
                number,
                cue,
                "too_many_lines",
                f"{len(lines)} lines; use at most {MAX_LINES}.",
                f"{len(lines)} rader; använd högst {MAX_LINES}.",
            )
        )
    if 0 < duration < MIN_DURATION_MS:
        found.append(
            _note(
                number,
                cue,
                "too_short",
                f"shown for {format_seconds(duration, 'en')} s; show each cue at least 1 s.",
                f"visas i {format_seconds(duration, 'sv')} s; visa varje textremsa minst 1 s.",
            )
        )
    return found


def _timeline_notes(cues: Sequence[Cue], frame_rate: Fraction) -> list[CaptionNote]:
    """Overlaps and flicker gaps, in order of start time (cues that only touch are fine)."""
    notes = []
    last_to_end: int | None = None  # among the cues started so far, the one that ends last
    shown = [i for i in range(len(cues)) if cues[i].end_ms > cues[i].start_ms]
    for index in sorted(shown, key=lambda i: (cues[i].start_ms, i)):
        cue = cues[index]
        if last_to_end is not None:
            other = cues[last_to_end]
            gap = cue.start_ms - other.end_ms
            if gap < 0:
                ends = format_timestamp(other.end_ms)
                notes.append(
                    _note(
                        index + 1,
                        cue,
                        "overlap",
                        f"starts before cue {last_to_end + 1} ends ({ends}); "
                        "overlapping captions are hard to follow.",
                        f"börjar innan textremsa {last_to_end + 1} slutar ({ends}); "
                        "överlappande text är svår att följa.",
                    )
                )
            elif gap > 0 and gap * frame_rate < MIN_GAP_FRAMES * 1000:
                rate = f"{float(frame_rate):g}"
                notes.append(
                    _note(
                        index + 1,
                        cue,
                        "short_gap",
                        f"starts {gap} ms after cue {last_to_end + 1} ends, "
                        f"less than {MIN_GAP_FRAMES} frames "
                        f"at {rate} fps: the captions flicker; close the gap or make it longer.",
                        f"börjar {gap} ms efter att textremsa {last_to_end + 1} slutar, mindre än "
                        f"{MIN_GAP_FRAMES} bildrutor vid {rate.replace('.', ',')} bilder/s: texten blinkar; "
                        "ta bort glappet eller gör det längre.",
                    )
                )
        if last_to_end is None or cue.end_ms > cues[last_to_end].end_ms:
            last_to_end = index
    return notes
