"""POST /auth/register."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User
from tests.helpers.accounts import STRONG_PASSWORD, Accounts, bearer
from tests.helpers.envelope import assert_error
from tests.helpers.swift_decoding import (
    TOKEN_RESPONSE,
    api_response,
    assert_iso8601_with_zone,
    assert_swift_decodes,
)

REGISTER = "/api/v1/auth/register"


async def test_register_answers_201_with_token_and_user_that_the_ios_app_decodes(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        REGISTER, json={"email": "ada@example.com", "password": STRONG_PASSWORD, "name": "Ada"}
    )
    assert response.status_code == 201
    body = response.json()
    assert_swift_decodes(body, api_response(TOKEN_RESPONSE))
    data = body["data"]
    assert data["token_type"] == "bearer"
    assert data["expires_in"] == 60 * 60
    assert data["user"]["email"] == "ada@example.com"
    assert data["user"]["name"] == "Ada"
    assert_iso8601_with_zone(data["user"]["created_at"])
    assert STRONG_PASSWORD not in response.text


async def test_register_token_authenticates_the_new_user_on_me(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    data = await accounts.register()
    me = await client.get("/api/v1/auth/me", headers=bearer(data["access_token"]))
    assert me.status_code == 200
    assert me.json()["data"]["id"] == data["user"]["id"]


async def test_register_stores_an_argon2id_hash_never_the_password(
    accounts: Accounts, session: AsyncSession
) -> None:
    await accounts.register(email="hash@example.com")
    stored = await session.scalar(select(User).where(User.email == "hash@example.com"))
    assert stored is not None
    assert stored.hashed_password.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert STRONG_PASSWORD not in stored.hashed_password


async def test_register_lower_cases_the_email(accounts: Accounts) -> None:
    data = await accounts.register(email="Ada.Lovelace@Example.COM")
    assert data["user"]["email"] == "ada.lovelace@example.com"


async def test_register_with_a_taken_email_is_409_whatever_its_case(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    await accounts.register(email="taken@example.com")
    for email in ("taken@example.com", "TAKEN@example.com", "Taken@Example.Com"):
        response = await client.post(
            REGISTER, json={"email": email, "password": STRONG_PASSWORD, "name": "Again"}
        )
        assert_error(response, 409, "CONFLICT")


@pytest.mark.parametrize(
    ("password", "lacks"),
    [
        ("Short1A", "at least 8 characters"),
        ("alllowercase1", "an upper-case letter"),
        ("ALLUPPERCASE1", "a lower-case letter"),
        ("NoDigitsAtAll", "a digit"),
        ("Aa1" + "x" * 997, "at most 128 characters"),
    ],
)
async def test_register_rejects_a_weak_or_oversized_password_with_400_naming_the_rule(
    client: httpx.AsyncClient, password: str, lacks: str
) -> None:
    response = await client.post(
        REGISTER, json={"email": "weak@example.com", "password": password, "name": "Weak"}
    )
    body = assert_error(response, 400, "VALIDATION_ERROR")
    details = body["error"]["details"]
    assert [d["field"] for d in details] == ["password"]
    assert lacks in response.text
    assert password not in response.text  # never echoed back


@pytest.mark.parametrize("password", ["Test123!", "SecurePassword123!", "Ünïcödé1a"])
async def test_register_accepts_passwords_that_meet_the_policy(
    accounts: Accounts, password: str
) -> None:
    await accounts.register(email="ok@example.com", password=password)


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@b", "@example.com", "ada@", "ada @example.com", "", "a" * 400]
)
async def test_register_rejects_a_malformed_email_with_400(
    client: httpx.AsyncClient, email: str
) -> None:
    response = await client.post(
        REGISTER, json={"email": email, "password": STRONG_PASSWORD, "name": "Bad"}
    )
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert {d["field"] for d in body["error"]["details"]} == {"email"}


@pytest.mark.parametrize("missing", ["email", "password", "name"])
async def test_register_without_a_required_field_is_400_naming_it(
    client: httpx.AsyncClient, missing: str
) -> None:
    payload = {"email": "m@example.com", "password": STRONG_PASSWORD, "name": "M"}
    del payload[missing]
    body = assert_error(await client.post(REGISTER, json=payload), 400, "VALIDATION_ERROR")
    assert {d["field"] for d in body["error"]["details"]} == {missing}


@pytest.mark.parametrize("name", ["", "   ", "x" * 256])
async def test_register_rejects_a_blank_or_over_255_character_name(
    client: httpx.AsyncClient, name: str
) -> None:
    response = await client.post(
        REGISTER, json={"email": "n@example.com", "password": STRONG_PASSWORD, "name": name}
    )
    assert_error(response, 400, "VALIDATION_ERROR")


async def test_register_accepts_a_name_of_exactly_255_characters(accounts: Accounts) -> None:
    data = await accounts.register(email="long@example.com", name="n" * 255)
    assert data["user"]["name"] == "n" * 255


@pytest.mark.parametrize("field", ["email", "password", "name"])
async def test_register_rejects_the_nul_character_in_any_field(
    client: httpx.AsyncClient, field: str
) -> None:
    payload = {"email": "nul@example.com", "password": STRONG_PASSWORD, "name": "Nul"}
    payload[field] = payload[field][:3] + "\x00" + payload[field][3:]
    assert_error(await client.post(REGISTER, json=payload), 400, "VALIDATION_ERROR")


async def test_register_ignores_privileged_fields_in_the_body(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    response = await client.post(
        REGISTER,
        json={
            "email": "mass@example.com",
            "password": STRONG_PASSWORD,
            "name": "Mass",
            "id": "00000000-0000-0000-0000-000000000001",
            "is_active": False,
            "is_verified": True,
            "hashed_password": "x",
        },
    )
    assert response.status_code == 201
    user = await session.scalar(select(User).where(User.email == "mass@example.com"))
    assert user is not None
    assert str(user.id) != "00000000-0000-0000-0000-000000000001"
    assert user.is_active is True
    assert user.is_verified is False
    assert user.hashed_password.startswith("$argon2id$")


@pytest.mark.parametrize("body", [b"", b"[]", b'"text"', b"{not json"])
async def test_register_with_a_body_that_is_not_an_object_is_400(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        REGISTER, content=body, headers={"content-type": "application/json"}
    )
    assert_error(response, 400, "VALIDATION_ERROR")


async def test_two_simultaneous_registrations_of_one_email_give_one_201_and_one_409(
    committed_client: httpx.AsyncClient,
) -> None:
    payload = {"email": "race@example.com", "password": STRONG_PASSWORD, "name": "Race"}
    responses = await asyncio.gather(
        *(committed_client.post(REGISTER, json=payload) for _ in range(3))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409]
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "CONFLICT")
