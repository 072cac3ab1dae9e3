"""Language tags (BCP 47) and the names of the languages tracks are in, in their own words."""

from __future__ import annotations

import re

from media_service.errors import Invalid

# BCP 47: a primary language subtag, then optional script, region and variant subtags.
_BCP47 = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?(-[a-zA-Z0-9]{5,8})*$")
BCP47_PATTERN = _BCP47.pattern  # for API schemas, which declare what is taken
LANGUAGE_NAMES = {
    "sv": ("Svenska", "Swedish"),
    "en": ("English", "English"),
    "swl": ("Svenskt teckenspråk", "Swedish Sign Language"),
    "fi": ("Suomi", "Finnish"),
    "ar": ("العربية", "Arabic"),
}


def normalise_language(tag: str) -> str:
    """A BCP 47 tag in its usual case (``sv``, ``en-GB``); raises Invalid for anything else."""
    tag = tag.strip()
    if not _BCP47.match(tag):
        raise Invalid(f"{tag!r} is not a BCP 47 language tag such as 'sv' or 'en-GB'")
    parts = tag.split("-")
    shaped = [parts[0].lower()]
    for part in parts[1:]:
        shaped.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part)
    return "-".join(shaped)


def default_label(language: str) -> str:
    """The track's name in its own language, e.g. 'Svenska'."""
    return LANGUAGE_NAMES.get(language.split("-")[0], (language, language))[0]
