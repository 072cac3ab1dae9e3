"""Upload a 1 GB film to a running Tolk and print how much the server's resident memory grew.

Target: under 100 MB. Run: ``.venv/bin/python -m bench.upload_memory`` (about a minute).
The film is uncompressed video in Matroska, so it is quick to make and still real, probeable media.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import psutil

from bench.live_server import live_server
from bench.peak_memory import PeakMemory
from transcode.binary import ffmpeg_path

TARGET_BYTES = 1_000_000_000
LIMIT_MB = 100


def make_big_film(path: Path) -> None:
    # 640x360 yuv420p raw frames are 345,600 bytes; 2,900 of them make just over 1 GB.
    frames = TARGET_BYTES // (640 * 360 * 3 // 2) + 1
    subprocess.run(
        [
            ffmpeg_path(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=640x360:rate=25",
            "-frames:v",
            str(frames),
            "-c:v",
            "rawvideo",
            "-pix_fmt",
            "yuv420p",
            "-y",
            str(path),
        ],
        check=True,
    )


def file_chunks(path: Path, size: int = 1 << 20):
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        film = Path(folder) / "big.mkv"
        make_big_film(film)
        size_mb = film.stat().st_size / 1e6
        with live_server(Path(folder) / "data") as server:
            headers = {"Authorization": f"Bearer {server.token()}"}
            process = psutil.Process(server.process.pid)
            with httpx.Client(base_url=server.url, headers=headers, timeout=600) as client:
                item = client.post("/api/media", json={"kind": "film", "title": "Stor film"}).json()
                with PeakMemory(process) as memory:
                    started = time.perf_counter()
                    response = client.put(f"/api/media/{item['id']}/file", content=file_chunks(film))
                    elapsed = time.perf_counter() - started
                response.raise_for_status()
        growth_mb = memory.growth_mb
        print(f"uploaded {size_mb:.0f} MB in {elapsed:.1f} s ({size_mb / elapsed:.0f} MB/s)")
        print(f"server RSS: baseline {memory.baseline / 1e6:.0f} MB, peak {memory.peak / 1e6:.0f} MB")
        print(f"RSS growth: {growth_mb:.1f} MB (limit {LIMIT_MB} MB, ratio {growth_mb / LIMIT_MB:.2f})")
        print(f"growth per uploaded MB: {growth_mb / size_mb:.4f}")


if __name__ == "__main__":
    main()
