"""Observing jobs from outside: the progress events every completion publishes, and the rows.

A job's `complete` (or `failed`) event is sent by NOTIFY in the same transaction as the fenced
UPDATE that finishes the row, so counting events counts completions: exactly one per job.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy import select

from app.jobs import events
from app.jobs.queue import PROGRESS_CHANNEL
from app.models import Visualization
from app.platform.db.database import Database, libpq_url
from tests.fakes.gemini import FakeGemini


@dataclass
class Outcomes:
    completed: Counter[uuid.UUID] = field(default_factory=Counter)
    failed: Counter[uuid.UUID] = field(default_factory=Counter)

    def record(self, payload: str) -> None:
        event = events.parse(payload)
        if event is None:
            return
        if event.type == "complete":
            self.completed[event.id] += 1
        elif event.type == "failed":
            self.failed[event.id] += 1


@asynccontextmanager
async def outcomes(database_url: str) -> AsyncIterator[Outcomes]:
    """LISTEN to the progress channel on a connection of its own for the duration."""
    seen = Outcomes()
    conn = await asyncpg.connect(libpq_url(database_url), timeout=10)
    try:
        await conn.add_listener(PROGRESS_CHANNEL, lambda *args: seen.record(str(args[-1])))
        yield seen
    finally:
        await conn.close(timeout=5)


async def job_rows(database: Database, ids: list[uuid.UUID]) -> dict[uuid.UUID, Visualization]:
    async with database.sessionmaker() as session:
        rows = (await session.scalars(select(Visualization).where(Visualization.id.in_(ids)))).all()
    return {row.id: row for row in rows}


async def wait_until_terminal(
    database: Database, ids: list[uuid.UUID], within: float
) -> dict[uuid.UUID, Visualization]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        rows = await job_rows(database, ids)
        pending = [r for r in rows.values() if r.status not in ("completed", "failed")]
        if not pending:
            return rows
        if loop.time() > deadline:
            sample = [(str(r.id), r.status, r.attempts, r.locked_by) for r in pending[:5]]
            raise AssertionError(f"{len(pending)} jobs never finished, e.g. {sample}")
        await asyncio.sleep(0.2)


def media_files(media_dir: Path, job_id: uuid.UUID) -> list[str]:
    folder = media_dir / "visualizations" / str(job_id)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def analysis_calls(fake: FakeGemini, marker: str) -> int:
    """Gemini analysis requests whose prompt carries this job's unique marker."""
    return sum(1 for r in fake.requests if not r.wants_image and marker in r.prompt)
