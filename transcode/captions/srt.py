"""SRT (SubRip): read as players read it, with every broken timing line named; written for them.

SRT has no spec. A cue is an optional number line, a timing line ``00:00:01,000 --> 00:00:04,000``
(a comma or a full stop before the milliseconds; X1:… coordinates after it ignored) and text
lines up to a blank line; any number of blank lines may stand between cues, and lines of
spaces count as blank. Text after a blank line that starts no cue continues the cue above (SRT
writers put blank lines inside text), except that a line that looks like a timing line
(``00:00:05,000 -> 00:00:06,000``), or a number line followed by a line that is not a timing
line, is never text: each such line is an **error** naming it, so the file is refused with
every broken line listed, rather than being stored with a cue missing or a timing line shown as
caption text.

Text becomes WebVTT cue text: <i>, <b> and <u> kept, <font> tags and ASS overrides dropped
({\\an7} to {\\an9} become ``line:0``), and a bare & or < escaped.
"""

from __future__ import annotations

import html.entities
import re

from transcode.captions.cuetext import cue_text_for_srt
from transcode.captions.model import CaptionDocument, CaptionError, Cue, NoteList, format_timestamp
from transcode.captions.webvtt import TimingFailure, check_times, timing_span

_NUMBER = re.compile(r"\s*[0-9]+\s*")
# The start of a timing line, however broken its arrow: a time, then a dash, '=', '>' or a
# second time.
_TIMING_LIKE = re.compile(r"\s*[0-9]+:[0-9]+(?::[0-9]+)?(?:[,.:][0-9]+)?\s*(?:[-=–—>]|[0-9]+:[0-9]+)")
_MARKUP = re.compile(
    r"(?P<style></?[ibu]\s*>)"  # kept: WebVTT has the same tags
    r"|(?P<drop></?font\b[^>]*>|\{\\[^}]*\})"  # font tags and ASS overrides such as {\an8}
    r"|(?P<entity>&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)"
    r"|(?P<escape>[&<])",
    re.IGNORECASE,
)
_TOP = re.compile(r"\{[^}]*\\an[789][^}]*\}")


def _is_timing(line: str) -> bool:
    return "-->" in line or _TIMING_LIKE.match(line) is not None


def read_srt(lines: list[str], notes: NoteList) -> CaptionDocument:
    """An SRT file's lines as a document; raises CaptionError listing every broken line."""
    cues: list[tuple[int, int, int, list[str]]] = []  # start, end, timing line, text lines
    count = len(lines)
    index = 0
    while index < count:
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        timing, number = index, ""
        if _NUMBER.fullmatch(line) and not _is_timing(line):
            after = index + 1
            while after < count and not lines[after].strip():
                after += 1  # a number line, then blank lines, then its timing line
            if after < count and _is_timing(lines[after]):
                timing, number = after, line.strip()
            elif index + 1 < count and lines[index + 1].strip():
                _broken(notes, index + 1, lines[index + 1], f"after the cue number {line.strip()}")
                index = _skip_block(lines, index + 1)
                continue
            elif cues:  # a lone number after a blank line: text of the cue above ("1984")
                index = _text(lines, index, cues, notes)
                continue
        if not _is_timing(lines[timing]):
            if cues:
                index = _text(lines, index, cues, notes)
                continue
            notes.error(
                "srt.text_before_first_cue",
                index + 1,
                "expected a cue number or a timing line such as '00:00:01,000 --> 00:00:04,000' "
                "(a WebVTT file must start with the line 'WEBVTT')",
                "väntade ett nummer eller en tidsrad som '00:00:01,000 --> 00:00:04,000' "
                "(en WebVTT-fil måste börja med raden 'WEBVTT')",
            )
            index = _skip_block(lines, index)
            continue
        try:
            start, end, after = timing_span(lines[timing], ",.")
            if after < len(lines[timing]) and lines[timing][after] not in " \t":
                rest = lines[timing][after:]
                raise TimingFailure(
                    f"text {rest!r} right after the end time", f"texten {rest!r} direkt efter sluttiden"
                )
        except TimingFailure as failure:
            _broken(notes, timing, lines[timing], f"after the cue number {number}" if number else "", failure)
            index = _skip_block(lines, timing + 1)
            continue
        index = timing + 1
        text: list[str] = []
        while index < count and lines[index].strip() and not _starts_cue(lines, index):
            text.append(lines[index])
            index += 1
        if check_times(start, end, timing + 1, notes):
            cues.append((start, end, timing + 1, text))
    if not cues and not notes.has_errors:
        notes.error("srt.no_cues", 1, "the file has no cues", "filen har inga textremsor")
    if notes.has_errors:
        raise CaptionError(notes.items)
    read = []
    for start, end, timing_line, text in cues:
        cue_text, settings = _webvtt_text(text)
        read.append(Cue(start, end, cue_text, settings=settings, line=timing_line))
    return CaptionDocument(cues=tuple(read), notes=tuple(notes.items), source_format="srt")


