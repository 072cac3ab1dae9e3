"""Caption files: WebVTT read as Chromium reads it, SRT as players do, one report of notes.

The rules come from the WebVTT parser algorithm and Blink's VTTParser; the browser test
(tests/browser/test_captions_in_chromium.py) checks the corpus in tests/data/webvtt/ against
Chromium itself. tests/data/captions/ holds two older samples: tricky.vtt (valid WebVTT that is
easy to misread) and bom_crlf.srt (SRT with a BOM and CRLF line endings).
"""

from __future__ import annotations

import gc
import time
import unicodedata
from pathlib import Path

import pytest
import webvtt

from transcode.captions import (
    MAX_TIME_MS,
    CaptionDocument,
    CaptionError,
    Cue,
    Region,
    Severity,
    caption_report,
    cue_plain_text,
    cue_voice,
    parse_captions,
    read_captions,
    write_srt,
    write_webvtt,
)

SAMPLES = Path(__file__).parent / "data" / "captions"

# What Chromium (and the WebVTT parser algorithm) reads from tricky.vtt.
TRICKY_CUES = [
    Cue(0, 1500, "<v Anna>Hej och välkommen!</v>", "intro", "line:0 position:20% align:start"),
    Cue(
        1500,
        3250,
        "<v.loud Björn>Åh, <i>vad</i> härligt &amp; <b>roligt</b>!\nRad två: &lt;3 &gt; &nbsp;slut",
        settings="size:80% align:end",
    ),
    Cue(
        3250,
        4000,
        "<c.highlight>Tre</c> rader\n  med inledande blanksteg\n"
        "och <ruby>漢<rt>kan</rt></ruby> <00:00:03.500>tidsstämpel",
        "2",
    ),
    Cue(4000, 5000, "Ö överst", "Scen 5 – slut", "vertical:rl line:-1"),
    Cue(5000, 6000, "No blank line before this cue, and a bare & ampersand"),
]
SRT_CUES = [
    Cue(500, 2000, "<i>Hej</i> &amp; välkommen, Åsa!"),
    Cue(2000, 3500, "Gul text och <b>fet</b>\nRad två: 1 &lt; 2 &amp; 3 > 2"),
    Cue(3500, 5000, "Överst i bild\n1984", settings="line:0"),
]


def vtt(*lines: str) -> bytes:
    return "\n".join(("WEBVTT", "", *lines)).encode("utf-8")


def srt(*lines: str) -> bytes:
    return "\n".join(lines).encode("utf-8")


def only_cue(data: bytes) -> Cue:
    cues = parse_captions(data)
    assert len(cues) == 1, cues
    return cues[0]


def notes_of(data: bytes, filename: str | None = None) -> list[tuple[int, str]]:
    return [(note.line, note.code) for note in read_captions(data, filename).notes]


def refusal(data: bytes, filename: str | None = None) -> CaptionError:
    with pytest.raises(CaptionError) as caught:
        read_captions(data, filename)
    error = caught.value
    assert error.message and error.message_sv and str(error) == f"line {error.line}: {error.message}"
    return error


# --- the sample files ---------------------------------------------------------------------


def test_tricky_webvtt_sample() -> None:
    document = read_captions((SAMPLES / "tricky.vtt").read_bytes())
    assert list(document.cues) == TRICKY_CUES
    assert document.header == " Tolk sample: valid WebVTT that is easy to misread"
    assert document.header_lines == ("Kind: captions", "Language: sv")
    assert document.styles == ("::cue(.highlight) { color: yellow; }",)
    assert document.regions == (Region("fred", ("id:fred", "width:40%", "lines:3")),)
    assert [c.line for c in document.cues] == [17, 20, 25, 36, 38]


def test_srt_sample_with_bom_and_crlf() -> None:
    data = (SAMPLES / "bom_crlf.srt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf1\r\n")  # the sample must stay byte-exact
    document = read_captions(data, "bom_crlf.srt")
    assert list(document.cues) == SRT_CUES and document.source_format == "srt" and not document.notes


@pytest.mark.parametrize("name", ["tricky.vtt", "bom_crlf.srt"])
def test_round_trip(name: str) -> None:
    document = read_captions((SAMPLES / name).read_bytes())
    written = write_webvtt(document)
    assert written.startswith(b"WEBVTT") and b"\r" not in written and b"\xef\xbb\xbf" not in written
    again = read_captions(written)
    assert (again.cues, again.header_lines, again.styles, again.regions) == (
        document.cues,
        document.header_lines,
        document.styles,
        document.regions,
    )
    assert write_webvtt(again) == written


