"""API6:2023 Unrestricted Access to Sensitive Business Flows: the flows worth automating are
password guessing, mass account creation and image generation; each has its own brake.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_refused
from tests.helpers.routes import API

PASSWORD = "Guessing-Game-1"


async def _braked_client(
    settings: Settings, database: Database, **limits: int
) -> AsyncIterator[httpx.AsyncClient]:
    braked = settings.model_copy(update={"rate_limit_enabled": True, **limits})
    async for client in client_for(create_app(braked, database=database)):
        yield client


@pytest.fixture
async def guarded(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _braked_client(
        settings,
        database,
        rate_limit_login_failures_per_hour=3,
        rate_limit_auth_per_minute=1000,
    ):
        yield client


@pytest.fixture
async def per_address(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _braked_client(settings, database, rate_limit_auth_per_minute=3):
        yield client


async def test_password_guessing_on_one_account_is_stopped_even_for_the_right_password(
    guarded: httpx.AsyncClient,
) -> None:
    email = f"target-{uuid.uuid4().hex[:8]}@example.com"
    registered = await guarded.post(
        f"{API}/auth/register", json={"email": email, "password": PASSWORD, "name": "Target"}
    )
    assert registered.status_code == 201
    guesses = [
        (
            await guarded.post(
                f"{API}/auth/login", json={"email": email, "password": f"Guess-{n}-Wrong"}
            )
        ).status_code
        for n in range(3)
    ]
    right = await guarded.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})

    assert guesses == [401, 401, 401]
    assert_refused(right, 429, "RATE_LIMIT_EXCEEDED")
    assert int(right.headers["retry-after"]) >= 1


async def test_account_creation_and_login_share_a_per_address_budget(
    per_address: httpx.AsyncClient,
) -> None:
    statuses = []
    for n in range(3):
        response = await per_address.post(
            f"{API}/auth/register",
            json={
                "email": f"bulk-{n}-{uuid.uuid4().hex[:6]}@example.com",
                "password": PASSWORD,
                "name": "Bulk",
            },
        )
        statuses.append(response.status_code)
    refused_register = await per_address.post(f"{API}/auth/register", json={})
    refused_login = await per_address.post(f"{API}/auth/login", json={})

    assert statuses == [201, 201, 201]
    assert_refused(refused_register, 429, "RATE_LIMIT_EXCEEDED")
    assert_refused(refused_login, 429, "RATE_LIMIT_EXCEEDED")
