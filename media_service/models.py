"""The database schema: the record of truth for media, captions, interpreters, variants and jobs."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The kinds of caption tracks and variants are the library's words (transcode.kinds); the
# schema stores their values, which therefore never change.
from transcode.kinds import CaptionKind as CaptionKind
from transcode.kinds import VariantKind as VariantKind


def utcnow() -> datetime:
    """Naive UTC: SQLite and PostgreSQL then store and return the same value."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class MediaKind(enum.StrEnum):
    FILM = "film"
    SONG = "song"


class FileRole(enum.StrEnum):
    SOURCE = "source"
    POSTER = "poster"
    INTERPRETER = "interpreter"
    VARIANT = "variant"
    DOCUMENT = "document"  # a PDF or presentation that goes with the film (services.documents)
    # An interpreter recording made ready for browsers: what the sign window plays
    # (services.signer_windows).
    SIGNER_WINDOW = "signer_window"
    # A describer's recording of the audio description (services.description_recordings).
    DESCRIPTION_RECORDING = "description_recording"


class JobLane(enum.StrEnum):
    """Which queue a job waits in: ``watchable`` is the short work that makes a new film
    watchable (a remux), run by a worker reserved for it; everything else is ``general``."""

    WATCHABLE = "watchable"
    GENERAL = "general"


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


def _enum_column(kind: type[enum.StrEnum]) -> Any:
    # Stored as plain strings so SQLite and PostgreSQL read them alike and new values need no DDL.
    return Enum(kind, native_enum=False, values_callable=lambda e: [m.value for m in e], length=32)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MediaItem(Timestamped, Base):
    """A film or a song in the library."""

    __tablename__ = "media_items"
    # One index per listing order and filter: the catalogue (published, newest first), the
    # editors' list (everything, newest first), and either of them by kind. (Narrow indexes for
    # counting, on published alone, read half the pages, but without fresh statistics SQLite
    # took them for the listing too and sorted 100,000 rows for every page.)
    __table_args__ = (
        Index("ix_media_items_published_created", "published", "created_at", "id"),
        Index("ix_media_items_created", "created_at", "id"),
        Index("ix_media_items_published_kind_created", "published", "kind", "created_at", "id"),
        Index("ix_media_items_kind_created", "kind", "created_at", "id"),
        # For counts of the items with captions or sign language: each one's published state
        # and kind, found by id in a small index instead of its row (migration 0012).
        Index("ix_media_items_id_published_kind", "id", "published", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MediaKind] = mapped_column(_enum_column(MediaKind))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(35), default="sv")
    published: Mapped[bool] = mapped_column(default=False)
    # When it was first published (feeds and sitemaps date it so); None while never published.
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    # An SPDX identifier from services.licences.LICENCES (CC BY 4.0 unless an editor chose another).
    licence: Mapped[str] = mapped_column(String(40), default="CC-BY-4.0", server_default="CC-BY-4.0")

    files: Mapped[list[MediaFile]] = relationship(
        back_populates="item", cascade="all, delete-orphan", foreign_keys="MediaFile.item_id"
    )
    # The tracks viewers see; drafts made from speech are apart until an editor approves them.
    captions: Mapped[list[CaptionTrack]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="CaptionTrack.id",
        primaryjoin="and_(MediaItem.id == CaptionTrack.item_id, CaptionTrack.draft.is_(False))",
    )
    draft_captions: Mapped[list[CaptionTrack]] = relationship(
        cascade="all, delete-orphan",
        order_by="CaptionTrack.id",
        primaryjoin="and_(MediaItem.id == CaptionTrack.item_id, CaptionTrack.draft.is_(True))",
        overlaps="captions,item",
    )
    interpreters: Mapped[list[InterpreterRecording]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="InterpreterRecording.id"
    )
    variants: Mapped[list[Variant]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Variant.id"
    )
    jobs: Mapped[list[Job]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Job.id"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Document.id"
    )

    def file_with_role(self, role: FileRole) -> MediaFile | None:
        """The newest file of a role (source, poster), or None."""
        matches = [f for f in self.files if f.role == role]
        return max(matches, key=lambda f: f.id) if matches else None


