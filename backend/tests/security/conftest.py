"""Fixtures of the OWASP API Top 10 tests: the two parties, and the session their rows go through.

The shared pieces are in tests/helpers: parties (rows one of them owns), routes (the route walk),
websocket (a WebSocket call through ASGI) and envelope (`assert_refused`).
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers.parties import Party, make_party
from tests.helpers.users import UserFactory


@pytest.fixture
async def owner(users: UserFactory) -> Party:
    return await make_party(users)


@pytest.fixture
async def intruder(users: UserFactory) -> Party:
    return await make_party(users)


@pytest.fixture
def db(users: UserFactory) -> AsyncSession:
    """The factory's own session: rows written through it share the users' savepoints."""
    return users.session
