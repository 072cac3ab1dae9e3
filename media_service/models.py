"""The database schema: the record of truth for media, captions, interpreters, variants and jobs."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


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


class CaptionKind(enum.StrEnum):
    CAPTIONS = "captions"
    SUBTITLES = "subtitles"
    DESCRIPTIONS = "descriptions"
    CHAPTERS = "chapters"


class VariantKind(enum.StrEnum):
    WEB = "web"
    CAPTIONED = "captioned"
    SIGNED = "signed"
    SIGNED_CAPTIONED = "signed+captioned"


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

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MediaKind] = mapped_column(_enum_column(MediaKind))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(35), default="sv")
    published: Mapped[bool] = mapped_column(default=False, index=True)

    files: Mapped[list[MediaFile]] = relationship(
        back_populates="item", cascade="all, delete-orphan", foreign_keys="MediaFile.item_id"
    )
    captions: Mapped[list[CaptionTrack]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="CaptionTrack.id"
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

    item: Mapped[MediaItem] = relationship(back_populates="files", foreign_keys=[item_id])


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

    item: Mapped[MediaItem] = relationship(back_populates="captions")


class InterpreterRecording(Timestamped, Base):
    """A sign-language interpreter recording and how to place it over the film."""

    __tablename__ = "interpreter_recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35), default="swl")
    layout: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    offset_seconds: Mapped[float] = mapped_column(default=0.0)

    item: Mapped[MediaItem] = relationship(back_populates="interpreters")
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

    item: Mapped[MediaItem] = relationship(back_populates="variants")
    file: Mapped[MediaFile] = relationship()


class Job(Timestamped, Base):
    """Durable work: the database holds its state; a queue only carries "run job N"."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("media_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
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
