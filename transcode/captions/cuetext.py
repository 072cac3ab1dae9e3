"""Cue text (WebVTT cue-text syntax: tags and character references) as people read it."""

from __future__ import annotations

import html
import re

# As the WebVTT cue text tokenizer reads it: a tag runs from '<' to '>' or the end of the text.
_TAG_OR_TEXT = re.compile(r"<[^>]*(?:>|\Z)|[^<]+")
_VOICE_TAG = re.compile(r"<v(?:\.[^\t\n\f\r >]*)?(?:[\t\n\f\r ](?P<name>[^>]*))?>?")
_WHITESPACE_RUN = re.compile(r"[\t\n\f\r ]+")
_STYLE_TAG = re.compile(r"</?([ibu])(?:\.[^\t\n\f\r >]*)?(?:[\t\n\f\r ][^>]*)?>")


def cue_plain_text(text: str) -> str:
    """Cue text as a viewer reads it: tags removed, character references (&amp; …) decoded."""
    if "<" not in text and "&" not in text:
        return text
    return "".join(html.unescape(part) for part in _TAG_OR_TEXT.findall(text) if part[0] != "<")


def cue_voice(text: str) -> str | None:
    """The speaker named by the cue's first ``<v Name>`` tag, or None."""
    for part in _TAG_OR_TEXT.findall(text):
        voice = _VOICE_TAG.fullmatch(part)
        if voice and voice["name"]:
            name = _WHITESPACE_RUN.sub(" ", html.unescape(voice["name"])).strip(" ")
            if name:
                return name
    return None


def cue_text_for_srt(text: str) -> str:
    """Cue text as SRT players read it: <i>, <b> and <u> kept (without classes), other tags
    dropped, character references decoded."""
    parts = []
    for part in _TAG_OR_TEXT.findall(text):
        if part[0] != "<":
            parts.append(html.unescape(part))
        elif style := _STYLE_TAG.fullmatch(part):
            parts.append(f"</{style[1]}>" if part.startswith("</") else f"<{style[1]}>")
    return "".join(parts)
