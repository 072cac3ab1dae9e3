"""Files sent by the kernel (media_service/zero_copy.py): ``tolk serve`` answers exactly as the
chunked path does (the TestClient's, which offers no zero-copy send), and a slow or vanishing
client neither stalls nor breaks the server."""

from __future__ import annotations

import random
import re
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from bench.live_server import free_port, live_server
from helpers import publish, running_service
from media_service.config import Settings
from media_service.streaming import ByteRange, LocalFileResponse
from media_service.zero_copy import PROTOCOL, ZERO_COPY_SEND

# Headers that differ between two servers or two moments, not between the two paths.
_VARYING = {"date", "server"}


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory, film: Path
) -> Iterator[tuple[httpx.Client, TestClient, str]]:
    """The live server (zero-copy) and a TestClient (chunks) over the same data, and a file URL."""
    data_dir = tmp_path_factory.mktemp("zero-copy") / "data"
    with live_server(data_dir, workers="0", hls="false") as server:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.token()}"}) as api:
            url = httpx.URL(publish(api, film)["source"]["url"]).path
        with (
            httpx.Client(base_url=server.url) as live,
            running_service(Settings(data_dir=data_dir, workers=0)) as (
                chunked,
                _,
            ),
        ):
            yield live, chunked, url


def _comparable(response: httpx.Response) -> tuple[int, dict[str, str], bytes]:
    headers = {name: value for name, value in response.headers.items() if name not in _VARYING}
    body = response.content
    boundary = re.search(r"boundary=(\w+)", headers.get("content-type", ""))
    if boundary:  # made at random per answer
        headers["content-type"] = headers["content-type"].replace(boundary[1], "B")
        body = body.replace(boundary[1].encode(), b"B")
    return response.status_code, headers, body


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("GET", {}),
        ("HEAD", {}),
        ("GET", {"Range": "bytes=1000-60000"}),
        ("GET", {"Range": "bytes=-10"}),
        ("GET", {"Range": "bytes=0-9,500-999,-5"}),
        ("GET", {"Range": "bytes=99999999-"}),
        ("HEAD", {"Range": "bytes=0-9"}),
        ("GET", {"If-None-Match": "*"}),
    ],
)
def test_the_zero_copy_answer_is_the_chunked_one(both, method: str, headers: dict[str, str]) -> None:
    live, chunked, url = both
    answer = live.request(method, url, headers=headers)
    assert _comparable(answer) == _comparable(chunked.request(method, url, headers=headers))


def test_the_live_server_offers_zero_copy_and_the_test_client_does_not(both, film: Path) -> None:
    live, _, url = both
    assert live.get(url).content == film.read_bytes()
    # What makes the comparison above one between the two paths.
    scope_extensions: list[object] = []

    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        scope_extensions.append(scope.get("extensions", {}))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    TestClient(app).get("/")
    assert ZERO_COPY_SEND not in scope_extensions[0]  # type: ignore[operator]


@pytest.fixture(scope="module", params=["uvloop", "asyncio"])
def big_file(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, bytes]]:
    """uvicorn with the zero-copy protocol in a thread (on either event loop), answering every
    request with a file far larger than a socket's buffers; its URL and the file's bytes."""
    path = tmp_path_factory.mktemp("big") / "big.bin"
    data = random.Random(15).randbytes(24 * 1024 * 1024)
    path.write_bytes(data)

    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return
        whole = [(b"", ByteRange(0, len(data) - 1))]
        headers = {"content-length": str(len(data))}
        await LocalFileResponse(path, whole, b"", 200, headers)(scope, receive, send)

    port = free_port()
    config = uvicorn.Config(
        app, port=port, http=PROTOCOL, loop=request.param, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}", data
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _raw_get(url: str, path: str, *, receive_buffer: int | None = None) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.socket()
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect((host, int(port)))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    return sock


def _read_answer(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"content-length: (\d+)", head, re.IGNORECASE)[1])  # type: ignore[index]
    parts = [body]
    while (received := sum(map(len, parts))) < length:
        chunk = sock.recv(min(1024 * 1024, length - received))
        assert chunk, "the server closed the connection mid-answer"
        parts.append(chunk)
    return head, b"".join(parts)


def test_a_slow_reader_gets_every_byte_while_others_are_served(big_file) -> None:
    """A client that reads nothing for a while: the server waits for its socket, not in it."""
    url, data = big_file
    slow = _raw_get(url, "/", receive_buffer=4096)
    try:
        time.sleep(0.3)  # the socket's buffers are full by now: the server waits to send more
        started = time.monotonic()
        other = _raw_get(url, "/")
        assert _read_answer(other)[1] == data
        other.close()
        assert time.monotonic() - started < 10
        assert _read_answer(slow)[1] == data
    finally:
        slow.close()


def test_a_client_gone_mid_answer_leaves_the_server_answering(big_file) -> None:
    url, data = big_file
    for _ in range(3):
        gone = _raw_get(url, "/", receive_buffer=4096)
        gone.recv(1000)
        gone.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        gone.close()  # a reset, mid-way through the file
    kept = _raw_get(url, "/")
    try:
        # Two answers on one connection: the first one ended where its length says.
        assert _read_answer(kept)[1] == data
        kept.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_answer(kept)[1] == data
    finally:
        kept.close()