def test_other_tools_read_the_normalised_output_alike() -> None:
    document = read_captions((SAMPLES / "tricky.vtt").read_bytes())
    read = webvtt.from_string(write_webvtt(document).decode())
    assert [c.start for c in read] == [
        "00:00:00.000",
        "00:00:01.500",
        "00:00:03.250",
        "00:00:04.000",
        "00:00:05.000",
    ]
    assert [c.raw_text for c in read] == [c.text for c in document.cues]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_bom_and_line_endings_do_not_change_the_cues(bom: bytes, newline: str) -> None:
    text = (SAMPLES / "tricky.vtt").read_text(encoding="utf-8")
    assert parse_captions(bom + text.replace("\n", newline).encode("utf-8")) == TRICKY_CUES


def test_swedish_text_is_kept_intact() -> None:
    text = "Vem du än är, är du välkommen hit.\nÅÄÖ åäö – é"
    assert only_cue(vtt("00:01.000 --> 00:04.000", text)).text == text
    assert only_cue(srt("1", "00:00:01,000 --> 00:00:04,000", text)).text == text
    decomposed = unicodedata.normalize("NFD", text)
    assert only_cue(vtt("00:01.000 --> 00:04.000", decomposed)).text == decomposed


# --- WebVTT: signature, header, blocks ------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"WEBVTTX\n\n00:01.000 --> 00:02.000\nx", b"\nWEBVTT\n\n00:01.000 --> 00:02.000\nx", b"WEBVT\n\nx"],
)
def test_not_webvtt_is_refused(data: bytes) -> None:
    error = refusal(data, "x.vtt")
    assert (error.line, error.notes[-1].code) == (1, "webvtt.signature")
    assert "first line must be 'WEBVTT'" in error.message


@pytest.mark.parametrize("first", ["WEBVTT", "WEBVTT ", "WEBVTT\tTitel", "WEBVTT - Tolk"])
def test_signatures_browsers_accept(first: str) -> None:
    document = read_captions(f"{first}\n\n00:01.000 --> 00:02.000\nx".encode())
    assert document.header == first[6:] and len(document.cues) == 1


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"WEBVTT\n\nNOTE nothing here\n", 1),
        (b"WEBVTT\n", 1),
        (b"WEBVTT\n\n00:00:01.000 --> later\nHej\n", 3),  # names the cue browsers drop
        (b"WEBVTT\n\nSTYLE\n::cue { color: red }\n", 1),
    ],
)
def test_no_cues_is_refused(data: bytes, line: int) -> None:
    error = refusal(data)
    assert error.line == line and "no cue that browsers can read" in error.message


def test_header_lines_are_kept_and_written_back() -> None:
    data = (
        b"WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\nKind: captions\n\n"
        b"00:01.000 --> 00:02.000\nx"
    )
    document = read_captions(data)
    assert document.header_lines == ("X-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000", "Kind: captions")
    assert write_webvtt(document).startswith(b"WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n")
    assert not document.notes


def test_a_lone_header_line_above_the_first_cue_is_its_identifier_in_chromium() -> None:
    document = read_captions(b"WEBVTT\nKind: captions\n00:01.000 --> 00:02.000\nx")
    assert document.cues[0].identifier == "Kind: captions"
    assert notes_of(b"WEBVTT\nKind: captions\n00:01.000 --> 00:02.000\nx") == [
        (3, "webvtt.identifier_differs")
    ]
    # Two header lines: Chromium's "previous line" toggles back to nothing.
    assert only_cue(b"WEBVTT\nKind: captions\nLanguage: sv\n00:01.000 --> 00:02.000\nx").identifier == ""
    # NOTE, a, id: Chromium takes "id"; the spec reads a comment and a cue without one.
    data = vtt("NOTE", "a", "id", "00:01.000 --> 00:02.000", "x")
    assert only_cue(data).identifier == "id"
    assert (6, "webvtt.identifier_differs") in notes_of(data)


