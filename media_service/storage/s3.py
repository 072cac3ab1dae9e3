"""Object storage: files as objects in an S3-compatible bucket (AWS S3, MinIO, SeaweedFS, Ceph…).

Keys are the same as on disk (``ab/<hex>.<ext>``; derived copies under ``ab/<hex>.d/``; an HLS
ladder is every object under its folder key's prefix). A file is uploaded from this process's
scratch only when complete, by multipart upload for large ones (``TransferConfig``: a few parts
of ``PART_BYTES`` in memory at a time, whatever the file's size), and an object appears to
readers only once its upload completes, so nothing half-written is ever listed or served.
What a crash cuts off mid-upload stays an incomplete multipart upload, invisible, ended by the
sweeper (``abort_incomplete_uploads``). A file a tool must read (ffmpeg, PyAV) is fetched into
this process's own scratch for the length of the job and removed after (``local_file``).

There are no directories to rename into place: a ladder's objects are uploaded one by one under
its fresh folder key, and it is published only by the database commit that names that key.
"""

from __future__ import annotations

import shutil
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from media_service.media_types import attachment_disposition
from media_service.storage.base import CHUNK_BYTES, Storage, StoredFileMissing, StoredObject, check_key

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Multipart uploads in parts of this size, this many at once: the memory an upload holds.
PART_BYTES = 8 * 1024 * 1024
PARTS_AT_ONCE = 4
# delete_objects takes at most this many keys a call.
_DELETE_BATCH = 1000
_MISSING = {"404", "NoSuchKey", "NotFound"}


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in _MISSING


def s3_client(
    *,
    endpoint_url: str | None,
    access_key_id: str | None,
    secret_access_key: str | None,
    region: str,
    timeout_seconds: float = 60,
    attempts: int = 3,
) -> S3Client:
    """A boto3 S3 client (thread-safe) with path-style addressing (which every S3-compatible
    store understands) and signatures v4 (which presigned URLs need)."""
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        region_name=region,
        config=Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            connect_timeout=min(5, timeout_seconds),
            read_timeout=timeout_seconds,
            retries={"max_attempts": attempts, "mode": "standard"},
            # API processes stream many files at once, each on a connection of its own.
            max_pool_connections=64,
        ),
    )


