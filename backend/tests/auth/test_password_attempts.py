"""Password guessing is slowed per e-mail and address, and never locks the owner out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from bench.asgi_state import per_request_state
from tests.helpers.accounts import STRONG_PASSWORD, bearer
from tests.helpers.envelope import assert_error

API = "/api/v1"
OWNER = "owner@example.com"
WRONG = "WrongPassword123!"
ClientAt = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def throttled(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "rate_limit_enabled": True,
            # The request limits are not what these tests are about.
            "rate_limit_per_minute": 100_000,
            "rate_limit_per_hour": 100_000,
            "rate_limit_auth_per_minute": 100_000,
            "rate_limit_login_failures_per_hour": 10,
            "rate_limit_login_failures_per_address_per_hour": 30,
            "rate_limit_login_failures_per_email_per_hour": 20,
        }
    )


@pytest.fixture
async def client_at(throttled: Settings, committed_db: Database) -> AsyncIterator[ClientAt]:
    """Clients of one running app, each from the client address it is given. The database
    really commits: parallel logins each need a connection of their own."""
    app: FastAPI = create_app(throttled, database=committed_db)
    async with LifespanManager(per_request_state(app)) as manager:

        @asynccontextmanager
        async def at(address: str) -> AsyncIterator[httpx.AsyncClient]:
            transport = httpx.ASGITransport(app=manager.app, client=(address, 40_000))
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield client

        yield at


async def login(client: httpx.AsyncClient, password: str, email: str = OWNER) -> httpx.Response:
    return await client.post(f"{API}/auth/login", json={"email": email, "password": password})


async def register_owner(client_at: ClientAt, address: str = "10.0.0.1") -> None:
    async with client_at(address) as phone:
        registered = await phone.post(
            f"{API}/auth/register",
            json={"email": OWNER, "password": STRONG_PASSWORD, "name": "Owner"},
        )
        assert registered.status_code == 201, registered.text


async def test_guesses_from_one_address_are_stopped_and_the_owner_still_logs_in(
    client_at: ClientAt,
) -> None:
    await register_owner(client_at)
    async with client_at("203.0.113.9") as guesser:
        outcomes = [(await login(guesser, WRONG)).status_code for _ in range(25)]
        # Ten wrong answers, then refused before any password is checked.
        assert outcomes == [401] * 10 + [429] * 15
        body = assert_error(await login(guesser, STRONG_PASSWORD), 429, "RATE_LIMIT_EXCEEDED")
        assert body["error"]["details"]["retry_after_seconds"] >= 1
    async with client_at("10.0.0.1") as phone:
        assert (await login(phone, STRONG_PASSWORD)).status_code == 200


async def test_guesses_spread_over_many_addresses_block_new_devices_but_not_known_ones(
    client_at: ClientAt,
) -> None:
    await register_owner(client_at)
    for n in range(25):
        async with client_at(f"198.51.100.{n}") as guesser:
            await login(guesser, WRONG)

    # Twenty failures for this e-mail from addresses it does not know: a new one is refused...
    async with client_at("192.0.2.77") as new_device:
        refused = assert_error(await login(new_device, STRONG_PASSWORD), 429, "RATE_LIMIT_EXCEEDED")
        assert "new devices" in refused["error"]["message"]
    # ...while the owner's phone, which has logged in before, is not.
    async with client_at("10.0.0.1") as phone:
        assert (await login(phone, STRONG_PASSWORD)).status_code == 200


async def test_one_address_trying_many_accounts_is_stopped(client_at: ClientAt) -> None:
    async with client_at("203.0.113.50") as stuffer:
        statuses = [
            (await login(stuffer, WRONG, f"someone{n}@example.com")).status_code for n in range(35)
        ]
    assert statuses == [401] * 30 + [429] * 5


async def test_a_parallel_burst_cannot_get_past_the_limit(client_at: ClientAt) -> None:
    """Each attempt takes its slot before the password is hashed."""
    await register_owner(client_at)
    async with client_at("203.0.113.7") as guesser:
        responses = await asyncio.gather(*(login(guesser, WRONG) for _ in range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [401] * 10 + [429] * 10


async def test_a_correct_password_clears_that_address_failures(client_at: ClientAt) -> None:
    await register_owner(client_at)
    async with client_at("10.0.0.1") as phone:
        for _ in range(9):
            assert (await login(phone, WRONG)).status_code == 401
        assert (await login(phone, STRONG_PASSWORD)).status_code == 200
        for _ in range(9):  # counted afresh: nine more are still only wrong, not refused
            assert (await login(phone, WRONG)).status_code == 401


async def test_wrong_current_passwords_are_throttled_like_failed_logins(
    client_at: ClientAt,
) -> None:
    await register_owner(client_at)
    async with client_at("10.0.0.1") as phone:
        token = (await login(phone, STRONG_PASSWORD)).json()["data"]["access_token"]
        change = {"current_password": WRONG, "new_password": "Whatever123456!"}
        statuses = [
            (
                await phone.post(f"{API}/auth/password", json=change, headers=bearer(token))
            ).status_code
            for _ in range(12)
        ]
        deleting = await phone.request(
            "DELETE", f"{API}/auth/me", json={"password": WRONG}, headers=bearer(token)
        )
    # The login's success had cleared the count: ten wrong answers, then refused.
    assert statuses == [403] * 10 + [429] * 2
    assert_error(deleting, 429, "RATE_LIMIT_EXCEEDED")
