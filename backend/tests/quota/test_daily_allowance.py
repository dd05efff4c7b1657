"""Each person's AI requests per UTC day: counted once per request, in PostgreSQL, failures free."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.ai.protocol import AIProvider
from app.main import create_app
from app.models import User
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.fakes.fixtures import make_gemini_provider
from tests.fakes.gemini import FakeGemini
from tests.fakes.replies import error_reply
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.helpers.intake import Intake
from tests.helpers.users import UserFactory
from tests.intake import gemini_answers as answers
from tests.visualizations.fixtures import EntryMaker, WorkerMaker, wait_for_status
from tests.visualizations.scripted_provider import ScriptedProvider

ME = "/api/v1/auth/me"


def seconds_to_utc_midnight() -> float:
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return midnight.timestamp() - time.time()


async def _client(
    settings: Settings, database: Database, provider: AIProvider | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(create_app(settings, database=database, ai_provider=provider)):
        yield client


@pytest.fixture
def two_a_day(settings: Settings) -> Settings:
    return settings.model_copy(update={"ai_text_calls_per_day": 2, "ai_images_per_day": 1})


@pytest.fixture
async def gemini_client(
    two_a_day: Settings, committed_db: Database, fake_gemini: FakeGemini
) -> AsyncIterator[httpx.AsyncClient]:
    provider = make_gemini_provider(fake_gemini, two_a_day)
    async for client in _client(two_a_day, committed_db, provider):
        yield client
    await provider.aclose()


async def usage(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, object]:
    response = await client.get(ME, headers=headers)
    assert response.status_code == 200, response.text
    ai_usage: dict[str, object] = response.json()["data"]["ai_usage"]
    return ai_usage


async def test_the_days_text_calls_run_out_with_a_429_until_utc_midnight(
    gemini_client: httpx.AsyncClient, committed_users: UserFactory, fake_gemini: FakeGemini
) -> None:
    intake = Intake(gemini_client, committed_users.headers(await committed_users.create()))
    assert (await intake.analyze()).status_code == 200
    assert (await intake.analyze()).status_code == 200
    requests_before = len(fake_gemini.requests)

    refused = await intake.analyze()

    body = assert_error(refused, 429, "RATE_LIMIT_EXCEEDED")
    retry = body["error"]["details"]["retry_after_seconds"]
    assert retry == int(refused.headers["retry-after"])
    assert abs(retry - seconds_to_utc_midnight()) < 5
    assert refused.headers["x-ratelimit-limit"] == "2"
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert len(fake_gemini.requests) == requests_before  # refused before any AI call
    today = await usage(gemini_client, intake.headers)
    assert today["text_calls"] == {"used": 2, "limit": 2}
    assert today["day"] == datetime.now(UTC).date().isoformat()
    assert (
        today["resets_at"]
        == (datetime.now(UTC).date() + timedelta(days=1)).isoformat() + "T00:00:00Z"
    )


async def test_a_failed_call_is_not_counted_and_retries_inside_one_request_count_once(
    gemini_client: httpx.AsyncClient, committed_users: UserFactory, fake_gemini: FakeGemini
) -> None:
    intake = Intake(gemini_client, committed_users.headers(await committed_users.create()))
    fake_gemini.script(*answers.outage(answers.ATTEMPTS_PER_CALL))
    assert_error(await intake.analyze(), 503, "GEMINI_API_ERROR")
    assert (await usage(gemini_client, intake.headers))["text_calls"] == {"used": 0, "limit": 2}

    fake_gemini.script(error_reply(503, "UNAVAILABLE"), error_reply(500, "INTERNAL"))
    assert (await intake.analyze()).status_code == 200
    assert len(fake_gemini.requests) == answers.ATTEMPTS_PER_CALL + 3
    assert (await usage(gemini_client, intake.headers))["text_calls"] == {"used": 1, "limit": 2}


async def test_the_count_is_shared_by_every_process_on_the_database(
    two_a_day: Settings, committed_db: Database, committed_users: UserFactory
) -> None:
    headers = committed_users.headers(await committed_users.create())
    async for one in _client(two_a_day, committed_db):
        async for other in _client(two_a_day, committed_db):
            assert (await Intake(one, headers).analyze()).status_code == 200
            assert (await Intake(other, headers).analyze()).status_code == 200
            assert_error(await Intake(one, headers).analyze(), 429, "RATE_LIMIT_EXCEEDED")
            assert_error(await Intake(other, headers).analyze(), 429, "RATE_LIMIT_EXCEEDED")


async def _queue(
    client: httpx.AsyncClient, headers: dict[str, str], entry_id: object
) -> httpx.Response:
    return await client.post(
        "/api/v1/visualizations", json={"entry_id": str(entry_id)}, headers=headers
    )


async def test_a_picture_over_the_days_allowance_is_refused_when_asked_for(
    two_a_day: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
) -> None:
    user: User = await committed_users.create()
    headers = committed_users.headers(user)
    first, second = await make_entry(user), await make_entry(user)
    async for client in _client(two_a_day, committed_db):
        assert (await _queue(client, headers, first.id)).status_code == 202
        refused = await _queue(client, headers, second.id)
        body = assert_error(refused, 429, "RATE_LIMIT_EXCEEDED")
        assert abs(body["error"]["details"]["retry_after_seconds"] - seconds_to_utc_midnight()) < 5
        assert (await usage(client, headers))["images"] == {"used": 1, "limit": 1}
        # Refused, so not queued: the entry has no visualization.
        entry = (await client.get(f"/api/v1/entries/{second.id}", headers=headers)).json()
        assert entry["data"]["has_visualization"] is False


async def test_a_picture_that_fails_for_good_is_given_back(
    viz_settings: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
) -> None:
    one_a_day = viz_settings.model_copy(update={"ai_images_per_day": 1, "job_max_attempts": 1})
    user: User = await committed_users.create()
    headers = committed_users.headers(user)
    entry = await make_entry(user)
    async for client in _client(one_a_day, committed_db):
        queued = await _queue(client, headers, entry.id)
        assert queued.status_code == 202
        assert (await usage(client, headers))["images"] == {"used": 1, "limit": 1}

        await start_worker(ScriptedProvider(script=[RuntimeError("the drawing broke")]))
        failed = await wait_for_status(committed_db, queued.json()["data"]["visualization_id"])

        assert failed.status == "failed"
        assert failed.quota_day is None
        assert (await usage(client, headers))["images"] == {"used": 0, "limit": 1}
        # The day's picture can be asked for again.
        assert (await _queue(client, headers, entry.id)).status_code == 202
