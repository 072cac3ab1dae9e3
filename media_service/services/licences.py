"""The licences an editor can give an item: one short list, used by the watch page, the
JSON-LD, the feeds, the sitemap's neighbours and the DCAT catalogue alike."""

from __future__ import annotations

from dataclasses import dataclass

from media_service.errors import InvalidField


@dataclass(frozen=True)
class Licence:
    spdx: str
    url: str
    name: dict[str, str]  # in Swedish and English


LICENCES: dict[str, Licence] = {
    licence.spdx: licence
    for licence in (
        Licence(
            "CC-BY-4.0",
            "https://creativecommons.org/licenses/by/4.0/",
            {
                "sv": "Creative Commons Erkännande 4.0 (CC BY 4.0)",
                "en": "Creative Commons Attribution 4.0 (CC BY 4.0)",
            },
        ),
        Licence(
            "CC-BY-SA-4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/",
            {
                "sv": "Creative Commons Erkännande-DelaLika 4.0 (CC BY-SA 4.0)",
                "en": "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)",
            },
        ),
        Licence(
            "CC-BY-ND-4.0",
            "https://creativecommons.org/licenses/by-nd/4.0/",
            {
                "sv": "Creative Commons Erkännande-IngaBearbetningar 4.0 (CC BY-ND 4.0)",
                "en": "Creative Commons Attribution-NoDerivatives 4.0 (CC BY-ND 4.0)",
            },
        ),
        Licence(
            "CC-BY-NC-ND-4.0",
            "https://creativecommons.org/licenses/by-nc-nd/4.0/",
            {
                "sv": "Creative Commons Erkännande-IckeKommersiell-IngaBearbetningar 4.0 (CC BY-NC-ND 4.0)",
                "en": "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 (CC BY-NC-ND 4.0)",
            },
        ),
        Licence(
            "CC0-1.0",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            {"sv": "Ingen upphovsrätt (CC0 1.0)", "en": "No rights reserved (CC0 1.0)"},
        ),
    )
}
DEFAULT_LICENCE = "CC-BY-4.0"
# What the catalogue's own metadata is published under (DCAT-AP-SE asks the catalogue for one).
METADATA_LICENCE = LICENCES["CC0-1.0"]


def licence_of(spdx: str) -> Licence:
    """The licence an item names (the default for an identifier no longer on the list)."""
    return LICENCES.get(spdx, LICENCES[DEFAULT_LICENCE])


def checked_licence(value: str) -> str:
    """``value`` when it is one of the licences on offer; raises InvalidField naming the choices."""
    if value not in LICENCES:
        raise InvalidField("licence", f"choose one of {', '.join(LICENCES)}, not {value!r}")
    return value
