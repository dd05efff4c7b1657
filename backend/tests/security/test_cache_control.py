"""No API answer about a person may be kept by a shared cache or on the device's disk."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers.accounts import STRONG_PASSWORD
from tests.helpers.parties import Party, insert_entry
from tests.helpers.routes import API


async def test_every_get_route_answers_no_store_whatever_its_status(
    app: FastAPI, client: httpx.AsyncClient, owner: Party, db: AsyncSession
) -> None:
    entry = await insert_entry(db, owner.user)
    checked = []
    for path, operations in app.openapi()["paths"].items():
        if "get" not in operations or not path.startswith(API) or path.endswith("/export"):
            continue
        concrete = path.replace("{entry_id}", str(entry.id))
        for headers in (owner.headers, {}):  # the answer itself, and the 401 refusal
            response = await client.get(concrete, headers=headers)
            assert response.headers["cache-control"] == "no-store", (path, response.status_code)
            checked.append((path, response.status_code))
    statuses = {status for _, status in checked}
    assert {200, 401} <= statuses
    assert len(checked) >= 16


async def test_auth_answers_and_journal_writes_are_no_store(client: httpx.AsyncClient) -> None:
    registered = await client.post(
        f"{API}/auth/register",
        json={"email": "nostore@example.com", "password": STRONG_PASSWORD, "name": "N"},
    )
    token = registered.json()["data"]["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    answers = [
        registered,
        await client.post(
            f"{API}/auth/login",
            json={"email": "nostore@example.com", "password": STRONG_PASSWORD},
        ),
        await client.post(f"{API}/auth/refresh", headers=headers),
        await client.post(
            f"{API}/entries",
            json={"situation": "s", "emotions": ["joy"], "intensity": 0.5},
            headers=headers,
        ),
        await client.post(f"{API}/entries", json={"situation": 3}, headers=headers),  # a 400
    ]
    for response in answers:
        assert response.headers["cache-control"] == "no-store", response.request.url
