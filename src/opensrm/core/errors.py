"""Domain errors raised by services; the API and pages translate them for people."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base for errors a user can act on. ``code`` is stable; ``message`` is translated."""

    status = 400
    code = "invalid"

    def __init__(
        self, message: str, *, field_errors: dict[str, list[str]] | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}
        self.extra = extra


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class VersionMismatch(DomainError):
    """The record changed since the caller read it (optimistic concurrency)."""

    status = 412
    code = "version_mismatch"


class VersionRequired(DomainError):
    status = 428
    code = "version_required"
