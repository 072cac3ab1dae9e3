"""Stored files behind one interface (``Storage``): on local disk or in an S3-compatible store.

``open_storage(settings)`` makes the one ``TOLK_STORAGE`` names. See ``storage.base`` for the
rules every backend keeps (keys, scratch, owners, entering marks).
"""

from __future__ import annotations

import functools

from media_service.config import Settings
from media_service.storage.base import (
    CHUNK_BYTES,
    KEY_ALPHABET,
    PendingFile,
    Storage,
    StorageKeyError,
    StoredFileMissing,
    StoredObject,
    check_key,
    fsync_directory,
    sha256_of,
)
from media_service.storage.local import LocalStorage

__all__ = [
    "CHUNK_BYTES",
    "KEY_ALPHABET",
    "LocalStorage",
    "PendingFile",
    "Storage",
    "StorageKeyError",
    "StoredFileMissing",
    "StoredObject",
    "check_key",
    "fsync_directory",
    "open_storage",
    "sha256_of",
]


def open_storage(settings: Settings) -> Storage:
    """The storage ``settings`` name: files under the data directory, or the S3 bucket. Scratch
    space is the data directory's either way (each process's own)."""
    if settings.storage == "local":
        return LocalStorage(
            settings.files_dir, settings.scratch_dir, accel_redirect_prefix=settings.accel_redirect_prefix
        )
    if not settings.s3_bucket:
        raise ValueError("TOLK_STORAGE=s3 needs TOLK_S3_BUCKET")
    # Imported here: boto3 is loaded only by installations that store in S3.
    from media_service.storage.s3 import S3Storage, s3_client

    client = functools.partial(
        s3_client,
        endpoint_url=settings.s3_endpoint_url,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=settings.s3_secret_access_key,
        region=settings.s3_region,
    )
    redirect = settings.s3_presign_seconds if settings.s3_serve == "redirect" else None
    return S3Storage(
        client(),
        settings.s3_bucket,
        settings.scratch_dir,
        redirect_seconds=redirect,
        # Readiness must answer before a balancer's timeout: one try, two seconds.
        probe_client=client(timeout_seconds=2, attempts=1),
    )
