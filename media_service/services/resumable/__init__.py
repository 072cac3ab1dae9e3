"""Resumable uploads on disk: the durable state of a tus 1.0 upload, with no HTTP in it.

Tolk keeps this state itself rather than through a tus library: the one it used
(``tuspyserver``) wrote each chunk before checking it, reopened the file in append mode (so
after a refused request or a crash the data no longer matched the offset) and never compared
the result with the declared length. Here every rule is kept by construction:

- An upload is two files in ``folder``: ``<id>.json``, the **record** (declared length, offset,
  metadata, expiry), and ``<id>.bin``, the **data**.
- **The record is the truth.** Bytes of a request are written into the data at the recorded
  offset (never appended at the file's end), then fsynced; only then, and only when every check
  has passed, is the record replaced (a temporary file, fsynced, renamed over the old one, the
  folder fsynced). Bytes past the recorded offset are a request in flight or one that failed:
  they are not part of the upload, and are cut off (truncated) the next time the upload is
  written to and at start. This order was chosen over "the data's length is the truth" because
  the data also grows with bytes that must not count: those of a request then refused (a
  checksum mismatch, a body longer than declared, a full disk) or cut off by a crash before its
  checksum could be checked. Only a record written after the checks can say which bytes count.
- One request at a time writes an upload: it holds an exclusive ``flock`` on the data (others
  get 423). The kernel drops the lock when the process dies, so the sweeper can tell a live
  upload from an abandoned one (see ``services.scratch``).
- The last chunk does not advance the record. The finished data is checked (its size against
  the declared length, a whole-file checksum when the metadata carries one), handed to the
  store as a hard link, and only after the store has committed is the record marked ``stored``
  (kept until it expires, so a client that lost the answer learns that the upload is
  complete) and the data removed. A crash while storing leaves the upload one chunk short: the
  client sends the last chunk again.
"""

from __future__ import annotations

from media_service.services.resumable.formats import (
    CHECKSUM_ALGORITHMS,
    WHOLE_FILE_CHECKSUM_KEY,
    Checksum,
    parse_metadata,
)
from media_service.services.resumable.record import KEEP_SECONDS, Upload
from media_service.services.resumable.store import ResumableUploads, uploads_folder
from media_service.services.resumable.written import IDLE_SECONDS, BodyCutOff, OffsetMismatch, WrittenUpload

__all__ = [
    "CHECKSUM_ALGORITHMS",
    "IDLE_SECONDS",
    "KEEP_SECONDS",
    "WHOLE_FILE_CHECKSUM_KEY",
    "BodyCutOff",
    "Checksum",
    "OffsetMismatch",
    "ResumableUploads",
    "Upload",
    "WrittenUpload",
    "parse_metadata",
    "uploads_folder",
]
