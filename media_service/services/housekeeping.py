"""Clean-up the running service does by itself: at start, then every few minutes.

Each round removes expired and abandoned resumable uploads, scratch files of processes that
have died, and stored files no row names (``cleanup.sweep_orphans``). Nothing a live request or
job holds is ever taken: uploads and scratch files are locked while in use (by their owner,
see ``storage``), files entering storage are marked until their change settles, and other
stored files no row names get a grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from media_service.config import Settings
from media_service.services import scratch
from media_service.services.cleanup import sweep_orphans
from media_service.services.resumable import ResumableUploads
from media_service.storage import Storage

log = logging.getLogger("tolk")


@dataclass(frozen=True)
class Housekeeping:
    """What a round of clean-up looks after."""

    settings: Settings
    sessions: sessionmaker[Session]
    storage: Storage

    def sweep(self) -> int:
        """One round; returns how many things were removed."""
        uploads = ResumableUploads.for_settings(self.settings)
        return (
            uploads.sweep()
            + scratch.clear_abandoned_put_uploads(self.settings.scratch_dir)
            + sweep_orphans(self.sessions, self.storage)
            + self.storage.clear_abandoned_scratch()
        )

    def start(self) -> asyncio.Task[None]:
        """At start: cut uploads back to their records and sweep once; then keep sweeping in the
        background while the service runs (``stop`` ends it)."""
        ResumableUploads.for_settings(self.settings).recover()
        self.storage.clear_stale_scratch(except_suffix=scratch.PUT_UPLOAD_SUFFIX)
        try:
            self.sweep()
        except Exception:  # a store unreachable at start: /readyz says so; the next round tries again
            log.exception("housekeeping failed at start; trying again in the next round")
        return asyncio.create_task(self.sweep_periodically())

    async def sweep_periodically(self) -> None:
        """Sweep every ``TOLK_HOUSEKEEPING_INTERVAL_SECONDS`` until cancelled."""
        while True:
            await asyncio.sleep(self.settings.housekeeping_interval_seconds)
            try:
                await run_in_threadpool(self.sweep)
            except Exception:  # one failed round must not end the sweeper; the next tries again
                log.exception("housekeeping failed; trying again in the next round")


async def stop(task: asyncio.Task[None]) -> None:
    """Stop the task ``Housekeeping.start`` made (at shutdown), waiting for it to end."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
