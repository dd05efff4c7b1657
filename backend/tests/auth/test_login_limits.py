"""Failed logins are limited per e-mail, whether or not the account exists."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.helpers.accounts import STRONG_PASSWORD, Accounts
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.helpers.settings import make_settings


@pytest.fixture
async def limited_client(
    settings: Settings, database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    assert settings.database_url is not None
    limited = make_settings(
        settings.database_url.get_secret_value(),
        rate_limit_enabled=True,
        rate_limit_login_failures_per_hour=3,
        rate_limit_auth_per_minute=1000,
    )
    async for client in client_for(create_app(limited, database=database)):
        yield client


@pytest.mark.parametrize("registered", [True, False])
async def test_the_fourth_failed_login_for_an_email_is_429_even_with_the_right_password(
    limited_client: httpx.AsyncClient, registered: bool
) -> None:
    accounts = Accounts(limited_client)
    email = "guarded@example.com"
    if registered:
        await accounts.register(email=email)
    for _ in range(3):
        assert_error(await accounts.login(email, "WrongPassword1"), 401, "UNAUTHORIZED")
    blocked = await accounts.login(email.upper(), STRONG_PASSWORD)
    body = assert_error(blocked, 429, "RATE_LIMIT_EXCEEDED")
    assert body["error"]["details"]["retry_after_seconds"] >= 1
    assert int(blocked.headers["retry-after"]) >= 1
    assert body["error"]["details"]["limit"] == 3
    # The headers describe the limit that refused (3 failures per e-mail), not the address one.
    assert blocked.headers["x-ratelimit-limit"] == "3"
    assert blocked.headers["x-ratelimit-remaining"] == "0"


async def test_failed_logins_for_one_email_do_not_block_another(
    limited_client: httpx.AsyncClient,
) -> None:
    accounts = Accounts(limited_client)
    await accounts.register(email="innocent@example.com")
    for _ in range(4):
        await accounts.login("victim@example.com", "WrongPassword1")
    assert (await accounts.login("innocent@example.com", STRONG_PASSWORD)).status_code == 200


async def test_successful_logins_are_not_counted_as_failures(
    limited_client: httpx.AsyncClient,
) -> None:
    accounts = Accounts(limited_client)
    await accounts.register(email="regular@example.com")
    for _ in range(5):
        assert (await accounts.login("regular@example.com", STRONG_PASSWORD)).status_code == 200
