"""Timed words to cues that keep the caption quality rules where the speech allows.

A cue has at most two lines of at most 42 characters, lasts 1 to 7 seconds and asks at most
17 characters a second. Cues end at a sentence's end and at every pause of speech, so no cue
spans a silence; a stretch too long for one cue is split where a split costs least (after a
comma or in a short pause, into parts of even length), never inside a word. A cue is then
held longer, into the silence after it but never into the next cue, until it is 1 s long and
readable at 17 characters a second. What the speech does not allow (a fast speaker, a lone
word between pauses) is left for the quality report to show.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from media_service.speech.words import TimedWord
from transcode.captions import MAX_CHARS_PER_SECOND, MAX_LINE_LENGTH, MAX_LINES, MIN_DURATION_MS, Cue

MAX_DURATION_MS = 7_000
PAUSE_MS = 500  # a gap in speech this long ends a cue
MIN_GAP_MS = 80  # two frames at 25 fps between a held cue and the next
_SENTENCE_END = (".", "!", "?", "…", ".»", '."', "!»", "?»")
_CLAUSE_END = (",", ";", ":", "–", "—")


@dataclass(frozen=True)
class WordNote:
    """A word an editor should look at: in cue ``cue`` (1-based), from ``start_ms``."""

    cue: int
    word: str
    start_ms: int


def _text(words: Sequence[TimedWord]) -> str:
    return " ".join(word.text for word in words)


def _lines(words: Sequence[TimedWord]) -> list[str]:
    """The words as one line, or two lines broken where both fit, after punctuation if it can,
    else as evenly as it can (the lower line the longer when they differ)."""
    text = _text(words)
    if len(text) <= MAX_LINE_LENGTH or len(words) < 2:
        return [text]
    best: tuple[float, int] | None = None
    for split in range(1, len(words)):
        top, bottom = _text(words[:split]), _text(words[split:])
        over = max(0, len(top) - MAX_LINE_LENGTH) + max(0, len(bottom) - MAX_LINE_LENGTH)
        cost = over * 100 + abs(len(top) - len(bottom)) + (len(top) > len(bottom)) * 0.5
        if words[split - 1].text.endswith(_CLAUSE_END + _SENTENCE_END):
            cost -= 8
        if best is None or cost < best[0]:
            best = (cost, split)
    assert best is not None
    return [_text(words[: best[1]]), _text(words[best[1] :])]


def _fits(words: Sequence[TimedWord]) -> bool:
    if len(words) == 1:
        return True  # a word is never split, however long
    lines = _lines(words)
    too_long = len(lines) > MAX_LINES or any(len(line) > MAX_LINE_LENGTH for line in lines)
    return not too_long and words[-1].end_ms - words[0].start_ms <= MAX_DURATION_MS


def _split(words: Sequence[TimedWord]) -> list[Sequence[TimedWord]]:
    """A stretch split into parts that each fit a cue, at the cheapest places."""
    if _fits(words):
        return [words]
    total = len(_text(words))
    best: tuple[float, int] | None = None
    for split in range(1, len(words)):
        left = len(_text(words[:split]))
        gap = words[split].start_ms - words[split - 1].end_ms
        score = abs(2 * left - total) / total * 4 - min(gap, PAUSE_MS) / 100
        if words[split - 1].text.endswith(_CLAUSE_END):
            score -= 3
        if words[split - 1].line_end:
            score -= 3
        if best is None or score < best[0]:
            best = (score, split)
    assert best is not None
    return _split(words[: best[1]]) + _split(words[best[1] :])


def _stretches(words: Sequence[TimedWord]) -> list[list[TimedWord]]:
    """Runs of words between sentence ends and pauses."""
    runs: list[list[TimedWord]] = []
    for word in words:
        if runs:
            previous = runs[-1][-1]
            paused = word.start_ms - previous.end_ms >= PAUSE_MS
            if not (paused or previous.text.endswith(_SENTENCE_END)):
                runs[-1].append(word)
                continue
        runs.append([word])
    return runs


def cue_text(lines: Sequence[str]) -> str:
    """Plain lines as WebVTT cue text: ``&``, ``<`` and ``>`` are shown, never read as markup."""
    return "\n".join(html.escape(line, quote=False) for line in lines)


def build_cues(words: Sequence[TimedWord]) -> tuple[list[Cue], list[list[TimedWord]]]:
    """Cues for ``words`` (in time order), and the words of each cue."""
    groups = [part for run in _stretches(words) for part in _split(run)]
    cues: list[Cue] = []
    for number, group in enumerate(groups):
        start, end = group[0].start_ms, max(word.end_ms for word in group)
        characters = len(_text(group))
        wanted = max(end, start + MIN_DURATION_MS, start + round(characters * 1000 / MAX_CHARS_PER_SECOND))
        wanted = min(wanted, start + MAX_DURATION_MS)
        if number + 1 < len(groups):
            wanted = min(wanted, groups[number + 1][0].start_ms - MIN_GAP_MS)
        cues.append(Cue(start, max(end, wanted, start + 1), cue_text(_lines(group))))
    return cues, [list(group) for group in groups]


def low_confidence_words(groups: Sequence[Sequence[TimedWord]], threshold: float = 0.5) -> list[WordNote]:
    """Recognised words the recogniser was unsure of, for the editor to check."""
    return [
        WordNote(number, word.text, word.start_ms)
        for number, group in enumerate(groups, 1)
        for word in group
        if word.probability < threshold
    ]


def unplaced_words(groups: Sequence[Sequence[TimedWord]]) -> list[WordNote]:
    """Given words that could not be found in the speech (their times are interpolated)."""
    return [
        WordNote(number, word.text, word.start_ms)
        for number, group in enumerate(groups, 1)
        for word in group
        if not word.placed
    ]
