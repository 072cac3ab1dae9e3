"""uvicorn's httptools protocol with the ASGI "zero copy send" extension: a file's bytes go
from the page cache to the socket by the kernel's ``sendfile``, never through Python.

The application finds ``http.response.zerocopysend`` in ``scope["extensions"]`` and sends
``{"type": "http.response.zerocopysend", "file": <open file>, "offset": n, "count": n,
"more_body": bool}`` in place of body messages (streaming.py does, for local files). Without
the extension (the TestClient, another server) it streams chunks as before.

``loop.sendfile`` would do this on asyncio's own loop, but uvloop (faster at everything else)
does not implement it. So the socket is written here with ``os.sendfile``; when the socket's
buffer is full, the wait for it to drain goes through a duplicate of its descriptor, since the
loop refuses to watch a descriptor its transport owns (epoll watches the duplicate alike).
Offered on plain TCP only: with TLS the bytes must pass through the transport to be encrypted.

Run with ``uvicorn.run(app, http=PROTOCOL)``.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, BinaryIO

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.protocols.utils import is_ssl

PROTOCOL = "media_service.zero_copy:ZeroCopyHttpToolsProtocol"
ZERO_COPY_SEND = "http.response.zerocopysend"
# os.sendfile is asked for at most this much at a time, so one client's large file does not
# hold the event loop while its bytes are copied into a socket buffer the client drains fast.
_MOST_PER_CALL = 4 * 1024 * 1024


class ZeroCopyCycle(RequestResponseCycle):
    """One request's answer, which may send parts of a file with ``os.sendfile``."""

    async def send(self, message: Any) -> None:
        if message["type"] != ZERO_COPY_SEND:
            await super().send(message)
            return
        if not self.response_started or self.response_complete:
            raise RuntimeError(f"Unexpected ASGI message {ZERO_COPY_SEND!r} outside a response's body")
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()
        count = int(message["count"])
        if self.scope["method"] != "HEAD" and not self.disconnected:
            if count > self.expected_content_length:
                raise RuntimeError("Response content longer than Content-Length")
            self.expected_content_length -= count
            await self._send_file(message["file"], int(message.get("offset", 0)), count)
        # What completes the answer is the ordinary body message's business.
        await super().send(
            {"type": "http.response.body", "body": b"", "more_body": message.get("more_body", False)}
        )

    async def _send_file(self, file: BinaryIO, offset: int, count: int) -> None:
        source = file.fileno()
        if self.transport.get_write_buffer_size():
            # Bytes of this answer (its header) still wait in the transport: they go first.
            await self._copy(source, offset, count)
            return
        sock = self.transport.get_extra_info("socket")
        target = sock.fileno()
        loop = asyncio.get_running_loop()
        watched: int | None = None
        try:
            while count > 0:
                try:
                    sent = os.sendfile(target, source, offset, min(count, _MOST_PER_CALL))
                except BlockingIOError:
                    if watched is None:
                        watched = os.dup(target)
                    await _writable(loop, watched)
                    continue
                except OSError:
                    # The client went away (EPIPE, ECONNRESET): the answer ends here.
                    self.disconnected = True
                    self.transport.close()
                    return
                if sent == 0:
                    raise OSError(f"the file ended {count} bytes before the part asked for")
                offset += sent
                count -= sent
        finally:
            if watched is not None:
                os.close(watched)

    async def _copy(self, source: int, offset: int, count: int) -> None:
        """The plain way: read and write through the transport (rare: see ``_send_file``)."""
        loop = asyncio.get_running_loop()
        while count > 0 and not self.disconnected:
            chunk = await loop.run_in_executor(None, os.pread, source, min(count, 512 * 1024), offset)
            if not chunk:
                raise OSError(f"the file ended {count} bytes before the part asked for")
            self.transport.write(chunk)
            offset += len(chunk)
            count -= len(chunk)
            if self.flow.write_paused:
                await self.flow.drain()


async def _writable(loop: asyncio.AbstractEventLoop, descriptor: int) -> None:
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_writer(descriptor, wake)
    try:
        await ready
    finally:
        loop.remove_writer(descriptor)


class ZeroCopyHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, offering ``http.response.zerocopysend`` on plain TCP."""

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not is_ssl(self.transport):
            self.scope["extensions"] = {ZERO_COPY_SEND: {}}

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        # uvicorn makes its own cycle object here; its task has not run yet, so the class it
        # runs with is still ours to choose (ZeroCopyCycle only adds methods).
        if isinstance(self.cycle, RequestResponseCycle) and not is_ssl(self.transport):
            self.cycle.__class__ = ZeroCopyCycle
