"""Intake tests: the app on the local provider (default `client`) or on the fake Gemini."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.ai.gemini import GeminiProvider
from app.main import create_app
from app.models import User
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.fakes.fixtures import fake_gemini, gemini_provider
from tests.helpers.clients import client_for
from tests.helpers.intake import Intake
from tests.helpers.users import UserFactory

__all__ = ["fake_gemini", "gemini_provider"]


@pytest.fixture
async def user(users: UserFactory) -> User:
    return await users.create()


@pytest.fixture
def intake(client: httpx.AsyncClient, users: UserFactory, user: User) -> Intake:
    return Intake(client, users.headers(user))


@pytest.fixture
async def other_intake(client: httpx.AsyncClient, users: UserFactory) -> Intake:
    return Intake(client, users.headers(await users.create()))


@pytest.fixture
async def gemini_client(
    settings: Settings, database: Database, gemini_provider: GeminiProvider
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, database=database, ai_provider=gemini_provider)
    async for c in client_for(app):
        yield c


@pytest.fixture
def gemini_intake(gemini_client: httpx.AsyncClient, users: UserFactory, user: User) -> Intake:
    return Intake(gemini_client, users.headers(user))


@pytest.fixture
async def committed_gemini_client(
    settings: Settings, committed_db: Database, gemini_provider: GeminiProvider
) -> AsyncIterator[httpx.AsyncClient]:
    """Real commits and rollbacks, on the fake Gemini: for locking and retry-after-failure."""
    app = create_app(settings, database=committed_db, ai_provider=gemini_provider)
    async for c in client_for(app):
        yield c
