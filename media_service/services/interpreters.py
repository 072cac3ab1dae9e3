"""Sign-language interpreter recordings of an item, and how they are laid over the film.

A recording's layout is stored as JSON (corner, size, margin, crop, key) with the time
offset in its own column; ``transcode.layout`` is the one judge of what is valid, and its
refusals reach the editor as 422 answers naming the field.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from media_service.config import Settings
from media_service.errors import Invalid, NotFound
from media_service.models import FileRole, InterpreterRecording, MediaItem
from media_service.services.captions import normalise_language
from media_service.services.cleanup import delete_after_commit
from media_service.services.files import keep_probed_file
from media_service.services.media import UploadBody, probe_upload, receive_upload
from media_service.storage import Storage
from transcode.facts import MediaFacts
from transcode.layout import (
    Box,
    ChromaKey,
    Crop,
    InterpreterLayout,
    interpreter_window,
    place_signer,
    shown_aspect,
)

SIGN_LANGUAGE_DEFAULT = "swl"
LAYOUT_FIELDS = ("corner", "size", "margin", "crop", "key")


class InvalidField(Invalid):
    """A refused value, with the field it is in (``layout.crop``), like request validation."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.problem = message

    def to_dict(self) -> dict[str, object]:
        problems = [{"field": self.field, "message": self.problem}]
        return {"error": {"code": self.code, "message": self.message, "problems": problems}}


def layout_from_dict(data: dict[str, Any], offset_seconds: float = 0.0) -> InterpreterLayout:
    """An ``InterpreterLayout`` from stored or submitted JSON; raises InvalidField."""
    unknown = sorted(set(data) - set(LAYOUT_FIELDS))
    if unknown:
        raise InvalidField(f"layout.{unknown[0]}", f"unknown field; known: {', '.join(LAYOUT_FIELDS)}")
    parts: dict[str, Any] = {}
    for name, kind in (("crop", Crop), ("key", ChromaKey)):
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise InvalidField(f"layout.{name}", f"must be an object or null, not {value!r}")
        try:
            parts[name] = kind(**value)
        except (TypeError, ValueError) as error:
            raise InvalidField(f"layout.{name}", _reason(error)) from error
    for name in ("corner", "size", "margin"):
        if name in data:
            try:
                InterpreterLayout(**{name: data[name]})
            except (TypeError, ValueError) as error:
                raise InvalidField(f"layout.{name}", _reason(error)) from error
            parts[name] = data[name]
    try:
        return InterpreterLayout(**parts, offset=offset_seconds)
    except (TypeError, ValueError) as error:
        raise InvalidField("offset_seconds", _reason(error)) from error


def _reason(error: Exception) -> str:
    # A TypeError from a dataclass names an argument the editor misspelt.
    return str(error).replace("__init__() ", "").replace(".__init__()", "")


def layout_to_dict(layout: InterpreterLayout) -> dict[str, Any]:
    """The stored JSON of a layout: every field explicit, the offset left to its column."""
    return {
        "corner": layout.corner.value,
        "size": layout.size,
        "margin": layout.margin,
        "crop": asdict(layout.crop) if layout.crop else None,
        "key": asdict(layout.key) if layout.key else None,
    }


def layout_of(recording: InterpreterRecording) -> InterpreterLayout:
    """The layout a recording is shown with (stored values were validated when set)."""
    return layout_from_dict(recording.layout or {}, recording.offset_seconds)


def _picture_size(item: MediaItem) -> tuple[int, int] | None:
    """The film's picture as variants are made (display size, even), or None for a song."""
    source = item.file_with_role(FileRole.SOURCE)
    if source is None or not source.facts:
        return None
    film = MediaFacts.from_dict(source.facts)
    if film.video is None or not film.has_video:
        return None
    width, height = film.video.display_size
    return width - width % 2, height - height % 2