def test_style_blocks_are_kept_where_chromium_reads_them() -> None:
    data = vtt(
        "STYLE",
        "::cue { color: red }",
        "",
        "STYLE",
        "",
        "00:01.000 --> 00:02.000",
        "x",
        "",
        "STYLE",
        "::cue { color: green }",
        "",
        "00:02.000 --> 00:03.000",
        "y",
    )
    document = read_captions(data)
    assert document.styles == ("::cue { color: red }",)  # the empty one adds nothing
    assert [(n.line, n.code) for n in document.notes] == [(11, "webvtt.block_after_cue")]
    assert b"STYLE\n::cue { color: red }\n\n00:00:01.000" in write_webvtt(document)
    # Right under the header, Chromium starts a style sheet (the spec reads header text).
    data = (
        b"WEBVTT\nX-TIMESTAMP-MAP=LOCAL:00:00:00.000\nSTYLE\n::cue { color: lime }\n\n"
        b"00:01.000 --> 00:02.000\nx"
    )
    document = read_captions(data)
    assert document.styles == ("::cue { color: lime }",)
    assert document.header_lines == ("X-TIMESTAMP-MAP=LOCAL:00:00:00.000",)
    assert document.cues[0].identifier == "X-TIMESTAMP-MAP=LOCAL:00:00:00.000"  # as Chromium reads it
    assert [n.code for n in document.notes] == ["webvtt.style_not_block_start", "webvtt.identifier_differs"]


def test_style_right_above_the_first_timing_line_is_a_style_block_in_chromium() -> None:
    document = read_captions(vtt("STYLE", "00:01.000 --> 00:02.000", "x"))
    assert document.cues[0].identifier == "" and document.styles == ()
    assert [n.code for n in document.notes] == ["webvtt.identifier_differs"]
    with pytest.raises(ValueError, match="identifier"):
        write_webvtt(CaptionDocument((Cue(0, 1000, "x", "STYLE"),)))


def test_regions_by_the_spec() -> None:
    data = vtt(
        "REGION",
        "id:fred width:40% lines:3",
        "regionanchor:0%,100% viewportanchor:10%,90% scroll:up bogus:1",
        "",
        "REGION",
        "width:10%",
        "",
        "00:01.000 --> 00:02.000 region:fred",
        "in fred",
        "",
        "00:02.000 --> 00:03.000 region:fred line:0",
        "line cancels the region",
        "",
        "00:03.000 --> 00:04.000 region:nobody",
        "no such region",
    )
    document = read_captions(data)
    assert document.regions == (
        Region(
            "fred",
            (
                "id:fred",
                "width:40%",
                "lines:3",
                "regionanchor:0%,100%",
                "viewportanchor:10%,90%",
                "scroll:up",
            ),
        ),
    )
    assert [c.settings for c in document.cues] == ["region:fred", "line:0", ""]
    assert [(n.line, n.code) for n in document.notes] == [
        (3, "webvtt.region_setting_ignored"),
        (7, "webvtt.region_without_id"),
        (13, "webvtt.region_ignored"),
        (16, "webvtt.setting_ignored"),
    ]


def test_note_blocks_are_comments() -> None:
    data = vtt("NOTE a", "", "NOTE", "two", "lines", "", "00:01.000 --> 00:02.000", "x", "", "NOTE\tend")
    document = read_captions(data)
    assert len(document.cues) == 1 and not document.notes


def test_text_outside_cues_is_a_warning_and_left_out() -> None:
    data = vtt("junk", "", "00:01.000 --> 00:02.000", "one", "", "two", "", "00:02.000 --> 00:03.000", "y")
    document = read_captions(data)
    assert [c.text for c in document.cues] == ["one", "y"]
    assert notes_of(data) == [(3, "webvtt.text_outside_cue"), (8, "webvtt.text_outside_cue")]


def test_arrows_outside_timing_lines() -> None:
    data = vtt(
        "id --> 1",
        "00:01.000 --> 00:02.000",
        "x",
        "",
        "00:02.000 --> 00:03.000",
        "say --> no",
        "dropped",
        "",
        "00:03.000 --> 00:04.000",
        "z",
    )
    document = read_captions(data)
    assert [(c.identifier, c.text) for c in document.cues] == [("", "x"), ("", ""), ("", "z")]
    assert notes_of(data) == [(3, "webvtt.bad_timing_line"), (8, "webvtt.bad_timing_line")]
    assert "ends the cue's text" in document.notes[1].message_en


