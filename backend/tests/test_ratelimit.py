"""Rate limits: per user, per address on auth, headers, 429 envelope, Redis storage."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from app.platform.ratelimit.limiter import RateLimiter
from tests.helpers.clients import client_for
from tests.helpers.users import UserFactory


def _limited(settings: Settings, **overrides: object) -> Settings:
    return settings.model_copy(
        update={
            "rate_limit_enabled": True,
            "rate_limit_per_minute": 5,
            "rate_limit_per_hour": 50,
            "rate_limit_auth_per_minute": 2,
            **overrides,
        }
    )


@pytest.fixture
async def limited(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(_limited(settings), database=database)
    async for client in client_for(app):
        yield client


async def test_user_gets_limit_headers_then_429_with_retry_after(
    limited: httpx.AsyncClient, users: UserFactory
) -> None:
    user = await users.create()
    headers = users.headers(user)
    for expected_remaining in (4, 3, 2, 1, 0):
        response = await limited.get("/api/v1/emotions", headers=headers)
        assert response.status_code == 200
        assert response.headers["x-ratelimit-limit"] == "5"
        assert response.headers["x-ratelimit-remaining"] == str(expected_remaining)
        assert int(response.headers["x-ratelimit-reset"]) >= int(time.time())
    refused = await limited.get("/api/v1/emotions", headers=headers)
    assert refused.status_code == 429
    body = refused.json()
    assert body["success"] is False
    assert body["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    retry = body["error"]["details"]["retry_after_seconds"]
    assert 1 <= retry <= 60
    assert refused.headers["retry-after"] == str(retry)
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert refused.headers["x-request-id"] == body["meta"]["request_id"]


async def test_limits_are_per_user_not_global(
    limited: httpx.AsyncClient, users: UserFactory
) -> None:
    first, second = await users.create(), await users.create()
    for _ in range(5):
        assert (await limited.get("/api/v1/emotions", headers=users.headers(first))).is_success
    assert (await limited.get("/api/v1/emotions", headers=users.headers(first))).status_code == 429
    assert (await limited.get("/api/v1/emotions", headers=users.headers(second))).is_success


async def test_health_and_docs_are_not_limited(limited: httpx.AsyncClient) -> None:
    for _ in range(8):
        assert (await limited.get("/health")).status_code == 200
    assert "x-ratelimit-limit" not in (await limited.get("/health")).headers


async def test_login_and_register_are_limited_per_address(limited: httpx.AsyncClient) -> None:
    statuses = [(await limited.post("/api/v1/auth/login", json={})).status_code for _ in range(3)]
    assert statuses[:2] != [429, 429]
    assert statuses[2] == 429
    # Register shares the per-address budget with login: guessing can't switch doors.
    assert (await limited.post("/api/v1/auth/register", json={})).status_code == 429


async def test_password_attempts_are_counted_before_the_hash_per_email_and_address(
    settings: Settings,
) -> None:
    limiter = RateLimiter(_limited(settings, rate_limit_login_failures_per_hour=3))
    email = f"victim-{uuid.uuid4().hex[:6]}@example.com"
    for _ in range(3):
        assert await limiter.take_password_attempt(email, "10.0.0.1", known_address=False) is None
    refused = await limiter.take_password_attempt(email.upper(), "10.0.0.1", known_address=False)
    assert refused is not None
    decision, what = refused
    assert decision.allowed is False
    assert decision.retry_after_seconds >= 1
    assert what == "Too many failed logins"
    # Another address, or another e-mail from this one, is not this count.
    assert await limiter.take_password_attempt(email, "10.0.0.2", known_address=False) is None
    assert (
        await limiter.take_password_attempt("x@example.com", "10.0.0.1", known_address=True) is None
    )
    # A correct password starts this e-mail and address afresh.
    await limiter.forget_password_failures(email, "10.0.0.1")
    assert await limiter.take_password_attempt(email, "10.0.0.1", known_address=False) is None


@pytest.mark.skipif(
    not os.environ.get("TEST_REDIS_URL"),
    reason="set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to test the Redis storage",
)
async def test_redis_storage_is_shared_between_two_app_instances(
    settings: Settings, database: Database, users: UserFactory
) -> None:
    redis_settings = _limited(
        settings, rate_limit_storage_url=SecretStr(os.environ["TEST_REDIS_URL"])
    )
    first_app = create_app(redis_settings, database=database)
    second_app = create_app(redis_settings, database=database)
    await first_app.state.limiter.reset()
    user = await users.create()
    headers = users.headers(user)
    async for first in client_for(first_app):
        async for second in client_for(second_app):
            answered = [
                (await (first if i % 2 else second).get("/api/v1/emotions", headers=headers))
                for i in range(6)
            ]
    assert [r.status_code for r in answered] == [200] * 5 + [429]
    await first_app.state.limiter.reset()


async def test_metrics_expose_requests_by_route_and_queue_depth(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/api/v1/emotions")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'http_requests_total{method="GET",route="/api/v1/emotions",status="200"}' in text
    assert "http_request_duration_seconds_bucket" in text
    assert 'job_queue_depth{status="pending"}' in text


async def test_metrics_count_ai_calls_by_provider_and_kind(client: httpx.AsyncClient) -> None:
    from app.ai.telemetry import AICallRecord, record_ai_call

    record_ai_call(
        AICallRecord(
            provider="gemini",
            kind="image",
            operation="render_image",
            model="gemini-3-pro-image",
            duration_seconds=12.5,
            outcome="blocked",
        )
    )
    text = (await client.get("/metrics")).text
    assert 'ai_calls_total{kind="image",outcome="blocked",provider="gemini"}' in text
    assert 'ai_call_duration_seconds_bucket{kind="image",le="20.0",provider="gemini"}' in text
