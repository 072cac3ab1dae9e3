"""The words Tolk and its ffmpeg builders share: variant kinds, caption kinds, x264 presets.

They live here, in the library, because ``transcode`` never imports ``media_service``; the
service's models, services and templates use these same types. The database stores each
kind by its value (a string), so a value must never change.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, get_args


class VariantKind(StrEnum):
    """A made rendition of a film or song (``transcode.variants`` describes each)."""

    WEB = "web"
    CAPTIONED = "captioned"
    SIGNED = "signed"
    SIGNED_CAPTIONED = "signed+captioned"
    # Audio description (syntolkning) voiced and mixed into the sound: on its own, added to the
    # others ("signed+captioned+described" is the full-access version), and extended (the
    # picture holds where a description is longer than its gap).
    DESCRIBED = "described"
    CAPTIONED_DESCRIBED = "captioned+described"
    SIGNED_DESCRIBED = "signed+described"
    SIGNED_CAPTIONED_DESCRIBED = "signed+captioned+described"
    DESCRIBED_EXTENDED = "described+extended"

    @property
    def has_signer(self) -> bool:
        """The interpreter is in the picture: the variant needs an interpreter recording."""
        return "signed" in self.value.split("+")

    @property
    def has_captions(self) -> bool:
        """Captions are burned in: the variant needs a spoken caption track."""
        return "captioned" in self.value.split("+")

    @property
    def has_descriptions(self) -> bool:
        """Audio description is mixed into the sound: the variant needs a description track."""
        return "described" in self.value.split("+")

    @property
    def is_extended(self) -> bool:
        """The picture holds while a description runs past its gap (WCAG 1.2.7), so the
        variant is longer than the film and its timeline differs from it."""
        return "extended" in self.value.split("+")


class CaptionKind(StrEnum):
    """The kind of a caption track, as HTML's ``<track kind>`` names it. Listed best first
    among the spoken kinds: captions (with sounds) before subtitles (words alone)."""

    CAPTIONS = "captions"
    SUBTITLES = "subtitles"
    DESCRIPTIONS = "descriptions"
    CHAPTERS = "chapters"

    @property
    def is_spoken(self) -> bool:
        """Its cues are what is said (and heard): shown as captions, burned into captioned
        variants and read as a transcript. Descriptions and chapters are not."""
        return self in (CaptionKind.CAPTIONS, CaptionKind.SUBTITLES)


def spoken_caption_kinds() -> tuple[CaptionKind, ...]:
    """The spoken caption kinds, best first (see ``CaptionKind``)."""
    return tuple(kind for kind in CaptionKind if kind.is_spoken)


# libx264's presets, fastest first: slower ones make smaller files of the same quality.
X264Preset = Literal[
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"
]
X264_PRESETS: tuple[X264Preset, ...] = get_args(X264Preset)
