"""WebVTT read as Chromium reads it, and written so that Chromium reads the same cues.

The referee is the browser. Chromium's parser (Blink's ``VTTParser``) is a small state machine
over lines; it follows the spec's "WebVTT parser algorithm" except before the first cue, where
it reads every line through one "header" state: any line ``STYLE`` starts a style sheet (the
spec: only at the start of a block), and the line just before the first cue's timing line
becomes its identifier when it is a lone line (the spec: never a header line). That state
machine is written out here step for step, with line numbers, and wherever the spec reads a
file differently, or a browser silently drops or corrects something (a bad timing line, text
outside any cue, a setting it ignores, a STYLE block after the first cue, a cue that ends
before it starts), a warning names the line. The file is refused only when it is not WebVTT or
has no cues. The normalised file is laid out so that the spec and Chromium agree on it.

Why not webvtt-py (0.6): it keeps no line numbers, drops a cue with a bad timestamp silently (or
raises without a line in strict mode), accepts timestamps browsers reject (``0:0:1.5``), drops
STYLE and REGION blocks and does not split blocks as Chromium does. Matching Chromium cue for
cue would mean patching around it; the algorithm is short enough to own.

Regions: Chromium ships with WebVTT regions switched off (it ignores ``region:`` and REGION
blocks); Firefox and Safari use them. Tolk reads REGION blocks and ``region:`` by the spec and
keeps them, so a browser that uses regions renders the normalised file as the original.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from transcode.captions.model import (
    MAX_HOURS_DIGITS,
    MAX_TIME_MS,
    CaptionDocument,
    CaptionError,
    Cue,
    NoteList,
    Region,
    Severity,
    format_timestamp,
)
from transcode.captions.settings import canonical_settings, parse_cue_settings, parse_region

_TIMESTAMP = re.compile(r"([0-9]+):([0-9]+)(?::([0-9]+))?\.([0-9]+)")
# The usual timing line, read in one match; anything else takes the step-by-step path.
_FAST_TIMING = re.compile(
    r"[ \t\f]*(?:([0-9]{1,4}):)?([0-5][0-9]):([0-5][0-9])\.([0-9]{3})[ \t\f]*-->"
    r"[ \t\f]*(?:([0-9]{1,4}):)?([0-5][0-9]):([0-5][0-9])\.([0-9]{3})(?![0-9])[ \t\f]*"
)
_HTML_SPACE = " \t\f"  # within a line; CR and LF end lines
_TOKEN_END = re.compile(r"-->|[\t\f ]")


# Blink's states after the first cue (plain ints: the loop over lines runs once a line).
_ID, _TIMINGS, _CUE_TEXT, _BAD_CUE = range(4)


def is_webvtt_signature(line: str) -> bool:
    """``WEBVTT`` alone, or followed by a space or a tab (then any text)."""
    return line.startswith("WEBVTT") and line[6:7] in ("", " ", "\t")


def _keyword_line(line: str, word: str) -> bool:
    """``STYLE`` or ``REGION`` then nothing but spaces or tabs, as Chromium tests it."""
    return line.startswith(word) and not line[len(word) :].strip(" \t")


def _is_comment(line: str) -> bool:
    return line == "NOTE" or line.startswith(("NOTE ", "NOTE\t"))


# --- timestamps and timing lines ------------------------------------------------------------


def collect_timestamp(line: str, pos: int) -> tuple[int, int] | None:
    """The spec's "collect a WebVTT timestamp" as Chromium runs it: (milliseconds, end) or None.

    ``[h…h:]mm:ss.ttt``: a first field that is not two digits, or is above 59, is hours. Hours
    past MAX_HOURS_DIGITS digits give MAX_TIME_MS + 1 (too late) without reading the number,
    so that a file of a million digits costs no more than its length.
    """
    found = _TIMESTAMP.match(line, pos)
    if found is None:
        return None
    first, second, third, millis = found.groups()
    has_hours = len(first) != 2 or int(first[:3]) > 59
    if len(second) != 2 or len(millis) != 3:
        return None
    if has_hours:
        if third is None:
            return None
        hours, minutes, seconds = first, second, third
    elif third is not None:
        hours, minutes, seconds = first, second, third
    else:
        hours, minutes, seconds = "0", first, second
    if len(seconds) != 2 or int(minutes) > 59 or int(seconds) > 59:
        return None
    if len(hours.lstrip("0")) > MAX_HOURS_DIGITS:
        return MAX_TIME_MS + 1, found.end()
    total = ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)
    return total, found.end()


def _skip_space(line: str, pos: int) -> int:
    while pos < len(line) and line[pos] in _HTML_SPACE:
        pos += 1
    return pos


class TimingFailure(Exception):
    """A line with ``-->`` that is no timing line; the message says why, in English and Swedish."""

    def __init__(self, en: str, sv: str) -> None:
        super().__init__(en)
        self.en = en
        self.sv = sv


def parse_timing_line(line: str) -> tuple[int, int, str]:
    """(start, end, the settings text) of a WebVTT cue timing line; raises TimingFailure."""
    fast = _FAST_TIMING.match(line)
    if fast is not None:
        h1, m1, s1, t1, h2, m2, s2, t2 = fast.groups()
        start = ((int(h1 or 0) * 60 + int(m1)) * 60 + int(s1)) * 1000 + int(t1)
        end = ((int(h2 or 0) * 60 + int(m2)) * 60 + int(s2)) * 1000 + int(t2)
        return start, end, line[fast.end() :]
    start, end, pos = timing_span(line, ".")
    return start, end, line[_skip_space(line, pos) :]


def timing_span(line: str, decimal_marks: str) -> tuple[int, int, int]:
    """(start, end, where the end time ends) of a timing line; raises TimingFailure.

    ``decimal_marks`` is ``.`` for WebVTT; SRT also takes a comma.
    """
    pos = _skip_space(line, 0)
    start = _timestamp(line, pos, decimal_marks)
    if start is None:
        raise _bad_timestamp(line, pos, decimal_marks)
    pos = _skip_space(line, start[1])
    if not line.startswith("-->", pos):
        raise TimingFailure(
            "expected '-->' between the start and end times", "'-->' saknas mellan start- och sluttiden"
        )
    pos = _skip_space(line, pos + 3)
    end = _timestamp(line, pos, decimal_marks)
    if end is None:
        raise _bad_timestamp(line, pos, decimal_marks)
    return start[0], end[0], end[1]


def _timestamp(line: str, pos: int, decimal_marks: str) -> tuple[int, int] | None:
    if decimal_marks == ".":
        return collect_timestamp(line, pos)
    # SRT: the same fields, with a comma or a full stop before the milliseconds.
    token = _TOKEN_END.split(line[pos:], maxsplit=1)[0]
    for mark in decimal_marks:
        if mark != "." and mark in token:
            swapped = line[:pos] + token.replace(mark, ".", 1)
            found = collect_timestamp(swapped, pos)
            if found is not None:
                return found[0], found[1]
    return collect_timestamp(line, pos)


def _bad_timestamp(line: str, pos: int, decimal_marks: str) -> TimingFailure:
    written = _TOKEN_END.split(line[pos:], maxsplit=1)[0]
    if not written:
        which = "start" if line.startswith("-->", pos) else "end"
        return TimingFailure(
            f"the {which} time is missing", "starttid saknas" if which == "start" else "sluttid saknas"
        )
    if not written[0].isdigit():
        return TimingFailure(
            f"a line with '-->' is a cue timing line, but {written!r} is not a time "
            "(cue text and identifiers cannot contain '-->')",
            f"en rad med '-->' är en tidsrad, men {written!r} är ingen tid "
            "(text och id kan inte innehålla '-->')",
        )
    if "," in decimal_marks:
        expected, expected_sv = "hh:mm:ss,ttt", "tt:mm:ss,ttt"
    else:
        expected, expected_sv = "hh:mm:ss.ttt or mm:ss.ttt", "tt:mm:ss.ttt eller mm:ss.ttt"
        if "," in written:
            expected += "; WebVTT has a full stop before the milliseconds"
            expected_sv += "; WebVTT har punkt före millisekunderna"
    return TimingFailure(
        f"bad timestamp {written!r} (expected {expected})",
        f"felaktig tid {written!r} (väntade {expected_sv})",
    )


def check_times(start: int, end: int, line: int, notes: NoteList) -> bool:
    """Notes for times past the maximum (an error) or an end not after the start (a warning)."""
    if max(start, end) > MAX_TIME_MS:
        limit = format_timestamp(MAX_TIME_MS)
        notes.error(
            "time.beyond_maximum",
            line,
            f"a time after {limit}, the latest Tolk accepts",
            f"en tid efter {limit}, den senaste Tolk tar emot",
        )
        return False
    if end <= start:
        notes.warn(
            "cue.end_not_after_start",
            line,
            f"the cue ends ({format_timestamp(end)}) when or before it starts ({format_timestamp(start)}), "
            "so browsers never show it; it is kept as it is",
            f"textremsan slutar ({format_timestamp(end)}) innan eller när den börjar "
            f"({format_timestamp(start)}), så webbläsare visar den aldrig; den sparas som den är",
        )
    return True


# --- reading --------------------------------------------------------------------------------


class _Reader:
    """Blink's VTTParser states, one line at a time, with notes."""

    def __init__(self, lines: list[str], notes: NoteList) -> None:
        self.lines = lines
        self.notes = notes
        self.cues: list[Cue] = []
        self.styles: list[str] = []
        self.pre_cue_lines: list[int] = []  # indices of lines read in the header state
        self.id_index: int | None = None  # the line Chromium took as the first cue's identifier
        # The cue being read.
        self.cue_id = ""
        self.cue_line = 0
        self.start = self.end = 0
        self.settings = ""
        self.text: list[str] = []
        self.id_line = 0
        self.regions: dict[str, Region] = {}
        self.header_lines: list[str] = []
        self._sorted = False

    def run(self) -> None:
        """Blink's header state up to the first cue, then the cue states."""
        lines = self.lines
        previous = ""  # Chromium's previous_line_: a lone line that may name the first cue
        style: list[str] | None = None  # the STYLE block being read
        for index in range(1, len(lines)):
            line = lines[index]
            if style is not None:
                if line and "-->" not in line:
                    style.append(line)
                    continue
                if any(part.strip() for part in style):
                    self.styles.append("\n".join(style))
                style = None
                if "-->" not in line:
                    continue
                if self._start_cue(line, index):
                    self.pre_cue_regions()
                    self._check_first_identifier(index)
                    return self._cues_from(index + 1, _CUE_TEXT)
                self.pre_cue_lines.append(index)
                continue
            if "-->" not in previous and _keyword_line(line, "STYLE"):
                self._note_style_start(index)
                style = []
                continue
            if "-->" in line and self._start_cue(line, index):
                if previous and "-->" not in previous:
                    self.cue_id = previous
                    self.id_index = index - 1
                self.pre_cue_regions()
                self._check_first_identifier(index)
                return self._cues_from(index + 1, _CUE_TEXT)
            self.pre_cue_lines.append(index)
            previous = line if not previous else ""
        self.pre_cue_regions()
        return None

    def _cues_from(self, first: int, state: int) -> None:
        """Blink's cue states from the first cue on: the loop that runs once a line, kept lean."""
        lines = self.lines
        text = self.text
        fast = _FAST_TIMING.match
        for index in range(first, len(lines)):
            line = lines[index]
            if state == _CUE_TEXT:
                if not line:
                    self._emit()
                    state = _ID
                    continue
                if "-->" not in line:
                    if line[0] in " \t\f" and not line.strip(" \t\f"):
                        self._note_whitespace_line(index)
                    text.append(line)
                    continue
                self._emit()
                in_text = True
            elif state == _ID:
                if not line:
                    continue
                if "-->" not in line:
                    self.cue_id, self.id_line = line, index
                    state = _TIMINGS
                    continue
                in_text = False
            elif state == _TIMINGS:
                if not line or "-->" not in line:
                    self._note_dropped_block(self.id_line, index)
                    state = _ID if not line else _BAD_CUE
                    continue
                in_text = False
            else:  # _BAD_CUE
                if not line:
                    state = _ID
                if "-->" not in line:
                    continue
                in_text = False
            # A line with "-->" where a cue may start (Blink's "recover cue"; from the
            # timings state the identifier stays).
            identifier = self.cue_id if state == _TIMINGS else ""
            timing = fast(line)
            if timing is not None:
                h1, m1, s1, t1, h2, m2, s2, t2 = timing.groups()
                self.start = ((int(h1 or 0) * 60 + int(m1)) * 60 + int(s1)) * 1000 + int(t1)
                self.end = ((int(h2 or 0) * 60 + int(m2)) * 60 + int(s2)) * 1000 + int(t2)
                self.settings = line[timing.end() :]
                self.cue_line = index + 1
                text.clear()
                started = True
            else:
                started = self._start_cue(line, index, in_text=in_text)
            self.cue_id = identifier
            state = _CUE_TEXT if started else _BAD_CUE
        if state == _CUE_TEXT:
            self._emit()

    def _note_whitespace_line(self, index: int) -> None:
        self.notes.warn(
            "webvtt.whitespace_line",
            index + 1,
            "a line of only spaces or tabs is not a blank line: browsers keep it "
            "in the cue's text (an empty line would end the cue)",
            "en rad med bara blanksteg eller tabbar är ingen tom rad: webbläsare "
            "behåller den i textremsans text (en tom rad avslutar textremsan)",
        )

    # Cues.

    def _start_cue(self, line: str, index: int, *, in_text: bool = False) -> bool:
        """Chromium's "recover cue": a new cue from a timing line, or False with a warning."""
        self.cue_id, self.settings = "", ""
        self.text.clear()
        try:
            self.start, self.end, self.settings = parse_timing_line(line)
        except TimingFailure as failure:
            if in_text:
                en = (
                    "a line with '-->' ends the cue's text and must be a timing line, but "
                    f"{failure.en}; browsers drop it and the lines after it up to the next blank line"
                )
                sv = (
                    "en rad med '-->' avslutar textremsans text och måste vara en tidsrad, men "
                    f"{failure.sv}; webbläsare hoppar över den och raderna efter den "
                    "fram till nästa tomma rad"
                )
            else:
                en = f"a cue timing line browsers cannot read: {failure.en}; they drop this cue"
                sv = f"en tidsrad som webbläsare inte kan läsa: {failure.sv}; de hoppar över textremsan"
            self.notes.warn("webvtt.bad_timing_line", index + 1, en, sv)
            return False
        self.cue_line = index + 1
        return True

    def _emit(self) -> None:
        start, end = self.start, self.end
        if not (start < end <= MAX_TIME_MS) and not check_times(start, end, self.cue_line, self.notes):
            return
        settings = ""
        if self.settings:
            settings = parse_cue_settings(self.settings, self.regions, self.cue_line, self.notes).text()
        self.cues.append(Cue(start, end, "\n".join(self.text), self.cue_id, settings, self.cue_line))

    # What comes before the first cue.

    def _note_style_start(self, index: int) -> None:
        if index > 1 and self.lines[index - 1] == "":
            return
        self.notes.warn(
            "webvtt.style_not_block_start",
            index + 1,
            "Chromium starts a style sheet at this STYLE line, the WebVTT spec only after a blank "
            "line; Tolk keeps it as a STYLE block, with a blank line before it",
            "Chromium börjar en stilmall vid den här STYLE-raden, WebVTT-specen bara efter en tom "
            "rad; Tolk behåller den som ett STYLE-block, med en tom rad före",
        )

    def _spec_identifier(self, index: int) -> str:
        """The first cue's identifier as the spec reads it: the line above, when it starts a
        block that is not the header."""
        above = index - 1
        if (
            above >= 2
            and self.lines[above]
            and self.lines[above - 1] == ""
            and "-->" not in self.lines[above]
        ):
            return self.lines[above]
        return ""

    def _check_first_identifier(self, index: int) -> None:
        spec = self._spec_identifier(index)
        if spec == self.cue_id:
            return
        self.notes.warn(
            "webvtt.identifier_differs",
            index + 1,
            f"Chromium reads this cue's identifier as {self.cue_id!r}, the WebVTT spec as {spec!r}; "
            "Tolk keeps Chromium's reading and writes the file so that every browser agrees "
            "(a blank line after the header and between blocks avoids this)",
            f"Chromium läser textremsans id som {self.cue_id!r}, WebVTT-specen som {spec!r}; Tolk "
            "behåller Chromiums läsning och skriver filen så att alla webbläsare är överens "
            "(en tom rad efter huvudet och mellan blocken undviker detta)",
        )

    def _note_dropped_block(self, first: int, index: int) -> None:
        """A block after the first cue that is not a cue: browsers ignore it."""
        heading = self.lines[first]
        if _is_comment(heading) or not "".join(self.lines[first:index]).strip(" \t\f"):
            return
        if _keyword_line(heading, "STYLE") or _keyword_line(heading, "REGION"):
            word = heading.strip(" \t")
            self.notes.warn(
                "webvtt.block_after_cue",
                first + 1,
                f"browsers ignore a {word} block after the first cue; it is left out "
                "(move it above the first cue)",
                f"webbläsare hoppar över ett {word}-block efter första textremsan; det tas bort "
                "(flytta det ovanför första textremsan)",
            )
            return
        self._warn_outside(first)

    def _warn_outside(self, index: int) -> None:
        self.notes.warn(
            "webvtt.text_outside_cue",
            index + 1,
            "text outside any cue, which browsers ignore; it is left out (a blank line ends a "
            "cue's text, and a cue starts with its timing line or an identifier line just above it)",
            "text utanför textremsorna, som webbläsare hoppar över; den tas bort (en tom rad "
            "avslutar en textremsas text, och en textremsa börjar med sin tidsrad eller en id-rad "
            "precis ovanför)",
        )

    def pre_cue_regions(self) -> None:
        """Sort the lines before the first cue into header lines, REGION blocks, comments and
        text that browsers ignore (each run of lines without a blank line is one block)."""
        if self._sorted:
            return
        self._sorted = True
        runs: list[list[int]] = []
        for index in self.pre_cue_lines:
            line = self.lines[index]
            if not line or "-->" in line:
                continue
            if runs and runs[-1][-1] == index - 1:
                runs[-1].append(index)
            else:
                runs.append([index])
        for run in runs:
            heading = self.lines[run[0]]
            if run[0] == 1:
                self.header_lines = [self.lines[i] for i in run]
            elif (
                run == [self.id_index]
                or _is_comment(heading)
                or not "".join(self.lines[i] for i in run).strip(" \t\f")
            ):
                continue
            elif _keyword_line(heading, "REGION") and self.lines[run[0] - 1] == "":
                region = parse_region([self.lines[i] for i in run[1:]], run[0] + 1, self.notes)
                if region is not None:
                    if region.identifier in self.regions:
                        self.notes.warn(
                            "webvtt.region_repeated",
                            run[0] + 1,
                            f"a second REGION with the id {region.identifier!r}: it replaces the first",
                            f"en andra REGION med id {region.identifier!r}: den ersätter den första",
                        )
                        del self.regions[region.identifier]
                    self.regions[region.identifier] = region
            else:
                self._warn_outside(run[0])


