"""Reading a caption file of either format, and the one report about it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction

from transcode.captions.cuetext import cue_plain_text
from transcode.captions.decoding import decode_lines
from transcode.captions.model import CaptionDocument, CaptionError, CaptionNote, Cue, NoteList, Severity
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


# An upload's answer names at most this many notes of one kind (code); the rest are counted in
# one note. A file of 120,000 cues each too short would otherwise answer 120,000 notes that no
# one reads, and carrying them (from the worker process, into JSON) stalls the server.
NOTES_PER_CODE = 50


def brief_report(notes: Iterable[CaptionNote], per_code: int = NOTES_PER_CODE) -> list[CaptionNote]:
    """``notes`` with at most ``per_code`` of each code, in order; for each code with more, a
    note ``report.more`` after them that says how many more there are (of the worst severity)."""
    kept: list[CaptionNote] = []
    seen: Counter[str] = Counter()
    worst: dict[str, CaptionNote] = {}
    for note in notes:
        seen[note.code] += 1
        if seen[note.code] <= per_code:
            kept.append(note)
        elif note.code not in worst or note.severity is Severity.ERROR:
            worst[note.code] = note
    for code, note in worst.items():
        more = seen[code] - per_code
        kept.append(
            CaptionNote(
                "report.more",
                note.severity,
                f"{more} more notes like this ({code}) are not listed: fix those above, then upload again.",
                f"{more} fler anmärkningar av samma slag ({code}) visas inte: "
                "rätta dem ovan, ladda sedan upp igen.",
            )
        )
    return kept


@dataclass(frozen=True)
class NormalisedCaptions:
    """A caption file as Tolk stores it: its normalised WebVTT, how many cues, the format it
    was read from, its cues as plain text, and (when asked for) the report on it
    (``brief_report`` of ``caption_report``) and what a search index keeps of each cue's text
    (``plain_index``, made by the caller's function). Made in one go so that storing it never
    reads the file again."""

    webvtt: bytes
    cue_count: int
    source_format: str
    # The plain cues as two tuples, not PlainCue objects: made in a worker process, they come
    # back as a few large objects, which unpickle fast (120,000 small objects would hold the
    # server's interpreter lock for most of a second).
    plain_starts: tuple[int, ...] = ()
    plain_texts: tuple[str, ...] = ()
    report: tuple[CaptionNote, ...] = ()
    plain_index: tuple[str, ...] = ()

    @property
    def plain(self) -> Iterator[PlainCue]:
        """Every cue as plain text, in order (see ``plain_cues``)."""
        return map(PlainCue, self.plain_starts, self.plain_texts)


def normalised(
    document: CaptionDocument,
    *,
    with_report: bool = False,
    index_text: Callable[[str], str] | None = None,
) -> NormalisedCaptions:
    """``document`` written as normalised WebVTT (raises ValueError as ``write_webvtt``), with
    ``index_text`` of each plain cue text when given."""
    report = tuple(brief_report(caption_report(document))) if with_report else ()
    plain = plain_cues(document)
    texts = tuple(cue.text for cue in plain)
    return NormalisedCaptions(
        write_webvtt(document),
        len(document.cues),
        document.source_format,
        tuple(cue.start_ms for cue in plain),
        texts,
        report,
        tuple(map(index_text, texts)) if index_text is not None else (),
    )


def normalise_captions(
    data: bytes,
    filename: str | None = None,
    *,
    with_report: bool = False,
    index_text: Callable[[str], str] | None = None,
) -> NormalisedCaptions:
    """Read a WebVTT or SRT file (see ``read_captions``; raises CaptionError) and write it as
    normalised WebVTT: all the work of storing an upload, in one call that shares nothing (so
    it may run in another process, ``index_text`` too: a module-level function)."""
    return normalised(read_captions(data, filename), with_report=with_report, index_text=index_text)
