"""Accounts made the way a user makes them: through the register and login endpoints."""

from __future__ import annotations

from typing import Any

import httpx

STRONG_PASSWORD = "SecurePassword123!"


class Accounts:
    """Registers and logs in through the real endpoints."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def register(
        self, email: str = "ada@example.com", password: str = STRONG_PASSWORD, name: str = "Ada"
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/auth/register", json={"email": email, "password": password, "name": name}
        )
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def login(self, email: str, password: str) -> httpx.Response:
        return await self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
