"""Assembling a visualization worker, in the API process or standalone (`emotionviz worker`)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from app.jobs.worker import Worker
from app.media.deletions import MediaDeletions
from app.media.factory import open_media_store
from app.media.images import pixel_cap
from app.media.store import MediaStore
from app.platform.config import Settings
from app.platform.db.database import Database, create_engine
from app.visualizations.pipeline import (
    VisualizationPipeline,
    VisualizationProvider,
    give_back_image,
)


def build_worker(
    settings: Settings,
    database: Database,
    provider: Callable[[], VisualizationProvider],
    media: MediaStore,
    deletions: MediaDeletions,
    *,
    concurrency: int | None = None,
) -> Worker:
    pipeline = VisualizationPipeline(
        provider=provider,
        media=media,
        deletions=deletions,
        max_pixels=pixel_cap(settings.nanobanana_image_size),
    )
    return Worker(settings, database, pipeline, concurrency=concurrency, on_failed=give_back_image)


async def run_worker(
    settings: Settings,
    provider: VisualizationProvider,
    *,
    concurrency: int | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until SIGTERM/SIGINT (or `stop`), then finish or release in-flight jobs.

    Beside the jobs, it retries the removal of deleted visualizations' pictures that the store
    did not confirm (app.media.deletions).
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    # Per running job its own work and its lease heartbeat may overlap; plus the sweeper.
    database = Database.from_engine(
        create_engine(settings, pool_size=(concurrency or settings.worker_concurrency) + 3)
    )
    # No signer: a worker stores pictures, it hands out no links to them.
    media = await open_media_store(settings)
    deletions = MediaDeletions.from_settings(media, database, settings)
    worker = build_worker(
        settings, database, lambda: provider, media, deletions, concurrency=concurrency
    )
    try:
        await worker.start()
        deletions.start_sweeping()
        await stop.wait()
        await worker.stop()
    finally:
        await deletions.stop()
        await media.aclose()
        await database.dispose()
