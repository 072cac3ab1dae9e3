"""Sign-language interpreter recordings of an item, and how they are laid over the film.

A recording's layout is stored as JSON (corner, size, margin, crop, key) with the time
offset in its own column; ``transcode.layout`` is the one judge of what is valid, and its
refusals reach the editor as 422 answers naming the field.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from media_service.config import Settings
from media_service.db import session_scope
from media_service.errors import Invalid, InvalidField, NotFound
from media_service.jobs.queue import JobQueue
from media_service.models import FileRole, InterpreterRecording, MediaItem, MediaKind, Variant
from media_service.services import audit
from media_service.services.cleanup import delete_after_commit
from media_service.services.files import keep_probed_file
from media_service.services.item_uploads import Upload, take_item_upload
from media_service.services.ladders import order_ladder
from media_service.services.languages import normalise_language
from media_service.services.media import (
    ReceivedFile,
    UploadBody,
    file_label,
    found_in,
    get_item,
    probe_upload,
)
from media_service.services.signer_windows import order_window
from media_service.storage import PendingFile, Storage
from transcode.facts import MediaFacts

if TYPE_CHECKING:
    from media_service.services.variant_freshness import Remake
from transcode.layout import (
    KEY_PRESETS,
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


def key_choice(layout: dict[str, Any]) -> str:
    """How a stored key reads as one form choice: ``none``, a preset's name, or ``custom``."""
    key = layout.get("key") or {}
    colour = key.get("colour")
    return next(
        (name for name, value in KEY_PRESETS.items() if value == colour), "none" if not key else "custom"
    )


@dataclass(frozen=True)
class LayoutForm:
    """A layout and offset as the editor's form sends them: text, not yet checked."""

    corner: str = "bottom-right"
    size: str = ""
    margin: str = "0"
    key: str = "none"
    offset_seconds: str = "0"


def layout_changes_from_form(recording: InterpreterRecording, form: LayoutForm) -> dict[str, Any]:
    """The layout fields a form sets, from its text; a key colour left as it was keeps its fine
    settings (similarity, blend, despill). Raises InvalidField."""
    changes: dict[str, Any] = {"corner": form.corner}
    try:
        changes["size"] = float(form.size) if form.size.strip() else None
        changes["margin"] = float(form.margin) if form.margin.strip() else 0.0
    except ValueError as error:
        raise InvalidField("layout.size", "the size and margin are numbers") from error
    current = (recording.layout or {}).get("key")
    if form.key == "none":
        changes["key"] = None
    elif form.key in KEY_PRESETS and key_choice(recording.layout or {}) != form.key:
        changes["key"] = {"colour": form.key}
    elif form.key not in KEY_PRESETS and form.key != "custom":
        raise InvalidField("layout.key", f"choose none, green or blue, not {form.key!r}")
    else:
        changes["key"] = current
    return changes


def offset_from_text(value: str) -> float:
    """An offset in seconds as typed (a decimal comma is fine); raises InvalidField."""
    try:
        offset = float(value.replace(",", "."))
    except ValueError as error:
        raise InvalidField("offset_seconds", f"{value!r} is not a number of seconds") from error
    if not math.isfinite(offset):
        raise InvalidField("offset_seconds", f"{value!r} is not a number of seconds")
    return offset


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
    if picture is None or source is None or not source.facts or signer is None or signer.video is None:
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
    return _placement_with(item, recording, layout_of(recording))


def burned_in_placement(item: MediaItem, variant: Variant) -> dict[str, float] | None:
    """Where a signed variant has its signer, as fractions of its picture (the player keeps
    its captions clear of it), from the layout it was made with; None when unknown."""
    made_with = variant.interpreter_layout
    recording = next((r for r in item.interpreters if r.id == variant.interpreter_id), None)
    if not made_with or recording is None:
        return None
    try:
        layout = layout_from_dict(made_with.get("layout") or {}, float(made_with.get("offset_seconds") or 0))
    except (Invalid, TypeError, ValueError):
        return None
    return _placement_with(item, recording, layout)


def _placement_with(
    item: MediaItem, recording: InterpreterRecording, layout: InterpreterLayout
) -> dict[str, float] | None:
    try:
        box = signer_box(item, recording, layout)
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


@dataclass(frozen=True)
class _LadderOrder:
    queue: JobQueue | None
    settings: Settings


async def upload_interpreter(
    sessions: sessionmaker[Session],
    storage: Storage,
    settings: Settings,
    item_id: int,
    body: UploadBody,
    *,
    language: str = SIGN_LANGUAGE_DEFAULT,
    layout: dict[str, Any] | None = None,
    offset_seconds: float = 0.0,
    original_name: str = "",
    declared_length: int | None = None,
    change: audit.Change | None = None,
    queue: JobQueue | None = None,
) -> tuple[MediaItem, InterpreterRecording]:
    """Receive and probe an interpreter recording (with or without sound) and add it to item
    ``item_id``.

    No database connection is held while the body streams in and is probed; then one short
    transaction, in a worker thread, stores it with ``change``'s audit entry (so a refused
    upload leaves none). Raises NotFound (before a byte is read), InvalidField for a bad
    language or layout, and the upload's refusals.
    """
    language = normalise_language(language)
    chosen = layout_from_dict(layout or {}, offset_seconds)
    # Its HLS ladder for the sign window is ordered with it (a queue and settings say where).
    ladder = _LadderOrder(queue, settings)

    def store(upload: Upload, _kind: MediaKind) -> tuple[MediaItem, InterpreterRecording]:
        return _store(sessions, storage, item_id, upload, language, chosen, original_name, change, ladder)

    return await take_item_upload(
        sessions,
        storage,
        settings,
        item_id,
        body,
        store,
        original_name=original_name,
        declared_length=declared_length,
    )


