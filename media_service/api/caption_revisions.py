"""/api/media/{id}/captions/{track_id}/revisions: every saved version of a caption track
(and ``…/{track_id}/file``: a new revision from a file).

List and read revisions, save a new one from cues (JSON) or a file, restore an earlier one
(a new revision), compare two cue by cue, and download any as WebVTT or SRT. Revisions are an
editor's history: every route here needs an editor.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from pydantic import BaseModel, ConfigDict, Field

from media_service.api.jobs import JobOut, job_out
from media_service.api.schemas import CaptionOut, JsonMilliseconds, Timestamp, caption_out
from media_service.deps import EditorActor, RemakeDep, RequireEditor, SessionDep, StorageDep
from media_service.models import CaptionRevision, CaptionTrack
from media_service.openapi import MAX_ID, Id, errors
from media_service.services import caption_revisions, captions, media, speech_spans
from transcode.captions import CaptionNote, Cue

router = APIRouter(prefix="/{track_id:int}")

RevisionNumber = Annotated[int, Field(ge=1, le=MAX_ID)]


class CueIn(BaseModel):
    """One cue: times in integer milliseconds, text in WebVTT cue-text syntax."""

    model_config = ConfigDict(extra="forbid")

    start_ms: JsonMilliseconds
    end_ms: JsonMilliseconds
    text: Annotated[str, Field(max_length=caption_revisions.MAX_CUE_TEXT)] = ""
    identifier: Annotated[str, Field(max_length=200)] = ""
    settings: Annotated[str, Field(max_length=200, description="WebVTT cue settings, e.g. `line:0`")] = ""


class CueOut(BaseModel):
    start_ms: int
    end_ms: int
    text: str
    identifier: str
    settings: str


class NoteOut(BaseModel):
    code: str = Field(description="Stable, e.g. `quality.reading_speed`")
    severity: str
    message_en: str
    message_sv: str
    line: int
    cue: int = Field(description="1-based cue number; 0 when the note is not about one cue")
    time_ms: int


class RevisionOut(BaseModel):
    number: int
    cue_count: int
    origin: str = Field(description="`upload` (a file), `editor` (cues as JSON) or `restore`")
    restored_from: int | None
    author: str
    created_at: Timestamp
    current: bool
    vtt_url: str
    srt_url: str


class RevisionDetail(RevisionOut):
    cues: list[CueOut]
    notes: list[NoteOut]


class RevisionSaved(BaseModel):
    track: CaptionOut
    revision: RevisionOut
    notes: list[NoteOut]
    jobs: list[JobOut] = Field(description="Jobs ordered to remake the variants this made outdated")


class CuesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cues: list[CueIn] = Field(max_length=caption_revisions.MAX_CUES)
    base_revision: RevisionNumber | None = Field(
        default=None, description="The revision the cues were edited from: 409 if the track has moved on"
    )


class CueChangeOut(BaseModel):
    change: str = Field(description="`added`, `removed` or `changed`")
    old_number: int | None
    new_number: int | None
    old: CueOut | None
    new: CueOut | None


class RevisionDiff(BaseModel):
    number: int
    against: int | None = Field(description="The older revision; null: compared with no cues")
    changes: list[CueChangeOut]


def _cue_out(cue: Cue) -> CueOut:
    return CueOut(
        start_ms=cue.start_ms,
        end_ms=cue.end_ms,
        text=cue.text,
        identifier=cue.identifier,
        settings=cue.settings,
    )


def _note_out(note: CaptionNote) -> NoteOut:
    return NoteOut(
        code=note.code,
        severity=note.severity.value,
        message_en=note.message_en,
        message_sv=note.message_sv,
        line=note.line,
        cue=note.cue,
        time_ms=note.time_ms,
    )


def revision_out(track: CaptionTrack, revision: CaptionRevision) -> RevisionOut:
    base = f"/api/media/{track.item_id}/captions/{track.id}/revisions/{revision.number}/download"
    return RevisionOut(
        number=revision.number,
        cue_count=revision.cue_count,
        origin=revision.origin,
        restored_from=revision.restored_from,
        author=revision.author,
        created_at=revision.created_at,
        current=revision is track.current_revision,
        vtt_url=f"{base}?format=vtt",
        srt_url=f"{base}?format=srt",
    )


def _saved_out(saved: caption_revisions.SavedRevision) -> RevisionSaved:
    return RevisionSaved(
        track=caption_out(saved.track),
        revision=revision_out(saved.track, saved.revision),
        notes=[_note_out(n) for n in saved.notes],
        jobs=[job_out(j, editor=True) for j in saved.jobs],
    )


class SpanOut(BaseModel):
    start_ms: int
    end_ms: int


class TimingOut(BaseModel):
    status: str = Field(
        description="`found`, `finding` (a `find_speech` job is under way), `unknown` or `no_sound`"
    )
    speech: list[SpanOut] = Field(description="Where the film has speech (sound in the speech band)")
    duration_ms: int | None
    words_per_minute: int = Field(description="The describer's pace the warnings assume")
    notes: list[NoteOut] = Field(
        description="`description.overlaps_speech` and `description.longer_than_gap`, per cue"
    )


def _track(session: SessionDep, item_id: int, track_id: int) -> CaptionTrack:
    return captions.get_track(media.get_item(session, item_id, include_unpublished=True), track_id)


@router.get(
    "/revisions",
    response_model=list[RevisionOut],
    dependencies=[RequireEditor],
    summary="List a track's revisions",
)
def list_revisions(item_id: Id, track_id: Id, session: SessionDep) -> list[RevisionOut]:
    """Oldest first; the last is the current one, the file the track's `url` serves."""
    track = _track(session, item_id, track_id)
    return [revision_out(track, r) for r in track.revisions]