class MediaFile(Base):
    """A stored file. Its storage key comes from its id, never from the uploaded name."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"), index=True)
    role: Mapped[FileRole] = mapped_column(_enum_column(FileRole))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    original_name: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Of a source with sound: where it has speech, ``[[start_ms, end_ms], …]`` found by the
    # ``find_speech`` job (``services.speech_spans``); None until then.
    speech_spans: Mapped[list[Any] | None] = mapped_column(JSON, default=None)

    item: Mapped[MediaItem] = relationship(back_populates="files", foreign_keys=[item_id])
    # Its HLS ladder (a picture variant's, an interpreter recording's), removed with it.
    ladder: Mapped[HlsLadder | None] = relationship(
        back_populates="file", cascade="all, delete-orphan", uselist=False
    )


class CaptionTrack(Timestamped, Base):
    """A caption, subtitle, description or chapter track, stored as normalised WebVTT."""

    __tablename__ = "caption_tracks"
    __table_args__ = (UniqueConstraint("item_id", "language", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(35))
    kind: Mapped[CaptionKind] = mapped_column(_enum_column(CaptionKind))
    label: Mapped[str] = mapped_column(String(100))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    source_format: Mapped[str] = mapped_column(String(10))
    cue_count: Mapped[int]
    # Made automatically from speech and not yet approved by an editor: never shown to viewers.
    draft: Mapped[bool] = mapped_column(default=False, server_default=false())

    item: Mapped[MediaItem] = relationship(back_populates="captions", overlaps="draft_captions")
    # Every saved version, oldest first; the newest is the current one, whose file
    # ``storage_key`` names (it is what /captions/{id}.vtt serves).
    revisions: Mapped[list[CaptionRevision]] = relationship(
        back_populates="track", cascade="all, delete-orphan", order_by="CaptionRevision.number"
    )

    @property
    def current_revision(self) -> CaptionRevision | None:
        return self.revisions[-1] if self.revisions else None


class CaptionRevision(Base):
    """One saved version of a caption track: who saved it and when, its cue count and its
    normalised WebVTT (a file of its own, never changed). A restore is a new revision."""

    __tablename__ = "caption_revisions"
    __table_args__ = (UniqueConstraint("track_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("caption_tracks.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1, 2, … within its track
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    cue_count: Mapped[int]
    # How it was made: "upload" (a file), "editor" (cues sent as JSON), "restore", or
    # automatically: "speech" (recognised) or "align" (a given text timed to the speech).
    origin: Mapped[str] = mapped_column(String(20))
    source_format: Mapped[str] = mapped_column(String(10))
    restored_from: Mapped[int | None] = mapped_column(default=None)  # the number restored
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    author: Mapped[str] = mapped_column(String(300))  # copied in, so it outlives the account
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Of an automatic revision: the model, and the words to check (``services.speech``).
    speech: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    track: Mapped[CaptionTrack] = relationship(back_populates="revisions")


class InterpreterRecording(Timestamped, Base):
    """A sign-language interpreter recording and how to place it over the film."""

    __tablename__ = "interpreter_recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35), default="swl")
    layout: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    offset_seconds: Mapped[float] = mapped_column(default=0.0)
    # The recording as the sign window plays it (H.264 MP4, index first), once its job has made
    # it; the window never plays the upload itself.
    window_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_files.id", ondelete="SET NULL", name="fk_interpreter_recordings_window_file"),
        default=None,
    )

    item: Mapped[MediaItem] = relationship(back_populates="interpreters")
    file: Mapped[MediaFile] = relationship(foreign_keys=[file_id])
    window_file: Mapped[MediaFile | None] = relationship(foreign_keys=[window_file_id])


class Document(Base):
    """A document that goes with an item (the lyrics as a PDF, an easy-to-read summary, a
    seminar's slides): its title and language; the file is a ``MediaFile`` of role document."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[MediaItem] = relationship(back_populates="documents")
    file: Mapped[MediaFile] = relationship()


class Variant(Timestamped, Base):
    """A published rendition of an item: web, captioned, signed or signed+captioned."""

    __tablename__ = "variants"
    __table_args__ = (UniqueConstraint("item_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[VariantKind] = mapped_column(_enum_column(VariantKind))
    file_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    # What it was made from (services.variant_freshness tells from these whether it is
    # outdated): the caption revision burned in, the interpreter recording and the layout
    # (with the offset) it was placed with. None where the kind has none, or it was deleted.
    caption_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("caption_revisions.id", ondelete="SET NULL"), default=None
    )
    interpreter_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreter_recordings.id", ondelete="SET NULL"), default=None
    )
    interpreter_layout: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # A described variant: the revision of the description track it voices.
    description_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("caption_revisions.id", ondelete="SET NULL"), default=None
    )
    # A described variant mixed from a describer's recording: that recording's file id. No
    # foreign key: the id stays when the recording is deleted, so the variant can say why it
    # is outdated (a deleted id is never handed out again while a variant made after it exists).
    description_file_id: Mapped[int | None] = mapped_column(default=None)

    item: Mapped[MediaItem] = relationship(back_populates="variants")
    file: Mapped[MediaFile] = relationship()
    caption_revision: Mapped[CaptionRevision | None] = relationship(foreign_keys=[caption_revision_id])


