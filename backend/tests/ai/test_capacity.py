"""AI capacity is bounded per process: a full house waits briefly, then gets a clear 503.

The app runs on the fake Gemini with two text slots; the fake holds its answers until released.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.fakes.fixtures import make_gemini_provider
from tests.fakes.gemini import FakeGemini
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.helpers.intake import Intake
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually

ClientMaker = Callable[..., AsyncIterator[httpx.AsyncClient]]


@pytest.fixture
async def two_slot_client(
    settings: Settings,
    committed_db: Database,
    fake_gemini: FakeGemini,
    request: pytest.FixtureRequest,
) -> AsyncIterator[httpx.AsyncClient]:
    wait = getattr(request, "param", 30.0)
    provider = make_gemini_provider(
        fake_gemini, settings, ai_text_concurrency=2, ai_slot_wait_seconds=wait
    )
    app = create_app(settings, database=committed_db, ai_provider=provider)
    try:
        async for client in client_for(app):
            yield client
    finally:
        fake_gemini.release()
        await provider.aclose()


def gauge(metrics: str, name: str, kind: str) -> float:
    match = re.search(rf'^{name}{{kind="{kind}"}} ([0-9.e+-]+)$', metrics, re.MULTILINE)
    return float(match[1]) if match else 0.0


async def test_a_third_call_waits_for_a_slot_and_metrics_show_it_in_flight_and_waiting(
    two_slot_client: httpx.AsyncClient, committed_users: UserFactory, fake_gemini: FakeGemini
) -> None:
    intakes = [
        Intake(two_slot_client, committed_users.headers(await committed_users.create()))
        for _ in range(3)
    ]
    fake_gemini.hold()
    running = [asyncio.create_task(intake.analyze()) for intake in intakes]

    async def in_flight_and_waiting() -> bool:
        metrics = (await two_slot_client.get("/metrics")).text
        return (
            gauge(metrics, "ai_calls_in_flight", "text") == 2
            and gauge(metrics, "ai_calls_waiting", "text") == 1
        )

    await eventually(lambda: fake_gemini.held == 2, what="two calls at Gemini")
    await eventually(in_flight_and_waiting, what="two calls in flight and one waiting")
    assert fake_gemini.held == 2  # the third never reached Gemini while it waited

    fake_gemini.release()
    answers = await asyncio.gather(*running)
    assert [a.status_code for a in answers] == [200, 200, 200]
    metrics = (await two_slot_client.get("/metrics")).text
    assert gauge(metrics, "ai_calls_in_flight", "text") == 0
    assert gauge(metrics, "ai_calls_waiting", "text") == 0


@pytest.mark.parametrize("two_slot_client", [0.2], indirect=True)
async def test_a_call_that_gets_no_slot_in_time_is_503_ai_capacity_exhausted_and_not_counted(
    two_slot_client: httpx.AsyncClient, committed_users: UserFactory, fake_gemini: FakeGemini
) -> None:
    busy = [
        Intake(two_slot_client, committed_users.headers(await committed_users.create()))
        for _ in range(2)
    ]
    user = await committed_users.create()
    third = Intake(two_slot_client, committed_users.headers(user))
    fake_gemini.hold()
    running = [asyncio.create_task(intake.analyze()) for intake in busy]
    await eventually(lambda: fake_gemini.held == 2, what="both slots taken")

    refused = await third.analyze()

    body = assert_error(refused, 503, "AI_CAPACITY_EXHAUSTED")
    assert int(refused.headers["retry-after"]) >= 1
    assert body["error"]["details"]["retry_after_seconds"] == int(refused.headers["retry-after"])
    me = (await two_slot_client.get("/api/v1/auth/me", headers=third.headers)).json()["data"]
    assert me["ai_usage"]["text_calls"]["used"] == 0
    fake_gemini.release()
    assert [a.status_code for a in await asyncio.gather(*running)] == [200, 200]
