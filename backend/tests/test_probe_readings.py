"""/health/ready and /metrics reuse their database reading instead of a query per poke."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from app.platform.reading_cache import CachedReading
from tests.helpers.clients import client_for
from tests.helpers.sql_recorder import recorded_statements


async def _client(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(create_app(settings, database=database)):
        yield client


@pytest.mark.parametrize(("ttl", "queries"), [(60.0, 1), (0.0, 5)])
async def test_probes_ask_the_database_once_per_reading_period(
    settings: Settings, database: Database, ttl: float, queries: int
) -> None:
    async for client in _client(settings.model_copy(update={"probe_cache_seconds": ttl}), database):
        with recorded_statements(database.engine) as statements:
            for _ in range(5):
                assert (await client.get("/health/ready")).status_code == 200
                assert (await client.get("/metrics")).status_code == 200
    assert sum(s.strip() == "SELECT 1" for s in statements) == queries
    assert sum("FROM visualizations" in s for s in statements) == queries


async def test_callers_arriving_during_a_reading_share_it_and_it_is_read_again_when_stale() -> None:
    now = [0.0]
    reads = 0
    release = asyncio.Event()

    async def read() -> int:
        nonlocal reads
        reads += 1
        await release.wait()
        return reads

    reading = CachedReading(read, 1.5, clock=lambda: now[0])
    waiting = [asyncio.create_task(reading.get()) for _ in range(10)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*waiting) == [1] * 10
    now[0] = 1.0
    assert await reading.get() == 1
    now[0] = 1.6
    assert await reading.get() == 2