def test_whitespace_lines_stay_in_cue_text() -> None:
    data = vtt("00:01.000 --> 00:02.000", "one", "   ", "\t", "two", "", "  \t", "")
    assert only_cue(data).text == "one\n   \n\t\ntwo"
    assert notes_of(data) == [(5, "webvtt.whitespace_line"), (6, "webvtt.whitespace_line")]


def test_every_problem_is_reported_at_once() -> None:
    data = vtt(
        "00:00.000 --> 00:01.000 align:middle position:50.00%,middle",
        "a",
        "   ",
        "",
        "00:01.000 -> 00:02.000",
        "b",
        "",
        "00:03.000 --> 00:02.000 line:101% vertical:RL size:",
        "c",
    )
    assert [code for _, code in notes_of(data)] == [
        "webvtt.setting_ignored",
        "webvtt.setting_ignored",
        "webvtt.whitespace_line",
        "webvtt.text_outside_cue",
        "cue.end_not_after_start",
        "webvtt.setting_ignored",
        "webvtt.setting_ignored",
        "webvtt.setting_ignored",
    ]


def test_nul_becomes_replacement_character() -> None:
    data = vtt("00:01.000 --> 00:02.000", "a\0b")
    assert only_cue(data).text == "a\ufffdb" and notes_of(data) == [(4, "text.nul")]


# --- WebVTT timestamps and times ------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "ms"),
    [
        ("00:00.000", 0),
        ("59:59.999", 3_599_999),
        ("00:01:02.003", 62_003),
        ("1:02:03.000", 3_723_000),  # one-digit hours, as in Chromium
        ("100:00:00.500", 360_000_500),
        ("9999:59:59.999", MAX_TIME_MS),
        ("0009999:59:59.999", MAX_TIME_MS),  # leading zeros are not digits of the hours
    ],
)
def test_valid_webvtt_timestamps(written: str, ms: int) -> None:
    assert only_cue(vtt(f"{written} --> 9999:00:00.000", "x")).start_ms == ms


@pytest.mark.parametrize(
    "written",
    [
        "00:01,000",
        "0:01.000",
        "00:1.000",
        "00:01.00",
        "00:01.0000",
        "00:60.000",
        "00:60:00.000",
        "60:00.000",
        "-00:01.000",
    ],
)
def test_bad_webvtt_timestamps_drop_the_cue_with_a_warning(written: str) -> None:
    data = vtt("00:00.000 --> 00:01.000", "kept", "", f"{written} --> 01:00:00.000", "dropped")
    assert [c.text for c in parse_captions(data)] == ["kept"]
    assert notes_of(data) == [(6, "webvtt.bad_timing_line")]


@pytest.mark.parametrize(
    "data",
    [
        b"WEBVTT\n\n10000:00:00.000 --> 10000:00:01.000\nx",
        b"WEBVTT\n\n10000000000:00:00.000 --> 10000000000:00:01.000\nx",  # 10^10 hours
        b"WEBVTT\n\n00:01.000 --> " + b"9" * 100_000 + b":00:00.000\nx",
        b"1\n10000000000:00:00,000 --> 10000000000:00:01,000\nx",
    ],
)
def test_times_past_the_maximum_are_refused_with_the_line(data: bytes) -> None:
    error = refusal(data)
    assert (error.notes[-1].code, error.line) == ("time.beyond_maximum", 3 if data.startswith(b"W") else 2)
    assert "9999:59:59.999" in error.message and "9999:59:59.999" in error.message_sv


def test_end_not_after_start_is_kept_as_chromium_keeps_it() -> None:
    data = vtt("00:02.000 --> 00:01.000", "x", "", "00:03.000 --> 00:03.000", "y")
    assert [(c.start_ms, c.end_ms) for c in parse_captions(data)] == [(2000, 1000), (3000, 3000)]
    assert notes_of(data) == [(3, "cue.end_not_after_start"), (6, "cue.end_not_after_start")]


