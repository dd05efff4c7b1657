"""The per-process caches on the auth path: verified tokens and active users."""

from __future__ import annotations

import time
import uuid

import httpx
import jwt
import pytest
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import VERIFIED_TOKEN_CACHE_SIZE, TokenService
from app.auth.user_cache import ActiveUserCache
from app.main import create_app
from app.models import User
from app.platform.config import Settings
from app.platform.db.database import Database
from app.platform.http.errors import Unauthorized
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.helpers.settings import TEST_JWT_SECRET
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually_sync

ME = "/api/v1/auth/me"


def _service() -> TokenService:
    return TokenService(TEST_JWT_SECRET, 60)


def _token(exp: int) -> str:
    claims = {"sub": str(uuid.uuid4()), "sid": str(uuid.uuid4()), "iat": int(time.time())}
    return jwt.encode({**claims, "exp": exp, "type": "access"}, TEST_JWT_SECRET, algorithm="HS256")


def test_a_verified_token_is_answered_from_the_cache_until_it_expires() -> None:
    tokens = _service()
    expires = int(time.time()) + 1
    token = _token(expires)
    subject = tokens.subject(token)
    assert tokens.subject(token) == subject
    assert token in tokens._verified

    # Past its expiry the cached answer is dropped and the token is refused as expired.
    eventually_sync(lambda: time.time() > expires, what="the token's expiry to pass")
    with pytest.raises(Unauthorized, match="expired"):
        tokens.subject(token)
    assert token not in tokens._verified


def test_a_tampered_token_is_refused_even_when_its_original_is_cached() -> None:
    tokens = _service()
    token = _token(int(time.time()) + 600)
    tokens.subject(token)
    header, payload, signature = token.split(".")
    with pytest.raises(Unauthorized):
        tokens.subject(f"{header}.{payload}.{signature[:-4]}AAAA")


def test_the_verified_token_cache_stays_bounded() -> None:
    tokens = _service()
    expires = int(time.time()) + 600
    for _ in range(VERIFIED_TOKEN_CACHE_SIZE + 10):
        tokens.subject(_token(expires))
    assert len(tokens._verified) == VERIFIED_TOKEN_CACHE_SIZE


async def _disable(session: AsyncSession, user: User) -> None:
    await session.execute(update(User).where(User.id == user.id).values(is_active=False))
    await session.flush()


async def test_a_cached_user_disabled_or_deleted_is_refused_at_once(
    settings: Settings, database: Database, users: UserFactory, session: AsyncSession
) -> None:
    app = create_app(settings, database=database)
    now = 1000.0
    app.state.user_cache = ActiveUserCache(5, clock=lambda: now)
    user, other = await users.create(), await users.create()
    async for client in client_for(app):
        for account in (user, other):
            assert (await client.get(ME, headers=users.headers(account))).status_code == 200
        assert set(app.state.user_cache._users) == {user.id, other.id}
        # Well within the profile's TTL, yet refused: activeness is asked on every request.
        await _disable(session, user)
        assert_error(await client.get(ME, headers=users.headers(user)), 401, "UNAUTHORIZED")
        await session.execute(delete(User).where(User.id == other.id))
        await session.flush()
        assert_error(await client.get(ME, headers=users.headers(other)), 401, "UNAUTHORIZED")
        assert not app.state.user_cache._users


async def test_a_cached_profile_is_reused_within_the_ttl_and_reloaded_after_it(
    settings: Settings, database: Database, users: UserFactory, session: AsyncSession
) -> None:
    app = create_app(settings, database=database)
    now = 1000.0
    app.state.user_cache = ActiveUserCache(5, clock=lambda: now)
    user = await users.create(name="Before")
    headers = users.headers(user)
    async for client in client_for(app):
        assert (await client.get(ME, headers=headers)).json()["data"]["name"] == "Before"
        await session.execute(update(User).where(User.id == user.id).values(name="After"))
        await session.flush()
        # The profile (no endpoint changes it) is reused within the TTL...
        assert (await client.get(ME, headers=headers)).json()["data"]["name"] == "Before"
        # ...and loaded again once it has passed.
        now += 5.5
        assert (await client.get(ME, headers=headers)).json()["data"]["name"] == "After"


async def test_with_the_cache_off_every_request_loads_the_user(
    settings: Settings, database: Database, users: UserFactory
) -> None:
    app = create_app(settings.model_copy(update={"auth_user_cache_seconds": 0}), database=database)
    user = await users.create()
    async for client in client_for(app):
        assert (await client.get(ME, headers=users.headers(user))).status_code == 200
        assert not app.state.user_cache._users


async def test_an_unknown_user_is_not_cached(
    settings: Settings, database: Database, users: UserFactory
) -> None:
    app = create_app(settings, database=database)
    # A well-signed token naming an account and a session that do not exist.
    token = _token(int(time.time()) + 600)
    async for client in client_for(app):
        response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
        assert_error(response, 401, "UNAUTHORIZED")
        assert not app.state.user_cache._users


async def test_routes_work_with_the_cached_detached_user(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    user = await users.create()
    headers = users.headers(user)
    for _ in range(2):
        created = await client.post(
            "/api/v1/entries",
            json={"situation": "cached", "emotions": ["joy"], "intensity": 0.5},
            headers=headers,
        )
        assert created.status_code == 201, created.text
    listed = await client.get("/api/v1/entries", headers=headers)
    assert listed.json()["data"]["total"] == 2
