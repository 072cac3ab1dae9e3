"""/api/media/{id}/captions/automatic: captions from speech (a draft recognised from the sound,
or the editor's text timed to it), and approving a draft so that viewers see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field

from media_service.api.jobs import JobOut, get_queue, job_out
from media_service.api.schemas import CaptionOut, caption_out
from media_service.deps import EditorActor, SessionDep, StorageDep
from media_service.i18n import answer_language
from media_service.openapi import Id, errors
from media_service.services import captions, media, speech
from media_service.services.shapes import LanguageTag

router = APIRouter(prefix="/api/media/{item_id}/captions", tags=["captions"])


class SpeechOrder(BaseModel):
    """What to make: ``recognise`` (a draft from the speech) or ``align`` (``text`` timed to it)."""

    model_config = ConfigDict(extra="forbid")

    mode: speech.SpeechMode
    language: LanguageTag | None = Field(
        default=None, description="BCP 47 tag of the speech; default: the item's language"
    )
    text: Annotated[str, Field(max_length=speech.MAX_TEXT_CHARACTERS)] | None = Field(
        default=None, description="For `align`: the words to time (lyrics, a script), line breaks kept"
    )


@router.post(
    "/automatic",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Make draft captions from the speech",
    responses=errors(409),
)
def order_automatic_captions(
    item_id: Id, body: SpeechOrder, request: Request, session: SessionDep, actor: EditorActor
) -> JobOut:
    """Queues a job (follow it at its `events_url`); when it is done, its `result` names the
    draft track and revision. A draft is never shown to viewers until approved. 422 for an item
    without sound or an `align` without text; 409 when viewers already see captions in that
    language. A missing or wrong model fails the job, with `error_message` saying why."""
    item = media.get_item(session, item_id, include_unpublished=True)
    job = speech.order_speech_captions(
        session,
        get_queue(request),
        item,
        body.mode,
        language=body.language,
        text=body.text,
        actor=actor,
    )
    return job_out(job, editor=True, language=answer_language(request))


@router.post(
    "/{track_id:int}/approve",
    response_model=CaptionOut,
    summary="Approve a draft made from speech: viewers see it",
    responses=errors(409),
)
def approve_draft(
    item_id: Id, track_id: Id, session: SessionDep, storage: StorageDep, actor: EditorActor
) -> CaptionOut:
    """409 for a track that is not a draft."""
    item = media.get_item(session, item_id, include_unpublished=True)
    return caption_out(speech.approve_draft(session, storage, captions.get_track(item, track_id)))