def _starts_cue(lines: list[str], index: int) -> bool:
    """Inside a cue's text: a timing line, or a number line just above one, starts the next cue."""
    if _is_timing(lines[index]):
        return True
    if not _NUMBER.fullmatch(lines[index]):
        return False
    # A number line, then at most a few blank lines, then a timing line (bounded: linear time).
    for after in range(index + 1, min(index + 5, len(lines))):
        if lines[after].strip():
            return _is_timing(lines[after])
    return False


def _text(lines: list[str], index: int, cues: list[tuple[int, int, int, list[str]]], notes: NoteList) -> int:
    """Text after a blank line: it continues the cue above (the blank line is dropped)."""
    text = cues[-1][3]
    while index < len(lines) and lines[index].strip() and not _starts_cue(lines, index):
        text.append(lines[index])
        index += 1
    return index


def _skip_block(lines: list[str], index: int) -> int:
    while index < len(lines) and lines[index].strip() and not _starts_cue(lines, index):
        index += 1
    return index


def _broken(notes: NoteList, index: int, line: str, where: str, failure: TimingFailure | None = None) -> None:
    en_where = f" {where}" if where else ""
    sv_where = f" efter numret {where.rsplit(' ', 1)[-1]}" if where else ""
    reason_en = f": {failure.en}" if failure else ""
    reason_sv = f": {failure.sv}" if failure else ""
    notes.error(
        "srt.bad_timing_line",
        index + 1,
        f"expected a timing line such as '00:00:01,000 --> 00:00:04,000'{en_where}, found {line.strip()!r}"
        f"{reason_en}; this cue is not read until the line is fixed",
        f"väntade en tidsrad som '00:00:01,000 --> 00:00:04,000'{sv_where}, fann {line.strip()!r}"
        f"{reason_sv}; textremsan läses inte förrän raden är rättad",
    )


def _webvtt_text(lines: list[str]) -> tuple[str, str]:
    """SRT cue text as WebVTT cue text, and the settings its ASS position tag asks for."""
    converted = (_MARKUP.sub(_markup_to_webvtt, line) for line in lines)
    # WebVTT cue text cannot hold blank lines, and SRT's only separate paragraphs.
    text = "\n".join(line for line in converted if line.strip())
    settings = "line:0" if any(_TOP.search(line) for line in lines) else ""
    return text, settings


def _markup_to_webvtt(found: re.Match[str]) -> str:
    if found["style"]:
        return re.sub(r"\s", "", found["style"]).lower()
    if found["drop"]:
        return ""
    if found["entity"]:
        reference = found["entity"]
        if not reference.startswith("&#") and reference[1:] not in html.entities.html5:
            return "&amp;" + reference[1:]
        return reference
    return "&amp;" if found["escape"] == "&" else "&lt;"


def write_srt(document: CaptionDocument) -> bytes:
    """SRT for players: numbered cues, ``HH:MM:SS,mmm`` times, <i>/<b>/<u> kept, other markup
    and all cue settings dropped; UTF-8 with a BOM (which Windows players need to tell UTF-8),
    CRLF line ends. Cues that are never shown (end not after start) are left out."""
    blocks: list[str] = []
    for cue in document.cues:
        if cue.end_ms <= cue.start_ms:
            continue
        lines = [line for line in cue_text_for_srt(cue.text).split("\n") if line.strip()]
        timing = f"{format_timestamp(cue.start_ms, ',')} --> {format_timestamp(cue.end_ms, ',')}"
        blocks.append("\r\n".join([str(len(blocks) + 1), timing, *lines]) + "\r\n\r\n")
    return b"\xef\xbb\xbf" + "".join(blocks).encode("utf-8")
