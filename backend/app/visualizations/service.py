"""Creating, reading, listing and deleting visualizations (the job itself is in pipeline.py)."""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import TypeAdapter
from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.ai.protocol import VisualStyle
from app.auth.ownership import load_owned
from app.entries.service import load_owned_entry
from app.jobs import queue
from app.media.deletions import MediaDeletions
from app.media.store import MediaStore
from app.models import ACTIVE_JOB_STATUSES, User, Visualization
from app.platform.http.errors import Conflict, RateLimitExceeded
from app.quota.service import AIQuota
from app.visualizations.schemas import (
    VisualElement,
    VisualizationCompleted,
    VisualizationFailed,
    VisualizationInProgress,
    VisualizationListItem,
    VisualizationOut,
)

_VISUAL_ELEMENTS = TypeAdapter(list[VisualElement])
# Namespace of the per-user advisory lock that serialises POST /visualizations of one user.
_CREATE_LOCK_NAMESPACE = 7_201
_RECENT_JOBS = 10


@dataclass(frozen=True, slots=True)
class QueuedVisualization:
    visualization: Visualization
    estimated_time_seconds: int


async def average_duration_seconds(session: AsyncSession, user_id: uuid.UUID, default: int) -> int:
    """Moving average of the user's recent generation times (their own rows: index-backed)."""
    recent = (
        select(
            func.extract(
                "epoch", Visualization.processing_completed_at - Visualization.processing_started_at
            ).label("seconds")
        )
        .where(
            Visualization.user_id == user_id,
            Visualization.status == "completed",
            Visualization.processing_started_at.is_not(None),
            Visualization.processing_completed_at.is_not(None),
        )
        .order_by(Visualization.processing_completed_at.desc())
        .limit(_RECENT_JOBS)
        .subquery()
    )
    average = await session.scalar(select(func.avg(recent.c.seconds)))
    if average is None:
        return default
    return max(1, math.ceil(float(average)))


