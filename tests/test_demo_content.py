"""The demo library shows every caption feature at once: the song's captions mark music and
singing (♪ … ♪), the films carry Swedish captions, English subtitles, chapters and Swedish
audio description, each item at least 30 s long, and every track is WebVTT that Tolk reads back
as written."""

from __future__ import annotations

from media_service.demo import DEMO_ITEMS, _tracks, _webvtt
from media_service.models import CaptionKind, MediaKind
from transcode.captions import read_captions


def test_the_demo_items_carry_every_kind_of_track() -> None:
    assert {demo.kind for demo in DEMO_ITEMS} == {MediaKind.SONG, MediaKind.FILM}
    for demo in DEMO_ITEMS:
        assert demo.duration >= 30
        kinds = {(language, kind) for _, language, kind in _tracks(demo)}
        assert {
            ("sv", CaptionKind.CAPTIONS),
            ("en", CaptionKind.SUBTITLES),
            ("sv", CaptionKind.CHAPTERS),
        } <= kinds
        for cues, _language, _kind in _tracks(demo):
            document = read_captions(_webvtt(cues))
            assert [c.text for c in document.cues] == [text for _, _, text in cues]
            assert all(0 <= c.start_ms < c.end_ms <= demo.duration * 1000 for c in document.cues)
        if demo.kind is MediaKind.FILM:
            assert ("sv", CaptionKind.DESCRIPTIONS) in kinds, demo.title
        chapters = list(demo.chapters)
        assert chapters[0][0] == 0 and chapters[-1][1] == demo.duration


def test_the_song_marks_music_and_singing() -> None:
    song = next(demo for demo in DEMO_ITEMS if demo.kind is MediaKind.SONG)
    assert all(text.startswith("♪ ") and text.endswith(" ♪") for _, _, text in song.cues)
    assert any(text.startswith("♪ [") for _, _, text in song.cues)  # the music alone, described


def test_the_films_descriptions_are_said_where_no_caption_is_spoken_or_at_the_start() -> None:
    """A description goes in a gap of the speech (or before the first words, where the
    extended mode waits for it), never over a caption that is spoken."""
    for demo in DEMO_ITEMS:
        said = [(start, end) for start, end, text in demo.cues if not text.startswith("[")]
        for start, end, _text in demo.descriptions:
            overlapping = [s for s, e in said if s < end and start < e]
            assert not overlapping, (demo.title, start)
