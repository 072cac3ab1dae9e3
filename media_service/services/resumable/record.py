"""An upload's record (what the client declared and how much is safely on disk) and how long
it is kept."""

from __future__ import annotations

import time
from dataclasses import dataclass

# An unfinished upload untouched for this long expires (tus's Upload-Expires) and is removed;
# a stored one is remembered as long, for a client that lost the final answer.
KEEP_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class Upload:
    """An upload's record: what the client declared and how much of it is safely on disk."""

    id: str
    length: int
    offset: int
    metadata: str  # Upload-Metadata exactly as the client sent it (HEAD echoes it)
    fields: dict[str, str]  # the metadata decoded
    expires: float  # Unix time after which it is removed
    stored: bool = False  # complete and taken into the library

    def expired(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.expires


def new_expiry() -> float:
    return time.time() + KEEP_SECONDS
