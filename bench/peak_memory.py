"""The largest resident memory of a process while a block of a benchmark runs."""

from __future__ import annotations

import threading
from types import TracebackType

import psutil

SAMPLE_SECONDS = 0.05


class PeakMemory:
    """``with PeakMemory(process) as memory:`` samples ``process``'s resident size every 50 ms
    from entering the block to leaving it: ``memory.baseline`` (at entry), ``memory.peak``."""

    def __init__(self, process: psutil.Process) -> None:
        self.process = process
        self.baseline = 0
        self.peak = 0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakMemory:
        self.baseline = self.peak = self.process.memory_info().rss
        self._sampler.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._done.set()
        self._sampler.join()
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / 1e6
