"""A ``tolk serve`` process that a test can SIGKILL and start again on the same port and data."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from bench.live_server import free_port, operator_token, start_serving, stop_serving


class TolkProcess:
    """``tolk serve`` on a fixed port with its own data directory (no job workers)."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "TOLK_DATA_DIR": str(data_dir),
            "TOLK_PUBLIC_URL": self.url,
            "TOLK_WORKERS": "0",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = start_serving(self.env, self.url, self.port)

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind runs, as in a power cut of the process."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            stop_serving(self.process)

    def token(self) -> str:
        return operator_token(self.env, "tus tests")