_DROPPED_CUE = ("webvtt.bad_timing_line", "webvtt.text_outside_cue")


def read_webvtt(lines: list[str], notes: NoteList) -> CaptionDocument:
    """A WebVTT file's lines (decoded, split) as a document; raises CaptionError when refused."""
    first = lines[0] if lines else ""
    if not is_webvtt_signature(first):
        notes.error(
            "webvtt.signature",
            1,
            "not a WebVTT file: its first line must be 'WEBVTT' (optionally followed by a space "
            "or a tab and any text); browsers show nothing from this file",
            "ingen WebVTT-fil: första raden måste vara 'WEBVTT' (eventuellt följd av ett "
            "blanksteg eller en tabb och valfri text); webbläsare visar ingenting från filen",
        )
        raise CaptionError(notes.items)
    reader = _Reader(lines, notes)
    reader.run()
    if not reader.cues and not notes.has_errors:
        # Name the first cue a browser drops, when there is one: that is what to fix.
        dropped = next((n for n in notes.items if n.code in _DROPPED_CUE), None)
        notes.error(
            "webvtt.no_cues",
            dropped.line if dropped else 1,
            "the file has no cue that browsers can read, so they show nothing"
            + (f"; the first they drop is here: {dropped.message_en}" if dropped else ""),
            "filen har ingen textremsa som webbläsare kan läsa, så de visar ingenting"
            + (f"; den första de hoppar över är här: {dropped.message_sv}" if dropped else ""),
        )
    if notes.has_errors:
        raise CaptionError(notes.items)
    notes.items.sort(key=lambda note: note.line)
    return CaptionDocument(
        cues=tuple(reader.cues),
        header=first[6:],
        header_lines=tuple(reader.header_lines),
        styles=tuple(reader.styles),
        regions=tuple(reader.regions.values()),
        notes=tuple(notes.items),
        source_format="vtt",
    )


