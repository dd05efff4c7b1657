"""Sessions: every token belongs to a login; logout, password changes and age end them for good."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.main import create_app
from app.models import AuthSession, LoginAddress
from app.platform.config import Settings
from app.platform.db.database import Database
from bench.asgi_state import per_request_state
from tests.helpers.accounts import STRONG_PASSWORD, Accounts, bearer
from tests.helpers.envelope import assert_error
from tests.helpers.settings import TEST_JWT_SECRET
from tests.helpers.swift_decoding import TOKEN_RESPONSE, api_response, assert_swift_decodes

API = "/api/v1"
NEW_PASSWORD = "AnotherPassword456!"


def claims_of(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, TEST_JWT_SECRET, algorithms=["HS256"])
    return decoded


async def me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get(f"{API}/auth/me", headers=bearer(token))


async def entries(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get(f"{API}/entries", headers=bearer(token))


async def test_a_login_starts_a_session_its_tokens_name_and_refresh_keeps(
    client: httpx.AsyncClient, accounts: Accounts, session: AsyncSession
) -> None:
    registered = await accounts.register()
    login = (await accounts.login("ada@example.com", STRONG_PASSWORD)).json()["data"]

    first, second = claims_of(registered["access_token"]), claims_of(login["access_token"])
    assert first["sid"] != second["sid"]  # registering and logging in: two sessions
    refreshed = await client.post(f"{API}/auth/refresh", headers=bearer(login["access_token"]))
    assert refreshed.status_code == 200, refreshed.text
    again = claims_of(refreshed.json()["data"]["access_token"])
    assert again["sid"] == second["sid"]
    assert again["auth_time"] == second["auth_time"]  # the original login, not the refresh
    assert again["jti"] != second["jti"]
    rows = (await session.scalars(select(AuthSession))).all()
    assert {str(r.id) for r in rows} >= {first["sid"], second["sid"]}


async def test_no_session_outlives_its_maximum_age_however_often_refreshed(
    client: httpx.AsyncClient, accounts: Accounts, session: AsyncSession
) -> None:
    token = (await accounts.register())["access_token"]
    sid = uuid.UUID(claims_of(token)["sid"])
    ends = datetime.now(UTC) + timedelta(minutes=5)
    await session.execute(update(AuthSession).where(AuthSession.id == sid).values(expires_at=ends))
    await session.flush()

    refreshed = (await client.post(f"{API}/auth/refresh", headers=bearer(token))).json()["data"]
    # A token never outlives its session: this one ends with it, not 60 minutes on.
    assert refreshed["expires_in"] <= 300
    assert claims_of(refreshed["access_token"])["exp"] <= int(ends.timestamp())

    past = datetime.now(UTC) - timedelta(seconds=1)
    await session.execute(update(AuthSession).where(AuthSession.id == sid).values(expires_at=past))
    await session.flush()
    for attempt in (
        await client.post(f"{API}/auth/refresh", headers=bearer(refreshed["access_token"])),
        await me(client, token),
        await entries(client, token),
    ):
        assert_error(attempt, 401, "UNAUTHORIZED")


async def test_a_token_without_a_session_is_refused(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    user_id = (await accounts.register())["user"]["id"]
    now = int(datetime.now(UTC).timestamp())
    legacy = jwt.encode(
        {"sub": user_id, "iat": now, "exp": now + 3600, "type": "access"},
        TEST_JWT_SECRET,
        algorithm="HS256",
    )
    response = await me(client, legacy)
    body = assert_error(response, 401, "UNAUTHORIZED")
    assert "Log in again" in body["error"]["message"]


async def test_logout_ends_this_session_and_only_this_one(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    phone = (await accounts.register())["access_token"]
    laptop = (await accounts.login("ada@example.com", STRONG_PASSWORD)).json()["data"]
    refreshed = (await client.post(f"{API}/auth/refresh", headers=bearer(phone))).json()["data"]

    out = await client.post(f"{API}/auth/logout", headers=bearer(phone))

    assert out.status_code == 204
    assert out.content == b""
    for token in (phone, refreshed["access_token"]):  # and everything refreshed from it
        assert_error(await me(client, token), 401, "UNAUTHORIZED")
        assert_error(await entries(client, token), 401, "UNAUTHORIZED")
        assert_error(
            await client.post(f"{API}/auth/refresh", headers=bearer(token)), 401, "UNAUTHORIZED"
        )
    assert (await me(client, laptop["access_token"])).status_code == 200
    assert_error(
        await client.post(f"{API}/auth/logout", headers=bearer(phone)), 401, "UNAUTHORIZED"
    )


async def test_logout_everywhere_ends_every_session(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    phone = (await accounts.register())["access_token"]
    laptop = (await accounts.login("ada@example.com", STRONG_PASSWORD)).json()["data"]
    other = (await accounts.register("bob@example.com", name="Bob"))["access_token"]

    out = await client.post(
        f"{API}/auth/logout", json={"everywhere": True}, headers=bearer(laptop["access_token"])
    )

    assert out.status_code == 204
    for token in (phone, laptop["access_token"]):
        assert_error(await me(client, token), 401, "UNAUTHORIZED")
    assert (await me(client, other)).status_code == 200  # someone else's sessions live on
    assert (await accounts.login("ada@example.com", STRONG_PASSWORD)).status_code == 200


async def test_a_password_change_ends_every_session_and_starts_a_fresh_one(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    phone = (await accounts.register())["access_token"]
    laptop = (await accounts.login("ada@example.com", STRONG_PASSWORD)).json()["data"]

    changed = await client.post(
        f"{API}/auth/password",
        json={"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(phone),
    )

    assert changed.status_code == 200, changed.text
    assert_swift_decodes(changed.json(), api_response(TOKEN_RESPONSE))
    fresh = changed.json()["data"]["access_token"]
    assert claims_of(fresh)["sid"] not in (
        claims_of(phone)["sid"],
        claims_of(laptop["access_token"])["sid"],
    )
    for token in (phone, laptop["access_token"]):
        assert_error(await me(client, token), 401, "UNAUTHORIZED")
    assert (await me(client, fresh)).status_code == 200
    assert_error(await accounts.login("ada@example.com", STRONG_PASSWORD), 401, "UNAUTHORIZED")
    assert (await accounts.login("ada@example.com", NEW_PASSWORD)).status_code == 200


@pytest.mark.parametrize(
    ("current", "new", "status", "code"),
    [
        ("WrongPassword123!", NEW_PASSWORD, 403, "FORBIDDEN"),
        (STRONG_PASSWORD, "weak", 400, "VALIDATION_ERROR"),
        (STRONG_PASSWORD, "nouppercase123", 400, "VALIDATION_ERROR"),
    ],
)
async def test_a_wrong_current_password_is_403_and_a_weak_new_one_400(
    client: httpx.AsyncClient, accounts: Accounts, current: str, new: str, status: int, code: str
) -> None:
    token = (await accounts.register())["access_token"]
    response = await client.post(
        f"{API}/auth/password",
        json={"current_password": current, "new_password": new},
        headers=bearer(token),
    )
    assert_error(response, status, code)
    assert (await me(client, token)).status_code == 200  # nothing ended
    assert (await accounts.login("ada@example.com", STRONG_PASSWORD)).status_code == 200


async def test_a_session_ended_in_one_process_is_refused_by_another_at_once(
    settings: Settings, committed_db: Database
) -> None:
    """Two API processes (two apps on one database), each with its user cache warm."""
    one, two = (create_app(settings, database=committed_db) for _ in range(2))
    async with (
        LifespanManager(per_request_state(one)) as first,
        LifespanManager(per_request_state(two)) as second,
    ):
        a, b = (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=m.app), base_url="http://t")
            for m in (first, second)
        )
        async with a, b:
            token = (await Accounts(a).register())["access_token"]
            for client in (a, b):  # both processes have now cached the profile
                assert (await me(client, token)).status_code == 200
            assert (await a.post(f"{API}/auth/logout", headers=bearer(token))).status_code == 204
            # Well within AUTH_USER_CACHE_SECONDS, on the hot route and the cached one alike.
            assert_error(await me(b, token), 401, "UNAUTHORIZED")
            assert_error(await entries(b, token), 401, "UNAUTHORIZED")


async def test_long_ended_sessions_and_forgotten_addresses_go_with_the_next_login(
    accounts: Accounts, session: AsyncSession
) -> None:
    token = (await accounts.register())["access_token"]
    sid = uuid.UUID(claims_of(token)["sid"])
    user_id = uuid.UUID(claims_of(token)["sub"])
    long_ago = datetime.now(UTC) - timedelta(days=45)
    await session.execute(
        update(AuthSession).where(AuthSession.id == sid).values(revoked_at=long_ago)
    )
    await session.execute(
        insert(LoginAddress).values(
            user_id=user_id, address_hash=b"\x01" * 32, last_login_at=long_ago
        )
    )
    recent = (await accounts.login("ada@example.com", STRONG_PASSWORD)).json()["data"]
    await accounts.client.post(f"{API}/auth/logout", headers=bearer(recent["access_token"]))
    await session.flush()

    assert (await accounts.login("ada@example.com", STRONG_PASSWORD)).status_code == 200

    sessions = (
        await session.scalars(select(AuthSession).where(AuthSession.user_id == user_id))
    ).all()
    # The one ended 45 days ago is gone; the one ended just now is kept (it is recent history).
    assert sid not in {s.id for s in sessions}
    assert len(sessions) == 2
    hashes = set(
        await session.scalars(
            select(LoginAddress.address_hash).where(LoginAddress.user_id == user_id)
        )
    )
    assert hashes
    assert b"\x01" * 32 not in hashes
