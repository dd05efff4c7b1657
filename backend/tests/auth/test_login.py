"""POST /auth/login: same answer, same cost, whether or not the e-mail exists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import get_password_hasher
from app.models import User
from tests.helpers.accounts import STRONG_PASSWORD, Accounts, bearer
from tests.helpers.envelope import assert_error
from tests.helpers.swift_decoding import TOKEN_RESPONSE, api_response, assert_swift_decodes

LOGIN = "/api/v1/auth/login"


async def test_login_answers_200_with_token_and_user_that_the_ios_app_decodes(
    accounts: Accounts,
) -> None:
    registered = await accounts.register(email="login@example.com")
    response = await accounts.login("login@example.com", STRONG_PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert_swift_decodes(body, api_response(TOKEN_RESPONSE))
    assert body["data"]["user"]["id"] == registered["user"]["id"]
    assert body["data"]["token_type"] == "bearer"
    assert body["data"]["expires_in"] == 3600


async def test_login_token_works_on_authenticated_routes(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    await accounts.register(email="tok@example.com")
    token = (await accounts.login("tok@example.com", STRONG_PASSWORD)).json()["data"][
        "access_token"
    ]
    me = await client.get("/api/v1/auth/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["data"]["email"] == "tok@example.com"


async def test_login_compares_the_email_case_insensitively(accounts: Accounts) -> None:
    await accounts.register(email="case@example.com")
    response = await accounts.login("  CASE@Example.com ", STRONG_PASSWORD)
    assert response.status_code == 200


async def test_login_records_last_login_at(accounts: Accounts, session: AsyncSession) -> None:
    await accounts.register(email="last@example.com")
    before = await session.scalar(
        select(User.last_login_at).where(User.email == "last@example.com")
    )
    assert before is None
    assert (await accounts.login("last@example.com", STRONG_PASSWORD)).status_code == 200
    after = await session.scalar(select(User.last_login_at).where(User.email == "last@example.com"))
    assert after is not None
    assert after.tzinfo is not None


def _error_without_meta(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    return {k: v for k, v in body.items() if k != "meta"}


async def test_unknown_email_and_wrong_password_answer_identically_with_401(
    accounts: Accounts,
) -> None:
    await accounts.register(email="known@example.com")
    wrong_password = await accounts.login("known@example.com", "WrongPassword1")
    unknown_email = await accounts.login("nobody@example.com", "WrongPassword1")
    assert_error(wrong_password, 401, "UNAUTHORIZED")
    assert_error(unknown_email, 401, "UNAUTHORIZED")
    assert _error_without_meta(wrong_password) == _error_without_meta(unknown_email)
    assert wrong_password.headers.get("www-authenticate") == unknown_email.headers.get(
        "www-authenticate"
    )


class _CountingContext:
    """Wraps pwdlib's PasswordHash to count the argon2 verifications a login spends."""

    def __init__(self, inner: PasswordHash) -> None:
        self.inner = inner
        self.verifications = 0

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        self.verifications += 1
        return self.inner.verify(password, hashed)

    def verify_and_update(self, password: str, hashed: str) -> tuple[bool, str | None]:
        self.verifications += 1
        return self.inner.verify_and_update(password, hashed)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("known2@example.com", STRONG_PASSWORD),  # success
        ("known2@example.com", "WrongPassword1"),  # wrong password
        ("ghost@example.com", "WrongPassword1"),  # unknown e-mail: the dummy hash
        ("known2@example.com", "Aa1" + "x" * 997),  # over-long password
        ("inactive@example.com", STRONG_PASSWORD),  # disabled account
    ],
)
async def test_every_login_outcome_spends_exactly_one_argon2_verification(
    app: FastAPI,
    client: httpx.AsyncClient,
    accounts: Accounts,
    session: AsyncSession,
    email: str,
    password: str,
) -> None:
    await accounts.register(email="known2@example.com")
    await accounts.register(email="inactive@example.com")
    await session.execute(
        update(User).where(User.email == "inactive@example.com").values(is_active=False)
    )
    await session.flush()
    hasher = app.state.passwords
    counting = _CountingContext(hasher._context)
    hasher._context = counting
    await accounts.login(email, password)
    assert counting.verifications == 1


async def test_login_of_a_disabled_account_is_401_like_bad_credentials(
    accounts: Accounts, session: AsyncSession
) -> None:
    await accounts.register(email="off@example.com")
    await session.execute(
        update(User).where(User.email == "off@example.com").values(is_active=False)
    )
    await session.flush()
    disabled = await accounts.login("off@example.com", STRONG_PASSWORD)
    unknown = await accounts.login("ghost@example.com", STRONG_PASSWORD)
    assert_error(disabled, 401, "UNAUTHORIZED")
    assert _error_without_meta(disabled) == _error_without_meta(unknown)


async def test_login_with_a_1000_character_password_is_a_clean_401(accounts: Accounts) -> None:
    await accounts.register(email="long@example.com")
    response = await accounts.login("long@example.com", "Aa1" + "x" * 997)
    assert_error(response, 401, "UNAUTHORIZED")


async def test_login_with_a_password_sharing_the_first_128_characters_still_fails(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    password = "Aa1" + "y" * 125  # exactly 128: the longest allowed
    await accounts.register(email="prefix@example.com", password=password)
    assert (await accounts.login("prefix@example.com", password)).status_code == 200
    assert_error(await accounts.login("prefix@example.com", password + "z"), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "payload",
    [{}, {"email": "a@example.com"}, {"password": "x"}, {"email": "", "password": "Test123!"}],
)
async def test_login_with_missing_fields_is_400(
    client: httpx.AsyncClient, payload: dict[str, str]
) -> None:
    assert_error(await client.post(LOGIN, json=payload), 400, "VALIDATION_ERROR")


async def test_login_rejects_the_nul_character_with_400(client: httpx.AsyncClient) -> None:
    response = await client.post(LOGIN, json={"email": "a@example.com", "password": "Te\x00st1A"})
    assert_error(response, 400, "VALIDATION_ERROR")


async def test_login_with_a_malformed_email_is_401_not_a_validation_leak(
    accounts: Accounts,
) -> None:
    assert_error(await accounts.login("not-an-email", "Whatever1"), 401, "UNAUTHORIZED")


async def test_login_upgrades_a_hash_made_with_outdated_parameters(
    accounts: Accounts, session: AsyncSession
) -> None:
    await accounts.register(email="old@example.com")
    weak = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1),))
    await session.execute(
        update(User)
        .where(User.email == "old@example.com")
        .values(hashed_password=weak.hash(STRONG_PASSWORD))
    )
    await session.flush()
    assert (await accounts.login("old@example.com", STRONG_PASSWORD)).status_code == 200
    session.expire_all()
    stored = await session.scalar(
        select(User.hashed_password).where(User.email == "old@example.com")
    )
    assert stored is not None
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert (await accounts.login("old@example.com", STRONG_PASSWORD)).status_code == 200


async def test_password_hasher_is_built_once_per_application(app: FastAPI) -> None:
    class _Conn:
        def __init__(self, application: FastAPI) -> None:
            self.app = application

    first = get_password_hasher(_Conn(app))  # type: ignore[arg-type]
    assert get_password_hasher(_Conn(app)) is first  # type: ignore[arg-type]
