"""Bytes to lines: the one encoding rule for every caption format.

UTF-8, with or without a BOM, is read as it is. A file that is not valid UTF-8 is read as
Windows-1252 (which covers Latin-1's letters) only when that can be told reliably: every byte
decodes under Windows-1252 (0x81, 0x8D, 0x8F, 0x90 and 0x9D do not) and the text then holds
nothing but printable characters, tabs and line breaks. That is what Windows tools write; text in
another encoding, or binary data, nearly always fails one of the two tests. A UTF-16 file with a
BOM is decoded as UTF-16. Each of these is reported with a warning; anything else is refused,
naming the byte offset of the first byte that is not UTF-8.

WebVTT follows the same rule, although the WebVTT spec says UTF-8 only and a browser shows
U+FFFD for each byte that is not: the author of a Windows-1252 ``.vtt`` meant å, ä and ö, and
Tolk stores UTF-8, so every browser then shows what was meant. A NUL character becomes U+FFFD,
as browsers show it, with a warning.
"""

from __future__ import annotations

import codecs
import re
from typing import NoReturn

from transcode.captions.model import CaptionError, NoteList, Severity

LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as browsers split lines; str.splitlines splits on more
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\xa0\xad")


def decode_lines(data: bytes, notes: NoteList) -> list[str]:
    """The file's lines, split on CRLF, CR and LF; raises CaptionError for undecodable bytes."""
    text = _decode(data, notes)
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # a final line break ends the last line; it does not start another
    if "\0" in text:
        for number, line in enumerate(lines, 1):
            if "\0" in line:
                notes.warn(
                    "text.nul",
                    number,
                    "a NUL character, which browsers show as \ufffd; it is kept as \ufffd",
                    "ett NUL-tecken, som webbläsare visar som \ufffd; det sparas som \ufffd",
                )
        lines = [line.replace("\0", "\ufffd") for line in lines]
    return lines


def _decode(data: bytes, notes: NoteList) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            _refuse(data, error.start, "UTF-16", "UTF-16")
        notes.warn(
            "encoding.utf16",
            1,
            "the file is UTF-16 text; it was read as such and is stored as UTF-8",
            "filen är UTF-16-text; den lästes som sådan och sparas som UTF-8",
        )
        return text
    skipped = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[skipped:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = skipped + error.start
    try:
        text = data[skipped:].decode("cp1252")
    except UnicodeDecodeError:
        _refuse(data, offset, "UTF-8", "UTF-8")
    odd = next(
        (i for i, char in enumerate(text) if not char.isprintable() and char not in _ALLOWED_CONTROLS), None
    )
    if odd is not None:
        _refuse(data, offset, "UTF-8", "UTF-8")
    line = _line_at(data, offset)
    byte = f"0x{data[offset]:02X}"
    notes.add(
        "encoding.windows_1252",
        Severity.WARNING,
        f"the file is not UTF-8 (byte {byte} at offset {offset}); it was read as Windows-1252 "
        "(Latin-1), as Windows tools write it, and is stored as UTF-8: check that å, ä and ö "
        "look right",
        f"filen är inte UTF-8 (byte {byte} vid position {offset}); den lästes som Windows-1252 "
        "(Latin-1), som Windows-program skriver, och sparas som UTF-8: kontrollera att å, ä "
        "och ö ser rätt ut",
        line=line,
        byte_offset=offset,
    )
    return text


def _line_at(data: bytes, offset: int) -> int:
    return len(LINE_BREAK.split(data[:offset].decode("latin-1")))


def _refuse(data: bytes, offset: int, expected: str, expected_sv: str) -> NoReturn:
    byte = f"0x{data[offset]:02X}" if offset < len(data) else "end of file"
    notes = NoteList()
    notes.add(
        "encoding.unknown",
        Severity.ERROR,
        f"byte {byte} at offset {offset} is not valid {expected}, and the file is not "
        "Windows-1252 text either; save it as UTF-8",
        f"byte {byte} vid position {offset} är inte giltig {expected_sv}, och filen är inte "
        "heller Windows-1252-text; spara den som UTF-8",
        line=_line_at(data, offset),
        byte_offset=offset,
    )
    raise CaptionError(notes.items)