@router.post(
    "/revisions",
    response_model=RevisionSaved,
    status_code=status.HTTP_201_CREATED,
    summary="Save a new revision from cues",
    responses=errors(409, 507),
)
def save_cues(
    item_id: Id,
    track_id: Id,
    body: CuesIn,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
    remake: RemakeDep,
) -> RevisionSaved:
    """The cues replace the track's; its STYLE and REGION blocks and header are kept. 422 names
    the cue (`cues.3`) that does not end after it starts or holds `-->`."""
    track = _track(session, item_id, track_id)
    cues = [Cue(c.start_ms, c.end_ms, c.text, c.identifier, c.settings) for c in body.cues]
    saved = caption_revisions.save_cues(
        session, storage, track, cues, actor, base_revision=body.base_revision, remake=remake
    )
    return _saved_out(saved)


@router.post(
    "/file",
    response_model=RevisionSaved,
    status_code=status.HTTP_201_CREATED,
    summary="Save a new revision from a WebVTT or SRT file",
    responses=errors(507),
)
def save_file(
    item_id: Id,
    track_id: Id,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
    remake: RemakeDep,
    file: Annotated[UploadFile, File(description="WebVTT or SRT")],
) -> RevisionSaved:
    """Read as an upload is (422 naming the line of a file that does not parse)."""
    track = _track(session, item_id, track_id)
    written = captions.normalise_caption_file(file.file.read(captions.MAX_CAPTION_BYTES + 1), file.filename)
    saved = caption_revisions.save_file(session, storage, track, written, actor, remake=remake)
    return _saved_out(saved)


@router.get(
    "/revisions/{number}",
    response_model=RevisionDetail,
    dependencies=[RequireEditor],
    summary="Get a revision with its cues",
)
def get_revision(
    item_id: Id, track_id: Id, number: Id, session: SessionDep, storage: StorageDep
) -> RevisionDetail:
    track = _track(session, item_id, track_id)
    revision = caption_revisions.get_revision(track, number)
    document, notes = caption_revisions.revision_report(storage, revision)
    return RevisionDetail(
        **revision_out(track, revision).model_dump(),
        cues=[_cue_out(c) for c in document.cues],
        notes=[_note_out(n) for n in notes],
    )


