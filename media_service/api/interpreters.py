"""/api/media/{id}/interpreters: sign-language interpreter recordings and their layout."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import inspect

from media_service.api.schemas import FileOut, JsonFloat, Timestamp, file_out, raw_body
from media_service.deps import (
    EditorDep,
    RemakeDep,
    RequireEditor,
    SessionDep,
    SettingsDep,
    StorageDep,
    UploadChange,
    declared_length,
)
from media_service.models import InterpreterRecording, MediaItem
from media_service.openapi import Id, errors
from media_service.services import digests, interpreters, media, offset_suggestion
from media_service.services.languages import LANGUAGE_NAMES

router = APIRouter(prefix="/api/media/{item_id}/interpreters", tags=["interpreters"])


class CropIn(BaseModel):
    """The signing space in the recording, as fractions of its picture."""

    model_config = ConfigDict(extra="forbid")

    x: JsonFloat = 0.0
    y: JsonFloat = 0.0
    width: JsonFloat = 1.0
    height: JsonFloat = 1.0


class KeyIn(BaseModel):
    """The chroma key: ``colour`` is ``green``, ``blue`` or a hex colour such as ``0x00b140``."""

    model_config = ConfigDict(extra="forbid")

    colour: str = "green"
    similarity: JsonFloat = 0.10
    blend: JsonFloat = 0.04
    despill: JsonFloat = 1.0


class LayoutIn(BaseModel):
    """Fields left out keep their value; ``crop`` and ``key`` may be null (none, off)."""

    model_config = ConfigDict(extra="forbid")

    corner: str | None = Field(default=None, description="top-left, top-right, bottom-left, bottom-right")
    size: JsonFloat | None = Field(default=None, description="Signer height / picture height; null: default")
    margin: JsonFloat | None = Field(default=None, description="Extra room inside the 5 % safe area")
    crop: CropIn | None = None
    key: KeyIn | None = None


class InterpreterUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    layout: LayoutIn | None = None
    offset_seconds: JsonFloat | None = Field(
        default=None, description="Positive: the signer starts later; negative: skip its start"
    )
    language: str | None = Field(default=None, description="Sign language, ISO 639-3 (swl)")


class InterpreterOut(BaseModel):
    id: int
    language: str
    label: str
    layout: dict[str, Any]
    offset_seconds: float
    placement: dict[str, float] | None = Field(
        description="The signer's box on the film as fractions of the picture (null without a film)"
    )
    file: FileOut
    window_file: FileOut | None = Field(
        default=None,
        description="What the sign window plays: the recording as H.264 MP4 with its index first, "
        "made by a job of kind signer_window after the upload (null until then)",
    )
    created_at: Timestamp
    updated_at: Timestamp


class OffsetSuggestionOut(BaseModel):
    offset_seconds: float = Field(
        description="Where the recording's sound best matches the film's (same sense as offset_seconds)"
    )
    confidence: float = Field(ge=0, le=1, description="How far the best match stands out (0–1)")
    sure: bool = Field(description="False: a guess to check by eye before saving it")


def interpreter_out(item: MediaItem, recording: InterpreterRecording) -> InterpreterOut:
    return InterpreterOut(
        id=recording.id,
        language=recording.language,
        label=LANGUAGE_NAMES.get(recording.language, (recording.language,))[0],
        layout=recording.layout,
        offset_seconds=recording.offset_seconds,
        placement=interpreters.placement(item, recording),
        file=file_out(recording.file),
        window_file=_window_file_out(recording),
        created_at=recording.created_at,
        updated_at=recording.updated_at,
    )


def _window_file_out(recording: InterpreterRecording) -> FileOut | None:
    state = inspect(recording)
    if state.detached and "window_file" in state.unloaded:
        return None  # a recording just stored (an upload's answer): its job has not run yet
    return file_out(recording.window_file) if recording.window_file is not None else None


@router.get("", response_model=list[InterpreterOut], summary="List interpreter recordings")
def list_interpreters(item_id: Id, session: SessionDep, editor: EditorDep) -> list[InterpreterOut]:
    item = media.get_item(session, item_id, include_unpublished=editor)
    return [interpreter_out(item, r) for r in item.interpreters]


@router.post(
    "",
    response_model=InterpreterOut,
    status_code=status.HTTP_201_CREATED,
    summary="Upload an interpreter recording",
    responses=errors(408, 413, 415, 429, 503, 507),
    openapi_extra=raw_body(
        "The recording as the raw request body (any common container, with or without sound; "
        "streamed to disk)."
    ),
)
async def upload_interpreter(
    item_id: Id,
    request: Request,
    change: UploadChange,
    storage: StorageDep,
    settings: SettingsDep,
    language: Annotated[str, Query(description="Sign language, ISO 639-3")] = "swl",
    filename: Annotated[str, Query(max_length=300, description="Original name, for display")] = "",
) -> InterpreterOut:
    """Shown bottom right at the default size until its layout is changed with PATCH. Refused
    as an upload of the film is (PUT /api/media/{id}/file)."""
    item, recording = await interpreters.upload_interpreter(
        request.app.state.sessions,
        storage,
        settings,
        item_id,
        digests.checked_body(request.stream(), request.headers),
        language=language,
        original_name=filename,
        declared_length=declared_length(request),
        change=change,
        queue=request.app.state.job_queue,
    )
    return interpreter_out(item, recording)


@router.get("/{recording_id}", response_model=InterpreterOut, summary="Get an interpreter recording")
def get_interpreter(item_id: Id, recording_id: Id, session: SessionDep, editor: EditorDep) -> InterpreterOut:
    item = media.get_item(session, item_id, include_unpublished=editor)
    return interpreter_out(item, interpreters.get_interpreter(item, recording_id))


@router.patch(
    "/{recording_id}",
    response_model=InterpreterOut,
    dependencies=[RequireEditor],
    summary="Change the layout, time offset or language",
)
def update_interpreter(
    item_id: Id, recording_id: Id, body: InterpreterUpdate, session: SessionDep, remake: RemakeDep
) -> InterpreterOut:
    """422 names the field when the layout is not valid or does not fit the film's picture."""
    item = media.get_item(session, item_id, include_unpublished=True)
    recording = interpreters.get_interpreter(item, recording_id)
    layout = None
    if body.layout is not None:
        # Only the fields sent change; a crop or key sent is whole (its defaults filled in).
        full = body.layout.model_dump()
        layout = {name: full[name] for name in body.layout.model_fields_set}
    interpreters.update_interpreter(
        session,
        item,
        recording,
        layout=layout,
        offset_seconds=body.offset_seconds,
        language=body.language,
        remake=remake,
    )
    return interpreter_out(item, recording)


