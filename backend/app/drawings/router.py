"""The iOS app's "Draw My Feelings" screen: a feeling or a story in, a picture out.

Both drawing routes work without a token (limited per client address and in total); with a valid
bearer token the drawing is also kept in that person's journal. Only 200 is success for the app.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.drawings import service
from app.drawings.deps import DrawingRequestDep
from app.drawings.schemas import (
    DrawingChecks,
    DrawingData,
    DrawingEnvelope,
    DrawingHealth,
    FeelingRequest,
    GeminiCheck,
    StoryDrawingData,
    StoryRequest,
)
from app.drawings.validation import checked_feeling, checked_story
from app.platform.http.envelope import utcnow_iso

router = APIRouter(prefix="/visualizations", tags=["drawings"])


@router.post("/feeling", summary="An abstract picture of the chosen emotions")
async def draw_feeling(
    body: FeelingRequest, drawing: DrawingRequestDep, request: Request
) -> DrawingEnvelope[DrawingData]:
    """No token needed; with `Authorization: Bearer <token>` the drawing is also kept in the
    person's journal (an invalid or expired token is 401)."""
    feeling = checked_feeling(body)
    deadline = request.app.state.settings.drawing_feeling_deadline_seconds
    return DrawingEnvelope(data=await service.draw_feeling(drawing, feeling, deadline))


@router.post("/story", summary="A story analysed into its stressor and factors, drawn as a map")
async def draw_story(
    body: StoryRequest, drawing: DrawingRequestDep, request: Request
) -> DrawingEnvelope[StoryDrawingData]:
    """No token needed; with `Authorization: Bearer <token>` the drawing is also kept in the
    person's journal (an invalid or expired token is 401)."""
    feeling, story = checked_story(body)
    deadline = request.app.state.settings.drawing_story_deadline_seconds
    return DrawingEnvelope(data=await service.draw_story(drawing, feeling, story, deadline))


@router.get("/health", summary="Whether the drawing screen can make pictures")
async def drawings_health(request: Request) -> DrawingHealth:
    """Reads the AI provider's own state; never calls (or pays for) the AI."""
    settings = request.app.state.settings
    readiness = request.app.state.ai_provider.readiness()
    if readiness["gemini_api"] == "not_configured":
        check = GeminiCheck(
            status="not_configured", mode="offline", text_model="local", image_model="local"
        )
    else:
        failing = "unhealthy" in (readiness["gemini_api"], readiness["nanobanana_api"])
        check = GeminiCheck(
            status="unhealthy" if failing else "healthy",
            mode="gemini",
            text_model=settings.gemini_text_model,
            image_model=settings.nanobanana_model,
        )
    return DrawingHealth(
        status="degraded" if check.status == "unhealthy" else "healthy",
        checks=DrawingChecks(gemini_api=check),
        timestamp=utcnow_iso(),
    )
