"""Application errors: each carries the error envelope's code and its HTTP status.

Domain packages add their own (app.ai.errors) on AppError."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base for every error the API answers on purpose."""

    code = "INTERNAL_ERROR"
    status_code = 500
    default_message = "An unexpected error occurred."

    @property
    def public_message(self) -> str:
        """What the client is told (the message itself, unless it is for operators only)."""
        return self.message

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details
        self.headers = headers
        super().__init__(self.message)


class ValidationFailed(AppError):
    code = "VALIDATION_ERROR"
    status_code = 400
    default_message = "The request data is invalid."


class Unauthorized(AppError):
    code = "UNAUTHORIZED"
    status_code = 401
    default_message = "Authentication is required."

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        super().__init__(message, details=details, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    code = "FORBIDDEN"
    status_code = 403
    default_message = "You do not have access to this resource."


class NotFound(AppError):
    code = "NOT_FOUND"
    status_code = 404
    default_message = "The resource was not found."


class MethodNotAllowed(AppError):
    code = "METHOD_NOT_ALLOWED"
    status_code = 405
    default_message = "The method is not allowed for this resource."


class Conflict(AppError):
    code = "CONFLICT"
    status_code = 409
    default_message = "The resource already exists."


class PayloadTooLarge(AppError):
    code = "PAYLOAD_TOO_LARGE"
    status_code = 413
    default_message = "The request body is too large."


class RateLimitExceeded(AppError):
    code = "RATE_LIMIT_EXCEEDED"
    status_code = 429
    default_message = "Too many requests."


class ServiceUnavailable(AppError):
    code = "SERVICE_UNAVAILABLE"
    status_code = 503
    default_message = "A service the API depends on is unavailable. Try again shortly."


# HTTP statuses raised by Starlette itself (routing, method checks) mapped to envelope codes.
STATUS_CODES: dict[int, str] = {
    400: ValidationFailed.code,
    401: Unauthorized.code,
    403: Forbidden.code,
    404: NotFound.code,
    405: MethodNotAllowed.code,
    409: Conflict.code,
    413: PayloadTooLarge.code,
    429: RateLimitExceeded.code,
    503: ServiceUnavailable.code,
}
