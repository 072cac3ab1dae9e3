"""Settings from environment variables with the prefix ``TOLK_``; the defaults need nothing."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
X264Preset = Literal[
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"
]


class Settings(BaseSettings):
    """Everything an operator can set. ``TOLK_DATA_DIR=/srv/tolk`` sets ``data_dir``, and so on."""

    model_config = SettingsConfigDict(env_prefix="TOLK_")

    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="Where files and SQLite live")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file tolk.db in the data directory"
    )
    max_upload_bytes: int = Field(default=20 * 1024**3, description="Largest upload accepted")
    ffmpeg_path: str | None = Field(
        default=None, description="ffmpeg binary; default: the one in the imageio-ffmpeg wheel"
    )
    workers: int = Field(default=1, ge=0, description="Job workers run inside the service process")
    queue_url: str | None = Field(
        default=None, description="redis://… to share jobs with workers on other machines"
    )
    job_timeout_seconds: float = Field(default=6 * 3600, description="Longest one ffmpeg job may run")
    job_max_attempts: int = Field(default=3, ge=1, description="Tries before a job is failed")
    job_retry_delay_seconds: float = Field(default=10, ge=0, description="Wait before a job is retried")
    job_heartbeat_timeout_seconds: float = Field(
        default=60, gt=0, description="A running job whose worker is silent this long runs again"
    )
    variant_preset: X264Preset = Field(
        default="veryfast", description="libx264 preset of made variants: slower is smaller"
    )
    variant_crf: int = Field(default=23, ge=0, le=51, description="libx264 quality of made variants")
    queue_name: str = Field(
        default="tolk", description="Name of the queue, to keep installations sharing a Redis apart"
    )
    public_url: str = Field(default="http://127.0.0.1:8000", description="Base URL used in links")
    frame_ancestors: str = Field(default="*", description="Who may frame the embed player (CSP)")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'tolk.db'}"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def scratch_dir(self) -> Path:
        return self.data_dir / "tmp"


def without_password(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
