"""Caption files: WebVTT and SRT read as Chromium reads them, errors with lines, quality warnings.

tests/data/captions/ holds sample files that a browser test can also load, to compare what
Chromium reads with what parse_captions reads: tricky.vtt (valid WebVTT that is easy to
misread) and bom_crlf.srt (SRT with a BOM and CRLF line endings).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import webvtt

from transcode.captions import (
    MAX_CHARS_PER_SECOND,
    MAX_LINE_LENGTH,
    MIN_DURATION_SECONDS,
    CaptionError,
    Cue,
    cue_plain_text,
    cue_voice,
    parse_captions,
    quality_warnings,
    to_webvtt,
)

SAMPLES = Path(__file__).parent / "data" / "captions"

# What the WebVTT parser algorithm (and Chromium) reads from tricky.vtt.
TRICKY_CUES = [
    Cue(0.0, 1.5, "<v Anna>Hej och välkommen!</v>", "intro", "line:0 position:20% align:start"),
    Cue(
        1.5,
        3.25,
        "<v.loud Björn>Åh, <i>vad</i> härligt &amp; <b>roligt</b>!\nRad två: &lt;3 &gt; &nbsp;slut",
        settings="size:80% align:end",
    ),
    Cue(
        3.25,
        4.0,
        "<c.highlight>Tre</c> rader\n  med inledande blanksteg\n"
        "och <ruby>漢<rt>kan</rt></ruby> <00:00:03.500>tidsstämpel",
        "2",
    ),
    Cue(4.0, 5.0, "Ö överst", "Scen 5 – slut", "vertical:rl line:-1"),
    Cue(5.0, 6.0, "No blank line before this cue, and a bare & ampersand"),
]

SRT_CUES = [
    Cue(0.5, 2.0, "<i>Hej</i> &amp; välkommen, Åsa!"),
    Cue(2.0, 3.5, "Gul text och <b>fet</b>\nRad två: 1 &lt; 2 &amp; 3 > 2"),
    Cue(3.5, 5.0, "Överst i bild\n1984", settings="line:0"),
]


def vtt(*lines: str) -> bytes:
    return "\n".join(("WEBVTT", "", *lines)).encode("utf-8")


def srt(*lines: str) -> bytes:
    return "\n".join(lines).encode("utf-8")


def only_cue(data: bytes) -> Cue:
    cues = parse_captions(data)
    assert len(cues) == 1, cues
    return cues[0]


# --- the sample files ---------------------------------------------------------------------


def test_tricky_webvtt_sample_reads_as_the_spec_says() -> None:
    assert parse_captions((SAMPLES / "tricky.vtt").read_bytes()) == TRICKY_CUES


def test_srt_sample_with_bom_and_crlf() -> None:
    data = (SAMPLES / "bom_crlf.srt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf1\r\n")  # the sample must stay byte-exact
    assert parse_captions(data, "bom_crlf.srt") == SRT_CUES


@pytest.mark.parametrize("name", ["tricky.vtt", "bom_crlf.srt"])
def test_round_trip(name: str) -> None:
    cues = parse_captions((SAMPLES / name).read_bytes())
    written = to_webvtt(cues)
    assert written.startswith("WEBVTT\n\n") and "\r" not in written and "\ufeff" not in written
    assert parse_captions(written.encode("utf-8")) == cues


def test_other_tools_read_the_normalised_output_alike() -> None:
    cues = parse_captions((SAMPLES / "tricky.vtt").read_bytes())
    read = webvtt.from_string(to_webvtt(cues))
    assert [(c.start, c.end) for c in read] == [
        ("00:00:00.000", "00:00:01.500"),
        ("00:00:01.500", "00:00:03.250"),
        ("00:00:03.250", "00:00:04.000"),
        ("00:00:04.000", "00:00:05.000"),
        ("00:00:05.000", "00:00:06.000"),
    ]
    assert [c.raw_text for c in read] == [c.text for c in cues]
    assert [c.identifier or "" for c in read] == [c.identifier for c in cues]


# --- encodings and line endings -----------------------------------------------------------


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


# --- WebVTT timestamps --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("00:00.000", 0.0),
        ("59:59.999", 3599.999),
        ("00:01:02.003", 62.003),
        ("01:00:00.000", 3600.0),
        ("100:00:00.500", 360000.5),  # hours may have more than two digits
        ("1:02:03.000", 3723.0),  # one-digit hours: the spec's parser and Chromium accept them
    ],
)
def test_valid_webvtt_timestamps(written: str, seconds: float) -> None:
    cue = only_cue(vtt(f"{written} --> 200:00:00.000", "x"))
    assert cue.start == pytest.approx(seconds, abs=1e-9)


@pytest.mark.parametrize(
    "written",
    [
        "00:01,000",  # comma is SRT, not WebVTT
        "0:01.000",  # minutes need two digits when hours are left out
        "00:1.000",
        "00:01.00",  # milliseconds need exactly three digits
        "00:01.0000",
        "00:60.000",  # seconds up to 59
        "60:00.000",  # a first field above 59 is hours, and then minutes must follow
        "00:60:00.000",
        "00:00:01",
        "1.000",
        "00:00:01.5",
    ],
)
def test_invalid_webvtt_timestamps_are_errors_on_their_line(written: str) -> None:
    data = vtt("00:00.000 --> 00:01.000", "ok", "", f"{written} --> 99:00:00.000", "bad")
    with pytest.raises(CaptionError) as caught:
        parse_captions(data)
    assert caught.value.line == 6
    assert written in caught.value.message


def test_error_text_names_line_and_timestamp() -> None:
    with pytest.raises(CaptionError) as caught:
        parse_captions(vtt("00:00.000 --> 00:01.000", "ok", "", "x", "00:01,5 --> 00:02.000", "t"))
    assert str(caught.value).startswith("line 7: bad timestamp '00:01,5'")
    assert isinstance(caught.value, ValueError)
    assert "felaktig tid '00:01,5'" in caught.value.message_sv


# --- WebVTT blocks ------------------------------------------------------------------------


def test_cue_settings_are_kept_and_normalised() -> None:
    cue = only_cue(vtt("00:01.000 --> 00:02.000   line:0\tposition:20%  align:start  ", "x"))
    assert cue.settings == "line:0 position:20% align:start"
    glued = only_cue(vtt("00:01.000-->00:02.000line:90%", "x"))  # the spec needs no space
    assert (glued.start, glued.end, glued.settings) == (1.0, 2.0, "line:90%")


@pytest.mark.parametrize(
    "settings",
    [
        "vertical:lr",
        "line:-2",
        "line:3.5",
        "line:100%,end",
        "position:0%",
        "position:55.5%,line-right",
        "size:100%",
        "align:left",
        "align:center size:50% position:10%,line-left line:0,start vertical:rl",
    ],
)
def test_every_spec_setting_is_accepted(settings: str) -> None:
    assert only_cue(vtt(f"00:01.000 --> 00:02.000 {settings}", "x")).settings == settings


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("align:middle", "align takes start, center, end, left or right"),
        ("line:101%", "0–100%"),
        ("position:20", "position takes a percentage"),
        ("size:-5%", "size takes a percentage"),
        ("vertical:up", "rl or lr"),
        ("colour:red", "is unknown"),
        ("line:", "is not name:value"),
        ("align:start align:end", "repeats align"),
        ("--> 00:03.000", "is not name:value"),
    ],
)
def test_settings_a_browser_would_ignore_are_errors(settings: str, message: str) -> None:
    with pytest.raises(CaptionError) as caught:
        parse_captions(vtt("00:01.000 --> 00:02.000 " + settings, "x"))
    assert caught.value.line == 3
    assert message in caught.value.message


def test_region_blocks_and_region_settings_are_left_out() -> None:
    data = vtt("REGION", "id:r", "width:40%", "", "00:01.000 --> 00:02.000 region:r align:end", "x")
    assert only_cue(data) == Cue(1.0, 2.0, "x", settings="align:end")


def test_voice_and_italic_tags_are_kept_in_the_text() -> None:
    cue = only_cue(vtt("00:01.000 --> 00:02.000", "<v Anna>Hej <i>du</i></v>", "<v.loud Bo>Nej"))
    assert cue.text == "<v Anna>Hej <i>du</i></v>\n<v.loud Bo>Nej"
    assert cue_voice(cue.text) == "Anna"
    assert cue_plain_text(cue.text) == "Hej du\nNej"


def test_cues_with_and_without_identifiers() -> None:
    cues = parse_captions(
        vtt(
            "00:01.000 --> 00:02.000",
            "no id",
            "",
            "1",
            "00:02.000 --> 00:03.000",
            "numeric id",
            "",
            "NOTE-like but not a note",
            "00:03.000 --> 00:04.000",
            "text id",
        )
    )
    assert [c.identifier for c in cues] == ["", "1", "NOTE-like but not a note"]
    assert [c.text for c in cues] == ["no id", "numeric id", "text id"]


def test_multi_line_cue_text_ends_at_the_first_blank_line() -> None:
    cue = only_cue(vtt("00:01.000 --> 00:02.000", "one", "  two with spaces", "   ", "three", ""))
    # A line of spaces is not blank: it stays in the cue, as in browsers.
    assert cue.text == "one\n  two with spaces\n   \nthree"


def test_a_timing_line_right_after_cue_text_starts_a_new_cue() -> None:
    cues = parse_captions(vtt("00:01.000 --> 00:02.000", "one", "two", "00:03.000 --> 00:04.000", "b"))
    assert cues == [Cue(1.0, 2.0, "one\ntwo"), Cue(3.0, 4.0, "b")]


def test_note_style_and_region_blocks_are_skipped() -> None:
    data = vtt(
        "NOTE a comment",
        "",
        "STYLE",
        "::cue { color: yellow }",
        "",
        "NOTE",
        "a comment of",
        "two lines",
        "",
        "00:01.000 --> 00:02.000",
        "x",
        "",
        "NOTE\ta comment between cues",
        "",
        "00:03.000 --> 00:04.000",
        "y",
        "",
        "NOTE at the end",
    )
    assert parse_captions(data) == [Cue(1.0, 2.0, "x"), Cue(3.0, 4.0, "y")]


def test_header_lines_and_a_cue_right_after_the_header() -> None:
    data = b"WEBVTT - title\nKind: captions\nLanguage: sv\n\n00:01.000 --> 00:02.000\nx"
    assert only_cue(data) == Cue(1.0, 2.0, "x")
    assert only_cue(b"WEBVTT\n00:01.000 --> 00:02.000\nx") == Cue(1.0, 2.0, "x")
    assert only_cue(b"WEBVTT\t\n\n00:01.000 --> 00:02.000\nx") == Cue(1.0, 2.0, "x")


def test_style_as_the_first_cue_identifier_is_read_as_chromium_does() -> None:
    # The spec keeps the identifier; Chromium starts a STYLE block, then reads the cue without it.
    assert only_cue(vtt("STYLE ", "00:01.000 --> 00:02.000", "x")) == Cue(1.0, 2.0, "x")
    assert only_cue(vtt("REGION", "00:01.000 --> 00:02.000", "x")).identifier == "REGION"
    later = parse_captions(vtt("00:01.000 --> 00:02.000", "x", "", "STYLE", "00:03.000 --> 00:04.000", "y"))
    assert later[1].identifier == "STYLE"
    with pytest.raises(ValueError, match="read back"):
        to_webvtt([Cue(1.0, 2.0, "x", "STYLE")])


def test_a_cue_may_have_no_text() -> None:
    assert parse_captions(vtt("00:01.000 --> 00:02.000", "", "00:02.000 --> 00:03.000", "y")) == [
        Cue(1.0, 2.0, ""),
        Cue(2.0, 3.0, "y"),
    ]


def test_whitespace_only_blocks_are_ignored() -> None:
    assert parse_captions(vtt("00:01.000 --> 00:02.000", "x", "", "  \t", "")) == [Cue(1.0, 2.0, "x")]


def test_filename_hint_makes_a_file_webvtt() -> None:
    with pytest.raises(CaptionError) as caught:
        parse_captions(srt("1", "00:00:01,000 --> 00:00:02,000", "x"), "captions.VTT")
    assert caught.value.line == 1 and "WEBVTT" in caught.value.message
    # A file that starts with WEBVTT is WebVTT whatever its name.
    assert parse_captions(vtt("00:01.000 --> 00:02.000", "x"), "x.srt") == [Cue(1.0, 2.0, "x")]


# --- malformed files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (b"", 1, "empty"),
        (b"\xef\xbb\xbf\n \n", 1, "empty"),
        (b"WEBVTT\n\nNOTE nothing here\n", 1, "no cues"),
        (b"WEBVTTX\n\n00:01.000 --> 00:02.000\nx", 1, "must start with the line 'WEBVTT'"),
        (b"\nWEBVTT\n\n00:01.000 --> 00:02.000\nx", 1, "must start with the line 'WEBVTT'"),
        (b"WEBVTT\n\n00:02.000 --> 00:01.000\nx", 3, "end time 00:00:01.000 must be after"),
        (b"WEBVTT\n\n00:02.000 --> 00:02.000\nx", 3, "must be after"),
        (b"WEBVTT\n\n00:01.000 00:02.000 --> 00:03.000\nx", 3, "expected '-->'"),
        (b"WEBVTT\n\n00:01.000 --> \nx", 3, "end time is missing"),
        (b"WEBVTT\n\n --> 00:01.000\nx", 3, "start time is missing"),
        # "-->" in an identifier makes the line a timing line, which fails.
        (b"WEBVTT\n\nid --> 1\n00:01.000 --> 00:02.000\nx", 3, "'id' is not a time"),
        # and in cue text it ends the cue and starts a timing line.
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nsay --> no\n", 4, "cue text and identifiers"),
        # a blank line inside cue text cuts it: browsers drop the rest.
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\none\n\ntwo\n", 6, "text outside any cue"),
        (b"WEBVTT\n\n00:00.000 --> 00:01.000\nHej\n\n00:01.000 -> 00:02.000\nFel\n", 6, "needs '-->'"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nx\n\nSTYLE\n::cue {}\n", 6, "before the first cue"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000 align:centre\nx", 3, "align:centre"),
        # Before the first cue Chromium and the spec disagree about these identifiers.
        (b"WEBVTT\nKind: captions\n00:01.000 --> 00:02.000\nx", 3, "blank line before"),
        (b"WEBVTT\n\nNOTE\na\nid\n00:01.000 --> 00:02.000\nx", 6, "blank line before"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nr\xe4ksm\xf6rg\xe5s\n", 4, "not valid UTF-8 (byte 0xE4)"),
        (b"WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nok\r\n\xff", 5, "not valid UTF-8"),
        (b"WEBVTT\r\r00:01.000 --> 00:02.000\rok\r\xc3", 5, "not valid UTF-8"),
        ("WEBVTT\n".encode("utf-16"), 1, "UTF-16"),
        (b"WEBVTT\n\n00:01.000 --> 00:02.000\nx\x00y", 4, "NUL"),
    ],
)
def test_malformed_webvtt_names_the_line(data: bytes, line: int, fragment: str) -> None:
    with pytest.raises(CaptionError) as caught:
        parse_captions(data)
    assert (caught.value.line, fragment in caught.value.message) == (line, True), caught.value
    assert caught.value.message_sv and str(caught.value) == f"line {line}: {caught.value.message}"


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        (b"Hello\n", 1, "expected a cue number or a timing line"),
        (b"1\n00:00:01,000 --> 00:00:02,5\nx\n", 2, "bad timestamp '00:00:02,5'"),
        (b"1\n00:00:01,000 --> 00:00:02,000\nx\n\n2\n00:01,5 --> 00:00:03,000\ny", 6, "'00:01,5'"),
        (b"1\n00:00:01,000 --> 00:00:02,0001\nx\n", 2, "'00:00:02,0001'"),
        (b"1\n00:00:05,000 --> 00:00:02,000\nx\n", 2, "must be after"),
        (b"1\n00:00:01,000 --> 00:00:02,000\nr\xe4d\n", 3, "not valid UTF-8"),
        (b"\n\n   \n", 1, "empty"),
    ],
)
def test_malformed_srt_names_the_line(data: bytes, line: int, fragment: str) -> None:
    with pytest.raises(CaptionError) as caught:
        parse_captions(data, "x.srt")
    assert (caught.value.line, fragment in caught.value.message) == (line, True), caught.value


# --- SRT ----------------------------------------------------------------------------------


def test_srt_comma_or_full_stop_before_milliseconds() -> None:
    cues = parse_captions(
        srt("1", "00:00:01,250 --> 00:00:02,500", "a", "", "2", "01:00:01.000 --> 01:00:02.000", "b")
    )
    assert [(c.start, c.end) for c in cues] == [(1.25, 2.5), (3601.0, 3602.0)]


def test_srt_numbering_is_not_text_and_not_an_identifier() -> None:
    cues = parse_captions(
        srt(
            "1",
            "00:00:01,000 --> 00:00:02,000",
            "Året var",
            "1984",
            "",
            "",
            "7",
            "00:00:03,000 --> 00:00:04,000 X1:10 X2:20 Y1:5 Y2:9",
            "Nummer sju",
            "",
            "00:00:05,000 --> 00:00:06,000",
            "utan nummer",
        )
    )
    assert cues == [
        Cue(1.0, 2.0, "Året var\n1984"),
        Cue(3.0, 4.0, "Nummer sju"),
        Cue(5.0, 6.0, "utan nummer"),
    ]


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
    assert cue_plain_text(text).split("\n")[1] == "Tom & Jerry & <3 ♥ å &nosuch; a<b"


def test_srt_top_position_becomes_line_0_and_blank_lines_in_text_are_dropped() -> None:
    cue = only_cue(srt("1", "00:00:01,000 --> 00:00:02,000", "{\\an8}Överst", "", "", "andra stycket"))
    assert cue == Cue(1.0, 2.0, "Överst\nandra stycket", settings="line:0")


# --- writing ------------------------------------------------------------------------------


def test_to_webvtt_writes_the_normalised_form() -> None:
    cues = [
        Cue(1.5, 62.25, "<v Anna>Hej\ndu", "intro", "align:start  line:0"),
        Cue(3723.001, 3724.0, "Två"),
        Cue(360000.0, 360001.0, ""),
    ]
    assert to_webvtt(cues) == (
        "WEBVTT\n\n"
        "intro\n00:00:01.500 --> 00:01:02.250 align:start line:0\n<v Anna>Hej\ndu\n\n"
        "01:02:03.001 --> 01:02:04.000\nTvå\n\n"
        "100:00:00.000 --> 100:00:01.000\n\n"
    )


def test_round_trip_of_cues_made_in_code() -> None:
    cues = [Cue(0.1 * n, 0.1 * n + 0.05, f"cue {n} & <i>x</i>", f"id {n}") for n in range(1, 50)]
    assert parse_captions(to_webvtt(cues).encode()) == [
        Cue(round(c.start, 3), round(c.end, 3), c.text, c.identifier) for c in cues
    ]


@pytest.mark.parametrize(
    ("cue", "fragment"),
    [
        (Cue(1, 2, "one\n\ntwo"), "cue 2"),
        (Cue(1, 2, "a --> b"), "cue 2"),
        (Cue(1, 2, "x", "a --> b"), "cue 2"),
        (Cue(1, 2, "x", "two\nlines"), "cue 2"),
        (Cue(2, 1, "x"), "cue 2"),
        (Cue(1, 2, "x", settings="align:middle"), "align:middle"),
        (Cue(-1, 2, "x"), "before 0 s"),
    ],
)
def test_to_webvtt_refuses_cues_that_would_not_read_back(cue: Cue, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        to_webvtt([Cue(0, 1, "fine"), cue])


def test_to_webvtt_of_no_cues() -> None:
    assert to_webvtt([]) == "WEBVTT\n\n"


# --- cue text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("<v Anna>Hej</v>", "Hej"),
        ("<i>a</i> <b>b</b> <u>c</u> <c.x.y>d</c> <lang sv>e</lang>", "a b c d e"),
        ("<ruby>漢<rt>kan</rt></ruby>", "漢kan"),
        ("a <00:00:01.000>b", "a b"),
        ("&amp; &lt; &gt; &nbsp; &lrm; &rlm;", "& < > \u00a0 \u200e \u200f"),
        ("&lt;i&gt;not a tag&lt;/i&gt;", "<i>not a tag</i>"),
        ("bare & stays", "bare & stays"),
        ("cut < here\nand the rest", "cut "),  # a '<' starts a tag that runs to '>' or the end
        ("Rad ett\nrad två", "Rad ett\nrad två"),
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
        ("<i>först</i> <v Bo>sen", "Bo"),
        ("<v>utan namn</v>", None),
        ("<voice Anna>nej", None),
        ("&lt;v Anna&gt; escaped", None),
        ("ingen röst", None),
    ],
)
def test_cue_voice(text: str, voice: str | None) -> None:
    assert cue_voice(text) == voice


# --- quality warnings ---------------------------------------------------------------------


def codes(cues: list[Cue]) -> list[tuple[int, str]]:
    return [(w.cue_index, w.code) for w in quality_warnings(cues)]


def test_a_good_cue_has_no_warnings() -> None:
    line = "x" * MAX_LINE_LENGTH
    seconds = 2 * MAX_LINE_LENGTH / MAX_CHARS_PER_SECOND  # exactly the limit
    cues = [Cue(0, seconds, f"{line}\n{line}"), Cue(seconds, seconds + MIN_DURATION_SECONDS, "ok")]
    assert codes(cues) == []


def test_reading_speed() -> None:
    (warning,) = quality_warnings([Cue(10, 12, "<i>" + "å" * 35 + "</i>")])
    assert (warning.cue_index, warning.start, warning.code) == (0, 10, "reading_speed")
    assert "17.5 characters per second" in warning.message_en
    assert "17,5 tecken per sekund" in warning.message_sv


def test_reading_speed_counts_decomposed_letters_once() -> None:
    text = unicodedata.normalize("NFD", "å" * 34)  # 68 code points, 34 letters
    assert codes([Cue(0, 2, text)]) == []


def test_long_line() -> None:
    (warning,) = quality_warnings([Cue(0, 5, "kort\n" + "y" * (MAX_LINE_LENGTH + 1))])
    assert warning.code == "line_too_long" and "43 characters" in warning.message_en


def test_more_than_two_lines() -> None:
    assert codes([Cue(0, 5, "ett\ntvå\ntre")]) == [(0, "too_many_lines")]


def test_short_cue() -> None:
    (warning,) = quality_warnings([Cue(0, 0.6, "Hej")])
    assert warning.code == "too_short" and "0,60 s" in warning.message_sv


def test_overlapping_cues() -> None:
    cues = [Cue(0, 3, "a"), Cue(3, 5, "b"), Cue(4, 6, "c"), Cue(7, 9, "d"), Cue(8.5, 8.8, "e")]
    warnings = [w for w in quality_warnings(cues) if w.code == "overlap"]
    assert [w.cue_index for w in warnings] == [2, 4]  # cues that only touch do not overlap
    assert "starts before cue 2 ends (00:00:05.000)" in warnings[0].message_en
    assert "Textremsa 5 (00:00:08.500) börjar innan textremsa 4 slutar" in warnings[1].message_sv