async def create_visualization(
    session: AsyncSession,
    user: User,
    entry_id: uuid.UUID,
    style: VisualStyle,
    *,
    quota: AIQuota,
    concurrency_limit: int,
    max_attempts: int,
    default_estimate: int,
) -> QueuedVisualization:
    """Queue a visualization (or re-queue a failed one) in the caller's transaction.

    The picture counts against the person's daily image allowance now, when it is asked for (a
    request over it is refused here, not when the job runs); the worker gives it back if the job
    fails for good.
    """
    # One POST per user at a time until commit, so the active-job count below cannot be raced.
    await session.execute(
        select(
            func.pg_advisory_xact_lock(literal(_CREATE_LOCK_NAMESPACE), func.hashtext(str(user.id)))
        )
    )
    await load_owned_entry(session, user, entry_id, for_update=True)
    existing = await session.scalar(
        select(Visualization).where(Visualization.entry_id == entry_id).with_for_update()
    )
    if existing is not None and existing.status != "failed":
        raise Conflict(
            "This entry already has a visualization.",
            details={"visualization_id": str(existing.id), "status": existing.status},
        )

    estimate = await average_duration_seconds(session, user.id, default_estimate)
    active = await session.scalar(
        select(func.count())
        .select_from(Visualization)
        .where(Visualization.user_id == user.id, Visualization.status.in_(ACTIVE_JOB_STATUSES))
    )
    if (active or 0) >= concurrency_limit:
        retry_after = max(estimate, 1)
        raise RateLimitExceeded(
            f"At most {concurrency_limit} visualizations may be in progress at once.",
            details={"retry_after_seconds": retry_after, "limit": concurrency_limit},
            headers={
                "Retry-After": str(retry_after),
                "X-RateLimit-Limit": str(concurrency_limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(int(time.time()) + retry_after),
            },
        )

    quota_day = await quota.reserve(session, user.id, "image")
    if existing is None:
        visualization = Visualization(
            entry_id=entry_id, user_id=user.id, style=style, max_attempts=max_attempts
        )
        session.add(visualization)
    else:
        visualization = _requeue(existing, style, max_attempts)
    visualization.quota_day = quota_day
    await session.flush()
    await queue.wake_workers(session)
    return QueuedVisualization(visualization, estimate)


def _requeue(visualization: Visualization, style: VisualStyle, max_attempts: int) -> Visualization:
    visualization.status = "pending"
    visualization.style = style
    visualization.attempts = 0
    visualization.max_attempts = max_attempts
    visualization.run_at = datetime.now(UTC)
    visualization.progress = 0
    visualization.progress_message = queue.WAITING_FOR_A_WORKER
    visualization.error_message = None
    visualization.locked_by = None
    visualization.locked_until = None
    visualization.processing_started_at = None
    visualization.processing_completed_at = None
    return visualization


async def load_owned_visualization(
    session: AsyncSession, user: User, visualization_id: uuid.UUID
) -> Visualization:
    return await load_owned(session, Visualization, visualization_id, user, noun="visualization")


async def list_visualizations(
    session: AsyncSession, user: User, limit: int, offset: int
) -> tuple[list[Visualization], int]:
    total = await session.scalar(
        select(func.count()).select_from(Visualization).where(Visualization.user_id == user.id)
    )
    rows = await session.scalars(
        select(Visualization)
        .where(Visualization.user_id == user.id)
        .order_by(Visualization.created_at.desc(), Visualization.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total or 0


async def delete_visualization(
    session: AsyncSession, visualization: Visualization, deletions: MediaDeletions
) -> None:
    await session.delete(visualization)
    await session.flush()
    # Pictures go only once the delete is committed. A worker still drawing it finds the row
    # gone and removes what it stored (pipeline.py).
    await deletions.remove_after_commit(session, [visualization.id])


# --- presenting ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StatusView:
    """What a visualization's state means to a client, the same for GET /visualizations/{id}
    and the progress WebSocket. `message`: the failure for `failed`, else the progress note."""

    status: Literal["pending", "processing", "completed", "failed"]
    message: str = ""
    image_url: str = ""
    thumbnail_url: str = ""
    # POST /visualizations for the entry re-queues a failed visualization.
    retry_allowed: bool = True


async def status_view(visualization: Visualization, media: MediaStore, base_url: str) -> StatusView:
    if visualization.status == "completed" and visualization.image_url:
        return StatusView(
            "completed",
            image_url=await media.url_for(visualization.image_url, base_url),
            thumbnail_url=await media.url_for(
                visualization.thumbnail_url or visualization.image_url, base_url
            ),
        )
    if visualization.status == "failed":
        return StatusView(
            "failed", visualization.error_message or "Generating the visualization failed."
        )
    return StatusView(
        "processing" if visualization.status == "processing" else "pending",
        visualization.progress_message or queue.WAITING_FOR_A_WORKER,
    )


async def present(
    visualization: Visualization, media: MediaStore, base_url: str, average_seconds: int
) -> VisualizationOut:
    view = await status_view(visualization, media, base_url)
    if view.status == "completed":
        return VisualizationCompleted(
            id=visualization.id,
            entry_id=visualization.entry_id,
            status="completed",
            image_url=view.image_url,
            thumbnail_url=view.thumbnail_url,
            summary=visualization.summary,
            insights=list(visualization.insights or []),
            visual_elements=_VISUAL_ELEMENTS.validate_python(visualization.visual_elements or []),
            created_at=visualization.created_at,
            completed_at=visualization.processing_completed_at,
        )
    if view.status == "failed":
        return VisualizationFailed(
            id=visualization.id,
            status="failed",
            error_message=view.message,
            retry_allowed=view.retry_allowed,
        )
    return VisualizationInProgress(
        id=visualization.id,
        status=view.status,
        progress=visualization.progress,
        estimated_time_remaining_seconds=_remaining(visualization, average_seconds),
    )


def _remaining(visualization: Visualization, average_seconds: int) -> int:
    now = datetime.now(UTC)
    if visualization.status == "pending":
        waiting = (visualization.run_at - now).total_seconds() if visualization.run_at else 0
        return math.ceil(average_seconds + max(waiting, 0))
    started = visualization.processing_started_at or now
    elapsed = (now - started).total_seconds()
    by_time = average_seconds - elapsed
    by_progress = average_seconds * (100 - visualization.progress) / 100
    return max(1, math.ceil(max(by_time, by_progress / 2)))


async def present_list_item(
    visualization: Visualization, media: MediaStore, base_url: str
) -> VisualizationListItem:
    image = visualization.image_url if visualization.status == "completed" else None
    thumbnail = visualization.thumbnail_url if image else None
    return VisualizationListItem(
        id=visualization.id,
        entry_id=visualization.entry_id,
        status=visualization.status,
        image_url=await media.url_for(image, base_url) if image else None,
        thumbnail_url=await media.url_for(thumbnail, base_url) if thumbnail else None,
        created_at=visualization.created_at,
    )