@router.post(
    "/revisions/{number}/restore",
    response_model=RevisionSaved,
    status_code=status.HTTP_201_CREATED,
    summary="Restore a revision (as a new one)",
    responses=errors(507),
)
def restore_revision(
    item_id: Id,
    track_id: Id,
    number: Id,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
    remake: RemakeDep,
) -> RevisionSaved:
    track = _track(session, item_id, track_id)
    return _saved_out(
        caption_revisions.restore_revision(session, storage, track, number, actor, remake=remake)
    )


@router.get(
    "/revisions/{number}/diff",
    response_model=RevisionDiff,
    dependencies=[RequireEditor],
    summary="Compare a revision with another, cue by cue",
)
def diff_revision(
    item_id: Id,
    track_id: Id,
    number: Id,
    session: SessionDep,
    storage: StorageDep,
    against: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Default: the revision before")] = None,
) -> RevisionDiff:
    track = _track(session, item_id, track_id)
    newer, older, changes = caption_revisions.diff_revisions(storage, track, number, against)
    return RevisionDiff(
        number=newer.number,
        against=older.number if older is not None else None,
        changes=[
            CueChangeOut(
                change=c.change,
                old_number=c.old_number,
                new_number=c.new_number,
                old=_cue_out(c.old) if c.old else None,
                new=_cue_out(c.new) if c.new else None,
            )
            for c in changes
        ],
    )


@router.get(
    "/revisions/{number}/download",
    response_class=Response,
    dependencies=[RequireEditor],
    summary="Download a revision as WebVTT or SRT",
    responses={
        200: {
            "description": "The file, as an attachment",
            "content": {
                "text/vtt": {"schema": {"type": "string"}},
                "application/x-subrip": {"schema": {"type": "string"}},
            },
        }
    },
)
def download_revision(
    item_id: Id,
    track_id: Id,
    number: Id,
    session: SessionDep,
    storage: StorageDep,
    file_format: Annotated[caption_revisions.DownloadFormat, Query(alias="format")] = "vtt",
) -> Response:
    track = _track(session, item_id, track_id)
    revision = caption_revisions.get_revision(track, number)
    name = caption_revisions.download_name(track, revision, file_format)
    return Response(
        caption_revisions.revision_download(storage, revision, file_format),
        media_type=caption_revisions.DOWNLOAD_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _timing_out(timing: speech_spans.DescriptionTiming) -> TimingOut:
    return TimingOut(
        status=timing.status.value,
        speech=[SpanOut(start_ms=start, end_ms=end) for start, end in timing.speech],
        duration_ms=timing.duration_ms,
        words_per_minute=timing.words_per_minute,
        notes=[_note_out(n) for n in timing.notes],
    )


@router.get(
    "/timing",
    response_model=TimingOut,
    dependencies=[RequireEditor],
    summary="A description track against the film's speech",
)
def get_timing(item_id: Id, track_id: Id, session: SessionDep, storage: StorageDep) -> TimingOut:
    """Where the film has speech, and a warning for each description that overlaps it or is
    longer than its pause at the describer's pace. 422 for a track not of kind `descriptions`."""
    return _timing_out(speech_spans.description_timing(storage, _track(session, item_id, track_id)))


@router.post(
    "/timing/speech",
    response_model=TimingOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Find where the film has speech",
)
def find_speech(
    item_id: Id, track_id: Id, request: Request, session: SessionDep, storage: StorageDep, actor: EditorActor
) -> TimingOut:
    """Queues a `find_speech` job unless the film's speech is known or being found (the answer's
    `status` then says which). 422 for a film without sound or a track not of kind
    `descriptions`."""
    track = _track(session, item_id, track_id)
    return _timing_out(speech_spans.find_speech(session, request.app.state.job_queue, storage, track))
