"""The pool and the request transaction: dead connections replaced, commit before answering."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.pool import QueuePool

from app import main
from app.platform.config import Settings
from app.platform.db.database import Database, RequestDb, create_engine, open_pool
from app.platform.db.errors import is_database_unavailable
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.helpers.settings import unreachable_db_settings
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually


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
    # asyncpg sees the socket close as soon as the loop reads it.
    await eventually(driver.is_closed, what="asyncpg to see the server end the connection")

    # The pooled connection is dead, yet the next request gets a working one, first time.
    second = await _backend_pid(small_engine)
    assert second != first


async def test_the_request_transaction_commits_before_the_answer_is_sent(
    client: httpx.AsyncClient, users: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit that fails is the answer (503 here), never a 200 for a change not kept."""
    user = await users.create()
    headers = users.headers(user)
    created = await client.post(
        "/api/v1/entries",
        json={"situation": "before", "emotions": ["joy"], "intensity": 0.5},
        headers=headers,
    )
    entry_id = created.json()["data"]["entry"]["id"]
    # Warm: the caller's profile is cached, so only the update itself uses the session.
    assert (await client.get(f"/api/v1/entries/{entry_id}", headers=headers)).status_code == 200

    async def failing_commit(self: AsyncSession) -> None:
        raise OperationalError("COMMIT", {}, ConnectionResetError("server closed"))

    monkeypatch.setattr(AsyncSession, "commit", failing_commit)
    response = await client.put(
        f"/api/v1/entries/{entry_id}", json={"situation": "kept?"}, headers=headers
    )
    assert_error(response, 503, "SERVICE_UNAVAILABLE")


def test_a_client_protocol_left_in_a_bad_state_counts_as_the_database_being_unavailable() -> None:
    # What the raw lane raised when PostgreSQL terminated a connection between two statements.
    confused = asyncpg.exceptions.InternalClientError(
        "cannot switch to state 12; another operation (2) is in progress"
    )
    assert is_database_unavailable(confused)


async def test_a_request_that_failed_because_of_its_connection_drops_it(
    small_engine: AsyncEngine,
) -> None:
    database = Database.from_engine(small_engine)

    async def backend_of_a_request(*, discard: bool) -> int:
        request_db = RequestDb(database)
        pid = int(await (await request_db.driver()).fetchval("SELECT pg_backend_pid()"))
        await request_db.finish(commit=False, discard=discard)
        return pid

    kept = await backend_of_a_request(discard=False)
    assert await backend_of_a_request(discard=False) == kept  # pooled and reused
    assert await backend_of_a_request(discard=True) == kept
    # Discarded: closed, not handed to the next request.
    assert await backend_of_a_request(discard=False) != kept
    pool = small_engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.checkedout() == 0


async def test_open_pool_leaves_the_pool_full_of_idle_connections(settings: Settings) -> None:
    database = Database.from_engine(create_engine(settings, pool_size=3, max_overflow=0))
    try:
        assert await open_pool(database, 3) == 3
        pool = database.engine.sync_engine.pool
        assert isinstance(pool, QueuePool)
        assert (pool.checkedin(), pool.checkedout()) == (3, 0)  # open, idle, ready
    finally:
        await database.dispose()


async def test_opening_the_pool_early_does_not_stop_start_up_when_the_database_is_down(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    dead = unreachable_db_settings(settings)
    database = Database.from_engine(create_engine(dead, pool_size=2, max_overflow=0))
    try:
        assert await open_pool(database, 2) == 0
    finally:
        await database.dispose()
    assert "could not open the connection pool ahead of requests" in caplog.text


async def test_a_serving_app_opens_its_pool_before_the_first_request(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[int] = []

    async def record(database: Database, connections: int) -> int:
        opened.append(connections)
        return connections

    monkeypatch.setattr(main, "open_pool", record)
    monkeypatch.setattr(main, "tune_for_serving", lambda: None)  # process-wide: not in tests
    app = main.create_app(settings.model_copy(update={"db_pool_size": 7}), serving=True)
    async for client in client_for(app):
        assert opened == [7]
        assert (await client.get("/health")).status_code == 200


async def test_the_driver_of_a_connection_invalidated_since_checkout_is_a_fresh_one(
    small_engine: AsyncEngine,
) -> None:
    """After an invalidation RequestDb.driver asks SQLAlchemy for the connection, which
    reconnects."""
    request_db = RequestDb(Database.from_engine(small_engine))
    connection = await request_db._connect()
    await connection.invalidate()
    driver = await request_db.driver()
    assert not driver.is_closed()
    assert await driver.fetchval("SELECT 1") == 1
    await request_db.finish(commit=False)
