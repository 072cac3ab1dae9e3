"""Long pure computations (reading a large caption file, probing an upload with PyAV) in
worker processes of their own.

A worker thread is off the event loop but not off the GIL: seconds of parsing in one thread
make every other request wait for the GIL at each hand-over. A process shares nothing, so the
service's threads run on; only the result is handed back. The workers are started on first use
(``spawn``: safe in a process full of threads) and kept; a pool whose worker died is replaced.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

# Two: a probe of an upload need not wait for a large caption file being read.
WORKER_PROCESSES = 2

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _exit_with(parent: int) -> None:
    """Runs in the worker: end it when the service that started it is gone (killed, say),
    rather than leave it behind holding its memory."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-service", daemon=True).start()


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=WORKER_PROCESSES,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with,
                initargs=(os.getpid(),),
            )
        return _pool


def _forget(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def in_worker_process(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``function(*args, **kwargs)`` run in the worker process (blocking the calling thread
    only); its exceptions are raised here. ``function``, its arguments and its result must
    pickle."""
    for attempt in (1, 2):
        executor = _executor()
        try:
            return executor.submit(function, *args, **kwargs).result()
        except BrokenProcessPool:
            _forget(executor)  # the worker was killed (from outside): start another, once
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