# --- cue settings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical", "ignored"),
    [
        ("line:0 position:20% align:start", "line:0 position:20% align:start", 0),
        ("align:start line:0", "line:0 align:start", 0),  # canonical order
        ("line:-0 size:080.50% position:050%,line-left", "line:0 position:50%,line-left size:80.5%", 0),
        ("line:50%,start line:3,end", "line:3,end", 0),  # repeated: the last wins (a warning)
        ("line:101% line:-1.5", "line:-1.5", 1),
        ("line:1.5 line:.5 line:5. line:1e3 line:+1", "line:1.5", 4),
        ("position:1%,middle align:middle vertical:RL size:101%", "", 4),
        ("position: 5% size: line", "", 4),
        ("vertical:lr vertical:x", "vertical:lr", 1),
        ("Line:0 bogus:1 :x", "", 3),
        ("\tline:0\t\tsize:50%  ", "line:0 size:50%", 0),
        ("line:10000000000000000000000000000000000", "line:10000000000000000000000000000000000", 0),
    ],
)
def test_cue_settings(written: str, canonical: str, ignored: int) -> None:
    document = read_captions(vtt(f"00:01.000 --> 00:02.000 {written}", "x"))
    assert document.cues[0].settings == canonical
    assert sum(n.code == "webvtt.setting_ignored" for n in document.notes) == ignored
    assert all(n.line == 3 and n.severity is Severity.WARNING for n in document.notes)


def test_repeated_setting_warns() -> None:
    assert notes_of(vtt("00:01.000 --> 00:02.000 align:start align:end", "x")) == [
        (3, "webvtt.setting_repeated")
    ]


# --- encodings --------------------------------------------------------------------------------


def test_windows_1252_is_read_with_a_warning() -> None:
    data = "1\r\n00:00:01,000 --> 00:00:02,000\r\nRäksmörgås – “citat”\r\n".encode("cp1252")
    document = read_captions(data, "x.srt")
    assert document.cues[0].text == "Räksmörgås – “citat”"
    (note,) = document.notes
    assert (note.code, note.line, note.byte_offset) == ("encoding.windows_1252", 3, 35)
    assert "Windows-1252" in note.message_en and "Windows-1252" in note.message_sv


def test_windows_1252_webvtt_is_read_alike() -> None:
    data = "WEBVTT\n\n00:01.000 --> 00:02.000\nÅsa\n".encode("cp1252")
    assert read_captions(data).cues[0].text == "Åsa"


@pytest.mark.parametrize(
    ("data", "offset", "line"),
    [
        (b"1\n00:00:01,000 --> 00:00:02,000\nbad \x81 byte\n", 36, 3),  # undefined in Windows-1252
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\n\x00\x01\x02\xff\n", 35, 4),  # binary
        (b"\xff\xfeW\x00\x00\xd8", 4, 1),  # UTF-16 with a broken surrogate
    ],
)
def test_undecodable_bytes_are_refused_naming_the_offset(data: bytes, offset: int, line: int) -> None:
    error = refusal(data)
    assert (error.byte_offset, error.line, error.notes[-1].code) == (offset, line, "encoding.unknown")
    assert f"offset {offset}" in error.message and f"position {offset}" in error.message_sv


def test_utf16_with_bom_is_read_with_a_warning() -> None:
    data = "WEBVTT\n\n00:01.000 --> 00:02.000\nÅsa\n".encode("utf-16")
    document = read_captions(data)
    assert document.cues[0].text == "Åsa" and [n.code for n in document.notes] == ["encoding.utf16"]


# --- SRT --------------------------------------------------------------------------------------


def test_srt_broken_timing_line_is_an_error_never_text() -> None:
    data = srt(
        "1", "00:00:01,000 --> 00:00:02,000", "Hej", "", "2", "00:00:05,000 -> 00:00:06,000", "Fel", ""
    )
    error = refusal(data, "x.srt")
    assert (error.line, error.notes[-1].code) == (6, "srt.bad_timing_line")
    assert "00:00:05,000 -> 00:00:06,000" in error.message and "cue number 2" in error.message


def test_srt_every_broken_timing_line_is_listed() -> None:
    data = srt(
        "1",
        "00:00:01,000 -> 00:00:02,000",
        "a",
        "",
        "2",
        "later",
        "b",
        "",
        "00:00:05,000 => 00:00:06,000",
        "c",
        "",
        "4",
        "00:00:07,000 --> 00:00:08,000",
        "d",
    )
    error = refusal(data, "x.srt")
    assert [(n.line, n.code) for n in error.notes] == [
        (2, "srt.bad_timing_line"),
        (6, "srt.bad_timing_line"),
        (9, "srt.bad_timing_line"),
    ]


