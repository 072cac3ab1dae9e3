"""Caption files: read WebVTT as browsers read it and SRT as players do, write normalised
WebVTT (and SRT), and report everything worth fixing in one list.

The browser is the referee. Tolk accepts every WebVTT file from which Chromium reads at least
one cue, and writes a normalised file from which Chromium reads exactly the same cues (id,
start, end, text, line, snapToLines, position, size, align, vertical) and renders the same
styles: STYLE and REGION blocks, ``region:`` settings and header lines are kept. Whatever a
browser silently drops or corrects becomes a warning naming its line; only a file no browser
would show (not WebVTT, no cues) is refused, naming why. See ``webvtt`` for the parser,
``srt`` for SRT, ``decoding`` for the encoding rule, ``quality`` for the quality warnings.

Times are integer milliseconds end to end, up to ``MAX_TIME_MS`` (9999:59:59.999); a later
time is refused naming its line.

Interface::

    read_captions(data, filename=None) -> CaptionDocument   # raises CaptionError
    normalise_captions(data, filename=None, with_report=False) -> NormalisedCaptions
    normalised(document, with_report=False) -> NormalisedCaptions
    plain_cues(document) -> tuple[PlainCue, ...]
    caption_report(document, frame_rate=None) -> list[CaptionNote]
    write_webvtt(document) -> bytes
    write_srt(document) -> bytes
    parse_captions(data, filename=None) -> list[Cue]
"""

from transcode.captions.cuetext import cue_plain_text, cue_voice
from transcode.captions.files import (
    NormalisedCaptions,
    PlainCue,
    caption_report,
    normalise_captions,
    normalised,
    parse_captions,
    plain_cues,
    read_captions,
)
from transcode.captions.model import (
    MAX_TIME_MS,
    CaptionDocument,
    CaptionError,
    CaptionNote,
    Cue,
    Region,
    Severity,
    format_timestamp,
)
from transcode.captions.quality import (
    MAX_CHARS_PER_SECOND,
    MAX_LINE_LENGTH,
    MAX_LINES,
    MIN_DURATION_MS,
)
from transcode.captions.srt import write_srt
from transcode.captions.webvtt import write_webvtt

# Ordered for the reader: the functions first, then the types, then the limits.
__all__ = [  # noqa: RUF022
    "read_captions",
    "caption_report",
    "normalise_captions",
    "normalised",
    "plain_cues",
    "write_webvtt",
    "write_srt",
    "parse_captions",
    "cue_plain_text",
    "cue_voice",
    "format_timestamp",
    "CaptionDocument",
    "NormalisedCaptions",
    "PlainCue",
    "Cue",
    "Region",
    "CaptionNote",
    "Severity",
    "CaptionError",
    "MAX_TIME_MS",
    "MAX_CHARS_PER_SECOND",
    "MAX_LINE_LENGTH",
    "MAX_LINES",
    "MIN_DURATION_MS",
]
