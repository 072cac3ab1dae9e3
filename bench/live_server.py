"""Run ``tolk serve`` in a child process against a throwaway data directory (benchmarks, browser tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

TOLK = [sys.executable, "-m", "media_service.cli"]


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]

    def token(self) -> str:
        """A fresh API token, made with ``tolk token create`` like an operator would."""
        return operator_token(self.env, "bench")


def operator_token(env: dict[str, str], name: str) -> str:
    """A fresh API token for the installation ``env`` names, made with ``tolk token create``."""
    command = [*TOLK, "token", "create", name]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def start_serving(env: dict[str, str], url: str, port: int) -> subprocess.Popen[bytes]:
    """``tolk serve`` on ``port``, returned once it answers at ``url`` (within 60 s)."""
    # Its log goes to a file, not a pipe: a pipe nobody reads fills up (64 KiB of access log
    # lines) and then stops the server at its next log line.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (the child writes it for as long as it runs)
    process = subprocess.Popen(
        [*TOLK, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"tolk serve exited: {log.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{url}/api/media", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop_serving(process)
            raise RuntimeError("tolk serve did not start within 60 s")
        time.sleep(0.05)


def stop_serving(process: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop, and kill it if it has not within 15 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(data_dir: Path, **settings: str) -> Iterator[LiveServer]:
    """Start the service on a free port and stop it afterwards; ``settings`` become TOLK_* variables."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The server's own address is its public URL, so the links it makes (embed codes) work.
    env = {**os.environ, "TOLK_DATA_DIR": str(data_dir), "TOLK_PUBLIC_URL": url}
    env.update({f"TOLK_{name.upper()}": value for name, value in settings.items()})
    process = start_serving(env, url, port)
    try:
        yield LiveServer(url=url, process=process, env=env)
    finally:
        stop_serving(process)
