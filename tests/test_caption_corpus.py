"""Tolk's WebVTT corpus (tests/data/webvtt/): one file per rule of the WebVTT parser algorithm
that real files trip over. For each: the notes Tolk gives, and that the normalised output
reads back as the same document with nothing left to fix. The browser test
(tests/browser/test_captions_in_chromium.py) checks the same files against Chromium.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from transcode.captions import read_captions, write_webvtt

CORPUS = Path(__file__).parent / "data" / "webvtt"

# The notes each file gives: every one is something a browser silently drops or corrects.
EXPECTED_NOTES: dict[str, dict[str, int]] = {
    "arrows": {"webvtt.bad_timing_line": 8, "webvtt.text_outside_cue": 1},
    "cue-text": {},
    "first-id-region": {},
    "header-metadata": {},
    "header-one-line-no-blank": {"webvtt.identifier_differs": 1},
    "header-style-no-blank": {"webvtt.style_not_block_start": 1, "webvtt.identifier_differs": 1},
    "header-two-lines-no-blank": {},
    "ids": {},
    "junk-before-first-cue": {"webvtt.text_outside_cue": 1},
    "newlines-cr": {},
    "newlines-crlf": {},
    "newlines-mixed-bom": {},
    "notes-id-toggle": {},
    "notes": {"webvtt.identifier_differs": 1},
    "nul": {"text.nul": 1},
    "settings-align": {"webvtt.setting_ignored": 4, "webvtt.setting_repeated": 1},
    "settings-line": {"webvtt.setting_ignored": 23},
    "settings-mixed": {"webvtt.setting_repeated": 2, "webvtt.setting_ignored": 11},
    "settings-position": {"webvtt.setting_ignored": 19},
    "settings-region": {
        "webvtt.region_setting_ignored": 1,
        "webvtt.region_repeated": 1,
        "webvtt.region_without_id": 1,
        "webvtt.setting_repeated": 1,
        "webvtt.setting_ignored": 5,
        "webvtt.region_ignored": 3,
    },
    "settings-size": {"webvtt.setting_ignored": 6},
    "settings-vertical": {"webvtt.setting_ignored": 3, "webvtt.setting_repeated": 1},
    "signature-alone-no-newline": {},
    "signature-space": {},
    "signature-tab": {},
    "streaming-export": {"webvtt.setting_ignored": 5, "webvtt.whitespace_line": 1},
    "style-as-identifier": {"webvtt.identifier_differs": 1},
    "style-blocks": {"webvtt.text_outside_cue": 1, "webvtt.block_after_cue": 1},
    "style-then-cue-no-blank": {},
    "text-after-blank-line": {"webvtt.text_outside_cue": 2},
    "timings-bad": {"webvtt.bad_timing_line": 12, "webvtt.text_outside_cue": 1},
    "timings-end-before-start": {"cue.end_not_after_start": 2},
    "timings-formats": {"webvtt.setting_ignored": 1, "webvtt.bad_timing_line": 1},
    "whitespace-lines": {"webvtt.whitespace_line": 3},
}
# Kept as browsers keep them, so they are noted again in the normalised file.
STILL_NOTED = {"webvtt.whitespace_line", "cue.end_not_after_start"}


def test_the_table_covers_the_corpus() -> None:
    assert sorted(path.stem for path in CORPUS.glob("*.vtt")) == sorted(EXPECTED_NOTES)


@pytest.mark.parametrize("name", sorted(EXPECTED_NOTES))
def test_corpus_file(name: str) -> None:
    document = read_captions((CORPUS / f"{name}.vtt").read_bytes(), f"{name}.vtt")
    assert dict(Counter(note.code for note in document.notes)) == EXPECTED_NOTES[name]
    assert all(note.line > 0 and note.message_en and note.message_sv for note in document.notes)
    written = write_webvtt(document)
    again = read_captions(written)
    assert again.cues == document.cues
    assert (again.header, again.header_lines, again.styles, again.regions) == (
        document.header,
        document.header_lines,
        document.styles,
        document.regions,
    )
    assert {note.code for note in again.notes} <= STILL_NOTED
    assert write_webvtt(again) == written