class S3Storage(Storage):
    """Files as objects in ``bucket``; partial files in the local ``scratch``."""

    def __init__(
        self,
        client: S3Client,
        bucket: str,
        scratch: Path,
        owners: Path | None = None,
        *,
        redirect_seconds: int | None = None,
        probe_client: S3Client | None = None,
    ) -> None:
        """``redirect_seconds``: serve files by redirect to presigned URLs lasting this long
        (None: Tolk streams them). ``probe_client``: one with short timeouts, for ``check``."""
        super().__init__(scratch, owners)
        self.client = client
        self.probe_client = probe_client or client
        self.bucket = bucket
        self.redirect_seconds = redirect_seconds
        self._transfer = TransferConfig(
            multipart_threshold=PART_BYTES,
            multipart_chunksize=PART_BYTES,
            max_concurrency=PARTS_AT_ONCE,
            use_threads=True,
        )

    def _head(self, key: str) -> Any:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if _missing(error):
                raise StoredFileMissing(key) from error
            raise

    def _keys_under(self, prefix: str) -> Iterator[tuple[str, float]]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for entry in page.get("Contents", []):
                yield entry["Key"], entry["LastModified"].timestamp()

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
            return True
        except StoredFileMissing:
            listed = self.client.list_objects_v2(Bucket=self.bucket, Prefix=f"{key}/", MaxKeys=1)
            return bool(listed.get("Contents"))

    def stat(self, key: str) -> StoredObject:
        found = self._head(key)
        return StoredObject(int(found["ContentLength"]), found["LastModified"].timestamp())

    def read_bytes(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if _missing(error):
                raise StoredFileMissing(key) from error
            raise
        with answer["Body"] as body:
            return body.read()

    def read_range(self, key: str, first: int, last: int) -> Generator[bytes, None, None]:
        try:
            answer = self.client.get_object(
                Bucket=self.bucket, Key=check_key(key), Range=f"bytes={first}-{last}"
            )
        except ClientError as error:
            if _missing(error):
                raise StoredFileMissing(key) from error
            raise
        body = answer["Body"]
        left = last - first + 1
        try:
            # Streamed as it arrives, a chunk at a time: never the whole object in memory.
            for chunk in body.iter_chunks(CHUNK_BYTES):
                left -= len(chunk)
                yield chunk
        finally:
            body.close()
        if left != 0:
            raise OSError(f"{key}: the store sent {last - first + 1 - left} bytes of {last - first + 1}")

    @contextmanager
    def local_file(self, key: str) -> Iterator[Path]:
        suffix = Path(check_key(key)).suffix
        with self.scratch_path(suffix) as path:
            try:
                self.client.download_file(self.bucket, key, str(path), Config=self._transfer)
            except ClientError as error:
                if _missing(error):
                    raise StoredFileMissing(key) from error
                raise
            yield path

    def commit(self, source: Path, key: str) -> None:
        """Upload a complete scratch file under ``key`` (multipart when large), then remove it:
        no second copy stays behind."""
        self.client.upload_file(str(source), self.bucket, check_key(key), Config=self._transfer)
        source.unlink(missing_ok=True)

    def commit_folder(self, source: Path, key: str) -> None:
        """Upload every file of ``source`` under ``key/``, playlists last, then remove it."""
        check_key(key)
        files = sorted((p for p in source.rglob("*") if p.is_file()), key=lambda p: (p.suffix == ".m3u8", p))
        for path in files:
            relative = path.relative_to(source).as_posix()
            self.client.upload_file(
                str(path), self.bucket, check_key(f"{key}/{relative}"), Config=self._transfer
            )
        shutil.rmtree(source, ignore_errors=True)

    def _delete_keys(self, keys: list[str]) -> None:
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = [{"Key": key} for key in keys[start : start + _DELETE_BATCH]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})  # type: ignore[typeddict-item]

    def delete(self, key: str) -> None:
        check_key(key)
        derived = self.derived_key(key, "x").rsplit("/", 1)[0]
        keys = [key]
        for prefix in (f"{key}/", f"{derived}/"):
            keys.extend(found for found, _ in self._keys_under(prefix))
        self._delete_keys(keys)

    def keys_with_times(self) -> Iterator[tuple[str, float]]:
        """Every object ``ab/<name>`` with its time of upload. What is derived from one
        (``ab/<hex>.d/…``: thumbnails, HLS ladders) goes with it and is not listed.

        There is no mark across hosts of an object whose row has yet to commit (the entering
        marks are in each process's own scratch): the sweeper spares such an object by the grace
        period alone, which must outlast the longest time between an upload's end and its row's
        commit on any host (an hour, against seconds)."""
        for key, entered in self._keys_under(""):
            if key.count("/") == 1:
                yield key, entered

    def all_keys(self) -> Iterator[str]:
        for key, _ in self._keys_under(""):
            yield key

    def check(self) -> None:
        self.probe_client.head_bucket(Bucket=self.bucket)
        if not self.scratch.is_dir():
            raise OSError(f"{self.scratch} is not a directory")

    def redirect_url(
        self, key: str, *, content_type: str, cache_control: str, download_name: str | None
    ) -> str | None:
        if self.redirect_seconds is None:
            return None
        params: dict[str, str] = {
            "Bucket": self.bucket,
            "Key": check_key(key),
            "ResponseContentType": content_type,
            "ResponseCacheControl": cache_control,
        }
        if download_name is not None:
            params["ResponseContentDisposition"] = attachment_disposition(download_name)
        return self.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=self.redirect_seconds
        )

    def abort_incomplete_uploads(self, older_than: float) -> int:
        aborted = 0
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.bucket):
            for upload in page.get("Uploads", []):
                if upload["Initiated"].timestamp() < older_than:
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    aborted += 1
        return aborted
