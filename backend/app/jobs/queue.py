"""The durable job queue: rows of `visualizations` whose status is pending or processing.

A job is claimed with `FOR UPDATE SKIP LOCKED`, so concurrent workers never take the same row,
and held by a lease (`locked_by`, `locked_until`) that the worker renews. A worker that dies stops
renewing; once the lease expires the row is claimable again. Every later write of a worker is
fenced by `locked_by = <its id>`, so a worker that lost its lease can no longer change the row.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Visualization

# Idle workers LISTEN here; enqueueing (and re-queueing) NOTIFYs it inside the same transaction,
# so the wake-up is delivered exactly when the job becomes visible.
JOBS_CHANNEL = "visualization_jobs"
# Progress events for WebSocket clients, whichever process runs the job.
PROGRESS_CHANNEL = "visualization_progress"
# What a job waiting in the queue says of itself.
WAITING_FOR_A_WORKER = "Waiting for a worker"

# Fair across people: each due job gets a turn number within its owner's queue (1 for their
# oldest), plus however many of that owner's jobs are already running, and the lowest turn goes
# first, oldest first among equals. So one person's ten queued pictures take turns with everyone
# else's instead of going first; a lone job is never delayed by them. The ranking runs over due
# jobs only (the partial index on active jobs), and the row is then locked on its own with SKIP
# LOCKED, rechecking that it is still due, so concurrent workers never take the same one.
_CLAIM = text(
    """
    WITH due AS (
        SELECT id, user_id, run_at, created_at FROM visualizations
        WHERE (status = 'pending' AND run_at <= now())
           OR (status = 'processing' AND locked_until < now())
    ),
    running AS (
        SELECT user_id, count(*) AS jobs FROM visualizations
        WHERE status = 'processing' AND locked_until >= now()
        GROUP BY user_id
    ),
    turns AS (
        SELECT due.id, due.run_at, due.created_at,
               row_number() OVER (PARTITION BY due.user_id ORDER BY due.run_at, due.created_at)
                   + coalesce(running.jobs, 0) AS turn
        FROM due LEFT JOIN running USING (user_id)
    ),
    candidate AS (
        SELECT v.id FROM visualizations AS v JOIN turns USING (id)
        WHERE (v.status = 'pending' AND v.run_at <= now())
           OR (v.status = 'processing' AND v.locked_until < now())
        ORDER BY turns.turn, turns.run_at, turns.created_at
        LIMIT 1
        FOR UPDATE OF v SKIP LOCKED
    )
    UPDATE visualizations AS v
    SET status = 'processing',
        attempts = v.attempts + 1,
        locked_by = :worker_id,
        locked_until = now() + make_interval(secs => :lease_seconds),
        processing_started_at = coalesce(v.processing_started_at, now()),
        progress = 5,
        progress_message = 'Starting'
    FROM candidate
    WHERE v.id = candidate.id
    RETURNING v.id, v.attempts, v.max_attempts
    """
)


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: uuid.UUID
    attempt: int
    max_attempts: int

    @property
    def is_last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts


async def notify(session: AsyncSession, channel: str, payload: dict[str, Any] | str = "") -> None:
    """NOTIFY inside the caller's transaction: listeners hear it only if the transaction commits."""
    body = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    await session.execute(select(func.pg_notify(channel, body)))


async def wake_workers(session: AsyncSession) -> None:
    await notify(session, JOBS_CHANNEL)


async def claim_next_job(
    session: AsyncSession, worker_id: str, lease_seconds: float
) -> ClaimedJob | None:
    row = (
        await session.execute(_CLAIM, {"worker_id": worker_id, "lease_seconds": lease_seconds})
    ).first()
    if row is None:
        return None
    return ClaimedJob(id=row.id, attempt=row.attempts, max_attempts=row.max_attempts)


def _owned_by(job_id: uuid.UUID, worker_id: str) -> Any:
    return (
        (Visualization.id == job_id)
        & (Visualization.locked_by == worker_id)
        & (Visualization.status == "processing")
    )


async def renew_lease(
    session: AsyncSession, job_id: uuid.UUID, worker_id: str, lease_seconds: float
) -> bool:
    """Extend the lease; False when this worker no longer holds the job."""
    result = await session.execute(
        update(Visualization)
        .where(_owned_by(job_id, worker_id))
        .values(locked_until=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, lease_seconds))
        .returning(Visualization.id)
    )
    return result.first() is not None


async def update_progress(
    session: AsyncSession, job_id: uuid.UUID, worker_id: str, progress: int, message: str
) -> bool:
    result = await session.execute(
        update(Visualization)
        .where(_owned_by(job_id, worker_id))
        .values(progress=progress, progress_message=message)
        .returning(Visualization.id)
    )
    return result.first() is not None


def retry_delay_seconds(attempt: int, base: float, maximum: float) -> float:
    """Exponential backoff with jitter, so failed jobs do not retry in lockstep."""
    delay: float = min(maximum, base * 2 ** max(attempt - 1, 0))
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not security)


async def schedule_retry(
    session: AsyncSession, job_id: uuid.UUID, worker_id: str, delay_seconds: float, reason: str
) -> bool:
    result = await session.execute(
        update(Visualization)
        .where(_owned_by(job_id, worker_id))
        .values(
            status="pending",
            run_at=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, delay_seconds),
            locked_by=None,
            locked_until=None,
            progress=0,
            progress_message="Retrying after a temporary error",
            error_message=reason,
        )
        .returning(Visualization.id)
    )
    return result.first() is not None


async def mark_failed(
    session: AsyncSession, job_id: uuid.UUID, worker_id: str, message: str
) -> bool:
    result = await session.execute(
        update(Visualization)
        .where(_owned_by(job_id, worker_id))
        .values(
            status="failed",
            error_message=message,
            locked_by=None,
            locked_until=None,
            progress_message="Failed",
            processing_completed_at=func.now(),
        )
        .returning(Visualization.id)
    )
    return result.first() is not None


async def mark_completed(
    session: AsyncSession, job_id: uuid.UUID, worker_id: str, values: dict[str, Any]
) -> bool:
    result = await session.execute(
        update(Visualization)
        .where(_owned_by(job_id, worker_id))
        .values(
            **values,
            status="completed",
            progress=100,
            progress_message="Completed",
            error_message=None,
            locked_by=None,
            locked_until=None,
            processing_completed_at=func.now(),
        )
        .returning(Visualization.id)
    )
    return result.first() is not None


async def release_job(session: AsyncSession, job_id: uuid.UUID, worker_id: str) -> bool:
    """Hand an unfinished job back (worker shutting down); the interrupted try is not counted."""
    result = await session.execute(
        update(Visualization)
        .where(_owned_by(job_id, worker_id))
        .values(
            status="pending",
            run_at=func.now(),
            attempts=Visualization.attempts - 1,
            locked_by=None,
            locked_until=None,
            progress=0,
            progress_message=WAITING_FOR_A_WORKER,
        )
        .returning(Visualization.id)
    )
    return result.first() is not None


async def seconds_until_next_job(session: AsyncSession) -> float | None:
    """When the next pending job becomes due or the next lease expires; None when idle."""
    due = await session.scalar(
        select(
            func.least(
                select(func.min(Visualization.run_at))
                .where(Visualization.status == "pending")
                .scalar_subquery(),
                select(func.min(Visualization.locked_until))
                .where(Visualization.status == "processing")
                .scalar_subquery(),
            )
            - func.now()
        )
    )
    if due is None:
        return None
    return max(float(due.total_seconds()), 0.0)
