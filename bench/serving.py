"""Tolk against nginx serving the same stored film, measured with wrk on loopback: random
1 MiB ranges and full GETs at 1, 8 and 64 connections.

Run: ``.venv/bin/python -m bench.serving`` (about two and a half minutes; ``--seconds`` per
wrk run). Tolk is ``tolk serve`` as deployed by default, answering ``/files/{id}.mp4`` (access
checked, Range and conditional requests by RFC 9110); nginx is Debian's (``scripts/setup``
installs it, and wrk), configured here in a temporary directory on a loopback port with
sendfile on and two workers, serving the very file Tolk stored for the upload. Each point is
measured in the order Tolk, nginx, nginx, Tolk, so a change in the machine's load weighs on
both alike; printed are the throughput and p99 of each (means of the two runs), the ratios
Tolk/nginx, and each server's CPU time per GB sent beside the wall time of the runs. Goal:
Tolk >= 0.8 x nginx's throughput and a p99 <= 2 x nginx's at every point.

``--behind-nginx`` measures the deployment of docs/deployment.md instead of Tolk alone: nginx
with deploy/nginx/tolk.conf in front of ``tolk serve`` with ``TOLK_ACCEL_REDIRECT_PREFIX``, so
that Tolk checks access to every request and nginx sends the bytes; "Tolk" is then that pair
(the CPU time of both counted), against nginx serving the file alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from bench.live_server import free_port, live_server
from bench.nginx_front import ACCEL_PREFIX, nginx_in_front
from bench.wrk import WrkRun, ensure_wrk, load_average, run_wrk
from transcode import synthetic
from transcode.binary import ffmpeg_path
from transcode.runner import run_ffmpeg

CONNECTIONS = (1, 8, 64)
RANGE_BYTES = 1024 * 1024
TARGET_THROUGHPUT = 0.8
TARGET_P99 = 2.0
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# A random 1 MiB range of a file of SIZE bytes per request; each wrk thread seeded apart.
RANGES_SCRIPT = """
local size = {size}
local span = {span}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
function init(args)
  math.randomseed(os.time() * 1000 + seed)
end
function request()
  local first = math.random(0, size - span)
  return wrk.format("GET", nil, {{["Range"] = "bytes=" .. first .. "-" .. (first + span - 1)}})
end
"""


def make_film(folder: Path, seconds: float) -> Path:
    """A 1280x720 H.264/AAC film with a little moving grain: some 8 MB for 10 s."""
    film = folder / "film.mp4"
    args = synthetic.film_args(film, duration=seconds, width=1280, height=720, fps=30, grain=8)
    run_ffmpeg(args, ffmpeg=ffmpeg_path())
    return film


def stored_source(data_dir: Path, item_id: int) -> tuple[int, Path]:
    """The id and path of the item's stored source file (the file both servers send)."""
    with sqlite3.connect(data_dir / "tolk.db") as db:
        file_id, key = db.execute(
            "SELECT id, storage_key FROM media_files WHERE item_id = ? AND role = 'source'", (item_id,)
        ).fetchone()
    return file_id, data_dir / "files" / key


def nginx_config(prefix: Path, root: Path, port: int) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""
    temps = "".join(
        f"{kind}_temp_path {prefix / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\nworker_processes 2;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'};\n"
        "events { worker_connections 1024; }\n"
        "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 100000;\n"
        f"  {temps}"
        f"  server {{\n    listen 127.0.0.1:{port};\n    root {root};\n"
        "    location / { default_type video/mp4; }\n  }\n}\n"
    )


@contextmanager
def nginx(folder: Path, root: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """nginx serving ``root`` on a free loopback port, stopped afterwards."""
    prefix = folder / "nginx"
    prefix.mkdir()
    port = free_port()
    (prefix / "nginx.conf").write_text(nginx_config(prefix, root, port))
    process = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")], stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    assert process.stderr is not None
                    raise RuntimeError(f"nginx did not start: {process.stderr.read().decode()}") from None
                time.sleep(0.05)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=15)


