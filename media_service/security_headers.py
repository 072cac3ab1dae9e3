"""Security headers on every answer, added by a pure ASGI middleware: it edits the headers of
the response's start message and passes the body through untouched (wrapping the body, as
``@app.middleware("http")`` does, costs every streamed file a copy per chunk).

- ``Content-Security-Policy``: scripts only from Tolk itself and never inline, no plugins, no
  ``<base>`` (escaping is not the only defence against injected markup); only the embed player
  may be framed by other sites (``TOLK_FRAME_ANCESTORS``), every other page by Tolk alone.
- ``Cache-Control: no-store`` on editor pages and API answers, which may hold unpublished
  items or tokens, unless the route chose its own caching.
- ``X-Content-Type-Options: nosniff`` and a referrer policy that keeps paths to this site.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_FRAMEABLE_PATH = re.compile(r"/embed/\d+")
SCRIPT_POLICY = "script-src 'self'; object-src 'none'; base-uri 'none'"
_PRIVATE_PREFIXES = ("/editor", "/api/")


def may_be_framed(path: str) -> bool:
    """Whether the page at ``path`` is the embeddable player (its errors included)."""
    return _FRAMEABLE_PATH.fullmatch(path) is not None


def content_security_policy(path: str, embed_framing: str) -> str:
    """The policy of the answer at ``path``; ``embed_framing`` is the embed player's
    ``frame-ancestors`` directive."""
    framing = embed_framing if may_be_framed(path) else "frame-ancestors 'self'"
    return f"{SCRIPT_POLICY}; {framing}"


class SecurityHeaders:
    """The middleware; ``embed_framing`` as ``services.embed.frame_ancestors_directive`` makes it."""

    def __init__(self, app: ASGIApp, embed_framing: str) -> None:
        self.app = app
        self.embed_framing = embed_framing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        policy = content_security_policy(path, self.embed_framing)
        private = path.startswith(_PRIVATE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "strict-origin-when-cross-origin")
                headers.setdefault("content-security-policy", policy)
                if private:
                    headers.setdefault("cache-control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
