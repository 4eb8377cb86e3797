"""The AppError family: what services and resources raise instead of building error bodies.

Services are HTTP-free, so these are plain exceptions that carry an HTTP status; the core's error
handler turns any of them into the envelope ``{"ok": false, "error": {"message", "code", ...}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class AppError(Exception):
    """Base of every error a client may see. Subclasses fix ``status`` and ``code``."""

    status: int = 500
    code: str = "INTERNAL"
    default_message: str = "Something went wrong."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        self.headers = dict(headers or {})
        # Extra keys land inside "error" next to message and code (e.g. fields, upgradeHint).
        self.extra = extra
        super().__init__(self.message)

    def to_error_body(self) -> dict[str, Any]:
        return {"message": self.message, "code": self.code, **self.extra}


class BadRequest(AppError):
    status, code, default_message = 400, "BAD_REQUEST", "The request could not be understood."


class ValidationFailed(AppError):
    """400 with a per-field map: ``fields = {"email": ["Not a valid email address."]}``."""

    status, code, default_message = 400, "VALIDATION", "The request body is invalid."

    def __init__(self, fields: Mapping[str, Any] | None = None, message: str | None = None) -> None:
        super().__init__(message, fields=dict(fields or {}))


class Unauthenticated(AppError):
    status, code, default_message = 401, "UNAUTHENTICATED", "Authentication required."


class PaymentRequired(AppError):
    """402 for an entitlement cap; ``upgrade_hint`` is shown to the user as is."""

    status, code, default_message = 402, "PAYMENT_REQUIRED", "Upgrade required."

    def __init__(self, message: str | None = None, *, upgrade_hint: str, **extra: Any) -> None:
        super().__init__(message, upgradeHint=upgrade_hint, **extra)


class Forbidden(AppError):
    status, code, default_message = 403, "FORBIDDEN", "You do not have access to this."


class NotFound(AppError):
    status, code, default_message = 404, "NOT_FOUND", "Not found."


class MethodNotAllowed(AppError):
    status, code, default_message = 405, "METHOD_NOT_ALLOWED", "Method not allowed."


class Conflict(AppError):
    status, code, default_message = 409, "CONFLICT", "That conflicts with the current state."


class PayloadTooLarge(AppError):
    status, code, default_message = 413, "PAYLOAD_TOO_LARGE", "The request body is too large."


class UriTooLong(AppError):
    status, code, default_message = 414, "URI_TOO_LONG", "The request URI is too long."


class HeadersTooLarge(AppError):
    status, code = 431, "HEADERS_TOO_LARGE"
    default_message = "The request headers are too large."


class UnsupportedMediaType(AppError):
    status, code = 415, "UNSUPPORTED_MEDIA_TYPE"
    default_message = "Send the body as application/json."


class RateLimited(AppError):
    """429; always carries ``Retry-After`` (whole seconds, at least 1)."""

    status, code = 429, "RATE_LIMIT"
    default_message = "Too many requests. Please try again later."

    def __init__(self, retry_after: float, message: str | None = None) -> None:
        seconds = max(1, int(retry_after + 0.999))
        super().__init__(message, headers={"Retry-After": str(seconds)}, retryAfter=seconds)


class Internal(AppError):
    status, code, default_message = 500, "INTERNAL", "Internal server error."


class UpstreamUnavailable(AppError):
    """502 when a provider (AI, payments, mail) failed after retries."""

    status, code, default_message = 502, "UPSTREAM_UNAVAILABLE", "An upstream service failed."


class ServiceUnavailable(AppError):
    status, code, default_message = 503, "SERVICE_UNAVAILABLE", "Service unavailable."


class DatabaseUnavailable(ServiceUnavailable):
    """503 while the database does not answer (an outage, a failover): a client should retry."""

    code = "DB_UNAVAILABLE"
    default_message = "The database is unavailable. Please try again shortly."
    RETRY_AFTER_SECONDS = 5

    def __init__(self, message: str | None = None, **extra: Any) -> None:
        super().__init__(message, headers={"Retry-After": str(self.RETRY_AFTER_SECONDS)}, **extra)


# Status -> the class used when Falcon itself (or a WSGI layer) raises an HTTP error.
BY_STATUS: dict[int, type[AppError]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthenticated,
        PaymentRequired,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PayloadTooLarge,
        UriTooLong,
        HeadersTooLarge,
        UnsupportedMediaType,
        RateLimited,
        Internal,
        UpstreamUnavailable,
        ServiceUnavailable,
    )
}


class StartupError(Exception):
    """Configuration or plugin problem that stops the server before it serves anything."""
