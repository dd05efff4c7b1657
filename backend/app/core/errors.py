"""Application errors: each carries the envelope code and HTTP status of SPEC §4.1."""

from __future__ import annotations

import math
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


class GeminiApiError(AppError):
    code = "GEMINI_API_ERROR"
    status_code = 503
    default_message = "The Gemini API is unavailable. Try again shortly."


class VisualizationError(AppError):
    code = "VISUALIZATION_ERROR"
    status_code = 503
    default_message = "Image generation is unavailable. Try again shortly."


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


class AIProviderError(AppError):
    """An AI call failed. `retryable` tells the job queue whether another attempt may succeed;
    `retry_after_seconds`, when known, how long to wait first (sent as Retry-After)."""

    def __init__(
        self,
        message: str | None = None,
        *,
        retryable: bool = False,
        details: Any = None,
        retry_after_seconds: float | None = None,
        outcome: str | None = None,
    ) -> None:
        headers = None
        if retry_after_seconds is not None:
            seconds = max(1, math.ceil(retry_after_seconds))
            headers = {"Retry-After": str(seconds)}
            details = {**(details or {}), "retry_after_seconds": seconds}
        super().__init__(message, details=details, headers=headers)
        self.retryable = retryable
        self.retry_after_seconds = retry_after_seconds
        # What went wrong, as the AI call records name it (app.ai.telemetry): "blocked" for a
        # refusal, "timeout", "rate_limited", ...
        self.outcome = outcome

    @property
    def public_message(self) -> str:
        return public_ai_message(self.outcome)


# What a client is told of an AI failure, by its outcome: never the model, the setting to change
# or the provider's own words, which go to the log and /health/ready.
_PUBLIC_AI_MESSAGES = {
    "blocked": "The AI's safety filters declined this request. Rephrasing it may help.",
    "rate_limited": "The AI service is busy right now. Try again shortly.",
    "capacity_exhausted": "The AI service is busy right now. Try again shortly.",
    "timeout": "The AI service took too long to answer. Try again shortly.",
    "invalid_answer": "The AI service gave an answer that could not be used. Try again.",
    "no_image": "The image model returned no picture. Try again.",
}
_PUBLIC_AI_DEFAULT = "The AI service is unavailable right now. Try again shortly."


def public_ai_message(outcome: str | None) -> str:
    return _PUBLIC_AI_MESSAGES.get(outcome or "", _PUBLIC_AI_DEFAULT)


class AICapacityExhausted(AIProviderError):
    """No AI slot freed up in time in this process (app.ai.capacity)."""

    code = "AI_CAPACITY_EXHAUSTED"
    status_code = 503
    default_message = "The AI service is at capacity right now. Try again shortly."


class AITextError(AIProviderError, GeminiApiError):
    pass


class AIImageError(AIProviderError, VisualizationError):
    pass
