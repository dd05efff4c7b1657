"""The Gemini fault paths through each transport google-genai may send with.

The SDK sends async calls through aiohttp whenever aiohttp can be imported (the S3 client
depends on it), else through httpx; each raises its own exceptions for a timeout or a dropped
connection, and the error mapping (app/ai/gemini_errors.py) must recognise both. Every test
runs once per transport, forced the way the SDK itself decides on each request
(`google.genai._api_client.has_aiohttp`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from google.genai import _api_client

from app.ai.errors import AIImageError, AITextError
from app.ai.gemini import GeminiProvider
from tests.fakes import replies
from tests.fakes.fixtures import make_gemini_provider
from tests.fakes.gemini import FakeGemini
from tests.helpers.ai_inputs import ANALYSIS, ENTRY


@pytest.fixture(params=["httpx", "aiohttp"])
def transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "httpx":
        monkeypatch.setattr(_api_client, "has_aiohttp", False)
    else:
        assert _api_client.has_aiohttp, "aiohttp is installed with the S3 client"
    name: str = request.param
    return name


@pytest.fixture
async def provider(transport: str, fake_gemini: FakeGemini) -> AsyncIterator[GeminiProvider]:
    gemini = make_gemini_provider(fake_gemini)
    yield gemini
    await gemini.aclose()


def _sessions(provider: GeminiProvider) -> dict[object, object]:
    sessions: dict[object, object] = provider._text_client._api_client._aiohttp_sessions
    return sessions


async def test_calls_go_through_the_forced_transport(
    transport: str, provider: GeminiProvider
) -> None:
    assert (await provider.start_intake("My exam is tomorrow.")).scenarios
    # aiohttp keeps a session per event loop once used; httpx never opens one.
    assert bool(_sessions(provider)) == (transport == "aiohttp")


async def test_retries_429_500_503_then_succeeds(
    fake_gemini: FakeGemini, provider: GeminiProvider
) -> None:
    fake_gemini.script(
        replies.error_reply(429, "RESOURCE_EXHAUSTED", "Quota exceeded"),
        replies.error_reply(500, "INTERNAL"),
        replies.error_reply(503, "UNAVAILABLE", "The model is overloaded."),
    )
    step = await provider.start_intake("My exam is tomorrow.")
    assert step.scenarios
    assert len(fake_gemini.requests) == 4
    assert provider.readiness()["gemini_api"] == "healthy"


async def test_gives_up_after_the_retries_with_a_retryable_error(
    fake_gemini: FakeGemini, provider: GeminiProvider
) -> None:
    fake_gemini.script(*[replies.error_reply(503, "UNAVAILABLE")] * 4)
    with pytest.raises(AITextError) as caught:
        await provider.start_intake("My exam is tomorrow.")
    assert caught.value.retryable
    assert caught.value.code == "GEMINI_API_ERROR"
    assert "is unavailable (503 UNAVAILABLE) after 4 attempts" in caught.value.message
    assert len(fake_gemini.requests) == 4  # 1 + ai_max_retries
    assert provider.readiness()["gemini_api"] == "unhealthy"


async def test_slow_answer_times_out_then_retry_succeeds(
    transport: str, fake_gemini: FakeGemini
) -> None:
    provider = make_gemini_provider(fake_gemini, gemini_text_timeout_seconds=0.3)
    fake_gemini.script(replies.text_reply(replies.SUMMARY_ANSWER).after(1.0))
    try:
        summary = await provider.summarize_intake("x", [], ["joy"], 0.5)
    finally:
        await provider.aclose()
    assert summary.insights
    assert len(fake_gemini.requests) == 2


async def test_a_timeout_on_every_attempt_is_a_retryable_timeout_error(
    transport: str, fake_gemini: FakeGemini
) -> None:
    provider = make_gemini_provider(fake_gemini, nanobanana_timeout_seconds=0.2, ai_max_retries=1)
    fake_gemini.script(*[replies.image_reply().after(1.0)] * 2)
    try:
        with pytest.raises(AIImageError) as caught:
            await provider.render_image(ANALYSIS, ENTRY, "metaphor")
    finally:
        await provider.aclose()
    assert caught.value.retryable
    assert "did not answer within 0.2 s after 2 attempts" in caught.value.message
    assert "NANOBANANA_TIMEOUT_SECONDS" in caught.value.message


async def test_a_dropped_connection_is_retried_then_succeeds(
    fake_gemini: FakeGemini, provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.dropped_connection())
    summary = await provider.summarize_intake("x", [], ["joy"], 0.5)
    assert summary.insights
    assert len(fake_gemini.requests) == 2


async def _intake_error(provider: GeminiProvider) -> AITextError:
    """The error a first intake step ends with; the provider is closed either way."""
    try:
        with pytest.raises(AITextError) as caught:
            await provider.start_intake("x")
    finally:
        await provider.aclose()
    return caught.value


async def test_connections_dropped_every_time_are_a_retryable_unreachable_error(
    transport: str, fake_gemini: FakeGemini
) -> None:
    fake_gemini.script(*[replies.dropped_connection()] * 4)
    error = await _intake_error(make_gemini_provider(fake_gemini, ai_max_retries=1))
    # Two attempts, both ours: the SDK retries nothing by itself (under aiohttp it would sleep
    # 1-10 s and try once more unless its own retry options say one attempt).
    assert len(fake_gemini.requests) == 2
    assert error.retryable
    assert "Could not reach Gemini" in error.message
    assert "Check the network or GEMINI_BASE_URL" in error.message


async def test_a_refused_connection_is_a_retryable_unreachable_error(transport: str) -> None:
    with FakeGemini.running() as fake:
        provider = make_gemini_provider(fake, ai_max_retries=0)
    # The server is gone: its port now refuses connections.
    error = await _intake_error(provider)
    assert error.retryable
    assert "Could not reach Gemini" in error.message
