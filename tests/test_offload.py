"""The worker process for long computations: results come back, and it does not outlive a
service killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from media_service.services.offload import in_worker_process

SERVICE = """
import os, sys, time
from media_service.services.offload import in_worker_process
print(in_worker_process(os.getpid), flush=True)
time.sleep(60)
"""


def test_a_result_comes_back_from_the_worker_process() -> None:
    assert in_worker_process(divmod, 17, 5) == (3, 2)
    assert in_worker_process(os.getpid) != os.getpid()


def test_the_worker_ends_when_its_service_is_killed() -> None:
    service = subprocess.Popen([sys.executable, "-c", SERVICE], stdout=subprocess.PIPE, text=True)
    try:
        assert service.stdout is not None
        worker = int(service.stdout.readline())
        os.kill(worker, 0)  # it runs
    finally:
        service.send_signal(signal.SIGKILL)
        service.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(worker, signal.SIGKILL)
    raise AssertionError("the worker process outlived its killed service")
