"""Interface text in Swedish and English, and choosing between them for a request."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LANGUAGE_COOKIE = "tolk_lang"

MESSAGES: dict[str, dict[str, str]] = {
    "site_name": {"sv": "Tolk", "en": "Tolk"},
    "tagline": {
        "sv": "Filmer och sånger med textning och teckenspråk",
        "en": "Films and songs with captions and sign language",
    },
    "skip_to_content": {"sv": "Hoppa till innehållet", "en": "Skip to content"},
    "catalogue": {"sv": "Mediebibliotek", "en": "Media library"},
    "catalogue_empty": {"sv": "Biblioteket är tomt.", "en": "The library is empty."},
    "film": {"sv": "Film", "en": "Film"},
    "song": {"sv": "Sång", "en": "Song"},
    "films": {"sv": "Filmer", "en": "Films"},
    "songs": {"sv": "Sånger", "en": "Songs"},
    "all": {"sv": "Alla", "en": "All"},
    "captions": {"sv": "Textning", "en": "Captions"},
    "sign_language": {"sv": "Teckenspråk", "en": "Sign language"},
    "duration": {"sv": "Längd", "en": "Duration"},
    "watch": {"sv": "Titta", "en": "Watch"},
    "poster_of": {"sv": "Bild ur {title}", "en": "Still from {title}"},
    "no_file": {
        "sv": "Filen är inte uppladdad än.",
        "en": "The file has not been uploaded yet.",
    },
    "no_video_support": {
        "sv": "Din webbläsare kan inte spela upp det här. Ladda ner filen:",
        "en": "Your browser cannot play this. Download the file:",
    },
    "download": {"sv": "Ladda ner", "en": "Download"},
    "caption_tracks": {"sv": "Textspår", "en": "Caption tracks"},
    "no_captions": {"sv": "Ingen textning än.", "en": "No captions yet."},
    "language_switch": {"sv": "Språk", "en": "Language"},
    "pages": {"sv": "Sidor", "en": "Pages"},
    "previous": {"sv": "Föregående", "en": "Previous"},
    "next": {"sv": "Nästa", "en": "Next"},
    "filter": {"sv": "Visa", "en": "Show"},
    "not_found": {"sv": "Sidan finns inte.", "en": "Page not found."},
    "back_to_catalogue": {"sv": "Till mediebiblioteket", "en": "Back to the media library"},
}


def choose_language(request: Request) -> str:
    """?lang=, then the language cookie, then Accept-Language; Swedish when nothing matches."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    weighted: list[tuple[float, str]] = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((quality, tag.split("-")[0].lower()))
    for _quality, language in sorted(weighted, key=lambda pair: -pair[0]):
        if language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


def translator(language: str) -> Callable[..., str]:
    """``t(key, **values)`` for templates: the message in ``language``, formatted."""

    def t(key: str, **values: object) -> str:
        text = MESSAGES[key][language]
        return text.format(**values) if values else text

    return t
