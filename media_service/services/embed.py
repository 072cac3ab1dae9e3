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
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit

from media_service.config import Settings
from media_service.errors import ServiceError
from media_service.models import MediaFile, MediaItem
from media_service.storage import Storage
from transcode.binary import ffmpeg_path
from transcode.poster import thumbnail_args
from transcode.runner import run_ffmpeg

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
# The widths a thumbnail is made in: a few, so that maxwidth/maxheight cannot fill the disk
# with a copy per pixel; the largest that fits is taken.
THUMBNAIL_WIDTHS = (480, 320, 240, 160, 120, 80, 40)
THUMBNAIL_TIMEOUT_SECONDS = 60
# The embed player's options (see web/embed.py), kept from a page URL given to oEmbed when
# valid; anything else in its query is dropped, so the iframe always opens.
_EMBED_OPTIONS = {
    "start": re.compile(r"[0-9]{1,9}(\.[0-9]{1,3})?"),
    "captions": re.compile(r"off|[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*"),
    "sign": re.compile(r"0|1|true|false"),
    "descriptions": re.compile(r"on|off|extended"),
    "autoplay": re.compile(r"0|1|true|false"),
    "lang": re.compile(r"sv|en"),
}


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


def is_embeddable(item: MediaItem, playable: MediaFile | None) -> bool:
    """Whether ``item`` may be embedded: published, with ``playable`` (what the player plays)."""
    return item.published and playable is not None


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


def embed_options(url: str) -> str:
    """The embed player's options in a watch or embed page URL, as a query string for the
    iframe (``start=12&captions=sv``); unknown or invalid ones are left out."""
    kept = {}
    for name, value in parse_qsl(urlsplit(url.strip()).query):
        pattern = _EMBED_OPTIONS.get(name)
        if pattern is not None and pattern.fullmatch(value):
            kept[name] = value
    return urlencode(kept)


def thumbnail_size(
    width: int, height: int, maxwidth: int | None, maxheight: int | None
) -> tuple[int, int] | None:
    """The size of the thumbnail of a ``width`` x ``height`` poster within the limits:
    the poster's own when it fits, else the largest of ``THUMBNAIL_WIDTHS`` that fits, with
    the poster's aspect (height even, rounded down); None when not even the smallest fits."""
    if (maxwidth is None or width <= maxwidth) and (maxheight is None or height <= maxheight):
        return width, height
    for candidate, scaled in thumbnail_sizes(width, height):
        if candidate <= (maxwidth or candidate) and scaled <= (maxheight or scaled):
            return candidate, scaled
    return None


def thumbnail_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """Every size a thumbnail of a ``width`` x ``height`` poster is made in, largest first."""
    return [(w, max(2, int(w * height / width) // 2 * 2)) for w in THUMBNAIL_WIDTHS if w < width]


def thumbnail_key(storage: Storage, poster: MediaFile, width: int, height: int) -> str:
    return storage.derived_key(poster.storage_key, f"{width}x{height}.jpg")


def ensure_thumbnail(settings: Settings, storage: Storage, poster: MediaFile, width: int, height: int) -> str:
    """The storage key of ``poster`` scaled to ``width`` x ``height``, made by ffmpeg the first
    time and kept (written atomically: never seen half-made; removed with the poster)."""
    key = thumbnail_key(storage, poster, width, height)
    if not storage.exists(key):
        with storage.local_file(poster.storage_key) as poster_path, storage.scratch_path(".jpg") as output:
            run_ffmpeg(
                thumbnail_args(poster_path, output, width, height),
                ffmpeg=ffmpeg_path(settings.ffmpeg_path),
                timeout=THUMBNAIL_TIMEOUT_SECONDS,
            )
            storage.commit(output, key)
    return key
