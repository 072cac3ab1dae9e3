"""The wire formats of tus that need no HTTP to read: Upload-Metadata and checksums."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from media_service.errors import ServiceError

# Upload-Checksum algorithms (tus checksum extension; sha1 is the one every server must know).
CHECKSUM_ALGORITHMS: dict[str, Callable[[], Any]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "md5": hashlib.md5,
}
# Whole-file checksum: an optional Upload-Metadata key, "<algorithm> <base64>" as in Upload-Checksum.
WHOLE_FILE_CHECKSUM_KEY = "checksum"


def parse_metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata`` decoded: comma-separated ``key base64value`` pairs, keys unique and
    without spaces or commas, values valid base64 of UTF-8 text (or absent: empty). Strict:
    anything else is refused (400) rather than guessed at."""
    fields: dict[str, str] = {}
    if not header.strip():
        return fields
    for pair in header.split(","):
        key, _, value = pair.strip().partition(" ")
        if not key or not key.isascii() or not key.isprintable() or " " in value:
            raise ServiceError(f"Upload-Metadata: {pair.strip()!r} is not 'key base64value'")
        if key in fields:
            raise ServiceError(f"Upload-Metadata names {key!r} twice")
        try:
            fields[key] = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ServiceError(f"Upload-Metadata: the value of {key!r} is not base64 of UTF-8") from error
    return fields


@dataclass(frozen=True)
class Checksum:
    """A checksum the client sent: ``sha1 <base64 digest>`` (tus's ``Upload-Checksum``)."""

    algorithm: str
    digest: bytes

    @classmethod
    def parse(cls, value: str, *, field: str = "Upload-Checksum") -> Checksum:
        """Read ``value``; an unknown algorithm or a malformed digest is refused (400)."""
        algorithm, _, encoded = value.strip().partition(" ")
        if algorithm not in CHECKSUM_ALGORITHMS:
            raise ServiceError(
                f"{field}: the algorithm {algorithm!r} is not supported; use one of "
                f"{', '.join(CHECKSUM_ALGORITHMS)}"
            )
        try:
            digest = base64.b64decode(encoded.strip(), validate=True)
        except binascii.Error as error:
            raise ServiceError(f"{field}: the digest is not base64") from error
        size = CHECKSUM_ALGORITHMS[algorithm]().digest_size
        if len(digest) != size:
            raise ServiceError(f"{field}: a {algorithm} digest has {size} bytes, not {len(digest)}")
        return cls(algorithm, digest)

    def new(self) -> Any:
        return CHECKSUM_ALGORITHMS[self.algorithm]()