def test_srt_extra_blank_lines_and_numbers() -> None:
    data = srt(
        "",
        "1",
        "00:00:01,000 --> 00:00:02,000",
        "Året var",
        "1984",
        "",
        "",
        "",
        "7",
        "00:00:03,000 --> 00:00:04,000 X1:10 X2:20 Y1:5 Y2:9",
        "Nummer sju",
        "   ",
        "",
        "00:00:05,000 --> 00:00:06,000",
        "utan nummer",
        "",
        "",
        "andra stycket",
        "8",
        "",
        "00:00:07.000 --> 00:00:08.000",
        "punkt",
    )
    document = read_captions(data, "x.srt")
    assert list(document.cues) == [
        Cue(1000, 2000, "Året var\n1984"),
        Cue(3000, 4000, "Nummer sju"),
        Cue(5000, 6000, "utan nummer\nandra stycket"),
        Cue(7000, 8000, "punkt"),
    ]
    assert not document.notes


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (b"Hello\n", 1, "expected a cue number or a timing line"),
        (b"1\n00:00:01,000 --> 00:00:02,5\nx\n", 2, "bad timestamp '00:00:02,5'"),
        (b"1\n00:00:01,000 --> 00:00:02,0001\nx\n", 2, "'00:00:02,0001'"),
        (b"1\n00:00:01,000 --> 00:00:02,000x\nx\n", 2, "right after the end time"),
        (b"\n\n   \n", 1, "empty"),
    ],
)
def test_malformed_srt_names_the_line(data: bytes, line: int, fragment: str) -> None:
    error = refusal(data, "x.srt")
    assert (error.line, fragment in error.message) == (line, True), error


def test_srt_markup_becomes_webvtt() -> None:
    text = only_cue(
        srt(
            "1",
            "00:00:01,000 --> 00:00:02,000",
            '<I>kursiv</I> <b >fet</b> <u>under</u> <font face="Arial" color=red>röd</font>',
            "Tom & Jerry &amp; <3 &hearts; &#229; &nosuch; a<b",
            "{\\i1}ASS-tagg{\\i0}",
        )
    ).text
    assert text == (
        "<i>kursiv</i> <b>fet</b> <u>under</u> röd\n"
        "Tom &amp; Jerry &amp; &lt;3 &hearts; &#229; &amp;nosuch; a&lt;b\n"
        "ASS-tagg"
    )


def test_srt_top_position_becomes_line_0() -> None:
    cue = only_cue(srt("1", "00:00:01,000 --> 00:00:02,000", "{\\an8}Överst"))
    assert cue == Cue(1000, 2000, "Överst", settings="line:0")


def test_write_srt() -> None:
    document = read_captions((SAMPLES / "tricky.vtt").read_bytes())
    written = write_srt(document)
    assert written.startswith(
        b"\xef\xbb\xbf1\r\n00:00:00,000 --> 00:00:01,500\r\nHej och v\xc3\xa4lkommen!\r\n\r\n2\r\n"
    )
    assert "<i>vad</i> härligt & <b>roligt</b>" in written.decode("utf-8-sig")
    again = read_captions(written, "x.srt")
    assert [(c.start_ms, c.end_ms) for c in again.cues] == [(c.start_ms, c.end_ms) for c in document.cues]


# --- writing ----------------------------------------------------------------------------------


def test_write_webvtt_normalised_form() -> None:
    document = CaptionDocument(
        (
            Cue(1500, 62_250, "<v Anna>Hej\ndu", "intro", "align:start  line:0 bogus"),
            Cue(3_723_001, 3_724_000, "Två"),
            Cue(360_000_000, 360_001_000, ""),
        )
    )
    assert write_webvtt(document) == (
        b"WEBVTT\n\n"
        b"intro\n00:00:01.500 --> 00:01:02.250 line:0 align:start\n<v Anna>Hej\ndu\n\n"
        b"01:02:03.001 --> 01:02:04.000\nTv\xc3\xa5\n\n"
        b"100:00:00.000 --> 100:00:01.000\n\n"
    )


