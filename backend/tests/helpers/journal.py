"""A user's journal, written through the entries API."""

from __future__ import annotations

from typing import Any

import httpx

from app.models import User
from tests.helpers.users import UserFactory

ENTRIES = "/api/v1/entries"


def entry_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "situation": "My manager moved the deadline to tomorrow",
        "emotions": ["anxiety", "frustration"],
        "intensity": 0.7,
        "notes": "Happened right before lunch",
    }
    payload.update(overrides)
    return payload


class Journal:
    """A user and their entries, created through the API."""

    def __init__(self, client: httpx.AsyncClient, users: UserFactory, user: User) -> None:
        self.client = client
        self.users = users
        self.user = user
        self.headers = users.headers(user)

    async def create(self, **overrides: Any) -> dict[str, Any]:
        response = await self.client.post(
            ENTRIES, json=entry_payload(**overrides), headers=self.headers
        )
        assert response.status_code == 201, response.text
        entry: dict[str, Any] = response.json()["data"]["entry"]
        return entry
