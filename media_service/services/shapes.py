"""The shapes of an item's fields as editors send them, checked in one place for the JSON API
and the editor's forms alike."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator
from pydantic.json_schema import SkipJsonSchema

from media_service.errors import Invalid
from media_service.models import MediaKind
from media_service.services.languages import BCP47_PATTERN, normalise_language
from media_service.services.licences import DEFAULT_LICENCE, LICENCES


def _clean_title(value: str) -> str:
    if not value.strip():
        raise ValueError("the title must not be blank")
    return value.strip()


def _language_tag(value: str) -> str:
    # Exactly what the document's pattern says (no spaces to strip, no trailing newline).
    if not re.fullmatch(BCP47_PATTERN, value):
        raise ValueError(f"{value!r} is not a BCP 47 language tag such as 'sv' or 'en-GB'")
    try:
        return normalise_language(value)
    except Invalid as error:
        raise ValueError(error.message) from error


def _licence(value: str) -> str:
    if value not in LICENCES:
        raise ValueError(f"choose one of {', '.join(LICENCES)}, not {value!r}")
    return value


# An SPDX identifier from the short list of services.licences.
LicenceId = Annotated[str, Field(json_schema_extra={"enum": list(LICENCES)}), AfterValidator(_licence)]
Title = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_clean_title)]
Description = Annotated[str, Field(max_length=20000)]
# The pattern is declared, not enforced by pydantic, whose refusal would quote the regex.
LanguageTag = Annotated[
    str, Field(json_schema_extra={"pattern": BCP47_PATTERN}), AfterValidator(_language_tag)
]


class ItemCreate(BaseModel):
    """A new item."""

    model_config = ConfigDict(extra="forbid")

    kind: MediaKind
    title: Title
    description: Description = ""
    language: LanguageTag = Field(default="sv", description="BCP 47 tag of the spoken or sung language")
    published: StrictBool = False
    licence: LicenceId = DEFAULT_LICENCE


class ItemUpdate(BaseModel):
    """Changes to an item: fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    # Left out: kept. null is refused (below), so the document does not offer it.
    kind: MediaKind | SkipJsonSchema[None] = None
    title: Title | SkipJsonSchema[None] = None
    description: Description | SkipJsonSchema[None] = None
    language: LanguageTag | SkipJsonSchema[None] = None
    published: StrictBool | SkipJsonSchema[None] = None
    licence: LicenceId | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _no_nulls(self) -> ItemUpdate:
        nulls = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null; leave a field out to keep it")
        return self


_DIGITS = re.compile(r"[0-9]+")


def whole_number(text: str | None) -> int | None:
    """``text`` as a number when it is plain ASCII digits (not "²", "-1" or " 1"), else None."""
    return int(text) if text is not None and _DIGITS.fullmatch(text) else None
