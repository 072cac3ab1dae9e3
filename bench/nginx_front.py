"""nginx in front of Tolk with the repository's own configuration (deploy/nginx/tolk.conf), as
docs/deployment.md sets it up: for tests/browser/test_behind_nginx.py and bench/serving.py.

Only the lines of deploy/nginx/tolk.conf marked ``test:`` change (the listen port, the API
processes' ports, the files directory); everything nginx writes is kept under ``prefix``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[1] / "deploy" / "nginx" / "tolk.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The internal location of deploy/nginx/tolk.conf that sends stored files (X-Accel-Redirect).
ACCEL_PREFIX = "/_tolk_files/"


def site_config(ports: list[int], listen: int, files_dir: Path) -> str:
    """deploy/nginx/tolk.conf with only its lines marked ``test:`` changed."""
    text = CONFIG.read_text()
    text, listens = re.subn(r"listen 80;  # test: listen port", f"listen 127.0.0.1:{listen};", text)
    assert listens == 1, "deploy/nginx/tolk.conf lost its listen line"
    for index, port in enumerate(ports, 1):
        # Once in each upstream (all requests; resumable uploads).
        text, count = re.subn(
            rf"server 127\.0\.0\.1:\d+;  # test: API process {index}", f"server 127.0.0.1:{port};", text
        )
        assert count == 2, f"deploy/nginx/tolk.conf lost a line for API process {index}"
    # Fewer API processes than the file names: the lines left over go.
    text = re.sub(r"\n\s*server 127\.0\.0\.1:\d+;  # test: API process \d+", "", text)
    text, aliases = re.subn(r"alias \S+;  # test: files directory", f"alias {files_dir}/;", text)
    assert aliases == 1, "deploy/nginx/tolk.conf lost its files directory line"
    assert f"location {ACCEL_PREFIX} " in text, "deploy/nginx/tolk.conf lost its X-Accel-Redirect location"
    return text


def main_config(prefix: Path, *, worker_processes: int = 1, access_log: bool = True) -> str:
    """nginx.conf around the included site file, with an access log naming the upstream (or
    none: a benchmark measures serving, not logging)."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temps = "".join(f"{kind}_temp_path {prefix / kind};\n" for kind in kinds)
    log = f"access_log {prefix / 'access.log'} upstream;\n" if access_log else "access_log off;\n"
    return (
        f"{user}daemon off;\nworker_processes {worker_processes};\n"
        f"pid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "log_format upstream '$request_method $uri $status $upstream_addr';\n"
        f"{log}{temps}"
        f"include {prefix / 'tolk.conf'};\n"
        "}\n"
    )


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not listen within 10 s")


@contextmanager
def nginx_in_front(
    prefix: Path,
    ports: list[int],
    listen: int,
    files_dir: Path,
    *,
    worker_processes: int = 1,
    access_log: bool = True,
) -> Iterator[subprocess.Popen[bytes]]:
    """nginx listening on ``listen``, passing requests to Tolk's API processes on ``ports``,
    stopped afterwards."""
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "tolk.conf").write_text(site_config(ports, listen, files_dir))
    config = main_config(prefix, worker_processes=worker_processes, access_log=access_log)
    (prefix / "nginx.conf").write_text(config)
    command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    try:
        _wait_for_port(listen, process)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
