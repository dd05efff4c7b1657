"""While Gemini thinks, nobody else waits: intakes in flight hold no connection and no row lock.

The app runs on a pool of its own (4 connections, no overflow, a short pool time-out), on the
real google-genai SDK against the fake Gemini, which holds every answer until the test releases
it. Hundreds of intakes then wait on the AI at once while another person reads their journal.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import httpx
import pytest

from app.ai.gemini import GeminiProvider
from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database, create_engine, libpq_url
from tests.fakes.fixtures import make_gemini_provider
from tests.fakes.gemini import FakeGemini
from tests.helpers.clients import client_for
from tests.helpers.db_activity import busy_connections
from tests.helpers.intake import Intake, first_option
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually

ENTRIES = "/api/v1/entries"
POOL_SIZE = 4


@dataclass
class SmallPoolApp:
    client: httpx.AsyncClient
    provider: GeminiProvider


@pytest.fixture
async def small_pool_app(
    settings: Settings, committed_db: Database, fake_gemini: FakeGemini
) -> AsyncIterator[SmallPoolApp]:
    pool_settings = settings.model_copy(
        update={"db_pool_size": POOL_SIZE, "db_max_overflow": 0, "db_pool_timeout_seconds": 3.0}
    )
    database = Database.from_engine(create_engine(pool_settings))
    provider = make_gemini_provider(fake_gemini, pool_settings, gemini_text_timeout_seconds=60.0)
    app = create_app(pool_settings, database=database, ai_provider=provider)
    try:
        async for client in client_for(app):
            yield SmallPoolApp(client, provider)
    finally:
        fake_gemini.release()
        await provider.aclose()
        await database.dispose()


async def _reader(client: httpx.AsyncClient, users: UserFactory) -> dict[str, str]:
    headers = users.headers(await users.create())
    for n in range(3):
        body = {"situation": f"Entry {n}", "emotions": ["joy"], "intensity": 0.5}
        assert (await client.post(ENTRIES, json=body, headers=headers)).status_code == 201
    return headers


@pytest.mark.parametrize("waiting", [30, 200])
async def test_intakes_waiting_on_a_slow_gemini_hold_no_connection_and_reads_go_on(
    small_pool_app: SmallPoolApp,
    committed_users: UserFactory,
    fake_gemini: FakeGemini,
    pg_url: str,
    waiting: int,
) -> None:
    client = small_pool_app.client
    reader = await _reader(client, committed_users)
    intakes = [
        Intake(client, committed_users.headers(await committed_users.create()))
        for _ in range(waiting)
    ]
    idle = await busy_connections(pg_url)

    fake_gemini.hold()
    started = [asyncio.create_task(intake.analyze()) for intake in intakes]
    await eventually(lambda: fake_gemini.held == waiting, what=f"{waiting} calls at Gemini")

    # All of them are in flight at once (the SDK's own pool does not queue them), and none of
    # them holds a connection: as many as before they started, not one per waiting call.
    assert await busy_connections(pg_url) == idle
    reads = [await client.get(ENTRIES, headers=reader) for _ in range(3 * POOL_SIZE)]
    assert [r.status_code for r in reads] == [200] * len(reads)
    assert all(r.json()["data"]["total"] == 3 for r in reads)
    # The reads were answered while every AI call was still pending.
    assert fake_gemini.held == waiting
    assert not any(task.done() for task in started)

    fake_gemini.release()
    answers = await asyncio.gather(*started)
    assert [a.status_code for a in answers] == [200] * waiting, answers[0].text
    assert await busy_connections(pg_url) == idle


async def test_a_refine_waiting_on_gemini_holds_no_row_lock_and_a_second_one_gets_409(
    small_pool_app: SmallPoolApp,
    committed_users: UserFactory,
    fake_gemini: FakeGemini,
    pg_url: str,
) -> None:
    intake = Intake(small_pool_app.client, committed_users.headers(await committed_users.create()))
    started = await intake.start()
    session_id = started["session_id"]
    idle = await busy_connections(pg_url)

    fake_gemini.hold()
    first = asyncio.create_task(intake.refine(session_id, first_option(started["scenarios"])))
    await eventually(lambda: fake_gemini.held == 1, what="the refine's call at Gemini")

    assert await busy_connections(pg_url) == idle
    conn = await asyncpg.connect(libpq_url(pg_url))
    try:
        async with conn.transaction():
            # NOWAIT: this fails at once if anything holds the row.
            locked = await conn.fetchval(
                "SELECT id FROM intake_sessions WHERE id = $1 FOR UPDATE NOWAIT",
                uuid.UUID(session_id),
            )
        assert str(locked) == session_id
    finally:
        await conn.close()
    second = await intake.refine(session_id, first_option(started["scenarios"]))
    assert second.status_code == 409, second.text
    assert fake_gemini.held == 1  # the second one never reached Gemini

    fake_gemini.release()
    assert (await first).status_code == 200
