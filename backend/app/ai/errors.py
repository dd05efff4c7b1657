"""What an AI call's failure is, to the API (status, envelope code) and to the job queue
(whether another attempt may succeed, and when)."""

from __future__ import annotations

import math
from typing import Any

from app.platform.http.errors import AppError


class GeminiApiError(AppError):
    code = "GEMINI_API_ERROR"
    status_code = 503
    default_message = "The Gemini API is unavailable. Try again shortly."


class VisualizationError(AppError):
    code = "VISUALIZATION_ERROR"
    status_code = 503
    default_message = "Image generation is unavailable. Try again shortly."


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
