"""Suggest where an interpreter recording sits on its film, from the sound both carry.

The editor and the API ask for a suggestion; nothing is saved until the editor accepts it (as
any other offset, through ``interpreters.update_interpreter`` or the layout form). The work
is bounded (``transcode.sound_offset`` listens to at most three minutes of each), so it runs
in the request's worker thread rather than as a job.
"""

from __future__ import annotations

from dataclasses import dataclass

from media_service.errors import Invalid
from media_service.models import FileRole, InterpreterRecording, MediaItem
from media_service.storage import Storage
from transcode.sound_offset import NoSound, UnreadableSound, offset_by_sound

# Below this the match is shown as a guess to be checked by eye, not as a finding.
SURE_CONFIDENCE = 0.3


@dataclass(frozen=True)
class OffsetSuggestion:
    """The suggested offset in seconds, the match's confidence (0–1), and whether it is sure."""

    offset_seconds: float
    confidence: float

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE_CONFIDENCE


def suggest_offset(storage: Storage, item: MediaItem, recording: InterpreterRecording) -> OffsetSuggestion:
    """The offset at which the recording's sound best matches the film's. Raises Invalid (told
    in the asker's language) when the item has no film yet or either part has no sound."""
    source = item.file_with_role(FileRole.SOURCE)
    if source is None:
        raise Invalid.told("api_offset_needs_film")
    try:
        with (
            storage.local_file(source.storage_key) as film,
            storage.local_file(recording.file.storage_key) as signing,
        ):
            estimate = offset_by_sound(film, signing)
    except NoSound as error:
        raise Invalid.told(f"api_offset_no_sound_{error.which}") from error
    except UnreadableSound as error:  # rare: both files were probed when they were stored
        raise Invalid.told("api_offset_unreadable") from error
    return OffsetSuggestion(estimate.seconds, estimate.confidence)
