"""Caption files: read WebVTT and SRT, write normalised WebVTT, warn about caption quality.

Why Tolk parses WebVTT itself rather than through webvtt-py (0.6): the referee is the WebVTT
parser algorithm as Chromium implements it, and editors need every problem named with its line.
webvtt-py reads lines without keeping their numbers, so none of its errors can say where the
problem is; outside strict mode it drops a cue with a bad timestamp silently, and in strict mode
it raises without a line. It also accepts timestamps browsers reject (``0:0:1.5``). Its block
splitting is close to the spec but not the spec's own steps, so matching Chromium cue for cue
would mean patching around it. The spec's algorithm ("collect a WebVTT block", "collect a WebVTT
timestamp", "parse the WebVTT cue settings") is short, so it is written out here step for step,
with line numbers; webvtt-py stays a test-time cross-check that other tools read our output.

Browsers drop what they cannot read without a word. Tolk is an editor's tool, so where a browser
would silently drop something (a cue with a bad timing line, text after a blank line inside a
cue, an unknown cue setting) it raises CaptionError with the line instead; it never rejects what
the spec's syntax allows. Where Chromium and the spec's parser read a file differently (some cue
identifiers before the first cue; checked against Debian's Chromium), Tolk asks for a file that
breaks the syntax to be fixed, and reads a valid one as Chromium does. Tolk also refuses bytes
that are not UTF-8 and NUL characters (browsers show U+FFFD) and cues that end when they start.

SRT has no spec; it is read as players read it: cue numbers optional, a comma or a full stop
before the milliseconds, blank lines inside a cue's text dropped. Its text becomes WebVTT cue
text: <i>, <b> and <u> kept, <font> tags and ASS overrides dropped ({\\an7} to {\\an9} become
``line:0``), and a bare & or < escaped.

Tolk keeps cues only: header text, NOTE comments, STYLE and REGION blocks are read and left out
of the normalised file, and so are ``region:`` cue settings, which would point at a region that
is no longer there.
"""

from __future__ import annotations

import bisect
import codecs
import html
import html.entities
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

# Ordered for the reader: the functions first, then the types, then the thresholds.
__all__ = [  # noqa: RUF022
    "parse_captions",
    "to_webvtt",
    "cue_plain_text",
    "cue_voice",
    "quality_warnings",
    "Cue",
    "CaptionError",
    "CaptionWarning",
    "MAX_CHARS_PER_SECOND",
    "MAX_LINE_LENGTH",
    "MAX_LINES",
    "MIN_DURATION_SECONDS",
]

# Quality thresholds (common captioning guidelines; see DESIGN.md, Captions).
MAX_CHARS_PER_SECOND = 17.0
MAX_LINE_LENGTH = 42
MAX_LINES = 2
MIN_DURATION_SECONDS = 1.0


@dataclass(frozen=True)
class Cue:
    """One caption cue: times in seconds, text in WebVTT cue-text syntax (tags and entities)."""

    start: float
    end: float
    text: str
    identifier: str = ""
    settings: str = ""