# --- writing --------------------------------------------------------------------------------


def write_webvtt(document: CaptionDocument) -> bytes:
    """Normalised WebVTT, UTF-8 without BOM, LF line ends: the WEBVTT line and header lines, a
    blank line, each STYLE block, each REGION block, then each cue followed by a blank line,
    times to the millisecond and settings in canonical form.

    Raises ValueError for what could not read back as the same document (a blank line or
    ``-->`` in a cue's text, a bad identifier, a time past the maximum).
    """
    parts = ["WEBVTT" + _one_line(document.header, "the header"), "\n"]
    for line in document.header_lines:
        if not line or "-->" in line or _keyword_line(line, "STYLE"):
            raise ValueError(f"the header line {line!r} cannot be written as a WebVTT header line")
        parts.append(line + "\n")
    parts.append("\n")
    for style in document.styles:
        if any(not line or "-->" in line for line in style.split("\n")):
            raise ValueError("a STYLE block cannot hold a blank line or '-->'")
        parts.append(f"STYLE\n{style}\n\n")
    for region in document.regions:
        parts.append("REGION\n" + "\n".join(region.settings) + "\n\n")
    regions = {region.identifier: region for region in document.regions}
    for number, cue in enumerate(document.cues, 1):
        parts.append(_cue_block(number, cue, regions))
    output = "".join(parts).encode("utf-8")
    _check_reads_back(output, document)
    return output


