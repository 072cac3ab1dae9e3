"""Settings from environment variables with the prefix ``TOLK_``; the defaults need nothing."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from transcode.kinds import X264Preset

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything an operator can set. ``TOLK_DATA_DIR=/srv/tolk`` sets ``data_dir``, and so on."""

    model_config = SettingsConfigDict(env_prefix="TOLK_")

    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="Where files and SQLite live")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file tolk.db in the data directory"
    )
    max_upload_bytes: int = Field(default=20 * 1024**3, description="Largest upload accepted")
    max_uploads: int = Field(
        default=32, ge=1, description="Uploads received at once in all; more are answered 503"
    )
    max_uploads_per_account: int = Field(
        default=4, ge=1, description="Uploads one account may send at once; more are answered 429"
    )
    upload_idle_seconds: float = Field(
        default=60, gt=0, description="An upload whose body sends nothing this long is ended (408)"
    )
    housekeeping_interval_seconds: float = Field(
        default=300,
        gt=0,
        description="How often the running service sweeps abandoned uploads, scratch and unnamed files",
    )
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
    remake_outdated_variants: bool = Field(
        default=True,
        description="Order a new job when a variant's captions, interpreter recording or layout change",
    )
    description_voice_command: str = Field(
        default="espeak-ng --stdin -v {language} -s 165 -w {output}",
        description="Voices audio description for described variants: {language} and {output} are "
        "filled in, the text comes on standard input (e.g. piper --model sv.onnx --output_file {output})",
    )
    hls: bool = Field(
        default=True, description="Make an HLS ladder of every picture variant and interpreter recording"
    )
    hls_segment_seconds: float = Field(default=4.0, ge=2, le=6, description="Length of HLS segments")
    queue_name: str = Field(
        default="tolk", description="Name of the queue, to keep installations sharing a Redis apart"
    )
    asr_model: str = Field(
        default="base",
        description="Speech recognition model: a packaged one (base, from the tolk[asr] extra) or a "
        "directory holding a CTranslate2 Whisper model",
    )
    asr_threads: int = Field(
        default=0, ge=0, description="CPU threads of one speech recognition (0: CTranslate2 chooses)"
    )
    public_url: str = Field(default="http://127.0.0.1:8000", description="Base URL used in links")
    frame_ancestors: str = Field(default="*", description="Who may frame the embed player (CSP)")
    upload_origins: str = Field(
        default="",
        description="Origins of other sites whose pages may upload with tus (CORS), space-separated; "
        "'*' for any; default: none, same origin only",
    )

    # Where stored files live (docs/deployment.md, "Object storage"): the data directory, or an
    # S3-compatible store shared by the API processes and workers of a fleet.
    storage: Literal["local", "s3"] = Field(
        default="local",
        description="Where files are stored: local (files under the data directory) or s3 (an "
        "S3-compatible object store, TOLK_S3_*)",
    )
    s3_endpoint_url: str | None = Field(
        default=None, description="URL of the S3 API (e.g. http://127.0.0.1:8333); default: AWS's"
    )
    s3_bucket: str = Field(default="", description="The bucket that holds Tolk's objects (storage=s3)")
    s3_access_key_id: str | None = Field(
        default=None, description="S3 access key; default: boto3's own lookup (environment, profile, role)"
    )
    s3_secret_access_key: str | None = Field(default=None, description="S3 secret key of the access key")
    s3_region: str = Field(default="us-east-1", description="S3 region (signatures name it)")
    s3_serve: Literal["proxy", "redirect"] = Field(
        default="proxy",
        description="How stored files reach clients: proxy (streamed through Tolk) or redirect (a "
        "short-lived presigned URL of the store, which clients must be able to reach)",
    )
    s3_presign_seconds: int = Field(
        default=300,
        ge=10,
        le=7 * 24 * 3600,
        description="How long a presigned URL of s3_serve=redirect lasts",
    )

    # Operations (docs/deployment.md): metrics, logs, a proxy in front.
    metrics: Literal["off", "loopback", "token"] = Field(
        default="off",
        description="Who may read /metrics: off (404 to all), loopback (clients on this host that "
        "came through no proxy), token (an Authorization: Bearer TOLK_METRICS_TOKEN)",
    )
    metrics_token: str = Field(default="", description="The bearer token /metrics asks for (metrics=token)")
    worker_metrics_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="A port on 127.0.0.1 where `tolk worker` answers its own metrics (0: none)",
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as text, or as JSON objects one a line (requests, jobs)"
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Addresses (or networks) of the proxies whose X-Forwarded-For and X-Forwarded-Proto "
        "are believed, comma-separated; every other client's are ignored. Default: a proxy on this "
        "host; empty: none",
    )
    accel_redirect_prefix: str = Field(
        default="",
        pattern=r"^(/[A-Za-z0-9_-]+)+/$|^$",
        description="Behind nginx on the machine that holds the files (local storage): the internal "
        "location that serves the files directory, e.g. /_tolk_files/. Tolk checks who may have a "
        "file and answers X-Accel-Redirect; nginx sends the bytes (deploy/nginx/tolk.conf). Empty: "
        "Tolk sends them itself",
    )

    # Open data (services.open_data): who publishes the library, and how large a document may be.
    publisher_name: str = Field(
        default="Tolk", description="The organisation that publishes the library (feeds, JSON-LD, DCAT)"
    )
    publisher_url: str = Field(default="", description="The publisher's web site; default: TOLK_PUBLIC_URL")
    contact_email: str = Field(
        default="", description="Contact point of the open-data catalogue (DCAT-AP-SE asks for one)"
    )
    max_document_bytes: int = Field(
        default=50 * 1024**2, ge=1, description="Largest document (PDF, presentation) attached to an item"
    )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'tolk.db'}"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def scratch_dir(self) -> Path:
        return self.data_dir / "tmp"


REDIS_URL_SCHEMES = ("redis", "rediss", "unix")


def redis_url(settings: Settings) -> str | None:
    """``TOLK_QUEUE_URL``: the Redis that job queue and login counts share, or None when unset
    (an SQLite queue, counts in memory). Raises ValueError when it is not a Redis URL."""
    url = settings.queue_url
    if not url:
        return None
    if urlsplit(url).scheme not in REDIS_URL_SCHEMES:
        raise ValueError(f"TOLK_QUEUE_URL must be a redis:// URL, not {without_password(url)!r}")
    return url


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
