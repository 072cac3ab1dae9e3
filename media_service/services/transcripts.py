"""Transcripts (WCAG 1.2.8): an item's captions as text, with descriptions and chapters."""

from __future__ import annotations

from dataclasses import dataclass, field

from media_service.models import CaptionKind, CaptionTrack, MediaItem
from media_service.storage import Storage
from transcode.captions import Cue, cue_plain_text, cue_voice, parse_captions


@dataclass(frozen=True)
class TranscriptLine:
    """One cue as a reader reads it: plain text, its speaker if named, and what kind it is."""

    start: float
    text: str
    voice: str | None
    kind: CaptionKind


@dataclass
class TranscriptSection:
    """The lines of one chapter; ``title`` is None before the first chapter or without any."""

    title: str | None
    start: float
    lines: list[TranscriptLine] = field(default_factory=list)


@dataclass(frozen=True)
class Transcript:
    track: CaptionTrack
    sections: list[TranscriptSection]


def spoken_tracks(item: MediaItem) -> list[CaptionTrack]:
    """The item's spoken tracks (``CaptionKind.is_spoken``): the ones a transcript can be made
    from; descriptions and chapters are woven into it."""
    return [track for track in item.captions if track.kind.is_spoken]


def choose_track(item: MediaItem, track_id: int | None, reader_language: str) -> CaptionTrack | None:
    """The asked-for track, else one in the reader's language, else the item's, else the first."""
    tracks = spoken_tracks(item)
    for wanted in (
        lambda t: t.id == track_id,
        lambda t: t.language.split("-")[0] == reader_language,
        lambda t: t.language.split("-")[0] == item.language.split("-")[0],
    ):
        match = next((t for t in tracks if wanted(t)), None)
        if match is not None:
            return match
    return tracks[0] if tracks else None


def _cues(storage: Storage, track: CaptionTrack) -> list[Cue]:
    return parse_captions(storage.read_bytes(track.storage_key), "stored.vtt")


def _companion(item: MediaItem, track: CaptionTrack, kind: CaptionKind) -> CaptionTrack | None:
    """The item's track of ``kind`` in the track's language, else in any language for chapters."""
    same_kind = [t for t in item.captions if t.kind == kind]
    same_language = [t for t in same_kind if t.language == track.language]
    if same_language:
        return same_language[0]
    return same_kind[0] if kind == CaptionKind.CHAPTERS and same_kind else None


def build_transcript(storage: Storage, item: MediaItem, track: CaptionTrack) -> Transcript:
    """The track's cues with any descriptions in the same language, grouped by chapter."""
    lines = [_line(cue, track.kind) for cue in _cues(storage, track)]
    descriptions = _companion(item, track, CaptionKind.DESCRIPTIONS)
    if descriptions is not None:
        lines += [_line(cue, CaptionKind.DESCRIPTIONS) for cue in _cues(storage, descriptions)]
    lines.sort(key=lambda line: line.start)  # stable: a description follows what is said with it
    chapters_track = _companion(item, track, CaptionKind.CHAPTERS)
    chapters = _cues(storage, chapters_track) if chapters_track else []
    sections = [TranscriptSection(None, 0.0)]
    sections += [TranscriptSection(cue_plain_text(c.text).strip(), c.start_ms / 1000) for c in chapters]
    for line in lines:
        # Each line goes to the last chapter started by its time.
        section = next(s for s in reversed(sections) if s.start <= line.start or s is sections[0])
        section.lines.append(line)
    return Transcript(track, [s for s in sections if s.lines or s.title])


def _line(cue: Cue, kind: CaptionKind) -> TranscriptLine:
    text = " ".join(cue_plain_text(cue.text).split())
    return TranscriptLine(cue.start_ms / 1000, text, cue_voice(cue.text), kind)
