"""Errors a service function raises for bad input; the app turns each into a clear 4xx."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Self

from media_service.api_messages import API_MESSAGES


def worded(key: str, language: str, values: Mapping[str, object]) -> str:
    """``API_MESSAGES[key]`` in ``language`` with ``values`` filled in; a value may itself be
    ``{"sv": …, "en": …}`` (such as "filen" / "the file"). The first letter is made a capital."""
    filled = {name: value[language] if isinstance(value, dict) else value for name, value in values.items()}
    text = API_MESSAGES[key][language].format(**filled)
    return text[:1].upper() + text[1:]


def code_message(code: str, language: str | None, english: str) -> str:
    """The words of an error ``code`` in ``language`` (``english`` itself when the language is
    English or unknown); a code with no words of its own gets ``bad_request``'s."""
    if language in (None, "en"):
        return english
    texts = API_MESSAGES.get(f"api_code_{code}") or API_MESSAGES["api_code_bad_request"]
    return texts.get(language, english)


def http_error_body(status_code: int, detail: str, language: str | None) -> dict[str, dict[str, object]]:
    """The error body of a routing or access refusal (Starlette's HTTPException)."""
    code = f"http_{status_code}"
    return {"error": {"code": code, "message": code_message(code, language, detail)}}


class ServiceError(Exception):
    """A problem with the request, named for the person who made it.

    ``message`` is English. An error that also has ``key`` (an entry of ``API_MESSAGES``,
    filled in with ``values``) is told in the asker's language when it is known (``to_dict``).
    """

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        headers: Mapping[str, str] | None = None,
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        # Header fields the answer needs besides its body (416's Content-Range, say).
        self.headers = dict(headers or {})
        self.key = key
        self.values = dict(values or {})

    @classmethod
    def told(cls, key: str, *, line: int | None = None, **values: object) -> Self:
        """The error whose message is ``API_MESSAGES[key]``, filled in with ``values`` (see
        ``worded``)."""
        return cls(worded(key, "en", values), line=line, key=key, values=values)

    def message_in(self, language: str | None) -> str:
        """The message in ``language``: English (or an unknown language) gets ``message``, which
        may say more (a prober's details); another language gets the error's own words, else
        the words of its ``code``, never English."""
        if language in (None, "en"):
            return self.message
        texts = API_MESSAGES.get(self.key or "")
        if texts is not None and language in texts:
            return worded(self.key or "", language, self.values)
        return code_message(self.code, language, self.message)

    def to_dict(self, language: str | None = None) -> dict[str, dict[str, object]]:
        body: dict[str, object] = {"code": self.code, "message": self.message_in(language)}
        if self.line is not None:
            body["line"] = self.line
        return {"error": body}


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class Invalid(ServiceError):
    status_code = 422
    code = "invalid"


class UnsupportedMedia(ServiceError):
    status_code = 415
    code = "unsupported_media"


class TooLarge(ServiceError):
    status_code = 413
    code = "too_large"


class Conflict(ServiceError):
    status_code = 409
    code = "conflict"


class InvalidField(Invalid):
    """A refused value, with the field it is in (``layout.crop``), like request validation."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.problem = message

    def to_dict(self, language: str | None = None) -> dict[str, dict[str, object]]:
        problems = [{"field": self.field, "message": self.problem}]
        return {"error": {"code": self.code, "message": self.message_in(language), "problems": problems}}


class Gone(ServiceError):
    status_code = 410
    code = "gone"


class Locked(ServiceError):
    status_code = 423
    code = "locked"


class ChecksumMismatch(ServiceError):
    """The bytes received are not the ones the client described (tus's 460, or a Content-Digest)."""

    status_code = 460
    code = "checksum_mismatch"


class DigestMismatch(ServiceError):
    """A plain upload whose Content-Digest, Repr-Digest or Content-MD5 does not match its body."""

    status_code = 400
    code = "digest_mismatch"


class PreconditionFailed(ServiceError):
    """RFC 9110 15.5.13: an If-Match or If-Unmodified-Since the target does not meet."""

    status_code = 412
    code = "precondition_failed"


class RangeNotSatisfiable(ServiceError):
    """RFC 9110 15.5.17: no range asked for overlaps the file (sent with ``bytes */size``)."""

    status_code = 416
    code = "range_not_satisfiable"


class InsufficientStorage(ServiceError):
    """The disk is full (RFC 4918 11.5): what the request had written is removed again."""

    status_code = 507
    code = "insufficient_storage"


class RequestTimeout(ServiceError):
    """The request's body stalled: nothing arrived for too long (RFC 9110 15.5.9)."""

    status_code = 408
    code = "timeout"


class RetryLater(ServiceError):
    """A refusal that passes: the answer says in ``Retry-After`` when to try again."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: int,
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)}, key=key, values=values)


class TooManyRequests(RetryLater):
    """This account already has as many uploads running as it may (RFC 6585 4): try again later."""

    status_code = 429
    code = "too_many_requests"


class ServiceBusy(RetryLater):
    """The service as a whole is at its limit (RFC 9110 15.6.4): try again after Retry-After."""

    status_code = 503
    code = "busy"
