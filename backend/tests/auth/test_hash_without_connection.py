"""Logins and registrations hold no pooled database connection while they wait for a hash."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.pool import QueuePool

from app.auth.passwords import PasswordHasher
from app.models import User
from app.platform.db.database import Database
from tests.helpers.accounts import STRONG_PASSWORD


@pytest.fixture
def connections_held_while_hashing(
    committed_db: Database, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """How many connections the pool had handed out each time a hash or verification began."""
    pool = committed_db.engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    seen: list[int] = []
    original_hash, original_verify = PasswordHasher.hash, PasswordHasher.verify

    async def hash_(self: PasswordHasher, password: str) -> str:
        seen.append(pool.checkedout())
        return await original_hash(self, password)

    async def verify(
        self: PasswordHasher, password: str, hashed: str | None
    ) -> tuple[bool, str | None]:
        seen.append(pool.checkedout())
        return await original_verify(self, password, hashed)

    monkeypatch.setattr(PasswordHasher, "hash", hash_)
    monkeypatch.setattr(PasswordHasher, "verify", verify)
    return seen


async def test_register_and_login_release_their_connection_before_hashing(
    committed_client: httpx.AsyncClient,
    committed_db: Database,
    connections_held_while_hashing: list[int],
) -> None:
    account = {"email": "flood@example.com", "password": STRONG_PASSWORD, "name": "Flood"}
    assert (await committed_client.post("/api/v1/auth/register", json=account)).status_code == 201
    credentials = {"email": account["email"], "password": STRONG_PASSWORD}
    login = await committed_client.post("/api/v1/auth/login", json=credentials)
    assert login.status_code == 200
    wrong = {**credentials, "password": "WrongPassword123!"}
    assert (await committed_client.post("/api/v1/auth/login", json=wrong)).status_code == 401
    # One hash (register), two verifications (logins): none with a connection checked out.
    assert connections_held_while_hashing == [0, 0, 0]
    # And the login's write after the hash, on a connection taken anew, was committed.
    async with committed_db.sessionmaker() as session:
        last_login = await session.scalar(
            select(User.last_login_at).where(User.email == account["email"])
        )
    assert last_login is not None
