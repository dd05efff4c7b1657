"""API4:2023 Unrestricted Resource Consumption: body size, page size, request rate, image jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_refused
from tests.helpers.parties import Party, insert_entry
from tests.helpers.routes import API, concrete_path


def _body_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]


async def test_every_body_over_the_limit_is_413_before_any_work(
    app: FastAPI, client: httpx.AsyncClient, owner: Party, settings: Settings
) -> None:
    routes = _body_routes(app)
    assert len(routes) >= 8  # register, login, entries POST/PUT, three intake steps, visualizations
    oversized = b'{"situation": "' + b"x" * (settings.max_body_size + 1) + b'"}'
    for method, path in routes:
        response = await client.request(
            method,
            concrete_path(path),
            content=oversized,
            headers={**owner.headers, "content-type": "application/json"},
        )
        assert_refused(response, 413, "PAYLOAD_TOO_LARGE")
        assert response.json()["error"]["details"] == {"max_bytes": settings.max_body_size}


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/entries", "limit=101"),
        ("/entries", "limit=0"),
        ("/entries", "limit=-1"),
        ("/entries", "limit=1e9"),
        ("/entries", "offset=-1"),
        ("/entries", "offset=99999999999999999999"),
        ("/visualizations", "limit=101"),
        ("/visualizations", "limit=0"),
        ("/visualizations", "offset=-5"),
    ],
)
async def test_page_size_and_offset_outside_their_bounds_are_400(
    path: str, query: str, client: httpx.AsyncClient, owner: Party
) -> None:
    response = await client.get(f"{API}{path}?{query}", headers=owner.headers)
    assert_refused(response, 400, "VALIDATION_ERROR")


async def test_the_largest_page_is_100(client: httpx.AsyncClient, owner: Party) -> None:
    for path in ("/entries", "/visualizations"):
        response = await client.get(f"{API}{path}?limit=100", headers=owner.headers)
        assert response.status_code == 200
        assert response.json()["data"]["limit"] == 100


@pytest.fixture
async def capped_client(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    capped = settings.model_copy(
        update={
            "visualization_concurrency_limit": 2,
            "rate_limit_enabled": True,
            "rate_limit_per_minute": 6,
        }
    )
    async for client in client_for(create_app(capped, database=database)):
        yield client


async def test_image_jobs_in_progress_are_capped_per_user(
    capped_client: httpx.AsyncClient, db: AsyncSession, owner: Party, intruder: Party
) -> None:
    entries = [await insert_entry(db, owner.user, f"situation {i}") for i in range(3)]
    statuses = []
    for entry in entries:
        response = await capped_client.post(
            f"{API}/visualizations", json={"entry_id": str(entry.id)}, headers=owner.headers
        )
        statuses.append(response.status_code)
    refused = response

    assert statuses == [202, 202, 429]
    assert_refused(refused, 429, "RATE_LIMIT_EXCEEDED")
    assert refused.json()["error"]["details"]["limit"] == 2
    assert int(refused.headers["retry-after"]) >= 1
    # The cap is per user: someone else still gets their picture queued.
    other = await insert_entry(db, intruder.user)
    allowed = await capped_client.post(
        f"{API}/visualizations", json={"entry_id": str(other.id)}, headers=intruder.headers
    )
    assert allowed.status_code == 202


async def test_requests_beyond_the_per_user_rate_are_429_with_retry_after(
    capped_client: httpx.AsyncClient, owner: Party
) -> None:
    statuses = [
        (await capped_client.get(f"{API}/entries", headers=owner.headers)).status_code
        for _ in range(7)
    ]
    assert statuses == [200] * 6 + [429]
    refused = await capped_client.get(f"{API}/entries", headers=owner.headers)
    assert_refused(refused, 429, "RATE_LIMIT_EXCEEDED")
    assert refused.headers["retry-after"] == str(
        refused.json()["error"]["details"]["retry_after_seconds"]
    )
