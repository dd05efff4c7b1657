"""An AI failure tells the person what happened and a reference; operators get the details."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from app.ai.gemini import GeminiProvider
from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.fakes.fixtures import FAKE_GEMINI_KEY, fake_gemini, gemini_provider
from tests.fakes.gemini import FakeGemini
from tests.fakes.replies import blocked_reply, error_reply, invalid_key_reply
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.helpers.users import UserFactory

__all__ = ["fake_gemini", "gemini_provider"]

ANALYZE = "/api/v1/intake/analyze"
SITUATION = {"situation": "My manager moved the deadline up by a week"}
# What an operator needs and a person must not see: the service, the model, the setting.
OPERATOR_WORDS = ("Gemini", "gemini-", "GEMINI_API_KEY", "API key", "model")


@pytest.fixture
async def client(
    settings: Settings, database: Database, gemini_provider: GeminiProvider
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, database=database, ai_provider=gemini_provider)
    async for c in client_for(app):
        yield c


async def test_a_rejected_key_is_a_generic_message_with_the_request_id(
    client: httpx.AsyncClient,
    users: UserFactory,
    fake_gemini: FakeGemini,
    caplog: pytest.LogCaptureFixture,
) -> None:
    headers = users.headers(await users.create())
    fake_gemini.script(invalid_key_reply())

    with caplog.at_level(logging.WARNING):
        response = await client.post(ANALYZE, json=SITUATION, headers=headers)

    body = assert_error(response, 503, "GEMINI_API_ERROR")
    message = body["error"]["message"]
    request_id = response.headers["x-request-id"]
    assert message == (
        f"The AI service is unavailable right now. Try again shortly. (Reference: {request_id})"
    )
    assert not any(word in message for word in OPERATOR_WORDS)
    assert "API key not valid" not in response.text
    assert FAKE_GEMINI_KEY not in response.text
    # The log (whose lines carry the request id) says what to fix, and never the key itself.
    assert any("Set a valid key in GEMINI_API_KEY" in r.getMessage() for r in caplog.records)
    assert FAKE_GEMINI_KEY not in caplog.text


async def test_health_ready_names_the_problem_for_operators(
    client: httpx.AsyncClient, users: UserFactory, fake_gemini: FakeGemini
) -> None:
    headers = users.headers(await users.create())
    fake_gemini.script(error_reply(404, "NOT_FOUND", "models/gemini-nope is not found"))
    assert (await client.post(ANALYZE, json=SITUATION, headers=headers)).status_code == 503

    ready = (await client.get("/health/ready")).json()
    assert ready["checks"]["gemini_api"] == "unhealthy"
    assert "GEMINI_TEXT_MODEL" in ready["problems"]["gemini_api"]
    assert "nanobanana_api" not in ready["problems"]

    # One call that works (the fake's own answer), and the problem is gone from the report.
    assert (await client.post(ANALYZE, json=SITUATION, headers=headers)).status_code == 200
    ready = (await client.get("/health/ready")).json()
    assert ready["checks"]["gemini_api"] == "healthy"
    assert ready["problems"] == {}


async def test_a_refusal_says_so_without_the_providers_words(
    client: httpx.AsyncClient, users: UserFactory, fake_gemini: FakeGemini
) -> None:
    headers = users.headers(await users.create())
    fake_gemini.script(blocked_reply("SAFETY"))
    response = await client.post(ANALYZE, json=SITUATION, headers=headers)
    assert response.status_code >= 400
    message = response.json()["error"]["message"]
    assert message.startswith("The AI's safety filters declined this request.")
    assert "(Reference: " in message
    assert not any(word in message for word in OPERATOR_WORDS)
