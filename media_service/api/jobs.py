"""/api/jobs: a job's state, its live progress as Server-Sent Events, and cancelling it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from media_service.api.schemas import Timestamp
from media_service.db import session_scope
from media_service.deps import EditorDep, RequireEditor, SessionDep, request_is_editor
from media_service.errors import NotFound
from media_service.i18n import answer_language
from media_service.jobs.queue import JobQueue
from media_service.models import Job
from media_service.openapi import Id, errors
from media_service.services import jobs, media, speech

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
    # The error in the asker's language where Tolk words it itself (a speech model's problem).
    error_message: str | None = None
    # What a finished job made, where it says (speech jobs: the track, revision and cue count).
    result: dict[str, Any] | None = None
    attempts: int
    cancel_requested: bool
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None
    url: str
    events_url: str


def job_out(job: Job, *, editor: bool, language: str = "en") -> JobOut:
    """A job as JSON; its error text (ffmpeg's own words, with paths) only for editors."""
    error = job.error if editor else ("the job failed" if job.error else None)
    error_message = speech.job_error_text(job.error, language) if editor else error
    return JobOut(
        id=job.id,
        item_id=job.item_id,
        kind=job.kind,
        kinds=list(job.payload.get("kinds", [])),
        state=job.state.value,
        progress=round(job.progress, 4),
        eta_seconds=None if job.eta_seconds is None else round(job.eta_seconds, 1),
        error=error,
        error_message=error_message,
        result=job.payload.get("result") if editor else None,
        attempts=job.attempts,
        cancel_requested=job.cancel_requested,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        url=f"/api/jobs/{job.id}",
        events_url=f"/api/jobs/{job.id}/events",
    )


@router.get("/api/jobs/{job_id}", response_model=JobOut, summary="A job's state and progress")
def get_job(job_id: Id, request: Request, session: SessionDep, editor: EditorDep) -> JobOut:
    job = jobs.get_job(session, job_id, include_unpublished=editor)
    return job_out(job, editor=editor, language=answer_language(request))


@router.get("/api/media/{item_id}/jobs", response_model=list[JobOut], summary="An item's jobs, newest first")
def list_item_jobs(item_id: Id, request: Request, session: SessionDep, editor: EditorDep) -> list[JobOut]:
    item = media.get_item(session, item_id, include_unpublished=editor)
    language = answer_language(request)
    return [job_out(job, editor=editor, language=language) for job in jobs.item_jobs(item)]


@router.post(
    "/api/jobs/{job_id}/cancel",
    response_model=JobOut,
    dependencies=[RequireEditor],
    summary="Cancel a job",
    responses=errors(409),
)
def cancel_job(job_id: Id, session: SessionDep) -> JobOut:
    """A queued job is cancelled at once; a running one within a second (ffmpeg is stopped and
    its partial files removed). 409 for a job that has already ended."""
    return job_out(jobs.cancel_job(session, job_id), editor=True)


@router.get(
    "/api/jobs/{job_id}/events",
    summary="Live progress (Server-Sent Events)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def job_events(
    job_id: Id,
    request: Request,
) -> StreamingResponse:
    """A ``progress`` event whenever progress, ETA or state changes, then one event named
    after the final state (``done``, ``failed`` or ``cancelled``), and the stream ends.
    Each event's data is the job as JSON, as ``GET /api/jobs/{id}`` returns it."""
    sessions = request.app.state.sessions

    # A signed-in editor's browser (its cookie) or a script's token; no session is held open.
    editor = await run_in_threadpool(request_is_editor, request)
    language = answer_language(request)

    def snapshot() -> tuple[JobOut, bool]:
        # A short session per look: nothing is held open while the stream waits.
        with session_scope(sessions) as session:
            job = jobs.get_job(session, job_id, include_unpublished=editor)
            return job_out(job, editor=editor, language=language), job.is_finished

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
