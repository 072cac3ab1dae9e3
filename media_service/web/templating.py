"""The one Jinja2 environment of the site: its filters and globals, registered here once, and
``render``, which answers a page in the visitor's language."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from media_service.auth import Actor
from media_service.config import PROJECT_ROOT
from media_service.deps import request_actor
from media_service.i18n import LANGUAGE_COOKIE, LANGUAGES, choose_language, translator
from media_service.models import MediaItem
from media_service.services import embed
from media_service.services.licences import LICENCES
from media_service.urls import (
    absolute_url,
    caption_url,
    document_url,
    embed_url,
    file_url,
    oembed_url,
    transcript_url,
    watch_url,
)
from media_service.web.views import picture_aspect, player_view

# The editor's upload script sends resumable uploads in pieces of this size.
UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024

templates = Jinja2Templates(directory=PROJECT_ROOT / "templates")
# Templates are part of the release: checking every template's file time on every page (a
# stat per template and include) bought nothing but a restart's worth of convenience.
templates.env.auto_reload = False


def compile_templates() -> None:
    """Compile every template now, at start, rather than in the first visitors' requests: a
    burst of them arriving after a restart each waited for the compiling (100 ms and more)."""
    # Jinja keeps 400 compiled templates; Tolk has a few dozen.
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)


def format_duration(seconds: float | None) -> str:
    """``1:05`` or ``1:02:05``."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_size(size: int) -> str:
    """``12.3 MB``: decimal units, as people read file sizes."""
    value = float(size)
    for unit in ("B", "kB", "MB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def current_account(request: Request) -> Actor | None:
    """Who is signed in (None for viewers and scripts)."""
    actor = request_actor(request)
    return actor if actor is not None and actor.login is not None else None


def csrf_token(request: Request) -> str:
    """The signed-in session's CSRF token for a form."""
    account = current_account(request)
    return account.login.csrf_token if account and account.login else ""


def frame_title(item: MediaItem, language: str) -> str:
    """The iframe's title, naming the film for screen readers."""
    return translator(language)("embed_frame_title", title=item.title)


def iframe(public_url: str, item: MediaItem, size: embed.FrameSize, language: str, options: str = "") -> str:
    """The embed code of ``item`` at ``size``, with the player's ``options`` (a query string)."""
    src = absolute_url(public_url, embed_url(item)) + (f"?{options}" if options else "")
    return embed.iframe_html(src, size, frame_title(item, language))


def embed_code(request: Request, item: MediaItem) -> str:
    """The iframe to paste into another site, in the visitor's language (the watch page's box)."""
    language = choose_language(request)
    size = embed.frame_size(picture_aspect(player_view(item, language)))
    return iframe(request.app.state.settings.public_url, item, size, language)


def oembed_discovery_url(request: Request, item: MediaItem) -> str:
    """The watch page's oEmbed discovery link."""
    return oembed_url(request.app.state.settings.public_url, item)


templates.env.filters["duration"] = format_duration
templates.env.filters["filesize"] = format_size
templates.env.globals.update(
    file_url=file_url,
    caption_url=caption_url,
    document_url=document_url,
    watch_url=watch_url,
    transcript_url=transcript_url,
    current_account=current_account,
    csrf_token=csrf_token,
    upload_chunk_bytes=UPLOAD_CHUNK_BYTES,
    embed_code=embed_code,
    oembed_discovery_url=oembed_discovery_url,
    licences=LICENCES,
)


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a page in the visitor's language, remembering an explicit ?lang= choice."""
    language = choose_language(request)
    others = [code for code in LANGUAGES if code != language]
    response = templates.TemplateResponse(
        request,
        name,
        {"lang": language, "t": translator(language), "other_languages": others, **context},
        status_code=status_code,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response