def signer_box(item: MediaItem, recording: InterpreterRecording, layout: InterpreterLayout) -> Box | None:
    """Where the signer goes on the item's picture, or None while it has no film (a song's
    picture is made around the signer, so any layout fits).

    Raises InvalidField when the layout does not fit the picture or the offset leaves no
    signing on the film.
    """
    picture = _picture_size(item)
    source = item.file_with_role(FileRole.SOURCE)
    signer = MediaFacts.from_dict(recording.file.facts) if recording.file.facts else None
    if picture is None or source is None or signer is None or signer.video is None:
        return None
    try:
        interpreter_window(MediaFacts.from_dict(source.facts).duration, signer.duration, layout.offset)
    except ValueError as error:
        raise InvalidField("offset_seconds", str(error)) from error
    if layout.crop is not None:
        try:
            layout.crop.in_pixels(*signer.video.display_size)
        except ValueError as error:
            raise InvalidField("layout.crop", str(error)) from error
    try:
        return place_signer(*picture, shown_aspect(signer.video.display_size, layout.crop), layout)
    except ValueError as error:
        raise InvalidField("layout.size", str(error)) from error


def placement(item: MediaItem, recording: InterpreterRecording) -> dict[str, float] | None:
    """The signer's box as fractions of the picture (for previews), or None without a film."""
    try:
        box = signer_box(item, recording, layout_of(recording))
    except Invalid:
        return None  # the film was replaced and the layout no longer fits: none to show
    picture = _picture_size(item)
    if box is None or picture is None:
        return None
    width, height = picture
    return {
        "x": box.x / width,
        "y": box.y / height,
        "width": box.width / width,
        "height": box.height / height,
    }


async def store_interpreter(
    session: Session,
    storage: Storage,
    settings: Settings,
    item: MediaItem,
    chunks: UploadBody,
    *,
    language: str = SIGN_LANGUAGE_DEFAULT,
    layout: dict[str, Any] | None = None,
    offset_seconds: float = 0.0,
    original_name: str = "",
    declared_length: int | None = None,
) -> InterpreterRecording:
    """Receive and probe an interpreter recording (with or without sound) and store it."""
    language = normalise_language(language)
    chosen = layout_from_dict(layout or {}, offset_seconds)
    limit = settings.max_upload_bytes
    async with receive_upload(storage, chunks, limit=limit, declared_length=declared_length) as upload:
        facts = await run_in_threadpool(probe_upload, upload.path)
        if not facts.has_video:
            raise Invalid("an interpreter recording needs a video stream; this file has none")
        media_file = keep_probed_file(
            session,
            storage,
            upload.path,
            facts,
            role=FileRole.INTERPRETER,
            size=upload.size,
            sha256=upload.sha256,
            original_name=original_name,
        )
    item.files.append(media_file)
    recording = InterpreterRecording(
        file=media_file, language=language, layout=layout_to_dict(chosen), offset_seconds=chosen.offset
    )
    item.interpreters.append(recording)
    session.flush()
    return recording


def update_interpreter(
    session: Session,
    item: MediaItem,
    recording: InterpreterRecording,
    *,
    layout: dict[str, Any] | None = None,
    offset_seconds: float | None = None,
    language: str | None = None,
) -> InterpreterRecording:
    """Change a recording's layout (only the fields given), offset or sign language.

    The result must fit the item's picture: a signer too large for the safe area or an
    offset that leaves nothing of the recording on the film is refused, naming the field.
    """
    merged = {**(recording.layout or {}), **(layout or {})}
    offset = recording.offset_seconds if offset_seconds is None else offset_seconds
    chosen = layout_from_dict(merged, offset)
    signer_box(item, recording, chosen)
    if language is not None:
        recording.language = normalise_language(language)
    recording.layout = layout_to_dict(chosen)
    recording.offset_seconds = chosen.offset
    session.flush()
    return recording


def get_interpreter(item: MediaItem, recording_id: int) -> InterpreterRecording:
    recording = next((r for r in item.interpreters if r.id == recording_id), None)
    if recording is None:
        raise NotFound(f"item {item.id} has no interpreter recording {recording_id}")
    return recording


def delete_interpreter(
    session: Session, storage: Storage, item: MediaItem, recording: InterpreterRecording
) -> None:
    """Remove a recording and its file."""
    key = recording.file.storage_key
    item.interpreters.remove(recording)
    item.files.remove(recording.file)
    session.flush()
    delete_after_commit(session, storage, [key])
