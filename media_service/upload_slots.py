"""How many uploads may stream into the service at once: in all, and per account.

An upload holds a slot from before its body is read until it is stored or refused. Past a
limit the request is refused before a byte is read, with ``Retry-After``: 429 when the asking
account already has ``TOLK_MAX_UPLOADS_PER_ACCOUNT`` running (it is the one to slow down),
503 when the service has ``TOLK_MAX_UPLOADS`` (everyone waits). The counts are kept per
process: each ``tolk serve`` process keeps its own limits.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from media_service.api_messages import API_MESSAGES
from media_service.auth import Actor
from media_service.config import Settings
from media_service.errors import ServiceBusy, TooManyRequests

# An upload takes seconds to minutes: a client told to wait this long finds a slot free.
RETRY_AFTER_SECONDS = 5


def account_of(actor: Actor) -> str:
    """Whose limit an upload counts against: the account, else (an operator's token) the token."""
    if actor.user_id is not None:
        return f"user {actor.user_id}"
    if actor.token is not None:
        return f"token {actor.token.id}"
    return actor.label


class UploadSlots:
    """The uploads running now, counted in all and per account (safe across threads)."""

    def __init__(self, total: int, per_account: int, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        self.total = total
        self.per_account = per_account
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()

    @classmethod
    def for_settings(cls, settings: Settings) -> UploadSlots:
        return cls(settings.max_uploads, settings.max_uploads_per_account)

    @property
    def running(self) -> int:
        return self._running.total()

    @contextmanager
    def taken(self, account: str) -> Iterator[None]:
        """Hold a slot of ``account`` for the ``with`` block; raises TooManyRequests (429) or
        ServiceBusy (503) when none is free."""
        with self._lock:
            if self._running[account] >= self.per_account:
                values = {"count": self.per_account, "seconds": self.retry_after}
                raise TooManyRequests(
                    API_MESSAGES["api_uploads_per_account"]["en"].format(**values),
                    retry_after=self.retry_after,
                    key="api_uploads_per_account",
                    values=values,
                )
            if self._running.total() >= self.total:
                values = {"count": self.total, "seconds": self.retry_after}
                raise ServiceBusy(
                    API_MESSAGES["api_uploads_busy"]["en"].format(**values),
                    retry_after=self.retry_after,
                    key="api_uploads_busy",
                    values=values,
                )
            self._running[account] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[account] -= 1
                if self._running[account] <= 0:
                    del self._running[account]
