"""Reading a caption file of either format, and the one report about it."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from transcode.captions.cuetext import cue_plain_text
from transcode.captions.decoding import decode_lines
from transcode.captions.model import CaptionDocument, CaptionError, CaptionNote, Cue, NoteList
from transcode.captions.quality import quality_notes
from transcode.captions.srt import read_srt
from transcode.captions.webvtt import read_webvtt, write_webvtt


def read_captions(data: bytes, filename: str | None = None) -> CaptionDocument:
    """Read a WebVTT or SRT file into a document whose ``notes`` say what reading found.

    A file whose first line starts with WEBVTT is WebVTT, and so is any file named ``*.vtt``;
    anything else is read as SRT. Raises CaptionError (every note, the first error's line and
    byte offset, in English and Swedish) for a file no browser would show: not WebVTT, no cues,
    bytes of no known encoding, a time past the maximum, or a broken SRT timing line.
    """
    notes = NoteList()
    lines = decode_lines(data, notes)
    if not any(line.strip() for line in lines):
        notes.error("file.empty", 1, "the file is empty", "filen är tom")
        raise CaptionError(notes.items)
    first_text = next(line for line in lines if line.strip())
    if first_text.lstrip().startswith("WEBVTT") or (filename or "").lower().endswith(".vtt"):
        return read_webvtt(lines, notes)
    return read_srt(lines, notes)


def parse_captions(data: bytes, filename: str | None = None) -> list[Cue]:
    """The cues of a WebVTT or SRT file (see read_captions); raises CaptionError."""
    return list(read_captions(data, filename).cues)


def caption_report(
    document: CaptionDocument, frame_rate: float | Fraction | None = None
) -> list[CaptionNote]:
    """Every note about a document: what reading found, then the quality warnings, by line.

    ``frame_rate`` (frames a second) sets the shortest gap between cues (two frames); 25 if None.
    """
    notes = list(document.notes) + quality_notes(document.cues, frame_rate)
    return sorted(notes, key=lambda note: (note.line or 0, note.cue))


@dataclass(frozen=True)
class PlainCue:
    """When a cue starts and its text as a viewer reads it: markup gone, spaces collapsed."""

    start_ms: int
    text: str


def plain_cues(document: CaptionDocument) -> tuple[PlainCue, ...]:
    """Every cue of ``document`` as plain text, in order (what search indexes)."""
    return tuple(PlainCue(cue.start_ms, " ".join(cue_plain_text(cue.text).split())) for cue in document.cues)


@dataclass(frozen=True)
class NormalisedCaptions:
    """A caption file as Tolk stores it: its normalised WebVTT, how many cues, the format it
    was read from, its cues as plain text, and (when asked for) the report on it
    (``caption_report``). Made in one go so that storing it never reads the file again."""

    webvtt: bytes
    cue_count: int
    source_format: str
    plain: tuple[PlainCue, ...] = ()
    report: tuple[CaptionNote, ...] = ()


def normalised(document: CaptionDocument, *, with_report: bool = False) -> NormalisedCaptions:
    """``document`` written as normalised WebVTT (raises ValueError as ``write_webvtt``)."""
    report = tuple(caption_report(document)) if with_report else ()
    return NormalisedCaptions(
        write_webvtt(document), len(document.cues), document.source_format, plain_cues(document), report
    )


def normalise_captions(
    data: bytes, filename: str | None = None, *, with_report: bool = False
) -> NormalisedCaptions:
    """Read a WebVTT or SRT file (see ``read_captions``; raises CaptionError) and write it as
    normalised WebVTT: all the work of storing an upload, in one call that shares nothing (so
    it may run in another process)."""
    return normalised(read_captions(data, filename), with_report=with_report)