def _store(
    sessions: sessionmaker[Session],
    storage: Storage,
    item_id: int,
    upload: PendingFile | ReceivedFile,
    language: str,
    chosen: InterpreterLayout,
    original_name: str,
    change: audit.Change | None,
    ladder: _LadderOrder | None = None,
) -> tuple[MediaItem, InterpreterRecording]:
    facts = probe_upload(upload.path, original_name)
    if not facts.has_video:
        label, found = file_label(original_name), found_in(facts)
        still = facts.video is not None and facts.video.is_still_image
        raise Invalid.told(
            "api_interpreter_image" if still else "api_interpreter_no_video", name=label, found=found
        )
    with session_scope(sessions) as session:
        item = get_item(session, item_id, include_unpublished=True)
        entry = change.record(session) if change is not None else None
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
        if ladder is not None:
            order_ladder(session, ladder.queue, ladder.settings, item, media_file)
        # What the sign window plays: the upload made ready for browsers (never the upload).
        order_window(session, ladder.queue if ladder is not None else None, item, recording)
        if entry is not None:
            audit.settle(session, entry)
    return item, recording


def proposed_layout(
    recording: InterpreterRecording, changes: dict[str, Any] | None, offset_seconds: float | None
) -> InterpreterLayout:
    """The recording's layout with ``changes`` (only the fields given) and a new offset applied,
    not yet checked against the picture; raises InvalidField for values that are wrong in
    themselves."""
    merged = {**(recording.layout or {}), **(changes or {})}
    offset = recording.offset_seconds if offset_seconds is None else offset_seconds
    return layout_from_dict(merged, offset)


def layout_of_form(recording: InterpreterRecording, form: LayoutForm) -> InterpreterLayout:
    """The layout an editor's form describes, for a preview before it is saved."""
    return proposed_layout(
        recording, layout_changes_from_form(recording, form), offset_from_text(form.offset_seconds)
    )


def save_layout_form(
    session: Session,
    item: MediaItem,
    recording: InterpreterRecording,
    form: LayoutForm,
    *,
    remake: Remake | None = None,
) -> InterpreterRecording:
    """Keep the layout and offset an editor's form describes; raises InvalidField naming the field."""
    return update_interpreter(
        session,
        item,
        recording,
        layout=layout_changes_from_form(recording, form),
        offset_seconds=offset_from_text(form.offset_seconds),
        remake=remake,
    )


def _remake_outdated(session: Session, item: MediaItem, remake: Remake | None) -> None:
    """Signed variants showing the recording as it was are remade (``variant_freshness``)."""
    # Imported here: ordering variants needs this module's layout rules.
    from media_service.services.variant_freshness import remake_outdated

    remake_outdated(session, item, remake)


def update_interpreter(
    session: Session,
    item: MediaItem,
    recording: InterpreterRecording,
    *,
    layout: dict[str, Any] | None = None,
    offset_seconds: float | None = None,
    language: str | None = None,
    remake: Remake | None = None,
) -> InterpreterRecording:
    """Change a recording's layout (only the fields given), offset or sign language.

    The result must fit the item's picture: a signer too large for the safe area or an
    offset that leaves nothing of the recording on the film is refused, naming the field.
    Signed variants placed as it was are remade as ``remake`` says.
    """
    chosen = proposed_layout(recording, layout, offset_seconds)
    signer_box(item, recording, chosen)
    if language is not None:
        recording.language = normalise_language(language)
    recording.layout = layout_to_dict(chosen)
    recording.offset_seconds = chosen.offset
    session.flush()
    _remake_outdated(session, item, remake)
    return recording


def get_interpreter(item: MediaItem, recording_id: int) -> InterpreterRecording:
    recording = next((r for r in item.interpreters if r.id == recording_id), None)
    if recording is None:
        raise NotFound(f"item {item.id} has no interpreter recording {recording_id}")
    return recording


def delete_interpreter(
    session: Session,
    storage: Storage,
    item: MediaItem,
    recording: InterpreterRecording,
    *,
    remake: Remake | None = None,
) -> None:
    """Remove a recording and its file; signed variants showing it are remade with another
    recording, if the item has one, as ``remake`` says."""
    keys = [recording.file.storage_key]
    item.interpreters.remove(recording)
    item.files.remove(recording.file)
    if recording.window_file is not None:
        keys.append(recording.window_file.storage_key)
        item.files.remove(recording.window_file)
    session.flush()
    delete_after_commit(session, storage, keys)
    _remake_outdated(session, item, remake)
