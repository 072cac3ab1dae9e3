"""Run ``tolk serve`` in a child process against a throwaway data directory (benchmarks, browser tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
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
        result = subprocess.run(
            [*TOLK, "token", "create", "bench"], env=self.env, capture_output=True, text=True, check=True
        )
        return result.stdout.strip().splitlines()[-1]


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
    process = subprocess.Popen(
        [*TOLK, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"tolk serve exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{url}/api/media", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("tolk serve did not start within 60 s")
            time.sleep(0.1)
        yield LiveServer(url=url, process=process, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
