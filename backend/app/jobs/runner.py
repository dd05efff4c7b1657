"""Assembling a visualization worker, in the API process or standalone (`emotionviz worker`)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from app.core.config import Settings
from app.core.db import Database, create_engine
from app.jobs.worker import Worker
from app.visualizations.media import MediaStore
from app.visualizations.pipeline import (
    VisualizationPipeline,
    VisualizationProvider,
    give_back_image,
)


def build_worker(
    settings: Settings,
    database: Database,
    provider: Callable[[], VisualizationProvider],
    *,
    concurrency: int | None = None,
) -> Worker:
    pipeline = VisualizationPipeline(provider=provider, media=MediaStore(settings.media_path))
    return Worker(settings, database, pipeline, concurrency=concurrency, on_failed=give_back_image)


async def run_worker(
    settings: Settings,
    provider: VisualizationProvider,
    *,
    concurrency: int | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until SIGTERM/SIGINT (or `stop`), then finish or release in-flight jobs."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    database = Database.from_engine(
        create_engine(settings, pool_size=(concurrency or settings.worker_concurrency) + 2)
    )
    worker = build_worker(settings, database, lambda: provider, concurrency=concurrency)
    try:
        await worker.start()
        await stop.wait()
        await worker.stop()
    finally:
        await database.dispose()
