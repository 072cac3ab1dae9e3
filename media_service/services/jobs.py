"""Jobs as editors and viewers see them: reading one, an item's list, and cancelling one.

Each job's state changes in ``media_service.jobs.records``; these are the use cases the JSON
API (and any page) calls, so no route reaches past them into the job machinery.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from media_service.jobs import records
from media_service.models import Job, MediaItem


def get_job(session: Session, job_id: int, *, include_unpublished: bool) -> Job:
    """A job by id; jobs of unpublished items only for editors. Raises NotFound."""
    return records.get_job(session, job_id, include_unpublished=include_unpublished)


def item_jobs(item: MediaItem) -> list[Job]:
    """An item's jobs, newest first."""
    return sorted(item.jobs, key=lambda job: job.id, reverse=True)


def cancel_job(session: Session, job_id: int) -> Job:
    """Cancel a job (an editor's request): a queued one at once, a running one as soon as its
    worker notices. Raises NotFound, or Conflict for a job that has already ended."""
    return records.request_cancel(session, records.get_job(session, job_id, include_unpublished=True))
