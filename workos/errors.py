"""Domain errors raised by services and selectors; the API maps each to a status and a code."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self, message: str, *, code: str | None = None, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def __init__(self, message: str = "Not found.", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Throttled(DomainError):
    """Too many calls from one client; `wait` is how many seconds until the next may pass."""

    status = 429
    code = "throttled"

    def __init__(self, message: str, *, wait: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.wait = wait


class StaleVersion(DomainError):
    """A write named a version that is no longer current; `current` is the row as it is now."""

    status = 412
    code = "stale_version"

    def __init__(self, message: str, *, current: Any = None) -> None:
        super().__init__(message)
        self.current = current
