"""Errors a service function raises for bad input; the app turns each into a clear 4xx."""

from __future__ import annotations


class ServiceError(Exception):
    """A problem with the request, named for the person who made it."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def to_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
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
