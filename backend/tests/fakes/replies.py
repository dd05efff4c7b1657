"""Replies the fake Gemini can send, shaped exactly like Google's `generateContent` answers.

Each builder returns a `FakeReply`; `.after(seconds)` delays it. Bodies use camelCase keys as
Google does; the server can rewrite them to snake_case (`FakeGemini.snake_case = True`).
"""

from __future__ import annotations

import base64
import functools
import io
import json
import struct
import zlib
from dataclasses import dataclass, field, replace
from typing import Any

from PIL import Image

USAGE = {"promptTokenCount": 120, "candidatesTokenCount": 80, "totalTokenCount": 200}


@dataclass(frozen=True)
class FakeReply:
    status: int = 200
    body: Any = None  # dict/list -> JSON; str/bytes -> sent as is
    delay_seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    # Close the connection without answering (a proxy or load balancer dropping it).
    drop: bool = False

    def after(self, seconds: float) -> FakeReply:
        """The same reply, sent only after `seconds` (to exercise timeouts)."""
        return replace(self, delay_seconds=seconds)


def png_bytes(size: int = 64, colour: tuple[int, int, int] = (150, 160, 170)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(size: int = 64, colour: tuple[int, int, int] = (120, 130, 140)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


@functools.cache
def bomb_png(side: int = 30_000) -> bytes:
    """A real decompression bomb: a valid greyscale PNG of side x side pixels (900 M pixels by
    default) that is about 100 KB on the wire. Built chunk by chunk, never decoded here."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1 bit per pixel, greyscale
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + the row's bits
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def gif_bytes(size: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (10, 20, 30)).save(buffer, format="GIF")
    return buffer.getvalue()


def _answer(parts: list[dict[str, Any]], finish_reason: str | None = "STOP") -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish_reason:
        candidate["finishReason"] = finish_reason
    return {
        "candidates": [candidate],
        "usageMetadata": USAGE,
        "modelVersion": "fake-model-001",
        "responseId": "fake-response-1",
    }


def text_reply(
    answer: Any, *, finish_reason: str = "STOP", with_thought: bool = False
) -> FakeReply:
    """A text answer: `answer` is JSON-encoded unless it is already a string."""
    text = answer if isinstance(answer, str) else json.dumps(answer)
    parts: list[dict[str, Any]] = []
    if with_thought:
        parts.append({"text": "Thinking about the question...", "thought": True})
    parts.append({"text": text})
    return FakeReply(body=_answer(parts, finish_reason))


def malformed_reply() -> FakeReply:
    """A 200 answer whose text is not JSON at all."""
    return text_reply('{"scenarios": [{"id": "q1", "question": "Unfinished')


def image_reply(
    data: bytes | None = None,
    *,
    mime_type: str = "image/png",
    with_thought_image: bool = False,
    text: str | None = None,
) -> FakeReply:
    """An image answer, optionally after an interim `thought` image (which must be skipped)."""
    parts: list[dict[str, Any]] = []
    if with_thought_image:
        interim = base64.b64encode(png_bytes(16, (255, 0, 0))).decode()
        parts.append({"inlineData": {"mimeType": "image/png", "data": interim}, "thought": True})
    if text:
        parts.append({"text": text})
    encoded = base64.b64encode(data if data is not None else png_bytes()).decode()
    parts.append({"inlineData": {"mimeType": mime_type, "data": encoded}})
    return FakeReply(body=_answer(parts))


def no_image_reply(text: str = "Here is a description instead of a picture.") -> FakeReply:
    """The model answered with words only."""
    return FakeReply(body=_answer([{"text": text}]))


def refusal_reply(finish_reason: str = "IMAGE_SAFETY") -> FakeReply:
    """A candidate with no content and a finish reason (SAFETY, IMAGE_SAFETY, NO_IMAGE...)."""
    return FakeReply(
        body={
            "candidates": [{"finishReason": finish_reason, "index": 0}],
            "usageMetadata": USAGE,
            "modelVersion": "fake-model-001",
        }
    )


def blocked_reply(reason: str = "SAFETY") -> FakeReply:
    """The prompt itself was blocked: no candidates, promptFeedback.blockReason."""
    return FakeReply(
        body={
            "promptFeedback": {
                "blockReason": reason,
                "safetyRatings": [
                    {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"}
                ],
            },
            "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 12},
        }
    )


def dropped_connection() -> FakeReply:
    """No answer at all: the server closes the connection once the request has arrived."""
    return FakeReply(drop=True)


def error_reply(
    code: int, status: str, message: str = "", *, details: list[dict[str, Any]] | None = None
) -> FakeReply:
    """Google's error body: {"error": {"code", "message", "status", "details"?}}."""
    error: dict[str, Any] = {"code": code, "message": message or status, "status": status}
    if details is not None:
        error["details"] = details
    return FakeReply(status=code, body={"error": error})


def rate_limited_reply(retry_delay: str) -> FakeReply:
    """429 RESOURCE_EXHAUSTED with a `google.rpc.RetryInfo` detail, e.g. `retry_delay="37s"`."""
    return error_reply(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota.",
        details=[{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}],
    )


def invalid_key_reply() -> FakeReply:
    """What Google answers for a wrong key: 400 INVALID_ARGUMENT with reason API_KEY_INVALID."""
    return error_reply(
        400,
        "INVALID_ARGUMENT",
        "API key not valid. Please pass a valid API key.",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
            }
        ],
    )


# --- canned successful answers, used when a test scripts nothing ------------------------------
INTAKE_ANSWER: dict[str, Any] = {
    "scenarios": [
        {
            "id": "s1",
            "question": "What weighs on you most right now?",
            "options": [
                {"id": "a", "text": "I worry it will get worse", "emotion_indicators": ["anxiety"]},
                {"id": "b", "text": "I feel let down", "emotion_indicators": ["sadness", "anger"]},
                {"id": "c", "text": "I keep hitting walls", "emotion_indicators": ["frustration"]},
            ],
        }
    ],
    "is_complete": False,
    "themes": ["work"],
}
SUMMARY_ANSWER: dict[str, Any] = {
    "situation_summary": "You described a tense situation that keeps coming back.",
    "ai_summary": "It sounds like worry and disappointment are pulling at you together.",
    "insights": ["Worry often points at something you care about.", "Naming it helps."],
}
ANALYSIS_ANSWER: dict[str, Any] = {
    "summary": "A heavy, uncertain moment.",
    "insights": ["The uncertainty weighs more than the facts."],
    "color_palette": ["#7A8B99", "#A89F91", "#6E7F80"],
    "shapes": ["soft circles", "a low horizon"],
    "image_prompt": "Soft grey circles drifting above a calm, low horizon.",
}
STORY_ANSWER: dict[str, Any] = {
    "central_stressor": "Public Performance Anxiety",
    "factors": [
        {"factor": "Fear Of Judgment", "insight": "Being watched feels like being weighed."},
        {"factor": "High Stakes", "insight": "One evening seems to decide everything."},
        {"factor": "Perfectionism", "insight": "Anything short of flawless feels like failure."},
    ],
    "language": "en",
}