def check_same_bytes(tolk_url: str, nginx_url: str, film: Path) -> None:
    """Both servers answer a range with the very bytes of the film (nothing measured wrong)."""
    wanted = film.read_bytes()[1000 : 1000 + RANGE_BYTES]
    for url in (tolk_url, nginx_url):
        answer = httpx.get(url, headers={"Range": f"bytes=1000-{1000 + RANGE_BYTES - 1}"})
        if answer.status_code != 206 or answer.content != wanted:
            raise SystemExit(f"{url} did not answer the range with the film's bytes ({answer.status_code})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="each wrk run's length")
    parser.add_argument("--film-seconds", type=float, default=10.0, help="the served film's length")
    parser.add_argument(
        "--behind-nginx",
        action="store_true",
        help="Tolk behind nginx with deploy/nginx/tolk.conf, nginx sending the bytes (X-Accel-Redirect)",
    )
    args = parser.parse_args()
    ensure_wrk()
    print(load_average(), "(before)")
    runs: dict[tuple[str, str, int], list[WrkRun]] = {}
    with tempfile.TemporaryDirectory(prefix="tolk-bench-serving-") as name:
        folder = Path(name)
        film = make_film(folder, args.film_seconds)
        data_dir = folder / "service"
        accel = {"accel_redirect_prefix": ACCEL_PREFIX} if args.behind_nginx else {}
        with live_server(data_dir, hls="false", **accel) as server, ExitStack() as fronted:
            headers = {"Authorization": f"Bearer {server.token()}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=120) as api:
                item = api.post("/api/media", json={"kind": "film", "title": "Bench", "published": True})
                item.raise_for_status()
                api.put(f"/api/media/{item.json()['id']}/file", content=film.read_bytes()).raise_for_status()
            file_id, stored = stored_source(data_dir, item.json()["id"])
            size = stored.stat().st_size
            script = folder / "ranges.lua"
            script.write_text(RANGES_SCRIPT.format(size=size, span=RANGE_BYTES))
            with nginx(folder, stored.parent) as (nginx_url, nginx_process):
                urls = {"Tolk": f"{server.url}/files/{file_id}.mp4", "nginx": f"{nginx_url}/{stored.name}"}
                pids = {"Tolk": [server.process.pid], "nginx": [nginx_process.pid]}
                if args.behind_nginx:
                    listen = free_port()
                    front = fronted.enter_context(
                        nginx_in_front(
                            folder / "front",
                            [int(server.url.rsplit(":", 1)[1])],
                            listen,
                            data_dir / "files",
                            worker_processes=2,
                            access_log=False,
                        )
                    )
                    urls["Tolk"] = f"http://127.0.0.1:{listen}/files/{file_id}.mp4"
                    pids["Tolk"].append(front.pid)
                check_same_bytes(urls["Tolk"], urls["nginx"], stored)
                print(
                    f"serving a {size / 1e6:.1f} MB film; wrk {args.seconds:g} s per run,"
                    " order Tolk nginx nginx Tolk"
                    + ("; Tolk behind nginx, nginx sending the bytes" if args.behind_nginx else "")
                )
                for mode, mode_script in (("1 MiB ranges", script), ("full GET", None)):
                    for connections in CONNECTIONS:
                        for who in ("Tolk", "nginx", "nginx", "Tolk"):
                            run = run_wrk(
                                urls[who],
                                connections=connections,
                                seconds=args.seconds,
                                server_pids=pids[who],
                                script=mode_script,
                                timeout_seconds=60,
                            )
                            runs.setdefault((mode, who, connections), []).append(run)
    for line in report(runs):
        print(line)
    print(load_average(), "(after)")


def report(runs: dict[tuple[str, str, int], list[WrkRun]]) -> Iterator[str]:
    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    yield (
        f"{'request':<14}{'conns':>6}{'Tolk MB/s':>11}{'nginx MB/s':>11}{'ratio':>7}"
        f"{'Tolk p99':>10}{'nginx p99':>10}{'ratio':>7}{'CPU s/GB Tolk':>15}{'nginx':>7}{'failed':>7}  goal"
    )
    for mode, who, connections in sorted(
        {(m, "Tolk", c) for m, _, c in runs}, key=lambda k: (k[0] != "1 MiB ranges", k[2])
    ):
        del who
        tolk, other = runs[(mode, "Tolk", connections)], runs[(mode, "nginx", connections)]
        tolk_rate, nginx_rate = (
            mean([r.bytes_per_second for r in tolk]),
            mean([r.bytes_per_second for r in other]),
        )
        # A run in which no answer was completed has no p99 of its own: it waited the whole run.
        tolk_p99 = mean([r.p99 if r.requests else r.seconds for r in tolk])
        nginx_p99 = mean([r.p99 if r.requests else r.seconds for r in other])

        def cpu_per_gb(each: list[WrkRun]) -> float:
            return sum(r.server_cpu for r in each) / max(1e-9, sum(r.bytes_read for r in each) / 1e9)

        failed = sum(r.failures for r in tolk + other)
        holds = (
            tolk_rate >= TARGET_THROUGHPUT * nginx_rate and tolk_p99 <= TARGET_P99 * nginx_p99 and not failed
        )
        yield (
            f"{mode:<14}{connections:>6}{tolk_rate / 1e6:>11.0f}{nginx_rate / 1e6:>11.0f}"
            f"{tolk_rate / nginx_rate:>7.2f}"
            f"{tolk_p99 * 1000:>8.0f}ms{nginx_p99 * 1000:>8.0f}ms{tolk_p99 / nginx_p99:>7.2f}"
            f"{cpu_per_gb(tolk):>15.2f}{cpu_per_gb(other):>7.2f}{failed:>7}  {'holds' if holds else 'MISSED'}"
        )
    wall = sum(r.seconds for each in runs.values() for r in each)
    yield (
        f"wall time of the wrk runs {wall:.0f} s;"
        f" goal: throughput ratio >= {TARGET_THROUGHPUT}, p99 ratio <= {TARGET_P99}"
    )


if __name__ == "__main__":
    main()
