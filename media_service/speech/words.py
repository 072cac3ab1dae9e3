"""A word with its time: what recognition gives, what alignment places, what cues are made of."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD_CHARACTERS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class TimedWord:
    """One word as it is to be shown (with its punctuation), times in milliseconds.

    ``probability`` is the recogniser's confidence (1.0 for a given word it placed);
    ``placed`` is False for a given word whose time was interpolated from its neighbours';
    ``line_end`` marks the last word of a line of a given text (a preferred cue break).
    """

    text: str
    start_ms: int
    end_ms: int
    probability: float = 1.0
    placed: bool = True
    line_end: bool = False


def normalised(text: str) -> str:
    """Letters and digits only, lower case: what two spellings of a word are compared by."""
    return "".join(_WORD_CHARACTERS.findall(text.lower()))


def normalised_words(text: str) -> list[str]:
    """The words of ``text`` as compared (punctuation-only tokens left out)."""
    return [word for word in (normalised(token) for token in text.split()) if word]