@router.delete(
    "/{recording_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[RequireEditor],
    summary="Delete an interpreter recording",
)
def delete_interpreter(
    item_id: Id, recording_id: Id, session: SessionDep, storage: StorageDep, remake: RemakeDep
) -> Response:
    item = media.get_item(session, item_id, include_unpublished=True)
    recording = interpreters.get_interpreter(item, recording_id)
    interpreters.delete_interpreter(session, storage, item, recording, remake=remake)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{recording_id}/offset-suggestion",
    response_model=OffsetSuggestionOut,
    dependencies=[RequireEditor],
    summary="Suggest the time offset from the sound",
    responses=errors(422),
)
def suggest_offset(
    item_id: Id, recording_id: Id, session: SessionDep, storage: StorageDep
) -> OffsetSuggestionOut:
    """Compares the recording's sound with the film's (interpreters often record while hearing
    the film). Nothing is saved: PATCH ``offset_seconds`` to accept it. 422 when the item has
    no film yet or either has no sound."""
    item = media.get_item(session, item_id, include_unpublished=True)
    recording = interpreters.get_interpreter(item, recording_id)
    found = offset_suggestion.suggest_offset(storage, item, recording)
    return OffsetSuggestionOut(
        offset_seconds=found.offset_seconds, confidence=found.confidence, sure=found.sure
    )
