"""Bodies and answers of the drawing screen's routes, exactly as the iOS app decodes them.

The request fields are loosely typed on purpose: a missing or unknown category or emotion gets
the screen's own error details (app.drawings.validation), not the generic list of field errors;
a value of the wrong JSON type is still a plain 400 VALIDATION_ERROR.
"""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from app.drawings.story_analysis import StoryAnalysis
from app.platform.context import request_id_var
from app.platform.http.envelope import utcnow_iso
from app.platform.http.schemas import RequestModel

API_VERSION = "2.4"
T = TypeVar("T")


# Far beyond any valid value; only keeps absurd input out of the error details it would echo.
_MAX_TOKEN_LENGTH = 64
EmotionName = Annotated[str, Field(max_length=_MAX_TOKEN_LENGTH)]


class FeelingRequest(RequestModel):
    feeling_category: str | None = Field(
        default=None,
        max_length=_MAX_TOKEN_LENGTH,
        description="`good`, `bad` or `not_sure`.",
        examples=["good"],
    )
    selected_emotions: list[EmotionName] | None = Field(
        default=None,
        max_length=_MAX_TOKEN_LENGTH,
        description="Emotion ids of the drawing screen (see GET /emotions); duplicates dropped.",
        examples=[["super_happy", "chill"]],
    )


class StoryRequest(FeelingRequest):
    story_text: str | None = Field(
        default=None,
        description="50 to 5,000 characters once leading and trailing spaces are trimmed.",
        examples=["Tomorrow I give a talk at our company's annual gala in front of everyone."],
    )


class ImageSize(BaseModel):
    width: int
    height: int


class DrawingData(BaseModel):
    image_data: str = Field(description="Standard padded base64 of the PNG, no line breaks.")
    image_format: Literal["png"] = "png"
    image_size: ImageSize = Field(description="The picture's real size: square, 512 or 1024.")
    prompt_used: str = Field(description="The image prompt sent, or what the offline painter drew.")
    dominant_colors: list[str] = Field(
        min_length=3, max_length=4, description="3-4 #RRGGBB colours clustered from the picture."
    )
    generation_time_ms: int


class StoryDrawingData(DrawingData):
    story_analysis: StoryAnalysis


class DrawingMeta(BaseModel):
    timestamp: str = Field(default_factory=utcnow_iso)
    api_version: str = API_VERSION
    request_id: str | None = Field(default_factory=lambda: request_id_var.get())


class DrawingEnvelope(BaseModel, Generic[T]):
    """`{"success": true, "data": ..., "error": null, "meta": {...}}`: this screen's shape."""

    success: Literal[True] = True
    data: T
    error: None = None
    meta: DrawingMeta = Field(default_factory=DrawingMeta)


class GeminiCheck(BaseModel):
    status: Literal["healthy", "unhealthy", "not_configured"]
    mode: Literal["gemini", "offline"] = Field(
        description="`offline`: pictures and analyses are made on this server, without Gemini."
    )
    text_model: str
    image_model: str


class DrawingChecks(BaseModel):
    gemini_api: GeminiCheck


class DrawingHealth(BaseModel):
    status: Literal["healthy", "degraded"]
    checks: DrawingChecks
    timestamp: str
