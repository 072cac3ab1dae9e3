"""The caption editor: a track's cues beside the film, its revisions, their changes, restoring one.

The page is rendered here with the cues and the quality rules as JSON; the editing itself is
``static/js/editor/caption-editor.js``, which saves by posting the cues to the JSON API
(``POST /api/media/{id}/captions/{track_id}/revisions``). A description track's page also gets
where the film has speech (``services.speech_spans``), shown on the editor's timeline, and the
describer's pace, by which the script warns as the editor types.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from media_service.deps import EditorActor, RemakeDep, SessionDep, StorageDep
from media_service.models import CaptionKind, CaptionTrack, MediaItem
from media_service.services import caption_revisions, captions, speech, speech_spans
from media_service.web.editor.base import FORM, EditorPage, editable_item, editor_router, item_page, redirect
from media_service.web.views import player_view
from transcode.captions import (
    MAX_CHARS_PER_SECOND,
    MAX_LINE_LENGTH,
    MAX_LINES,
    MIN_DURATION_MS,
    format_timestamp,
)
from transcode.captions.quality import DEFAULT_FRAME_RATE, MIN_GAP_FRAMES

router = editor_router()


def quality_rules(item: MediaItem, view: dict[str, Any]) -> dict[str, Any]:
    """The thresholds of ``transcode.captions.quality`` for the page's script, which warns as
    the editor types by the same rules (the film's frame rate sets the shortest gap)."""
    facts = view["playable"].facts if view["playable"] is not None else None
    video = (facts or {}).get("video") or {}
    rate = Fraction(str(video.get("frame_rate") or DEFAULT_FRAME_RATE)).limit_denominator(1001)
    return {
        "maxCharsPerSecond": MAX_CHARS_PER_SECOND,
        "maxLineLength": MAX_LINE_LENGTH,
        "maxLines": MAX_LINES,
        "minDurationMs": MIN_DURATION_MS,
        "minGapFrames": MIN_GAP_FRAMES,
        "frameRate": [rate.numerator, rate.denominator],
    }


def _edit_url(track: CaptionTrack) -> str:
    return f"/editor/items/{track.item_id}/captions/{track.id}/edit"


@router.get("/items/{item_id}/captions/{track_id}/edit", response_class=HTMLResponse)
def caption_editor_page(
    request: Request, item_id: int, track_id: int, session: SessionDep, storage: StorageDep, actor: EditorPage
) -> Response:
    item = editable_item(session, item_id)
    track = captions.get_track(item, track_id)
    revision = track.current_revision
    cues = caption_revisions.read_revision(storage, revision).cues if revision is not None else ()
    view = player_view(item, "sv")
    data = {
        "cues": [
            {
                "start": c.start_ms,
                "end": c.end_ms,
                "text": c.text,
                "identifier": c.identifier,
                "settings": c.settings,
            }
            for c in cues
        ],
        "rules": quality_rules(item, view),
        "baseRevision": revision.number if revision is not None else None,
        "saveUrl": f"/api/media/{item.id}/captions/{track.id}/revisions",
        "editUrl": _edit_url(track),
    }
    timing = None
    if track.kind is CaptionKind.DESCRIPTIONS:
        timing = speech_spans.description_timing(storage, track)
        data["timing"] = {
            "status": timing.status.value,
            "speech": [list(span) for span in timing.speech],
            "durationMs": timing.duration_ms,
            "wordsPerMinute": timing.words_per_minute,
        }
    review = speech.review_draft(track)
    words_to_check = [
        (note, why)
        for why, notes in (("low_confidence", review.low_confidence), ("unplaced", review.unplaced))
        for note in notes
    ]
    words_to_check.sort(key=lambda pair: int(str(pair[0].get("start_ms") or 0)))
    # The same words as warnings on the cues that hold them, in the editor's list.
    data["wordsToCheck"] = [
        {"word": str(note.get("word") or ""), "start": int(str(note.get("start_ms") or 0)), "why": why}
        for note, why in words_to_check
    ]
    context = {
        "track": track,
        "revision": revision,
        "editor_data": data,
        "film": view,
        "timing": timing,
        "format_timestamp": format_timestamp,
        "words_to_check": [
            {**note, "time": format_timestamp(int(str(note.get("start_ms") or 0))), "why": why}
            for note, why in words_to_check
        ],
    }
    return item_page(request, item, "captions", "captions_editor.html", context)


@router.get("/items/{item_id}/captions/{track_id}/revisions/{number}/changes", response_class=HTMLResponse)
def revision_changes_page(
    request: Request,
    item_id: int,
    track_id: int,
    number: int,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorPage,
) -> Response:
    """What a revision changed, cue by cue, against the one before it."""
    item = editable_item(session, item_id)
    track = captions.get_track(item, track_id)
    newer, older, changes = caption_revisions.diff_revisions(storage, track, number)
    context = {
        "track": track,
        "newer": newer,
        "older": older,
        "changes": changes,
        "edit_url": _edit_url(track),
        "format_timestamp": format_timestamp,
    }
    return item_page(request, item, "captions", "captions_changes.html", context)


@router.post(
    "/items/{item_id}/captions/{track_id}/revisions/{number}/restore",
    summary="Restore a caption revision",
    dependencies=FORM,
)
def restore_revision(
    item_id: int,
    track_id: int,
    number: int,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
    remake: RemakeDep,
) -> Response:
    item = editable_item(session, item_id)
    track = captions.get_track(item, track_id)
    caption_revisions.restore_revision(session, storage, track, number, actor, remake=remake)
    return redirect(_edit_url(track), "revision_restored")


@router.post(
    "/items/{item_id}/captions/{track_id}/find-speech",
    summary="Find where the film has speech",
    dependencies=FORM,
)
def find_speech(
    request: Request,
    item_id: int,
    track_id: int,
    session: SessionDep,
    storage: StorageDep,
    actor: EditorActor,
) -> Response:
    item = editable_item(session, item_id)
    track = captions.get_track(item, track_id)
    speech_spans.find_speech(session, request.app.state.job_queue, storage, track)
    return redirect(_edit_url(track), "finding_speech")