class CaptionError(ValueError):
    """A caption file Tolk cannot accept; ``line`` is 1-based in the uploaded file."""

    def __init__(self, line: int, message: str, message_sv: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message
        self.message_sv = message_sv


@dataclass(frozen=True)
class CaptionWarning:
    """A quality problem in one cue; ``cue_index`` is 0-based, ``start`` in seconds."""

    cue_index: int
    start: float
    code: str
    message_en: str
    message_sv: str


# --- reading ------------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ASCII_WHITESPACE = " \t\n\f\r"


def parse_captions(data: bytes, filename: str | None = None) -> list[Cue]:
    """Read a WebVTT or SRT file (UTF-8, BOM optional, any line endings) into cues.

    A file whose first line starts with WEBVTT is WebVTT; so is any file named ``*.vtt``;
    anything else is read as SRT. Raises CaptionError naming the line of the first problem.
    """
    lines = _decode(data)
    first_text = next((line for line in lines if line.strip()), "")
    if first_text.lstrip().startswith("WEBVTT") or (filename or "").lower().endswith(".vtt"):
        return _parse_webvtt(lines)
    return _parse_srt(lines)


def _decode(data: bytes) -> list[str]:
    """The file's lines, split on CRLF, CR and LF as browsers do; refuses all but UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CaptionError(
            1, "the file is UTF-16 text; save it as UTF-8", "filen är UTF-16-text; spara den som UTF-8"
        )
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = len(_LINE_BREAK.split(data[: error.start].decode("utf-8")))
        byte = f"0x{data[error.start]:02X}"
        raise CaptionError(
            line,
            f"not valid UTF-8 (byte {byte}); save the file as UTF-8",
            f"inte giltig UTF-8 (byte {byte}); spara filen som UTF-8",
        ) from None
    lines = _LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()  # a final line break ends the last line; it does not start another
    if not any(line.strip() for line in lines):
        raise CaptionError(1, "the file is empty", "filen är tom")
    for number, line in enumerate(lines, 1):
        if "\0" in line:
            raise CaptionError(
                number,
                "contains a NUL character; save the file as UTF-8 text",
                "innehåller ett NUL-tecken; spara filen som UTF-8-text",
            )
    return lines


def _no_cues() -> CaptionError:
    return CaptionError(1, "the file has no cues", "filen har inga textremsor")


# --- timestamps and timing lines (shared by WebVTT and SRT) --------------------------------

_ASCII_WHITESPACE_RUN = re.compile(r"[\t\n\f\r ]+")
_TOKEN_END = re.compile(r"-->|[\t\n\f\r ]")


def _collect_timestamp(line: str, pos: int, decimal_marks: str) -> tuple[int, int] | None:
    """The spec's "collect a WebVTT timestamp": (milliseconds, position after) or None.

    [h...h:]mm:ss.ttt where minutes and seconds are two digits up to 59 and milliseconds three
    digits. As in the spec and Chromium, a first field that is not two digits, or is above 59,
    is hours, so ``1:02:03.000`` reads as in a browser.
    """

    def digits(at: int) -> tuple[str, int]:
        end = at
        while end < len(line) and line[end] in "0123456789":
            end += 1
        return line[at:end], end

    first, pos = digits(pos)
    if not first:
        return None
    has_hours = len(first) != 2 or int(first) > 59
    if not line.startswith(":", pos):
        return None
    second, pos = digits(pos + 1)
    if len(second) != 2:
        return None
    if has_hours or line.startswith(":", pos):
        if not line.startswith(":", pos):
            return None
        third, pos = digits(pos + 1)
        if len(third) != 2:
            return None
        hours, minutes, seconds = int(first), int(second), int(third)
    else:
        hours, minutes, seconds = 0, int(first), int(second)
    if pos >= len(line) or line[pos] not in decimal_marks:
        return None
    millis, pos = digits(pos + 1)
    if len(millis) != 3 or minutes > 59 or seconds > 59:
        return None
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + int(millis), pos


def _skip_whitespace(line: str, pos: int) -> int:
    while pos < len(line) and line[pos] in _ASCII_WHITESPACE:
        pos += 1
    return pos


def _parse_timings(line: str, number: int, decimal_marks: str) -> tuple[float, float, str]:
    """A cue timing line: (start, end, the rest of the line). Raises CaptionError."""
    pos = _skip_whitespace(line, 0)
    start = _collect_timestamp(line, pos, decimal_marks)
    if start is None:
        raise _bad_timestamp(line, pos, number, decimal_marks)
    pos = _skip_whitespace(line, start[1])
    if not line.startswith("-->", pos):
        raise CaptionError(
            number,
            "expected '-->' between the start and end times",
            "'-->' saknas mellan start- och sluttiden",
        )
    pos = _skip_whitespace(line, pos + 3)
    end = _collect_timestamp(line, pos, decimal_marks)
    if end is None:
        raise _bad_timestamp(line, pos, number, decimal_marks)
    if end[0] <= start[0]:
        start_text, end_text = _format_timestamp(start[0] / 1000), _format_timestamp(end[0] / 1000)
        raise CaptionError(
            number,
            f"the end time {end_text} must be after the start time {start_text}",
            f"sluttiden {end_text} måste vara efter starttiden {start_text}",
        )
    return start[0] / 1000, end[0] / 1000, line[end[1] :]


def _bad_timestamp(line: str, pos: int, number: int, decimal_marks: str) -> CaptionError:
    written = _TOKEN_END.split(line[pos:], maxsplit=1)[0]
    if not written:
        which = "start" if line.startswith("-->", pos) else "end"
        sv = "starttid" if which == "start" else "sluttid"
        return CaptionError(number, f"the {which} time is missing", f"{sv} saknas")
    if not written[0].isdigit():
        return CaptionError(
            number,
            f"a line with '-->' is a cue timing line, but {written!r} is not a time "
            "(cue text and identifiers cannot contain '-->')",
            f"en rad med '-->' är en tidsrad, men {written!r} är ingen tid "
            "(text och id kan inte innehålla '-->')",
        )
    if "." in decimal_marks and "," in decimal_marks:
        expected = "hh:mm:ss,ttt"
        expected_sv = "tt:mm:ss,ttt"
    else:
        expected = "hh:mm:ss.ttt or mm:ss.ttt"
        expected_sv = "tt:mm:ss.ttt eller mm:ss.ttt"
        if "," in written:
            expected += "; WebVTT has a full stop before the milliseconds"
            expected_sv += "; WebVTT har punkt före millisekunderna"
    return CaptionError(
        number,
        f"bad timestamp {written!r} (expected {expected})",
        f"felaktig tid {written!r} (väntade {expected_sv})",
    )


def _format_timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


# --- WebVTT -------------------------------------------------------------------------------


@dataclass
class _Block:
    """What the spec's "collect a WebVTT block" read: a cue or some other block."""

    first: int  # 0-based index of the block's first line
    end: int  # index where collecting the next block starts
    lines: list[str]  # the cue text, or all lines of a block that is not a cue
    cue: Cue | None
    cut: bool  # a cue timing line ended the block and starts the next one


def _parse_webvtt(lines: list[str]) -> list[Cue]:
    signature = lines[0]
    if not signature.startswith("WEBVTT") or signature[6:7] not in ("", " ", "\t"):
        raise CaptionError(
            1,
            "a WebVTT file must start with the line 'WEBVTT'",
            "en WebVTT-fil måste börja med raden 'WEBVTT'",
        )
    cues: list[Cue] = []
    pos = 1
    if pos < len(lines) and lines[pos]:
        header = _collect_block(lines, pos, in_header=True)
        if header.cut and header.lines:
            raise _blank_line_needed(header.end)
        pos = header.end
    while True:
        while pos < len(lines) and not lines[pos]:
            pos += 1
        if pos == len(lines):
            break
        block = _collect_block(lines, pos, in_header=False)
        _check_block(block, seen_cue=bool(cues))
        if block.cue is not None:
            cues.append(_as_chromium_reads(block.cue, first=not cues))
        pos = block.end
    if not cues:
        raise _no_cues()
    return cues


def _collect_block(lines: list[str], pos: int, *, in_header: bool) -> _Block:
    """The spec's "collect a WebVTT block", except that a bad timing line raises."""
    first = pos
    buffer: list[str] = []
    timings: tuple[float, float, str, str] | None = None
    line_count = 0
    resume = pos
    cut = False
    while pos < len(lines):
        line = lines[pos]
        pos += 1  # now the 1-based number of `line`
        line_count += 1
        if "-->" in line:
            if in_header or not (line_count == 1 or (line_count == 2 and timings is None)):
                pos, cut = resume, True
                break
            start, end, rest = _parse_timings(line, pos, ".")
            timings = (start, end, _normalise_settings(rest, pos), "\n".join(buffer))
            buffer = []
            resume = pos
        elif not line:
            break
        else:
            buffer.append(line)
            resume = pos
    cue = None
    if timings is not None:
        start, end, settings, identifier = timings
        cue = Cue(start, end, "\n".join(buffer), identifier, settings)
    return _Block(first, pos, buffer, cue, cut)


def _as_chromium_reads(cue: Cue, *, first: bool) -> Cue:
    """Before the first cue Chromium takes a STYLE line as the start of a style block, never as
    a cue identifier (the spec keeps it as the identifier)."""
    if first and _is_keyword_line(cue.identifier, ("STYLE",)):
        return replace(cue, identifier="")
    return cue


def _check_block(block: _Block, *, seen_cue: bool) -> None:
    """Raise for what a browser would silently ignore, or read differently from the spec."""
    if block.cue is not None:
        return
    heading = block.lines[0]
    if _is_keyword_line(heading, ("STYLE", "REGION")):
        if seen_cue:
            word = heading.strip()
            raise CaptionError(
                block.first + 1,
                f"a {word} block must come before the first cue; browsers ignore this one",
                f"ett {word}-block måste komma före första textremsan; webbläsare hoppar över det",
            )
    elif not _is_comment(heading) and "".join(block.lines).strip(_ASCII_WHITESPACE):
        raise _text_outside_cue(block)
    if block.cut and not seen_cue:
        raise _blank_line_needed(block.end)


def _is_keyword_line(line: str, words: tuple[str, ...]) -> bool:
    """A STYLE or REGION line: the word, then nothing but whitespace."""
    return any(line.startswith(w) and not line[len(w) :].strip(_ASCII_WHITESPACE) for w in words)


def _is_comment(line: str) -> bool:
    return line == "NOTE" or line.startswith(("NOTE ", "NOTE\t"))


def _text_outside_cue(block: _Block) -> CaptionError:
    number = block.first + 1
    if _collect_timestamp(block.lines[0].lstrip(_ASCII_WHITESPACE), 0, ".") is not None:
        return CaptionError(
            number,
            "a cue timing line needs '-->' between the start and end times",
            "en tidsrad behöver '-->' mellan start- och sluttiden",
        )
    return CaptionError(
        number,
        "text outside any cue, which browsers ignore: a blank line ends a cue's text, "
        "and a cue starts with its timing line (or an identifier line before it)",
        "text utanför textremsorna, som webbläsare hoppar över: en tom rad avslutar en "
        "textremsa, och en textremsa börjar med sin tidsrad (eller en id-rad före den)",
    )


def _blank_line_needed(index: int) -> CaptionError:
    return CaptionError(
        index + 1,
        "put a blank line before this cue timing line",
        "lägg en tom rad före den här tidsraden",
    )


# The spec's "parse the WebVTT cue settings"; a setting a browser would ignore is an error here.
_PERCENTAGE = r"[0-9]+(?:\.[0-9]+)?%"
_SETTING_VALUES = {  # name: (value pattern, what it takes in English, in Swedish)
    "vertical": (re.compile(r"rl|lr"), "rl or lr", "rl eller lr"),
    "line": (
        re.compile(rf"(?:{_PERCENTAGE}|-?[0-9]+(?:\.[0-9]+)?)(?:,(?:start|center|end))?"),
        "a line number or a percentage (0–100%), optionally followed by ,start ,center or ,end",
        "ett radnummer eller en procentsats (0–100 %), ev. följd av ,start ,center eller ,end",
    ),
    "position": (
        re.compile(rf"{_PERCENTAGE}(?:,(?:line-left|center|line-right))?"),
        "a percentage (0–100%), optionally followed by ,line-left ,center or ,line-right",
        "en procentsats (0–100 %), ev. följd av ,line-left ,center eller ,line-right",
    ),
    "size": (re.compile(_PERCENTAGE), "a percentage (0–100%)", "en procentsats (0–100 %)"),
    "align": (
        re.compile(r"start|center|end|left|right"),
        "start, center, end, left or right",
        "start, center, end, left eller right",
    ),
    "region": (re.compile(r".+"), "a region identifier", "ett region-id"),
}
_PERCENT_NUMBER = re.compile(r"([0-9.]+)%")


def _normalise_settings(text: str, number: int) -> str:
    """Cue settings separated by single spaces, without ``region:``; raises CaptionError."""
    kept: list[str] = []
    seen: set[str] = set()
    for setting in filter(None, _ASCII_WHITESPACE_RUN.split(text)):
        name, colon, value = setting.partition(":")
        problem = None
        if not colon or not name or not value:
            problem = ("is not name:value", "är inte namn:värde")
        elif name not in _SETTING_VALUES:
            known = ", ".join(_SETTING_VALUES)
            problem = (f"is unknown (known: {known})", f"är okänd (kända: {known})")
        elif name in seen:
            problem = (f"repeats {name}", f"upprepar {name}")
        else:
            pattern, expected, expected_sv = _SETTING_VALUES[name]
            valid = pattern.fullmatch(value) and all(
                float(percent) <= 100 for percent in _PERCENT_NUMBER.findall(value)
            )
            if not valid:
                problem = (f"is not valid: {name} takes {expected}", f"är ogiltig: {name} tar {expected_sv}")
        if problem:
            raise CaptionError(
                number, f"cue setting {setting!r} {problem[0]}", f"inställningen {setting!r} {problem[1]}"
            )
        seen.add(name)
        if name != "region":
            kept.append(setting)
    return " ".join(kept)


# --- SRT ----------------------------------------------------------------------------------

_SRT_NUMBER = re.compile(r"\s*[0-9]+\s*")
_SRT_MARKUP = re.compile(
    r"(?P<style></?[ibu]\s*>)"  # kept: WebVTT has the same tags
    r"|(?P<drop></?font\b[^>]*>|\{\\[^}]*\})"  # font tags and ASS overrides such as {\an8}
    r"|(?P<entity>&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)"
    r"|(?P<escape>[&<])",
    re.IGNORECASE,
)
_SRT_TOP = re.compile(r"\{[^}]*\\an[789][^}]*\}")


def _parse_srt(lines: list[str]) -> list[Cue]:
    timing_rows = [index for index, line in enumerate(lines) if "-->" in line]
    # A cue starts at its number line when there is one, else at its timing line.
    starts = [row - 1 if row > 0 and _SRT_NUMBER.fullmatch(lines[row - 1]) else row for row in timing_rows]
    first_cue = starts[0] if starts else len(lines)
    stray = next((index for index in range(first_cue) if lines[index].strip()), None)
    if stray is not None:
        raise CaptionError(
            stray + 1,
            "expected a cue number or a timing line such as '00:00:01,000 --> 00:00:04,000' "
            "(a WebVTT file must start with the line 'WEBVTT')",
            "väntade ett nummer eller en tidsrad som '00:00:01,000 --> 00:00:04,000' "
            "(en WebVTT-fil måste börja med raden 'WEBVTT')",
        )
    if not timing_rows:
        raise _no_cues()
    cues = []
    for row, next_start in zip(timing_rows, [*starts[1:], len(lines)], strict=True):
        start, end, rest = _parse_timings(lines[row], row + 1, ",.")
        if rest[:1] not in ("", *_ASCII_WHITESPACE):
            end_at = lines[row].index("-->") + 3
            raise _bad_timestamp(lines[row], _skip_whitespace(lines[row], end_at), row + 1, ",.")
        text, settings = _srt_text(lines[row + 1 : next_start])
        cues.append(Cue(start, end, text, settings=settings))
    return cues


def _srt_text(lines: list[str]) -> tuple[str, str]:
    """SRT cue text as WebVTT cue text, and the settings its ASS position tag asks for."""
    converted = (_SRT_MARKUP.sub(_srt_markup_to_webvtt, line) for line in lines)
    # WebVTT cue text cannot hold blank lines, and SRT's only separate paragraphs.
    text = "\n".join(line for line in converted if line.strip())
    settings = "line:0" if any(_SRT_TOP.search(line) for line in lines) else ""
    return text, settings


def _srt_markup_to_webvtt(found: re.Match[str]) -> str:
    if found["style"]:
        return re.sub(r"\s", "", found["style"]).lower()
    if found["drop"]:
        return ""
    if found["entity"]:
        reference = found["entity"]
        named = not reference.startswith("&#")
        if named and reference[1:] not in html.entities.html5:
            return "&amp;" + reference[1:]
        return reference
    return "&amp;" if found["escape"] == "&" else "&lt;"


# --- writing ------------------------------------------------------------------------------


def to_webvtt(cues: Sequence[Cue]) -> str:
    """Normalised WebVTT: a WEBVTT line, then each cue block and a blank line, LF, no BOM.

    Times are written to the millisecond. Raises ValueError for a cue that would not read
    back as the same cue (a blank line or '-->' in its text, a bad identifier or setting).
    """
    blocks: list[str] = []
    first_lines: list[int] = []  # 1-based line of each cue block in the output
    line = 3
    for cue in cues:
        if cue.start < 0:
            raise ValueError(f"cue {len(blocks) + 1} starts before 0 s")
        timing = f"{_format_timestamp(cue.start)} --> {_format_timestamp(cue.end)}"
        settings = _written_settings(cue)
        block = [cue.identifier] if cue.identifier else []
        block.append(f"{timing} {settings}" if settings else timing)
        if cue.text:
            block.append(cue.text)
        blocks.append("\n".join(block) + "\n\n")
        first_lines.append(line)
        line += blocks[-1].count("\n")
    output = "WEBVTT\n\n" + "".join(blocks)
    if cues:
        _check_reads_back(output, cues, first_lines)
    return output


def _check_reads_back(output: str, cues: Sequence[Cue], first_lines: list[int]) -> None:
    try:
        read = parse_captions(output.encode("utf-8"))
    except CaptionError as error:
        index = max(bisect.bisect_right(first_lines, error.line) - 1, 0)
        raise ValueError(f"cue {index + 1} cannot be written as WebVTT: {error.message}") from None
    for index, (written, cue) in enumerate(zip(read, cues, strict=False)):
        expected = replace(
            cue,
            start=round(cue.start * 1000) / 1000,
            end=round(cue.end * 1000) / 1000,
            settings=_written_settings(cue),
        )
        if written != expected:
            raise ValueError(f"cue {index + 1} would read back as {written!r}, not {expected!r}")
    if len(read) != len(cues):
        raise ValueError(f"{len(cues)} cues would read back as {len(read)}")


def _written_settings(cue: Cue) -> str:
    return " ".join(cue.settings.split())


# --- cue text -----------------------------------------------------------------------------

# As the WebVTT cue text tokenizer reads it: a tag runs from '<' to '>' or the end of the text.
_TAG_OR_TEXT = re.compile(r"<[^>]*(?:>|\Z)|[^<]+")
_VOICE_TAG = re.compile(r"<v(?:\.[^\t\n\f\r >]*)?(?:[\t\n\f\r ](?P<name>[^>]*))?>?")


def cue_plain_text(text: str) -> str:
    """Cue text as a viewer reads it: tags removed, character references (&amp; …) decoded."""
    return "".join(html.unescape(part) for part in _TAG_OR_TEXT.findall(text) if part[0] != "<")


def cue_voice(text: str) -> str | None:
    """The speaker named by the cue's first ``<v Name>`` tag, or None."""
    for part in _TAG_OR_TEXT.findall(text):
        voice = _VOICE_TAG.fullmatch(part)
        if voice and voice["name"]:
            name = _ASCII_WHITESPACE_RUN.sub(" ", html.unescape(voice["name"])).strip(" ")
            if name:
                return name
    return None


# --- quality ------------------------------------------------------------------------------


def quality_warnings(cues: Sequence[Cue]) -> list[CaptionWarning]:
    """Warnings for editors: reading speed, line length, line count, short cues, overlaps."""
    warnings = [warning for index, cue in enumerate(cues) for warning in _cue_warnings(index, cue)]
    warnings.extend(_overlap_warnings(cues))
    warnings.sort(key=lambda warning: warning.cue_index)
    return warnings


def _cue_warnings(index: int, cue: Cue) -> list[CaptionWarning]:
    # NFC so that a decomposed å counts as one character.
    lines = unicodedata.normalize("NFC", cue_plain_text(cue.text)).split("\n")
    duration = cue.end - cue.start
    characters = sum(len(line) for line in lines)
    longest = max(len(line) for line in lines)
    where = f"{index + 1} ({_format_timestamp(cue.start)})"
    found = []
    if duration > 0 and characters / duration > MAX_CHARS_PER_SECOND:
        speed = characters / duration
        found.append(
            (
                "reading_speed",
                f"Cue {where}: {speed:.1f} characters per second; "
                f"at most {MAX_CHARS_PER_SECOND:g} lets viewers keep up.",
                f"Textremsa {where}: {_swedish(f'{speed:.1f}')} tecken per sekund; "
                f"högst {MAX_CHARS_PER_SECOND:g} hinner tittarna läsa.",
            )
        )
    if longest > MAX_LINE_LENGTH:
        found.append(
            (
                "line_too_long",
                f"Cue {where}: a line has {longest} characters; keep lines to {MAX_LINE_LENGTH}.",
                f"Textremsa {where}: en rad har {longest} tecken; håll raderna inom {MAX_LINE_LENGTH}.",
            )
        )
    if len(lines) > MAX_LINES:
        found.append(
            (
                "too_many_lines",
                f"Cue {where}: {len(lines)} lines; use at most {MAX_LINES}.",
                f"Textremsa {where}: {len(lines)} rader; använd högst {MAX_LINES}.",
            )
        )
    if duration < MIN_DURATION_SECONDS:
        found.append(
            (
                "too_short",
                f"Cue {where}: shown for {duration:.2f} s; show each cue at least "
                f"{MIN_DURATION_SECONDS:g} s.",
                f"Textremsa {where}: visas i {_swedish(f'{duration:.2f}')} s; visa varje textremsa "
                f"minst {_swedish(f'{MIN_DURATION_SECONDS:g}')} s.",
            )
        )
    return [CaptionWarning(index, cue.start, *warning) for warning in found]


def _overlap_warnings(cues: Sequence[Cue]) -> list[CaptionWarning]:
    warnings = []
    last_to_end: int | None = None  # the cue, among those started so far, that ends last
    for index in sorted(range(len(cues)), key=lambda i: (cues[i].start, i)):
        cue = cues[index]
        if last_to_end is not None and cue.start < cues[last_to_end].end:
            other = cues[last_to_end]
            where = f"{index + 1} ({_format_timestamp(cue.start)})"
            ends = _format_timestamp(other.end)
            warnings.append(
                CaptionWarning(
                    index,
                    cue.start,
                    "overlap",
                    f"Cue {where} starts before cue {last_to_end + 1} ends ({ends}); "
                    "overlapping captions are hard to follow.",
                    f"Textremsa {where} börjar innan textremsa {last_to_end + 1} slutar ({ends}); "
                    "överlappande text är svår att följa.",
                )
            )
        if last_to_end is None or cue.end > cues[last_to_end].end:
            last_to_end = index
    return warnings


def _swedish(number: str) -> str:
    """A formatted number with the Swedish decimal comma."""
    return number.replace(".", ",")
