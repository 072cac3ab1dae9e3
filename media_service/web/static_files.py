"""/static: the player's and editor's scripts, styles and vendored libraries (hls.js).

Sent gzipped to browsers that take it (hls.js: 542 kB, 163 kB gzipped, half a slow phone's
start); ranges and small files go as they are. HEAD answers with exactly the headers GET would
(the compressed length included), as RFC 9110 asks.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIN_COMPRESSED_BYTES = 1024


class StaticAssets:
    """An ASGI app serving ``directory``; mount it at /static."""

    def __init__(self, directory: Path) -> None:
        self._app: ASGIApp = GZipMiddleware(
            StaticFiles(directory=directory), minimum_size=MIN_COMPRESSED_BYTES
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self._app(scope, receive, send)
            return

        # Answered as a GET whose body is dropped: the compressor decides from the body, so a
        # HEAD passed through would claim the uncompressed length and no Content-Encoding.
        async def without_body(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self._app({**scope, "method": "GET"}, receive, without_body)
