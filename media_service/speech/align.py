"""The editor's own text timed to the speech: each given word placed on the recognised words.

Two passes, both with difflib's matching (a sequence alignment that tolerates errors):
first the words, compared without case and punctuation, anchor what was recognised right;
then, between two anchors, the letters, so that a word misheard (``Mälkommen`` for
``Välkommen``) or heard run together with the next (``bibliotekatiövabru`` for ``biblioteket
i Örebro``) still gets the time of the letters that match. A given word with too few matched
letters is not placed: its time is shared out from its neighbours', by length, and it is
reported. The text of the result is the given text, word for word.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from media_service.speech.words import TimedWord, normalised

MIN_MATCHED_SHARE = 0.5  # of a word's letters, for it to count as found
UNPLACED_WORD_MS = 400
ANCHOR_WORDS = 2


@dataclass(frozen=True)
class _Given:
    text: str
    key: str  # normalised
    line_end: bool


def given_words(text: str) -> list[_Given]:
    """The words of a pasted text, each marked when it ends a line."""
    words: list[_Given] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        tokens = line.split()
        for number, token in enumerate(tokens, 1):
            words.append(_Given(token, normalised(token), line_end=number == len(tokens)))
    return words


def _letter_times(word: TimedWord) -> list[tuple[int, int]]:
    """Each normalised letter of a recognised word with the span of time it takes, the word's
    time shared evenly among its letters."""
    letters = len(normalised(word.text))
    span = max(1, word.end_ms - word.start_ms)
    return [
        (word.start_ms + span * i // letters, word.start_ms + span * (i + 1) // letters)
        for i in range(letters)
    ]


def _place_letters(
    given: Sequence[_Given], heard: Sequence[TimedWord], found: list[tuple[int, int] | None]
) -> None:
    """Give ``found[i]`` a (start, end) for each given word of this region whose letters match."""
    given_letters: list[str] = []
    owner: list[int] = []
    for index, given_word in enumerate(given):
        given_letters.extend(given_word.key)
        owner.extend([index] * len(given_word.key))
    heard_letters: list[str] = []
    times: list[tuple[int, int]] = []
    for heard_word in heard:
        heard_letters.extend(normalised(heard_word.text))
        times.extend(_letter_times(heard_word))
    if not given_letters or not heard_letters:
        return
    matched: dict[int, list[tuple[int, int]]] = {}
    matcher = difflib.SequenceMatcher(None, given_letters, heard_letters, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            matched.setdefault(owner[block.a + offset], []).append(times[block.b + offset])
    for index, spans in matched.items():
        if len(spans) >= max(1, MIN_MATCHED_SHARE * len(given[index].key)):
            found[index] = (spans[0][0], spans[-1][1])


def align_text(text: str, heard: Sequence[TimedWord]) -> list[TimedWord]:
    """Every word of ``text`` with a time; ``placed`` False where it was interpolated."""
    given = given_words(text)
    found: list[tuple[int, int] | None] = [None] * len(given)
    keyed = [i for i, word in enumerate(given) if word.key]
    heard = [word for word in heard if normalised(word.text)]
    matcher = difflib.SequenceMatcher(
        None, [given[i].key for i in keyed], [normalised(w.text) for w in heard], autojunk=False
    )
    given_at, heard_at = 0, 0
    # A lone word matched (often a short common word) is no anchor: it may be the same word of
    # another sentence. Runs of ANCHOR_WORDS or more are; the letters place the rest.
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= ANCHOR_WORDS or b.size == 0]
    for block in blocks:  # the last block is empty, at both ends
        # Between two anchors: the letters of what is left.
        region = keyed[given_at : block.a]
        if region:
            local: list[tuple[int, int] | None] = [None] * len(region)
            _place_letters([given[i] for i in region], heard[heard_at : block.b], local)
            for index, span in zip(region, local, strict=True):
                found[index] = span
        for offset in range(block.size):
            word = heard[block.b + offset]
            found[keyed[block.a + offset]] = (word.start_ms, word.end_ms)
        given_at, heard_at = block.a + block.size, block.b + block.size
    return _interpolated(given, found)


def _interpolated(given: Sequence[_Given], found: Sequence[tuple[int, int] | None]) -> list[TimedWord]:
    """Times for the words not found, shared out by length between the neighbours found;
    times made never to go backwards."""
    placed = [i for i, span in enumerate(found) if span is not None]
    words: list[TimedWord] = []
    last_end = 0
    for index, word in enumerate(given):
        span = found[index]
        if span is not None:
            start, end = max(span[0], last_end), max(span[1], span[0] + 1, last_end + 1)
        else:
            before = max((i for i in placed if i < index), default=None)
            after = min((i for i in placed if i > index), default=None)
            first = before + 1 if before is not None else 0
            last = after if after is not None else len(given)
            lengths = [max(1, len(given[i].key)) for i in range(first, last)]
            before_span, after_span = found[before] if before is not None else None, None
            if after is not None:
                after_span = found[after]
            low = before_span[1] if before_span is not None else 0
            # With nothing found after them, words are given a typical speaking time.
            high = after_span[0] if after_span is not None else low + UNPLACED_WORD_MS * len(lengths)
            share = max(0, high - low) / sum(lengths)
            offset = sum(lengths[: index - first])
            start = max(last_end, round(low + share * offset))
            end = max(start + 1, round(low + share * (offset + lengths[index - first])))
        last_end = end
        # A token of punctuation alone is not a word to report: it goes with its neighbours.
        words.append(TimedWord(word.text, start, end, 1.0, span is not None or not word.key, word.line_end))
    return words
