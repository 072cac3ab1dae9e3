"""A still of the film with the interpreter placed and keyed as a layout says, and the caption
area outlined: the editor's live preview. ffmpeg renders it into the scratch directory.

The layout need not be saved: the editor sees each change before keeping it.
"""

from __future__ import annotations

from media_service.config import Settings
from media_service.errors import Invalid, InvalidField
from media_service.models import FileRole, InterpreterRecording, MediaItem
from media_service.services.interpreters import LayoutForm, layout_of_form, signer_box
from media_service.storage import Storage
from transcode import variants as builder
from transcode.binary import ffmpeg_path
from transcode.facts import MediaFacts
from transcode.layout import InterpreterLayout, interpreter_window
from transcode.runner import FfmpegError, run_ffmpeg

PREVIEW_TIMEOUT_SECONDS = 60
# The still is taken this far into the signing (or halfway, for a shorter overlap).
PREVIEW_SECONDS_INTO_SIGNING = 1.0


def preview_moment(film_duration: float, signer_duration: float, offset: float) -> float:
    """A moment of the film at which the interpreter is signing."""
    window = interpreter_window(film_duration, signer_duration, offset)
    return window.start + min(PREVIEW_SECONDS_INTO_SIGNING, window.length / 2)


def render_layout_preview(
    settings: Settings,
    storage: Storage,
    item: MediaItem,
    recording: InterpreterRecording,
    layout: InterpreterLayout,
) -> bytes:
    """The preview as PNG bytes. Raises Invalid (naming the field) for a layout that does not
    fit the picture, and when the item has no film or song yet."""
    signer_box(item, recording, layout)
    source = item.file_with_role(FileRole.SOURCE)
    if source is None or not source.facts or not recording.file.facts:
        raise Invalid("upload the film or song first: the preview shows the interpreter on it")
    film_facts, signer_facts = MediaFacts.from_dict(source.facts), MediaFacts.from_dict(recording.file.facts)
    try:
        moment = preview_moment(film_facts.duration, signer_facts.duration, layout.offset)
    except ValueError as error:  # a song's layout is not checked against its picture
        raise InvalidField("offset_seconds", str(error)) from error
    with (
        storage.local_file(source.storage_key) as film_path,
        storage.local_file(recording.file.storage_key) as signer_path,
        storage.scratch_path(".png") as output,
    ):
        film = builder.MediaFile(film_path, film_facts)
        signer = builder.MediaFile(signer_path, signer_facts)
        try:
            args = builder.layout_preview_args(film, signer, layout, moment, output)
            run_ffmpeg(args, ffmpeg=ffmpeg_path(settings.ffmpeg_path), timeout=PREVIEW_TIMEOUT_SECONDS)
        except ValueError as error:
            raise Invalid(f"the preview cannot be made: {error}") from error
        except FfmpegError as error:
            raise Invalid(f"ffmpeg could not render the preview: {error}") from error
        return output.read_bytes()


def render_form_preview(
    settings: Settings, storage: Storage, item: MediaItem, recording: InterpreterRecording, form: LayoutForm
) -> bytes:
    """The preview of the (unsaved) layout an editor's form describes; raises InvalidField."""
    return render_layout_preview(settings, storage, item, recording, layout_of_form(recording, form))
