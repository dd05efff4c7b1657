"""The pool and the request transaction: dead connections replaced, commit before answering."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.db import create_engine
from tests.conftest import UserFactory
from tests.test_foundation import assert_error


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


@pytest.fixture
async def small_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings, pool_size=1, max_overflow=0)
    yield engine
    await engine.dispose()


async def test_a_connection_closed_by_the_server_is_replaced_on_checkout(
    small_engine: AsyncEngine, engine: AsyncEngine
) -> None:
    first = await _backend_pid(small_engine)
    async with small_engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
    assert driver is not None

    # What a PostgreSQL restart does to every client: the server ends the backend.
    async with engine.connect() as admin:
        await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    for _ in range(500):  # asyncpg sees the socket close as soon as the loop reads it
        if driver.is_closed():
            break
        await asyncio.sleep(0.01)
    assert driver.is_closed()

    # The pooled connection is dead, yet the next request gets a working one, first time.
    second = await _backend_pid(small_engine)
    assert second != first


async def test_the_request_transaction_commits_before_the_answer_is_sent(
    client: httpx.AsyncClient, users: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit that fails is the answer (503 here), never a 201 for data that was not kept."""
    user = await users.create()

    async def failing_commit(self: AsyncSession) -> None:
        raise OperationalError("COMMIT", {}, ConnectionResetError("server closed"))

    monkeypatch.setattr(AsyncSession, "commit", failing_commit)
    response = await client.post(
        "/api/v1/entries",
        json={"situation": "kept?", "emotions": ["joy"], "intensity": 0.5},
        headers=users.headers(user),
    )
    assert_error(response, 503, "SERVICE_UNAVAILABLE")
