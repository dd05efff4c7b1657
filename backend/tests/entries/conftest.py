from __future__ import annotations

import httpx
import pytest

from tests.helpers.journal import Journal
from tests.helpers.users import UserFactory


@pytest.fixture
async def journal(client: httpx.AsyncClient, users: UserFactory) -> Journal:
    return Journal(client, users, await users.create())


@pytest.fixture
async def other_journal(client: httpx.AsyncClient, users: UserFactory) -> Journal:
    return Journal(client, users, await users.create())
