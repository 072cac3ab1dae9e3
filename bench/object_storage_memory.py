"""Upload a 1 GB film to a running Tolk that stores in S3 (a SeaweedFS started here) and print
how much the server's resident memory grew, and how long the upload and its multipart upload
into the store took.

Target: growth under 100 MB. Run: ``.venv/bin/python -m bench.object_storage_memory`` (a few
minutes). The body is streamed from a file in 1 MiB chunks (a plain PUT); Tolk writes it to its
scratch, probes it there and uploads it to the bucket in parts (``storage.s3.PART_BYTES``,
``PARTS_AT_ONCE`` at a time), so neither the body nor the object is ever held in memory.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import httpx
import psutil

from bench.live_server import live_server
from bench.peak_memory import PeakMemory
from bench.upload_memory import LIMIT_MB, file_chunks, make_big_film
from tests.seaweedfs import start_seaweedfs


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        film = Path(folder) / "big.mkv"
        make_big_film(film)
        size_mb = film.stat().st_size / 1e6
        store = start_seaweedfs(Path(folder) / "seaweedfs")
        try:
            bucket = store.make_bucket("tolk-bench")
            settings = {
                "storage": "s3",
                "s3_endpoint_url": store.endpoint_url,
                "s3_bucket": bucket,
                "s3_access_key_id": store.access_key_id,
                "s3_secret_access_key": store.secret_access_key,
                "workers": "0",
            }
            with live_server(Path(folder) / "data", **settings) as server:
                headers = {"Authorization": f"Bearer {server.token()}"}
                process = psutil.Process(server.process.pid)
                with httpx.Client(base_url=server.url, headers=headers, timeout=900) as client:
                    item = client.post("/api/media", json={"kind": "film", "title": "Stor film"}).json()
                    with PeakMemory(process) as memory:
                        cpu_before = process.cpu_times()
                        started = time.perf_counter()
                        response = client.put(f"/api/media/{item['id']}/file", content=file_chunks(film))
                        elapsed = time.perf_counter() - started
                        cpu_after = process.cpu_times()
                    response.raise_for_status()
                    source = response.json()["source"]
                    head = client.head(source["url"])
                    assert int(head.headers["content-length"]) == film.stat().st_size
                scratch_left = sum(
                    p.stat().st_size for p in (Path(folder) / "data" / "tmp").rglob("*") if p.is_file()
                )
            stored = store.client().list_objects_v2(Bucket=bucket)["Contents"]
            largest = max(entry["Size"] for entry in stored)
        finally:
            store.stop()
    growth_mb = memory.growth_mb
    cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    print(
        f"uploaded {size_mb:.0f} MB into S3 in {elapsed:.1f} s wall, {cpu:.1f} s server CPU "
        f"({size_mb / elapsed:.0f} MB/s)"
    )
    print(f"largest object in the bucket: {largest / 1e6:.0f} MB; scratch left behind: {scratch_left} bytes")
    print(f"server RSS: baseline {memory.baseline / 1e6:.0f} MB, peak {memory.peak / 1e6:.0f} MB")
    print(f"RSS growth: {growth_mb:.1f} MB (limit {LIMIT_MB} MB, ratio {growth_mb / LIMIT_MB:.2f})")
    print(f"growth per uploaded MB: {growth_mb / size_mb:.4f}")


if __name__ == "__main__":
    main()
