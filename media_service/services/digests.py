"""Integrity fields of a plain upload: ``Content-Digest`` and ``Repr-Digest`` (RFC 9530, with
``sha-256`` or ``sha-512``) and ``Content-MD5`` (RFC 1864). Each is optional; one that is sent
is checked against the body as it streams in, and a mismatch refuses the upload before any of
it is kept.

Uploads are taken as sent (no ``Content-Encoding``), so the content and the representation are
the same bytes and both fields describe the body. The structured-field syntax of RFC 9530 is
parsed by ``http_sfv`` (RFC 8941), not by hand.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass

import http_sfv

from media_service.errors import DigestMismatch, ServiceError

# RFC 9530's algorithms that are not deprecated (md5, sha and the others are "insecure").
DIGEST_ALGORITHMS: dict[str, Callable[[], hashlib._Hash]] = {
    "sha-256": hashlib.sha256,
    "sha-512": hashlib.sha512,
}
DIGEST_FIELDS = ("Content-Digest", "Repr-Digest")


@dataclass(frozen=True)
class ExpectedDigest:
    """A digest the client sent: the field it came in, the algorithm and the bytes."""

    field: str
    algorithm: str
    digest: bytes

    def new(self) -> hashlib._Hash:
        return hashlib.md5() if self.algorithm == "md5" else DIGEST_ALGORITHMS[self.algorithm]()


def _digest_field(field: str, value: str) -> list[ExpectedDigest]:
    parsed = http_sfv.Dictionary()
    try:
        parsed.parse(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise ServiceError(
            f"{field} is not a structured field such as 'sha-256=:<base64>:' ({error})"
        ) from error
    expected = []
    for algorithm, member in parsed.items():
        if algorithm not in DIGEST_ALGORITHMS:
            continue  # RFC 9530: a recipient ignores algorithms it does not support
        if not isinstance(member, http_sfv.Item) or not isinstance(member.value, bytes):
            raise ServiceError(f"{field}: the {algorithm} digest must be a byte sequence, ':<base64>:'")
        expected.append(ExpectedDigest(field, algorithm, member.value))
    if not expected:
        raise ServiceError(f"{field} names no supported algorithm; use {' or '.join(DIGEST_ALGORITHMS)}")
    return expected


def expected_digests(headers: Mapping[str, str]) -> list[ExpectedDigest]:
    """The digests in a request's ``headers`` (none sent: an empty list); malformed ones 400."""
    expected = []
    for field in DIGEST_FIELDS:
        if (value := headers.get(field)) is not None:
            expected.extend(_digest_field(field, value))
    if (md5 := headers.get("Content-MD5")) is not None:
        try:
            digest = base64.b64decode(md5.strip(), validate=True)
        except binascii.Error as error:
            raise ServiceError("Content-MD5 is not base64") from error
        if len(digest) != hashlib.md5().digest_size:
            raise ServiceError("Content-MD5 must be the base64 of a 16-byte MD5 digest")
        expected.append(ExpectedDigest("Content-MD5", "md5", digest))
    return expected


async def checked_body(chunks: AsyncIterator[bytes], headers: Mapping[str, str]) -> AsyncIterator[bytes]:
    """``chunks`` passed on as they come; at their end every digest in ``headers`` is compared,
    and a mismatch raised (400) before the consumer sees the body end, so it keeps nothing."""
    expected = expected_digests(headers)
    hashes = [(digest, digest.new()) for digest in expected]
    async for chunk in chunks:
        for _digest, running in hashes:
            running.update(chunk)
        yield chunk
    for digest, running in hashes:
        if running.digest() != digest.digest:
            raise DigestMismatch(
                f"the body does not match its {digest.field} ({digest.algorithm}): "
                "it was changed or cut on the way; nothing was stored"
            )