def _one_line(text: str, what: str) -> str:
    if "\n" in text or "\r" in text:
        raise ValueError(f"{what} cannot hold a line break")
    if text and text[0] not in " \t":
        raise ValueError(f"{what} must start with a space or a tab")
    return text


def _cue_block(number: int, cue: Cue, regions: dict[str, Region]) -> str:
    if not 0 <= cue.start_ms <= MAX_TIME_MS or not 0 <= cue.end_ms <= MAX_TIME_MS:
        raise ValueError(f"cue {number}: its times must be from 0 to {format_timestamp(MAX_TIME_MS)}")
    identifier = cue.identifier
    if "\n" in identifier or "\r" in identifier or "-->" in identifier:
        raise ValueError(f"cue {number}: an identifier is one line without '-->'")
    if number == 1 and _keyword_line(identifier, "STYLE"):
        raise ValueError(f"cue {number}: the first cue's identifier cannot be {identifier!r}")
    for line in cue.text.split("\n") if cue.text else ():
        if not line or "-->" in line or "\r" in line:
            raise ValueError(f"cue {number}: cue text cannot hold a blank line or '-->'")
    settings = canonical_settings(cue.settings, regions) if cue.settings else ""
    timing = f"{format_timestamp(cue.start_ms)} --> {format_timestamp(cue.end_ms)}"
    lines = [identifier] if identifier else []
    lines.append(f"{timing} {settings}" if settings else timing)
    if cue.text:
        lines.append(cue.text)
    return "\n".join(lines) + "\n\n"


