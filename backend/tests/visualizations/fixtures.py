"""Fixtures shared by the visualization and job tests (imported by both conftests)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.jobs.worker import Worker
from app.main import create_app
from app.media.deletions import MediaDeletions
from app.media.factory import open_media_store
from app.media.store import MediaStore
from app.models import EmotionEntry, User, Visualization
from app.platform.config import Settings
from app.platform.db.database import Database
from app.visualizations.pipeline import VisualizationProvider
from app.visualizations.runner import build_worker
from tests.helpers.clients import client_for
from tests.helpers.settings import make_settings

TERMINAL = ("completed", "failed")


def make_viz_settings(pg_url: str, tmp_path: Path, **overrides: object) -> Settings:
    """Short leases and retry delays so fault tests run in seconds; media in a private dir."""
    values: dict[str, object] = {
        "media_dir": tmp_path / "media",
        "job_lease_seconds": 1.5,
        "job_retry_base_delay_seconds": 0.05,
        "job_retry_max_delay_seconds": 0.2,
        "worker_idle_recheck_seconds": 5.0,
        "worker_shutdown_grace_seconds": 2.0,
    }
    return make_settings(pg_url, **{**values, **overrides})


@pytest.fixture
def viz_settings(pg_url: str, tmp_path: Path) -> Settings:
    return make_viz_settings(pg_url, tmp_path)


@pytest.fixture
def viz_app(viz_settings: Settings, committed_db: Database) -> FastAPI:
    return create_app(viz_settings, database=committed_db)


@pytest.fixture
async def viz_client(viz_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(viz_app):
        yield client


EntryMaker = Callable[..., Awaitable[EmotionEntry]]


@pytest.fixture
def make_entry(committed_db: Database) -> EntryMaker:
    async def make(user: User, situation: str = "My flight was cancelled") -> EmotionEntry:
        async with committed_db.sessionmaker() as session, session.begin():
            entry = EmotionEntry(
                user_id=user.id,
                situation=situation,
                emotions=["frustration", "anxiety"],
                intensity=Decimal("0.70"),
            )
            session.add(entry)
        return entry

    return make


WorkerMaker = Callable[..., Awaitable[Worker]]


@pytest.fixture
async def start_worker(
    viz_settings: Settings, committed_db: Database
) -> AsyncIterator[WorkerMaker]:
    started: list[tuple[Worker, MediaDeletions, MediaStore]] = []

    async def start(
        provider: VisualizationProvider,
        *,
        concurrency: int = 2,
        database: Database | None = None,
        settings: Settings | None = None,
    ) -> Worker:
        """A worker as `emotionviz worker` runs it: its own store (of the same settings) and the
        sweeper that retries unconfirmed picture removals beside it."""
        settings = settings or viz_settings
        database = database or committed_db
        media = await open_media_store(settings)
        deletions = MediaDeletions.from_settings(media, database, settings)
        worker = build_worker(
            settings, database, lambda: provider, media, deletions, concurrency=concurrency
        )
        await worker.start()
        deletions.start_sweeping()
        started.append((worker, deletions, media))
        return worker

    yield start
    for worker, deletions, media in started:
        await worker.stop()
        await deletions.stop()
        await media.aclose()


async def queue_visualization(
    client: httpx.AsyncClient, headers: dict[str, str], entry_id: uuid.UUID
) -> str:
    """POST /visualizations for the entry; the queued visualization's id (202 asserted)."""
    response = await client.post(
        "/api/v1/visualizations", json={"entry_id": str(entry_id)}, headers=headers
    )
    assert response.status_code == 202, response.text
    visualization_id: str = response.json()["data"]["visualization_id"]
    return visualization_id


async def wait_for_status(
    database: Database,
    visualization_id: uuid.UUID | str,
    statuses: tuple[str, ...] = TERMINAL,
    within: float = 15.0,
) -> Visualization:
    """Poll the row (tests only) until it reaches one of `statuses`."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        async with database.sessionmaker() as session:
            row = await session.scalar(
                select(Visualization).where(Visualization.id == uuid.UUID(str(visualization_id)))
            )
        if row is not None and row.status in statuses:
            return row
        if asyncio.get_running_loop().time() > deadline:
            state = None if row is None else (row.status, row.attempts, row.error_message)
            raise AssertionError(f"visualization never reached {statuses}: {state}")
        await asyncio.sleep(0.05)
