"""What a caption file becomes: cues in integer milliseconds, the blocks kept beside them, notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# The latest time Tolk accepts: 9999:59:59.999, just under 10,000 hours (a timestamp past it is
# refused naming its line). Times are integer milliseconds everywhere, so nothing loses precision.
MAX_TIME_MS = 10_000 * 3_600_000 - 1
MAX_HOURS_DIGITS = 4


class Severity(StrEnum):
    ERROR = "error"  # the file is refused
    WARNING = "warning"  # the file is kept; something is dropped, corrected or worth fixing


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue: times in integer milliseconds, text in WebVTT cue-text syntax (tags, entities).

    ``settings`` are WebVTT cue settings in Tolk's canonical form (``line:0 align:start``).
    ``line`` is the 1-based line of the cue's timing line in the file it was read from (0 for a
    cue made in code); it is not part of a cue's identity.
    """

    start_ms: int
    end_ms: int
    text: str
    identifier: str = ""
    settings: str = ""
    line: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Region:
    """A WebVTT REGION block: its identifier and its settings in canonical form, one a line."""

    identifier: str
    settings: tuple[str, ...]


@dataclass(frozen=True)
class CaptionNote:
    """One finding about a caption file, for the editor: a stable ``code`` (e.g.
    ``webvtt.setting_ignored``, ``quality.reading_speed``), where it is (1-based ``line`` in the
    file, 1-based ``cue`` number, ``time_ms``; each 0 when it does not apply) and a message in
    English and Swedish."""

    code: str
    severity: Severity
    message_en: str
    message_sv: str
    line: int = 0
    cue: int = 0
    time_ms: int = 0
    byte_offset: int | None = None

    def message(self, language: str) -> str:
        return self.message_sv if language == "sv" else self.message_en


@dataclass(frozen=True)
class CaptionDocument:
    """A caption track as Tolk keeps it.

    ``cues`` in file order; ``header`` the text after ``WEBVTT`` on the first line,
    ``header_lines`` the metadata lines below it (``X-TIMESTAMP-MAP=…``, ``Kind: …``), ``styles``
    the CSS of each STYLE block and ``regions`` the REGION blocks, all kept so that a browser
    renders the normalised file as it renders the original. ``notes`` are what reading found
    (caption_report adds the quality notes). ``source_format`` is ``vtt`` or ``srt``.
    """

    cues: tuple[Cue, ...]
    header: str = ""
    header_lines: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()
    regions: tuple[Region, ...] = ()
    notes: tuple[CaptionNote, ...] = ()
    source_format: str = "vtt"


class CaptionError(ValueError):
    """A caption file Tolk must refuse. ``line`` (1-based) and ``byte_offset`` say where the
    first error is, ``message`` / ``message_sv`` what it is; ``notes`` holds every error and
    warning found, so that one upload shows all of them."""

    def __init__(self, notes: list[CaptionNote]) -> None:
        errors = [note for note in notes if note.severity is Severity.ERROR]
        first = errors[0] if errors else notes[0]
        super().__init__(f"line {first.line}: {first.message_en}")
        self.notes = tuple(notes)
        self.first = first
        self.line = first.line
        self.byte_offset = first.byte_offset
        self.message = first.message_en
        self.message_sv = first.message_sv

    def __reduce__(self) -> tuple[type[CaptionError], tuple[list[CaptionNote]]]:
        # Made again from its notes, so it crosses to and from a worker process whole.
        return (type(self), (list(self.notes),))


def format_timestamp(milliseconds: int, decimal_mark: str = ".") -> str:
    """``HH:MM:SS.mmm`` (hours grow past two digits as needed)."""
    hours, rest = divmod(max(milliseconds, 0), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal_mark}{millis:03d}"


def format_seconds(milliseconds: int, language: str, decimals: int = 2) -> str:
    """A duration in seconds for a message: ``0.60`` in English, ``0,60`` in Swedish."""
    sign = "-" if milliseconds < 0 else ""
    whole, millis = divmod(abs(milliseconds), 1000)
    text = f"{sign}{whole}.{millis:03d}"[: len(f"{sign}{whole}") + 1 + decimals]
    return text.replace(".", ",") if language == "sv" else text


class NoteList:
    """Collects notes while a file is read."""

    def __init__(self) -> None:
        self.items: list[CaptionNote] = []

    def add(
        self,
        code: str,
        severity: Severity,
        en: str,
        sv: str,
        *,
        line: int = 0,
        cue: int = 0,
        time_ms: int = 0,
        byte_offset: int | None = None,
    ) -> None:
        self.items.append(CaptionNote(code, severity, en, sv, line, cue, time_ms, byte_offset))

    def warn(self, code: str, line: int, en: str, sv: str) -> None:
        self.add(code, Severity.WARNING, en, sv, line=line)

    def error(self, code: str, line: int, en: str, sv: str) -> None:
        self.add(code, Severity.ERROR, en, sv, line=line)

    @property
    def has_errors(self) -> bool:
        return any(note.severity is Severity.ERROR for note in self.items)
