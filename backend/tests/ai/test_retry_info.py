"""Gemini's RetryInfo on a 429: waited out without a slot when it fits, else passed on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from app.ai.deadline import ai_deadline
from app.ai.errors import AITextError
from app.ai.gemini import GeminiProvider
from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.fakes.fixtures import make_gemini_provider
from tests.fakes.gemini import FakeGemini
from tests.fakes.replies import rate_limited_reply
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.helpers.intake import Intake
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually


@pytest.fixture
async def one_slot(fake_gemini: FakeGemini) -> AsyncIterator[GeminiProvider]:
    provider = make_gemini_provider(fake_gemini, ai_text_concurrency=1, ai_slot_wait_seconds=0.1)
    yield provider
    await provider.aclose()


async def test_the_requested_pause_is_waited_out_holding_no_slot(
    fake_gemini: FakeGemini, one_slot: GeminiProvider
) -> None:
    fake_gemini.script(rate_limited_reply("1.5s"))
    paused = asyncio.create_task(one_slot.start_intake("My exam is tomorrow."))
    await eventually(lambda: len(fake_gemini.requests) == 1, what="the first attempt's 429")

    # The only slot is free while the first call pauses, so another call goes straight through
    # (with a slot wait of 0.1 s it would otherwise be refused).
    other = await one_slot.start_intake("My flatmate never cleans up.")

    assert other.scenarios
    assert not paused.done()
    step = await paused
    assert step.scenarios
    assert len(fake_gemini.requests) == 3


async def test_a_pause_longer_than_the_retry_policy_allows_is_passed_on_at_once(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(rate_limited_reply("120s"))
    with pytest.raises(AITextError) as caught:
        await gemini_provider.start_intake("My exam is tomorrow.")
    assert caught.value.retry_after_seconds == 120
    assert caught.value.headers == {"Retry-After": "120"}
    assert "Try again in 120 s" in caught.value.message
    assert len(fake_gemini.requests) == 1


async def test_a_pause_that_would_outlast_the_request_budget_is_passed_on(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(rate_limited_reply("5s"))
    with ai_deadline(2.0), pytest.raises(AITextError) as caught:
        await gemini_provider.start_intake("My exam is tomorrow.")
    assert caught.value.retry_after_seconds == 5
    assert len(fake_gemini.requests) == 1


@pytest.fixture
async def gemini_app(
    settings: Settings, committed_db: Database, fake_gemini: FakeGemini
) -> AsyncIterator[httpx.AsyncClient]:
    provider = make_gemini_provider(fake_gemini, settings)
    async for client in client_for(
        create_app(settings, database=committed_db, ai_provider=provider)
    ):
        yield client
    await provider.aclose()


async def test_the_app_answers_503_with_gemini_s_retry_after(
    gemini_app: httpx.AsyncClient, committed_users: UserFactory, fake_gemini: FakeGemini
) -> None:
    intake = Intake(gemini_app, committed_users.headers(await committed_users.create()))
    fake_gemini.script(rate_limited_reply("90s"))

    refused = await intake.analyze()

    body = assert_error(refused, 503, "GEMINI_API_ERROR")
    assert refused.headers["retry-after"] == "90"
    assert body["error"]["details"] == {"retry_after_seconds": 90}
    me = (await gemini_app.get("/api/v1/auth/me", headers=intake.headers)).json()["data"]
    assert me["ai_usage"]["text_calls"]["used"] == 0