def _check_reads_back(output: bytes, document: CaptionDocument) -> None:
    """Tolk's own reader must read the written file as the document (or the code is wrong)."""
    from transcode.captions.decoding import decode_lines

    notes = NoteList()
    try:
        read = read_webvtt(decode_lines(output, notes), notes)
    except CaptionError as error:
        raise ValueError(f"the written file would not read back: {error}") from None
    regions = dict(_regions(document))
    expected = [
        Cue(c.start_ms, c.end_ms, c.text, c.identifier, canonical_settings(c.settings, regions))
        if c.settings
        else c
        for c in document.cues
    ]
    for number, (written, cue) in enumerate(zip(read.cues, expected, strict=False), 1):
        if written != cue:
            raise ValueError(f"cue {number} would read back as {written!r}, not {cue!r}")
    if len(read.cues) != len(expected):
        raise ValueError(f"{len(expected)} cues would read back as {len(read.cues)}")
    if (read.header_lines, read.styles, read.regions) != (
        document.header_lines,
        document.styles,
        document.regions,
    ):
        raise ValueError("the header lines, STYLE or REGION blocks would not read back")
    bad = [note for note in read.notes if note.severity is Severity.ERROR]
    if bad:
        raise ValueError(f"the written file has errors: {bad[0].message_en}")


def _regions(document: CaptionDocument) -> Sequence[tuple[str, Region]]:
    return [(region.identifier, region) for region in document.regions]
