"""Visualization jobs put straight on the PostgreSQL queue, and how the workers ended them."""

from __future__ import annotations

import uuid
from decimal import Decimal

from prometheus_client import REGISTRY

from app.jobs import queue
from app.models import EmotionEntry, User, Visualization
from app.platform.db.database import Database


async def enqueue(database: Database, user: User, count: int) -> list[uuid.UUID]:
    """Entries and their jobs in one transaction, announced like the API does."""
    async with database.sessionmaker() as session, session.begin():
        entries = [
            EmotionEntry(
                user_id=user.id, situation=f"job {i}", emotions=["joy"], intensity=Decimal("0.5")
            )
            for i in range(count)
        ]
        session.add_all(entries)
        await session.flush()
        jobs = [Visualization(entry_id=e.id, user_id=user.id, max_attempts=3) for e in entries]
        session.add_all(jobs)
        await session.flush()
        await queue.wake_workers(session)
    return [job.id for job in jobs]


def jobs_ended(outcome: str) -> float:
    """How many jobs this process's workers have ended with `outcome` (job_duration_seconds)."""
    return REGISTRY.get_sample_value("job_duration_seconds_count", {"outcome": outcome}) or 0.0
