"""POST /auth/refresh and GET /auth/me, and what makes a token unacceptable."""

from __future__ import annotations

import time
import uuid

import httpx
import jwt
import pytest
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import EmotionEntry, User, Visualization
from app.platform.config import Settings
from tests.helpers.envelope import assert_error
from tests.helpers.settings import TEST_JWT_SECRET
from tests.helpers.swift_decoding import assert_iso8601_with_zone, assert_swift_decodes
from tests.helpers.users import UserFactory

REFRESH = "/api/v1/auth/refresh"
ME = "/api/v1/auth/me"


def _token(claims: dict[str, object], secret: str = TEST_JWT_SECRET, alg: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=alg)


def _claims(user_id: uuid.UUID, **overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + 600,
        "type": "access",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


async def test_refresh_issues_a_new_working_token_for_a_valid_one(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    user = await users.create()
    response = await client.post(REFRESH, headers=users.headers(user))
    assert response.status_code == 200
    data = response.json()["data"]
    assert_swift_decodes(
        data, {"access_token": "String", "token_type": "String", "expires_in": "Int"}
    )
    assert data["token_type"] == "bearer"
    assert data["expires_in"] == 3600
    assert data["access_token"] != users.headers(user)["Authorization"].split()[1]
    me = await client.get(ME, headers={"Authorization": f"Bearer {data['access_token']}"})
    assert me.status_code == 200
    assert me.json()["data"]["id"] == str(user.id)


async def test_refreshed_token_expires_an_hour_after_it_was_issued(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    user = await users.create()
    data = (await client.post(REFRESH, headers=users.headers(user))).json()["data"]
    claims = jwt.decode(data["access_token"], TEST_JWT_SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["sub"] == str(user.id)


async def test_refresh_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    assert_error(await client.post(REFRESH), 401, "UNAUTHORIZED")


async def test_refresh_with_an_expired_token_is_401(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    user = await users.create()
    expired = _token(_claims(user.id, iat=int(time.time()) - 7200, exp=int(time.time()) - 60))
    response = await client.post(REFRESH, headers={"Authorization": f"Bearer {expired}"})
    body = assert_error(response, 401, "UNAUTHORIZED")
    assert "expired" in body["error"]["message"]


@pytest.mark.parametrize(
    "kind", ["wrong-secret", "alg-none", "no-exp", "no-sub", "no-iat", "tampered", "garbage"]
)
async def test_refresh_and_me_reject_bad_tokens_with_401(
    client: httpx.AsyncClient, users: UserFactory, kind: str
) -> None:
    user = await users.create()
    if kind == "wrong-secret":
        token = _token(_claims(user.id), secret="another-secret-" + "y" * 40)
    elif kind == "alg-none":
        token = jwt.encode(_claims(user.id), key=None, algorithm="none")  # type: ignore[arg-type]
    elif kind == "no-exp":
        token = _token(_claims(user.id, exp=None))
    elif kind == "no-sub":
        token = _token(_claims(user.id, sub=None))
    elif kind == "no-iat":
        token = _token(_claims(user.id, iat=None))
    elif kind == "tampered":
        good = _token(_claims(user.id))
        header, payload, signature = good.split(".")
        token = f"{header}.{payload}.{signature[:-4]}AAAA"
    else:
        token = "not.a.jwt"
    headers = {"Authorization": f"Bearer {token}"}
    assert_error(await client.post(REFRESH, headers=headers), 401, "UNAUTHORIZED")
    assert_error(await client.get(ME, headers=headers), 401, "UNAUTHORIZED")


async def test_token_of_a_deleted_user_is_401(
    client: httpx.AsyncClient, users: UserFactory, session: AsyncSession
) -> None:
    user = await users.create()
    headers = users.headers(user)
    await session.execute(delete(User).where(User.id == user.id))
    await session.flush()
    assert_error(await client.post(REFRESH, headers=headers), 401, "UNAUTHORIZED")
    assert_error(await client.get(ME, headers=headers), 401, "UNAUTHORIZED")


async def test_token_of_a_disabled_user_is_401(
    client: httpx.AsyncClient, users: UserFactory, session: AsyncSession
) -> None:
    user = await users.create()
    await session.execute(update(User).where(User.id == user.id).values(is_active=False))
    await session.flush()
    assert_error(await client.post(REFRESH, headers=users.headers(user)), 401, "UNAUTHORIZED")


async def test_me_returns_the_profile_with_entry_and_visualization_counts(
    client: httpx.AsyncClient, users: UserFactory, session: AsyncSession
) -> None:
    user = await users.create(email="me@example.com", name="Me Myself")
    other = await users.create()
    entries = [
        EmotionEntry(user_id=user.id, situation=f"s{i}", emotions=["joy"], intensity=0.5)
        for i in range(3)
    ]
    foreign = EmotionEntry(user_id=other.id, situation="x", emotions=["fear"], intensity=0.1)
    session.add_all([*entries, foreign])
    await session.flush()
    session.add(Visualization(entry_id=entries[0].id, user_id=user.id))
    session.add(Visualization(entry_id=foreign.id, user_id=other.id))
    await session.flush()

    response = await client.get(ME, headers=users.headers(user))
    assert response.status_code == 200
    data = response.json()["data"]
    assert_swift_decodes(
        data,
        {
            "id": "String",
            "email": "String",
            "name": "String",
            "created_at": "String",
            "entry_count": "Int",
            "visualization_count": "Int",
        },
    )
    assert data["id"] == str(user.id)
    assert data["email"] == "me@example.com"
    assert data["name"] == "Me Myself"
    assert data["entry_count"] == 3
    assert data["visualization_count"] == 1
    assert_iso8601_with_zone(data["created_at"])
    assert "hashed_password" not in data


async def test_me_of_a_new_user_counts_zero(client: httpx.AsyncClient, users: UserFactory) -> None:
    user = await users.create()
    data = (await client.get(ME, headers=users.headers(user))).json()["data"]
    assert (data["entry_count"], data["visualization_count"]) == (0, 0)


async def test_me_without_a_token_is_401_with_bearer_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get(ME)
    assert_error(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_me_with_a_non_bearer_scheme_is_401(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await client.get(ME, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_error(response, 401, "UNAUTHORIZED")