@pytest.mark.parametrize(
    ("cue", "fragment"),
    [
        (Cue(1000, 2000, "one\n\ntwo"), "cue 2"),
        (Cue(1000, 2000, "a --> b"), "cue 2"),
        (Cue(1000, 2000, "x", "a --> b"), "cue 2"),
        (Cue(1000, 2000, "x", "two\nlines"), "cue 2"),
        (Cue(-1, 2000, "x"), "cue 2"),
        (Cue(0, MAX_TIME_MS + 1, "x"), "cue 2"),
    ],
)
def test_write_webvtt_refuses_cues_that_would_not_read_back(cue: Cue, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        write_webvtt(CaptionDocument((Cue(0, 1000, "fine"), cue)))


def test_round_trip_of_cues_made_in_code() -> None:
    cues = tuple(Cue(100 * n, 100 * n + 50, f"cue {n} & <i>x</i>", f"id {n}") for n in range(1, 50))
    assert read_captions(write_webvtt(CaptionDocument(cues))).cues == cues


def test_large_files_are_read_in_linear_time() -> None:
    """Not a timing test (those live in bench/captions.py): ten times the cues may not cost a
    hundred times the time, as a quadratic step would. The collector is paused and the best of
    three runs is kept, because in a long test session a full collection of everything the
    earlier tests left alive can land in either run and cost more than the parse itself."""

    def stamp(n: int) -> str:
        return f"{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}"

    def seconds(count: int) -> float:
        data = vtt(*(f"{stamp(n)}.000 --> {stamp(n)}.500\nx {n}\n" for n in range(count)))
        best = float("inf")
        gc.collect()
        gc.disable()
        try:
            for _ in range(3):
                start = time.process_time()
                document = read_captions(data)
                best = min(best, time.process_time() - start)
        finally:
            gc.enable()
        assert len(document.cues) == count
        return best

    small, large = seconds(500), seconds(5000)
    assert large < 30 * max(small, 0.002)


# --- cue text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("<v Anna>Hej</v>", "Hej"),
        ("<i>a</i> <b>b</b> <u>c</u> <c.x.y>d</c> <lang sv>e</lang>", "a b c d e"),
        ("<ruby>漢<rt>kan</rt></ruby>", "漢kan"),
        ("a <00:00:01.000>b", "a b"),
        ("&amp; &lt; &gt; &nbsp; &lrm; &rlm;", "& < > \u00a0 \u200e \u200f"),
        ("bare & stays", "bare & stays"),
        ("cut < here\nand the rest", "cut "),  # a '<' starts a tag that runs to '>' or the end
    ],
)
def test_cue_plain_text(text: str, plain: str) -> None:
    assert cue_plain_text(text) == plain


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        ("<v Anna>Hej", "Anna"),
        ("<v.loud.x   Anna  Berg >Hej</v>", "Anna Berg"),
        ("<v Tom &amp; Jerry>Hej", "Tom & Jerry"),
        ("<v>utan namn</v>", None),
        ("ingen röst", None),
    ],
)
def test_cue_voice(text: str, voice: str | None) -> None:
    assert cue_voice(text) == voice


# --- the one report ---------------------------------------------------------------------------


def test_caption_report_merges_reading_notes_and_quality_by_line() -> None:
    data = vtt(
        "00:00.000 --> 00:00.500 align:middle",
        "kort",
        "",
        "00:00.540 --> 00:03.000",
        "efter ett glapp på 40 ms",
    )
    report = caption_report(read_captions(data))
    assert [(n.line, n.cue, n.code) for n in report] == [
        (3, 0, "webvtt.setting_ignored"),
        (3, 1, "quality.too_short"),
        (6, 2, "quality.short_gap"),
    ]
    assert report[2].time_ms == 540 and "2 frames at 25 fps" in report[2].message_en
    assert "2 bildrutor vid 25 bilder/s" in report[2].message_sv
    # At 12.5 fps two frames are 160 ms: the same gap; at 50 fps 40 ms is exactly two frames.
    assert [n.code for n in caption_report(read_captions(data), frame_rate=50)][-1] == "quality.too_short"


def test_an_uploads_report_names_fifty_notes_of_a_kind_and_counts_the_rest() -> None:
    from transcode.captions.files import NOTES_PER_CODE, normalise_captions

    cues = "".join(f"\n00:00:{n:02d}.000 --> 00:00:{n:02d}.500\nKort {n}\n" for n in range(59))
    report = normalise_captions(f"WEBVTT\n{cues}".encode(), "kort.vtt", with_report=True).report
    short = [note for note in report if note.code == "quality.too_short"]
    assert len(short) == NOTES_PER_CODE
    (more,) = [note for note in report if note.code == "report.more"]
    assert more.message_en.startswith("9 more notes like this (quality.too_short)")
    assert more.message_sv.startswith("9 fler anmärkningar av samma slag")
    assert report[-1] is more  # after those it stands for
