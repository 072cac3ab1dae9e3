"""What a job handler is given and may raise: its ``JobContext`` and the job errors.

Handlers are service functions (``media_service.services.variant_jobs``); the application
and the ``tolk`` command hand the workers a table of them, ``{job kind: handler}``. This
module is what both sides share, so the job machinery never imports the services.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from media_service.config import Settings
from media_service.jobs import records
from media_service.jobs.queue import JobQueue
from media_service.storage import Storage
from transcode.binary import ffmpeg_path
from transcode.runner import Progress, RunResult, run_ffmpeg


class UnrunnableJob(Exception):
    """A job that cannot succeed however often it is tried (its inputs are gone)."""


class JobInterrupted(Exception):
    """The job was cancelled, given away or its worker is stopping."""


class ClaimLost(Exception):
    """The job stopped being this worker's before it could be published."""


@dataclass
class JobContext:
    """What a handler gets: its job, the service's parts, a progress callback and a cancel event."""

    job_id: int
    kind: str
    payload: dict[str, Any]
    settings: Settings
    sessions: sessionmaker[Session]
    storage: Storage
    worker: records.WorkerIdentity
    cancel: threading.Event = field(default_factory=threading.Event)
    latest: Progress | None = None
    # Where jobs a handler orders go (a variant's HLS ladder); None: recovery enqueues them.
    queue: JobQueue | None = None

    @property
    def ffmpeg(self) -> str:
        return ffmpeg_path(self.settings.ffmpeg_path)

    @property
    def timeout(self) -> float:
        return self.settings.job_timeout_seconds

    def report(self, progress: Progress) -> None:
        """Keep the newest progress; the watcher writes it to the database."""
        self.latest = progress

    def run_ffmpeg(self, args: list[str], duration: float | None = None) -> RunResult:
        """Run ffmpeg for this job (``transcode.runner``): its binary and time limit, its
        progress reported against ``duration`` (seconds of output), stopped on cancel."""
        return run_ffmpeg(
            args,
            ffmpeg=self.ffmpeg,
            duration=duration,
            timeout=self.timeout,
            on_progress=self.report,
            cancel=self.cancel,
        )

    def check_cancelled(self) -> None:
        """Raise ``JobInterrupted`` if the job must stop."""
        if self.cancel.is_set():
            raise JobInterrupted

    @contextmanager
    def scratch_path(self, suffix: str = "") -> Iterator[Path]:
        """A temporary output path, marked as this job's so recovery can remove it after a crash."""
        with self.storage.scratch_path(f"{_job_marker(self.job_id)}{suffix}") as path:
            yield path

    @contextmanager
    def work_dir(self) -> Iterator[Path]:
        """A temporary folder of this job's (caption files and such), removed afterwards."""
        folder = Path(tempfile.mkdtemp(prefix=f"{_job_marker(self.job_id)}-", dir=self.storage.scratch))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def finish(self, session: Session) -> None:
        """Mark the job done in ``session``, the transaction that publishes its outputs."""
        self.check_cancelled()
        if not records.finish(session, self.job_id, self.worker):
            raise ClaimLost


Handler = Callable[[JobContext], None]
# Which handler runs the jobs of each kind (``Job.kind``).
Handlers = Mapping[str, Handler]


def _job_marker(job_id: int) -> str:
    return f".job{job_id}"


_MARKED = re.compile(r"\.job(\d+)[.-]")


def jobs_in_scratch(storage: Storage) -> set[int]:
    """The jobs whose files or folders are in the scratch space now."""
    return {int(match[1]) for path in storage.scratch.iterdir() if (match := _MARKED.search(path.name))}


def remove_job_scratch(storage: Storage, job_id: int) -> None:
    """Remove what a crashed run of ``job_id`` left in the scratch space."""
    marker = _job_marker(job_id)
    for path in storage.scratch.glob(f"partial-*{marker}.*"):
        path.unlink(missing_ok=True)
    for folder in storage.scratch.glob(f"{marker}-*"):
        shutil.rmtree(folder, ignore_errors=True)
