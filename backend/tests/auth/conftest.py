from __future__ import annotations

import httpx
import pytest

from tests.helpers.accounts import Accounts


@pytest.fixture
def accounts(client: httpx.AsyncClient) -> Accounts:
    return Accounts(client)
