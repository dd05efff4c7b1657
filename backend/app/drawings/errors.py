"""The errors the drawing screen's routes answer besides the common ones."""

from __future__ import annotations

from app.platform.http.errors import AppError


class TextTooShort(AppError):
    code = "TEXT_TOO_SHORT"
    status_code = 400
    default_message = "The story is too short to analyse."


class ContentFiltered(AppError):
    """The model declined the request on safety grounds."""

    code = "CONTENT_FILTERED"
    status_code = 400
    default_message = "The picture could not be made for this content."


class GenerationServiceError(AppError):
    """The AI is down, failing or at capacity: another try later may work."""

    code = "GENERATION_SERVICE_ERROR"
    status_code = 503
    default_message = "The picture service is unavailable. Try again shortly."


class GenerationTimeout(AppError):
    code = "GENERATION_TIMEOUT"
    status_code = 504
    default_message = "Making the picture took too long. Try again."
