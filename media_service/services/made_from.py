"""What a variants job is made from, as its payload and its variants record it."""

from __future__ import annotations

from typing import Any

from media_service.models import CaptionTrack, InterpreterRecording


def layout_record(recording: InterpreterRecording) -> dict[str, Any]:
    """What of a recording a signed variant shows: its layout and its offset."""
    return {"layout": dict(recording.layout or {}), "offset_seconds": recording.offset_seconds}


def made_from(track: CaptionTrack | None, recording: InterpreterRecording | None) -> dict[str, Any]:
    """The part of a job's payload that says what its variants are made from."""
    revision = track.current_revision if track is not None else None
    return {
        "caption_revision_id": revision.id if revision is not None else None,
        "interpreter_layout": layout_record(recording) if recording is not None else None,
    }
