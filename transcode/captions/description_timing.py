"""Audio description timing: warnings per description cue against where the film has speech.

A description is spoken in a pause of the film's own speech (``transcode.speech_spans`` finds
the speech). Two warnings: a cue whose time overlaps speech, and a cue that starts in a pause
but whose text, read at ``WORDS_PER_MINUTE``, takes longer than the pause has left (from the
cue's start to the next speech, or to the film's end). The caption editor's script warns by the
same arithmetic (``static/js/editor/description-timing.js``), with the rate from the page.
All times are integer milliseconds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from transcode.captions.cuetext import cue_plain_text
from transcode.captions.model import CaptionNote, Cue, Severity, format_seconds, format_timestamp

# A describer's pace: audio description guidelines put it at 150 to 160 words a minute, and
# Swedish syntolkning is read no faster. The slower end, so a warning comes before it is too late.
WORDS_PER_MINUTE = 150

Span = tuple[int, int]


def spoken_ms(text: str) -> int:
    """How long a cue's text takes to say at ``WORDS_PER_MINUTE`` (whole milliseconds, up)."""
    words = len(cue_plain_text(text).split())
    return -(-words * 60_000 // WORDS_PER_MINUTE)


def _note(number: int, cue: Cue, code: str, en: str, sv: str) -> CaptionNote:
    where = f"{number} ({format_timestamp(cue.start_ms)})"
    return CaptionNote(
        f"description.{code}",
        Severity.WARNING,
        f"Description {where}: {en}",
        f"Syntolkning {where}: {sv}",
        cue.line,
        number,
        cue.start_ms,
    )


def timing_notes(cues: Sequence[Cue], speech: Sequence[Span], duration_ms: int | None) -> list[CaptionNote]:
    """The warnings of every description cue, in cue order (``speech``: sorted spans)."""
    spans = sorted(speech)
    starts = [start for start, _ in spans]
    notes: list[CaptionNote] = []
    for number, cue in enumerate(cues, 1):
        if cue.end_ms <= cue.start_ms:
            continue
        overlapped = next((s for s in spans if s[0] < cue.end_ms and s[1] > cue.start_ms), None)
        if overlapped is not None:
            heard = f"{format_timestamp(overlapped[0])}–{format_timestamp(overlapped[1])}"
            notes.append(
                _note(
                    number,
                    cue,
                    "overlaps_speech",
                    f"overlaps speech in the film ({heard}); a description belongs in a pause.",
                    f"överlappar tal i filmen ({heard}); syntolkningen hör hemma i en paus.",
                )
            )
        following = bisect_right(starts, cue.start_ms)
        in_speech = following > 0 and spans[following - 1][1] > cue.start_ms
        if in_speech:
            continue  # no pause to fit in: the overlap says it
        pause_end = spans[following][0] if following < len(spans) else duration_ms
        if pause_end is None:
            continue
        # A cue past the film's end has no pause left at all.
        available, needed = max(0, pause_end - cue.start_ms), spoken_ms(cue.text)
        if needed > available:
            notes.append(
                _note(
                    number,
                    cue,
                    "longer_than_gap",
                    f"takes about {format_seconds(needed, 'en', 1)} s to say at {WORDS_PER_MINUTE} "
                    f"words a minute, but the pause lasts {format_seconds(available, 'en', 1)} s.",
                    f"tar ungefär {format_seconds(needed, 'sv', 1)} s att läsa i {WORDS_PER_MINUTE} "
                    f"ord i minuten, men pausen är {format_seconds(available, 'sv', 1)} s.",
                )
            )
    return notes
