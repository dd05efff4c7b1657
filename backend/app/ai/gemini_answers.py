"""Reading Gemini's answers without trusting them: blocks, refusals, thoughts, bad JSON."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from google.genai import types
from pydantic import BaseModel, ValidationError

from app.media.images import OversizedImage, UnsafeImage, check_image

M = TypeVar("M", bound=BaseModel)

# Finish reasons that mean the model refused (as opposed to running out of room or succeeding).
REFUSAL_REASONS = frozenset(
    {
        "SAFETY",
        "RECITATION",
        "BLOCKLIST",
        "PROHIBITED_CONTENT",
        "SPII",
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION",
        "LANGUAGE",
    }
)
IMAGE_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})


class AnswerProblem(Exception):
    """The call worked but the answer can't be used. `outcome` names why, for the call record."""

    def __init__(self, message: str, *, outcome: str, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.outcome = outcome
        self.retryable = retryable


def _reason(value: object) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def first_candidate(response: types.GenerateContentResponse, what: str) -> types.Candidate:
    """The first candidate, or an AnswerProblem saying why there is none."""
    feedback = response.prompt_feedback
    block_reason = _reason(feedback.block_reason) if feedback else None
    if block_reason:
        raise AnswerProblem(
            f"{what} declined this request (prompt blocked: {block_reason}). "
            "Rephrasing the text may help.",
            outcome="blocked",
            retryable=False,
        )
    if not response.candidates:
        raise AnswerProblem(
            f"{what} returned no answer (no candidates).", outcome="blocked", retryable=False
        )
    candidate = response.candidates[0]
    finish = _reason(candidate.finish_reason)
    if finish in REFUSAL_REASONS:
        raise AnswerProblem(
            f"{what} refused to answer (finish reason {finish}). Rephrasing the text may help.",
            outcome="blocked",
            retryable=False,
        )
    return candidate


def _visible_parts(candidate: types.Candidate) -> list[types.Part]:
    # Thought parts are the model thinking aloud (even interim images): never the answer.
    parts = candidate.content.parts if candidate.content and candidate.content.parts else []
    return [p for p in parts if not p.thought]


def parse_json_answer(response: types.GenerateContentResponse, model: type[M], what: str) -> M:
    candidate = first_candidate(response, what)
    text = "".join(p.text for p in _visible_parts(candidate) if p.text)
    finish = _reason(candidate.finish_reason)
    if not text.strip():
        raise AnswerProblem(
            f"{what} returned an empty answer (finish reason {finish or 'none'}).",
            outcome="invalid_answer",
            retryable=True,
        )
    try:
        data = json.loads(text)
    except ValueError:
        cut = " It was cut off (MAX_TOKENS)." if finish == "MAX_TOKENS" else ""
        raise AnswerProblem(
            f"{what} returned an answer that is not valid JSON.{cut}",
            outcome="invalid_answer",
            retryable=True,
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in err["loc"]) or "(root)" for err in exc.errors()})
        raise AnswerProblem(
            f"{what} returned an answer that does not match the expected structure "
            f"(fields: {', '.join(fields[:5])}).",
            outcome="invalid_answer",
            retryable=True,
        ) from None


def _check_image_bytes(data: bytes, mime_type: str, what: str, max_pixels: int) -> None:
    try:
        check_image(data, max_pixels)
    except OversizedImage:
        # Never decoded, never retried: a model that sends a decompression bomb (or a picture far
        # beyond the size asked for) is not down, and another try would only send another.
        raise AnswerProblem(
            f"{what} returned a picture far larger than asked for ({mime_type}).",
            outcome="invalid_answer",
            retryable=False,
        ) from None
    except UnsafeImage:
        raise AnswerProblem(
            f"{what} returned image data ({mime_type}) that is not a readable picture.",
            outcome="invalid_answer",
            retryable=True,
        ) from None


def parse_image_answer(
    response: types.GenerateContentResponse, what: str, max_pixels: int
) -> tuple[bytes, str, dict[str, Any]]:
    """The final image (bytes, MIME type) and what came with it, minus the bytes."""
    candidate = first_candidate(response, what)
    finish = _reason(candidate.finish_reason)
    parts = candidate.content.parts if candidate.content and candidate.content.parts else []
    visible = _visible_parts(candidate)
    images = [p.inline_data for p in visible if p.inline_data and p.inline_data.data]
    texts = [p.text for p in visible if p.text]
    if not images:
        detail = f"finish reason {finish}" if finish and finish != "STOP" else "no inline image"
        raise AnswerProblem(
            f"{what} returned no image ({detail}).", outcome="no_image", retryable=True
        )
    image = images[-1]
    mime_type = (image.mime_type or "").lower()
    if mime_type not in IMAGE_MIME_TYPES:
        raise AnswerProblem(
            f"{what} returned an unsupported image type ({mime_type or 'unknown'}).",
            outcome="invalid_answer",
            retryable=True,
        )
    assert image.data is not None
    _check_image_bytes(image.data, mime_type, what, max_pixels)
    usage = response.usage_metadata.model_dump(exclude_none=True) if response.usage_metadata else {}
    metadata: dict[str, Any] = {
        "mime_type": mime_type,
        "finish_reason": finish,
        "text": texts,
        "usage": json.loads(json.dumps(usage, default=str)),
        "model_version": response.model_version,
        "response_id": response.response_id,
        "thought_parts_skipped": len(parts) - len(visible),
    }
    return image.data, mime_type, metadata
