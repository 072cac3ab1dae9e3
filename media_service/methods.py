"""Which methods a URL answers, one rule for every route (RFC 9110 9.1, 9.3.2, 10.2.1).

FastAPI's routes answer only the methods they name, and a 405 lists only the methods of the
first route with that path. This ASGI middleware, looking at the routes themselves:

- answers HEAD wherever GET is ("identical to GET except that the server MUST NOT send
  content"): when a route takes HEAD itself (the file routes, which then skip reading the
  file) or none takes GET, the request goes on unchanged; otherwise it is routed as the GET it
  stands for, and the answer's content is dropped while its header fields, Content-Length
  included, are sent as they are;
- makes the Allow header of a 405 name every method the URL answers (15.5.6: the server MUST
  send it, listing "the target resource's currently supported methods").
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from media_service.zero_copy import ZERO_COPY_SEND

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# What carries content: a HEAD answered as GET sends none of either.
_BODY_MESSAGES = ("http.response.body", ZERO_COPY_SEND)


def _routed(scope: Scope, method: str) -> bool:
    probe = {**scope, "method": method}
    return any(route.matches(probe)[0] is Match.FULL for route in scope["app"].router.routes)


def allowed_methods(scope: Scope) -> list[str]:
    """The methods the URL of ``scope`` answers (HEAD wherever GET is)."""
    allowed = [method for method in METHODS if _routed(scope, method)]
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.insert(1, "HEAD")
    return allowed


class MethodRules:
    """HEAD answered as GET without content, and a complete Allow on 405 (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = MutableHeaders(scope=message)
                headers["allow"] = ", ".join(allowed_methods(scope))
            await send(message)

        if scope["method"] != "HEAD" or _routed(scope, "HEAD") or not _routed(scope, "GET"):
            await self.app(scope, receive, send_with_allow)
            return
        finished = False

        async def send_headers_only(message: Message) -> None:
            nonlocal finished
            if message["type"] in _BODY_MESSAGES:
                if finished:
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
                finished = True
            await send(message)

        async def receive_until_finished() -> Message:
            # Once the answer is complete the client is as good as gone: a stream stops.
            if finished:
                return {"type": "http.disconnect"}
            return await receive()

        await self.app({**scope, "method": "GET"}, receive_until_finished, send_headers_only)
