"""Making the drawing screen's pictures: limits, the deadline, the drawer, the journal copy.

Each drawing answers within its deadline (DRAWING_*_DEADLINE_SECONDS), everything included,
so the app always sees this answer rather than its own time-out. No database connection is held
while a picture is made: a signed-in drawing reserves its unit of the person's daily pictures in
a short transaction first, and is written to the journal in another afterwards. Failures never
become a placeholder picture: they are answered as the screen's errors (app.drawings.errors).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from app.ai.deadline import ai_deadline
from app.ai.errors import AICapacityExhausted, AIProviderError, AITextError
from app.drawings import journal
from app.drawings.drawers import Drawer, Drawing, StoryDrawing
from app.drawings.errors import ContentFiltered, GenerationServiceError, GenerationTimeout
from app.drawings.pictures import UnreadablePicture
from app.drawings.schemas import DrawingData, ImageSize, StoryDrawingData
from app.drawings.validation import Feeling
from app.media.store import MediaStore
from app.models import User
from app.platform.db.database import RequestDb
from app.platform.http.errors import AppError
from app.platform.ratelimit.limiter import RateLimiter
from app.quota.service import AIQuota, give_back_now

log = logging.getLogger(__name__)

T = TypeVar("T")
# What a client is told to wait when the AI is down and said nothing more precise.
_DEFAULT_RETRY_SECONDS = 30


@dataclass(frozen=True, slots=True)
class DrawingRequest:
    """Who asks, from where, and what the drawing service works with."""

    drawer: Drawer
    db: RequestDb
    user: User | None
    address: str
    limiter: RateLimiter
    quota: AIQuota
    media: MediaStore


async def draw_feeling(request: DrawingRequest, feeling: Feeling, deadline: float) -> DrawingData:
    names = ", ".join(p.name for p in feeling.profiles)
    copy = journal.JournalCopy(
        situation=journal.FEELING_SITUATION + names,
        style="abstract",
        summary=f"A picture of feeling {names}.",
        insights=[],
        shapes="; ".join(p.shapes for p in feeling.profiles),
        analysis={
            "feeling_category": feeling.category,
            "emotions": [p.id for p in feeling.profiles],
        },
    )

    async def make() -> Drawing:
        return await request.drawer.feeling(feeling.profiles)

    drawing, elapsed_ms = await _draw(request, feeling, deadline, make, lambda d: (d, copy))
    log.info("feeling drawn", extra=_log_fields(request, drawing, elapsed_ms))
    return _data(DrawingData, drawing, elapsed_ms)


async def draw_story(
    request: DrawingRequest, feeling: Feeling, story: str, deadline: float
) -> StoryDrawingData:
    def journal_copy(result: StoryDrawing) -> tuple[Drawing, journal.JournalCopy]:
        analysis = result.analysis
        return result.drawing, journal.JournalCopy(
            situation=story,
            style="diagram",
            summary=analysis.central_stressor,
            insights=[f"{f.factor}: {f.insight}" for f in analysis.factors],
            shapes="a central stressor joined to its factors in the corners",
            analysis=analysis.model_dump(),
        )

    async def make() -> StoryDrawing:
        return await request.drawer.story(story)

    result, elapsed_ms = await _draw(request, feeling, deadline, make, journal_copy)
    # Never the story itself: only its size and language go to the log.
    fields = _log_fields(request, result.drawing, elapsed_ms)
    log.info("story drawn", extra={**fields, "language": result.analysis.language})
    return StoryDrawingData(
        **_data(DrawingData, result.drawing, elapsed_ms).model_dump(),
        story_analysis=result.analysis,
    )


async def _draw(
    request: DrawingRequest,
    feeling: Feeling,
    deadline: float,
    make: Callable[[], Awaitable[T]],
    journal_copy: Callable[[T], tuple[Drawing, journal.JournalCopy]],
) -> tuple[T, int]:
    """Admit, make and (signed in) keep the drawing, all within `deadline` seconds."""
    day: date | None = None
    try:
        with ai_deadline(deadline):
            async with asyncio.timeout(deadline):
                day = await _admit(request)
                started = time.perf_counter()
                result = await make()
                elapsed_ms = round((time.perf_counter() - started) * 1000)
                if request.user is not None:
                    drawing, copy = journal_copy(result)
                    await journal.keep(
                        request.db,
                        request.media,
                        request.user.id,
                        day,
                        feeling.profiles,
                        drawing,
                        copy,
                    )
    except BaseException as exc:
        if day is not None and request.user is not None:
            await asyncio.shield(_give_back(request, request.user.id, day))
        error = _drawing_error(exc, deadline)
        if error is None:
            raise
        raise error from None
    return result, elapsed_ms


async def _admit(request: DrawingRequest) -> date | None:
    """Counts this drawing: against the person's day, or the anonymous limits. None if anonymous."""
    if request.user is None:
        try:
            refusal = await request.limiter.anonymous_drawing(request.address)
        except Exception:
            # Like the request limits: a broken limiter store must not take the screen down.
            log.warning("drawing limiter unavailable; drawing allowed", exc_info=True)
            return None
        if refusal is not None:
            raise refusal.refusal("Too many drawings without an account for now")
        return None
    day = await request.quota.reserve(await request.db.session(), request.user.id, "image")
    await request.db.release()  # no pooled connection held while the picture is made
    return day


async def _give_back(request: DrawingRequest, user_id: uuid.UUID, day: date) -> None:
    # Whatever the journal copy had written goes first: it must not be committed with the unit.
    with contextlib.suppress(Exception):
        await request.db.release(commit=False)
    await give_back_now(request.db, user_id, "image", day)


def _drawing_error(exc: BaseException, deadline: float) -> AppError | None:
    """The screen's own error for an AI failure; None for anything else (raised as it is)."""
    if isinstance(exc, TimeoutError) or (
        isinstance(exc, AIProviderError) and exc.outcome == "timeout"
    ):
        return GenerationTimeout(
            f"The picture could not be made within {deadline:g} seconds. Try again.",
            details={"timeout_seconds": deadline},
        )
    if isinstance(exc, AIProviderError) and exc.outcome == "blocked":
        return ContentFiltered(
            "The picture could not be made for this content.",
            details={
                "reason": exc.public_message,
                "suggestion": "Try describing the situation in other words, or choose other "
                "emotions.",
            },
        )
    if isinstance(exc, AIProviderError | UnreadablePicture):
        if isinstance(exc, AICapacityExhausted):
            service = "ai_capacity"
        elif isinstance(exc, AITextError):
            service = "gemini"
        else:
            service = "nano_banana_pro"
        retry = getattr(exc, "retry_after_seconds", None) or _DEFAULT_RETRY_SECONDS
        seconds = max(1, math.ceil(retry))
        return GenerationServiceError(
            "The picture service is busy or unavailable right now. Try again shortly.",
            details={"retry_after_seconds": seconds, "service": service},
            headers={"Retry-After": str(seconds)},
        )
    return None


def _data(cls: type[DrawingData], drawing: Drawing, elapsed_ms: int) -> DrawingData:
    picture = drawing.picture
    return cls(
        image_data=picture.base64,
        image_size=ImageSize(width=picture.side, height=picture.side),
        prompt_used=drawing.prompt_used,
        dominant_colors=picture.dominant_colors,
        generation_time_ms=elapsed_ms,
    )


def _log_fields(request: DrawingRequest, drawing: Drawing, elapsed_ms: int) -> dict[str, object]:
    return {
        "ai_provider": drawing.provider,
        "duration_ms": elapsed_ms,
        "signed_in": request.user is not None,
        "size_bytes": len(drawing.picture.png),
    }
