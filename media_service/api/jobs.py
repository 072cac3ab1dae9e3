"""/api/jobs: a job's state, its live progress as Server-Sent Events, and cancelling it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from media_service.db import session_scope
from media_service.deps import EditorDep, RequireEditor, SessionDep, request_is_editor
from media_service.errors import NotFound
from media_service.jobs import records
from media_service.jobs.queue import JobQueue
from media_service.models import Job
from media_service.services import media

router = APIRouter(tags=["jobs"])

EVENT_POLL_SECONDS = 0.5
EVENT_RETRY_MILLISECONDS = 2000
KEEPALIVE_POLLS = 30  # a comment line after this many polls without news (15 s)


def get_queue(request: Request) -> JobQueue:
    return request.app.state.job_queue


QueueDep = Annotated[JobQueue, Depends(get_queue)]


class JobOut(BaseModel):
    id: int
    item_id: int
    kind: str
    kinds: list[str]
    state: str
    progress: float
    eta_seconds: float | None
    error: str | None
    attempts: int
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    url: str
    events_url: str


def job_out(job: Job, *, editor: bool) -> JobOut:
    """A job as JSON; its error text (ffmpeg's own words, with paths) only for editors."""
    error = job.error if editor else ("the job failed" if job.error else None)
    return JobOut(
        id=job.id,
        item_id=job.item_id,
        kind=job.kind,
        kinds=list(job.payload.get("kinds", [])),
        state=job.state.value,
        progress=round(job.progress, 4),
        eta_seconds=None if job.eta_seconds is None else round(job.eta_seconds, 1),
        error=error,
        attempts=job.attempts,
        cancel_requested=job.cancel_requested,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        url=f"/api/jobs/{job.id}",
        events_url=f"/api/jobs/{job.id}/events",
    )


@router.get("/api/jobs/{job_id}", response_model=JobOut, summary="A job's state and progress")
def get_job(job_id: int, session: SessionDep, editor: EditorDep) -> JobOut:
    return job_out(records.get_job(session, job_id, include_unpublished=editor), editor=editor)


@router.get("/api/media/{item_id}/jobs", response_model=list[JobOut], summary="An item's jobs, newest first")
def list_item_jobs(item_id: int, session: SessionDep, editor: EditorDep) -> list[JobOut]:
    item = media.get_item(session, item_id, include_unpublished=editor)
    return [job_out(j, editor=editor) for j in sorted(item.jobs, key=lambda j: j.id, reverse=True)]


@router.post(
    "/api/jobs/{job_id}/cancel",
    response_model=JobOut,
    dependencies=[RequireEditor],
    summary="Cancel a job",
)
def cancel_job(job_id: int, session: SessionDep) -> JobOut:
    """A queued job is cancelled at once; a running one within a second (ffmpeg is stopped and
    its partial files removed). 409 for a job that has already ended."""
    job = records.request_cancel(session, records.get_job(session, job_id, include_unpublished=True))
    return job_out(job, editor=True)


@router.get(
    "/api/jobs/{job_id}/events",
    summary="Live progress (Server-Sent Events)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def job_events(
    job_id: int,
    request: Request,
) -> StreamingResponse:
    """A ``progress`` event whenever progress, ETA or state changes, then one event named
    after the final state (``done``, ``failed`` or ``cancelled``), and the stream ends.
    Each event's data is the job as JSON, as ``GET /api/jobs/{id}`` returns it."""
    sessions = request.app.state.sessions

    # A signed-in editor's browser (its cookie) or a script's token; no session is held open.
    editor = await run_in_threadpool(request_is_editor, request)

    def snapshot() -> tuple[JobOut, bool]:
        # A short session per look: nothing is held open while the stream waits.
        with session_scope(sessions) as session:
            job = records.get_job(session, job_id, include_unpublished=editor)
            return job_out(job, editor=editor), job.is_finished

    first = await run_in_threadpool(snapshot)  # a missing job is a 404 before the stream starts

    async def events() -> AsyncIterator[str]:
        yield f"retry: {EVENT_RETRY_MILLISECONDS}\n\n"
        current, sent, number, quiet_polls = first, "", 0, 0
        while True:
            job, finished = current
            data = job.model_dump_json()
            if data != sent:
                number, quiet_polls, sent = number + 1, 0, data
                name = job.state if finished else "progress"
                yield f"id: {number}\nevent: {name}\ndata: {data}\n\n"
            elif (quiet_polls := quiet_polls + 1) % KEEPALIVE_POLLS == 0:
                yield ": still working\n\n"  # a comment keeps proxies from closing a quiet stream
            if finished or await request.is_disconnected():
                return
            await asyncio.sleep(EVENT_POLL_SECONDS)
            try:
                current = await run_in_threadpool(snapshot)
            except NotFound:
                return  # the item and its jobs were deleted

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )
