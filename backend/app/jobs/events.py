"""Progress events: NOTIFY on the progress channel, parsed again by whoever listens (WebSocket)."""

from __future__ import annotations

import json
import uuid
from typing import Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.queue import PROGRESS_CHANNEL, notify

EventType = Literal["progress", "complete", "failed"]


class JobEvent(BaseModel):
    id: uuid.UUID
    type: EventType
    status: str
    progress: int | None = None
    message: str | None = None


async def publish(
    session: AsyncSession,
    job_id: uuid.UUID,
    type_: EventType,
    status: str,
    progress: int | None,
    message: str | None,
) -> None:
    """Sent when the caller's transaction commits, so listeners never see uncommitted state."""
    # NOTIFY payloads are capped at 8000 bytes; provider messages can be long.
    short = message[:500] if message else message
    event = JobEvent(id=job_id, type=type_, status=status, progress=progress, message=short)
    await notify(session, PROGRESS_CHANNEL, event.model_dump_json())


def parse(payload: str) -> JobEvent | None:
    try:
        return JobEvent.model_validate(json.loads(payload))
    except (ValueError, ValidationError):
        return None
