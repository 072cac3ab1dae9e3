"""Embedding the player on other sites: who may frame it, how big its frame is, the iframe code
and the oEmbed answer (https://oembed.com, version 1.0, type ``video``).

Only published items with something to play can be embedded, for editors too: an iframe on
another site cannot carry an editor's token, so an unpublished item's embed would not play
anyway. Editors preview on the watch page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape
from urllib.parse import SplitResult, urlsplit

from media_service.errors import ServiceError

OEMBED_VERSION = "1.0"
PROVIDER_NAME = "Tolk"
DEFAULT_WIDTH = 640
# The player's control bar under the picture (seek row 28 px, button row 44 px, padding 12 px),
# and the stage of a song without a picture (6rem): measured in Chromium at 640 px wide.
CONTROLS_HEIGHT = 84
AUDIO_STAGE_HEIGHT = 96
# What the embedded page may do: autoplay (muted only, by the browser's rules) and full screen.
IFRAME_ALLOW = "autoplay; fullscreen; picture-in-picture"

_KEYWORDS = {"'self'", "'none'", "*"}
_SCHEME_SOURCE = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# CSP host-source: [scheme://]host[:port][/path], the host optionally starting with "*.".
_HOST_SOURCE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://)?(?:\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(?:\d{1,5}|\*))?"
    r"(?:/[^\s;,'\"]*)?",
    re.IGNORECASE,
)
_PLAYER_PATH = re.compile(r"/(?:watch|embed)/(\d{1,18})/?")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class UnsupportedFormat(ServiceError):
    """oEmbed's answer to a format it does not serve (the spec's 501)."""

    status_code = 501
    code = "not_implemented"


@dataclass(frozen=True)
class FrameSize:
    width: int
    height: int


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int
    height: int


def frame_ancestor_sources(setting: str) -> list[str]:
    """The CSP source expressions in ``Settings.frame_ancestors`` (spaces or commas between).

    Raises ValueError naming the first expression that is not one, so a typo cannot add other
    directives to the header or quietly let every site in.
    """
    sources = [token for token in re.split(r"[\s,]+", setting.strip()) if token]
    if not sources:
        raise ValueError("TOLK_FRAME_ANCESTORS is empty: give '*', 'none' or the sites allowed")
    for source in sources:
        known = source.lower() in _KEYWORDS or _SCHEME_SOURCE.fullmatch(source)
        if not (known or _HOST_SOURCE.fullmatch(source)):
            raise ValueError(f"TOLK_FRAME_ANCESTORS: {source!r} is not a CSP source expression")
    if "'none'" in (s.lower() for s in sources) and len(sources) > 1:
        raise ValueError("TOLK_FRAME_ANCESTORS: 'none' must stand alone")
    return sources


def frame_ancestors_directive(setting: str) -> str:
    """The Content-Security-Policy value for pages that may be framed as ``setting`` says."""
    return "frame-ancestors " + " ".join(frame_ancestor_sources(setting))


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def item_id_from_url(public_url: str, url: str) -> int | None:
    """The item of a watch or embed page URL of this site (``public_url``); None for others."""
    base, given = urlsplit(public_url), urlsplit(url.strip())
    try:
        if given.username is not None or _origin(given) != _origin(base):
            return None
    except ValueError:  # a port that is not a number
        return None
    prefix = base.path.rstrip("/")
    if not given.path.startswith(prefix + "/"):
        return None
    match = _PLAYER_PATH.fullmatch(given.path[len(prefix) :])
    return int(match[1]) if match else None


def frame_size(aspect: float | None, maxwidth: int | None = None, maxheight: int | None = None) -> FrameSize:
    """The iframe for a picture of ``aspect`` (width / height; None: a song without one).

    The picture keeps its aspect ratio with the controls under it; the frame is 640 px wide
    unless ``maxwidth`` or ``maxheight`` ask for less, and never larger than either.
    """
    width = min(DEFAULT_WIDTH, maxwidth or DEFAULT_WIDTH)
    if aspect is None:
        height = CONTROLS_HEIGHT + AUDIO_STAGE_HEIGHT
        return FrameSize(width, min(height, maxheight or height))
    height = math.ceil(width / aspect) + CONTROLS_HEIGHT
    if maxheight and height > maxheight:
        width = max(1, min(width, math.floor((maxheight - CONTROLS_HEIGHT) * aspect)))
        height = min(maxheight, math.ceil(width / aspect) + CONTROLS_HEIGHT)
    return FrameSize(width, height)


def iframe_html(src: str, size: FrameSize, title: str) -> str:
    """The embed code: an iframe with a title (its name for screen readers), without a border."""
    return (
        f'<iframe src="{escape(src)}" width="{size.width}" height="{size.height}" '
        f'title="{escape(title)}" allow="{IFRAME_ALLOW}" allowfullscreen '
        'style="border: 0; max-width: 100%;"></iframe>'
    )


def oembed_answer(
    *, title: str, html: str, size: FrameSize, provider_url: str, thumbnail: Thumbnail | None
) -> dict[str, object]:
    """The oEmbed 1.0 ``video`` answer: every required field, and the optional ones Tolk knows."""
    answer: dict[str, object] = {
        "version": OEMBED_VERSION,
        "type": "video",
        "title": title,
        "provider_name": PROVIDER_NAME,
        "provider_url": provider_url,
        "html": html,
        "width": size.width,
        "height": size.height,
    }
    if thumbnail is not None:
        # The spec wants all three or none.
        answer.update(
            thumbnail_url=thumbnail.url, thumbnail_width=thumbnail.width, thumbnail_height=thumbnail.height
        )
    return answer
