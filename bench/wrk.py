"""Running wrk (the HTTP load generator) and reading its report: the benchmarks' shared client.

wrk is a Debian package (``apt-get install wrk``); ``ensure_wrk`` installs it when the
benchmark runs as root and it is missing, as ``scripts/setup`` does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psutil

_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}
_BYTES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
# wrk's --latency report prints its percentiles as "     99%   12.34ms".
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)%\s+([0-9.]+)(us|ms|s|m)\s*$", re.M)
_REQUESTS = re.compile(r"^\s*(\d+) requests in ([0-9.]+)(us|ms|s|m), ([0-9.]+)(B|KB|MB|GB) read", re.M)
_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


@dataclass(frozen=True)
class WrkRun:
    """What one wrk run measured, and the CPU time the server spent meanwhile."""

    requests: int
    seconds: float
    bytes_read: float
    p50: float
    p99: float
    failures: int  # socket errors, timeouts and answers other than 2xx/3xx
    server_cpu: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def bytes_per_second(self) -> float:
        return self.bytes_read / self.seconds


def ensure_wrk() -> str:
    """The path of wrk, installed from Debian's packages first when it is missing (as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and psutil.Process().uids().effective == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: apt-get install wrk (scripts/setup does it)")
    return found


def server_cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of the processes ``pids`` and their children so far."""
    total = 0.0
    for pid in pids:
        process = psutil.Process(pid)
        for each in [process, *process.children(recursive=True)]:
            try:
                times = each.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
    return total


def run_wrk(
    url: str,
    *,
    connections: int,
    seconds: float,
    server_pids: list[int],
    script: Path | None = None,
    threads: int = 2,
    timeout_seconds: float = 10.0,
) -> WrkRun:
    """Load ``url`` with wrk for ``seconds`` at ``connections`` open connections."""
    command = [
        ensure_wrk(),
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={max(1, round(timeout_seconds))}s",
        "--latency",
    ]
    if script is not None:
        command += ["-s", str(script)]
    before = server_cpu_seconds(server_pids)
    result = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    cpu = server_cpu_seconds(server_pids) - before
    return parse_report(result.stdout, cpu)


def parse_report(report: str, server_cpu: float) -> WrkRun:
    percentiles = {int(p): float(v) * _UNITS[unit] for p, v, unit in _PERCENTILE.findall(report)}
    totals = _REQUESTS.search(report)
    if totals is None or 99 not in percentiles:
        raise RuntimeError(f"wrk's report could not be read:\n{report}")
    errors = _ERRORS.search(report)
    non_2xx = _NON_2XX.search(report)
    failures = (sum(map(int, errors.groups())) if errors else 0) + (int(non_2xx[1]) if non_2xx else 0)
    return WrkRun(
        requests=int(totals[1]),
        seconds=float(totals[2]) * _UNITS[totals[3]],
        bytes_read=float(totals[4]) * _BYTES[totals[5]],
        p50=percentiles[50],
        p99=percentiles[99],
        failures=failures,
        server_cpu=server_cpu,
    )


def load_average() -> str:
    """The machine's load (1, 5, 15 minutes), printed beside the figures."""
    one, five, fifteen = psutil.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {psutil.cpu_count()} cores"