class Job(Timestamped, Base):
    """Durable work: the database holds its state; a queue only carries "run job N"."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # The server default fills the rows written before lanes existed.
    lane: Mapped[JobLane] = mapped_column(
        _enum_column(JobLane), default=JobLane.GENERAL, server_default=JobLane.GENERAL.value
    )
    state: Mapped[JobState] = mapped_column(_enum_column(JobState), default=JobState.QUEUED, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[float] = mapped_column(default=0.0)
    eta_seconds: Mapped[float | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    # Who runs it: host, process id and a random id per process (a pid alone is reused, and
    # is 1 in every container); the heartbeat tells a live worker from one that died.
    worker_host: Mapped[str | None] = mapped_column(String(255), default=None)
    worker_pid: Mapped[int | None] = mapped_column(default=None)
    worker_token: Mapped[str | None] = mapped_column(String(32), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)

    item: Mapped[MediaItem] = relationship(back_populates="jobs")

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class SearchField(enum.StrEnum):
    TITLE = "title"
    DESCRIPTION = "description"
    CAPTION = "caption"


class SearchEntry(Base):
    """A piece of text the catalogue search finds an item by: its title, its description, or
    one caption cue (with the moment it is said). ``services.search`` keeps these in step with
    items and caption tracks; the full-text index over them belongs to the database engine
    (SQLite FTS5 table ``search_fts``, PostgreSQL a GIN index; see migrations 0004 and 0012)."""

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[int | None] = mapped_column(
        ForeignKey("caption_tracks.id", ondelete="CASCADE"), default=None, index=True
    )
    field: Mapped[SearchField] = mapped_column(_enum_column(SearchField))
    start_ms: Mapped[int | None] = mapped_column(default=None)
    text: Mapped[str] = mapped_column(Text)
    # The words of ``text`` as Swedish stems, for an engine without Swedish stemming (SQLite).
    stems: Mapped[str] = mapped_column(Text, default="")


class ApiToken(Base):
    """A bearer token for scripts; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Whose script it is: the token acts with its user's role. None: made by the operator with
    # `tolk token create`, acting as an editor.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class UserRole(enum.StrEnum):
    """What an account may do: editors change the library, admins also see the audit log."""

    EDITOR = "editor"
    ADMIN = "admin"


class User(Timestamped, Base):
    """An editor's or admin's account; viewers need none. Only an Argon2 hash of the password is kept."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(_enum_column(UserRole), default=UserRole.EDITOR)
    disabled: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def label(self) -> str:
        return self.display_name or self.username


class LoginSession(Base):
    """A signed-in browser: the cookie holds a random token, the database its SHA-256."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The synchronizer token every form and script of this session sends back.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    user: Mapped[User] = relationship()


class AuditEntry(Base):
    """Who changed what and when. Names are copied in, so an entry outlives its user and item."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(String(300), default="")
    method: Mapped[str] = mapped_column(String(10), default="")
    path: Mapped[str] = mapped_column(String(500), default="")
    item_id: Mapped[int | None] = mapped_column(default=None, index=True)
    item_title: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HlsLadder(Base):
    """The HLS renditions made from a stored file (a picture variant or an interpreter
    recording): a folder under the file's derived key, published whole, and what its master
    playlist declares (``transcode.hls.Ladder`` as a dict)."""

    __tablename__ = "hls_ladders"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"), unique=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"), default=None)
    folder_key: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    file: Mapped[MediaFile] = relationship(back_populates="ladder")
