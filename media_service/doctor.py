"""``tolk doctor``: is each part Tolk needs present and working?"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

import av
from sqlalchemy import text

from media_service.config import Settings
from media_service.db import make_engine
from media_service.services import speech
from media_service.speech import model as speech_model
from media_service.storage import open_storage
from transcode.binary import ffmpeg_path, ffmpeg_version


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    # An optional part that is not installed: said, but not a failure (``tolk doctor`` shows "off").
    off: bool = False


def _check_ffmpeg(settings: Settings) -> Check:
    try:
        path = ffmpeg_path(settings.ffmpeg_path)
        return Check("ffmpeg", True, f"{path} ({ffmpeg_version(path)})")
    except Exception as error:  # a doctor reports every failure rather than stopping at one
        return Check("ffmpeg", False, str(error))


def _check_pyav() -> Check:
    versions = ", ".join(f"{name} {'.'.join(map(str, v))}" for name, v in av.library_versions.items())
    return Check("PyAV", True, f"av {av.__version__} ({versions})")


def _check_database(settings: Settings) -> Check:
    engine = make_engine(settings.resolved_database_url)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return Check("database", True, shown)
    except Exception as error:
        return Check("database", False, f"{shown}: {error}")
    finally:
        engine.dispose()


def _check_data_dir(settings: Settings) -> Check:
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=settings.data_dir):
            pass
        return Check("data directory", True, f"{settings.data_dir} (writable)")
    except OSError as error:
        return Check("data directory", False, f"{settings.data_dir}: {error}")


def _check_object_storage(settings: Settings) -> Check | None:
    """With ``TOLK_STORAGE=s3``: whether the bucket answers with these credentials."""
    if settings.storage != "s3":
        return None
    where = f"s3://{settings.s3_bucket} at {settings.s3_endpoint_url or 'AWS'}"
    try:
        open_storage(settings).check()
        return Check("object storage", True, where)
    except Exception as error:
        return Check("object storage", False, f"{where}: {type(error).__name__}: {error}")


def _check_speech(settings: Settings) -> Check:
    """The speech recognition model: which, where, how large, and whether it loads. Captions
    from speech need it; everything else works without it, so its absence is said, not hidden."""
    status = speech.check_model(settings)
    name = f"speech model ({status.name})"
    if status.problem is not None:
        said = f"{speech.problem_text(status.problem, status.name, 'en')} ({status.detail})"
        return Check(name, False, said, off=status.problem is speech_model.Problem.NOT_INSTALLED)
    megabytes = (status.size_bytes or 0) / 1e6
    return Check(name, True, f"{status.folder} ({megabytes:.0f} MB, loads)")


def run_checks(settings: Settings) -> list[Check]:
    """Every check, in the order an operator would fix them."""
    checks = [
        _check_ffmpeg(settings),
        _check_pyav(),
        _check_database(settings),
        _check_data_dir(settings),
        _check_object_storage(settings),
        _check_speech(settings),
    ]
    return [check for check in checks if check is not None]
