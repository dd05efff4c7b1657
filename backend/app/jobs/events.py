"""Progress events: NOTIFY on the progress channel that a job's row changed (its id) and how
(`type`). Listeners re-read the row for the rest: the WebSocket sends the row's state, never the
event's, so a missed or reordered notification cannot show a client a stale state."""

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


async def publish(session: AsyncSession, job_id: uuid.UUID, type_: EventType) -> None:
    """Sent when the caller's transaction commits, so listeners never see uncommitted state."""
    await notify(session, PROGRESS_CHANNEL, JobEvent(id=job_id, type=type_).model_dump_json())


def parse(payload: str) -> JobEvent | None:
    try:
        return JobEvent.model_validate(json.loads(payload))
    except (ValueError, ValidationError):
        return None
