"""The visualization routes and their error paths (rolled back; no worker runs here)."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import EmotionEntry, User, Visualization
from app.platform.db.database import Database
from tests.helpers.envelope import assert_error
from tests.helpers.users import UserFactory


async def _entry(session: AsyncSession, user: User) -> EmotionEntry:
    entry = EmotionEntry(
        user_id=user.id, situation="A hard day", emotions=["sadness"], intensity=Decimal("0.4")
    )
    session.add(entry)
    await session.flush()
    return entry


async def test_post_queues_and_get_shows_progress(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    user = await users.create()
    entry = await _entry(users.session, user)
    response = await client.post(
        "/api/v1/visualizations", json={"entry_id": str(entry.id)}, headers=users.headers(user)
    )
    assert response.status_code == 202
    data = response.json()["data"]
    assert set(data) == {"visualization_id", "status", "estimated_time_seconds", "polling_url"}

    polled = await client.get(data["polling_url"], headers=users.headers(user))
    body = polled.json()["data"]
    assert body["status"] == "pending"
    assert body["progress"] == 0
    assert body["estimated_time_remaining_seconds"] >= 1


async def test_post_rejects_unknown_foreign_and_malformed_entries(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    owner, other = await users.create(), await users.create()
    entry = await _entry(users.session, owner)
    url = "/api/v1/visualizations"
    unknown = await client.post(
        url, json={"entry_id": str(uuid.uuid4())}, headers=users.headers(owner)
    )
    assert_error(unknown, 404, "NOT_FOUND")
    foreign = await client.post(url, json={"entry_id": str(entry.id)}, headers=users.headers(other))
    assert_error(foreign, 403, "FORBIDDEN")
    bad_style = await client.post(
        url, json={"entry_id": str(entry.id), "style": "cubist"}, headers=users.headers(owner)
    )
    assert_error(bad_style, 400, "VALIDATION_ERROR")
    bad_id = await client.post(url, json={"entry_id": "nope"}, headers=users.headers(owner))
    assert_error(bad_id, 400, "VALIDATION_ERROR")
    anonymous = await client.post(url, json={"entry_id": str(entry.id)})
    assert_error(anonymous, 401, "UNAUTHORIZED")


async def test_second_post_for_the_same_entry_conflicts(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    user = await users.create()
    entry = await _entry(users.session, user)
    body = {"entry_id": str(entry.id)}
    first = await client.post("/api/v1/visualizations", json=body, headers=users.headers(user))
    second = await client.post("/api/v1/visualizations", json=body, headers=users.headers(user))
    assert first.status_code == 202
    error = assert_error(second, 409, "CONFLICT")
    assert error["error"]["details"]["visualization_id"] == first.json()["data"]["visualization_id"]


async def test_get_and_delete_check_ownership(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    owner, other = await users.create(), await users.create()
    entry = await _entry(users.session, owner)
    created = await client.post(
        "/api/v1/visualizations", json={"entry_id": str(entry.id)}, headers=users.headers(owner)
    )
    url = f"/api/v1/visualizations/{created.json()['data']['visualization_id']}"
    assert_error(await client.get(url, headers=users.headers(other)), 403, "FORBIDDEN")
    assert_error(await client.delete(url, headers=users.headers(other)), 403, "FORBIDDEN")
    unknown = f"/api/v1/visualizations/{uuid.uuid4()}"
    assert_error(await client.get(unknown, headers=users.headers(owner)), 404, "NOT_FOUND")
    malformed = await client.get("/api/v1/visualizations/42", headers=users.headers(owner))
    assert malformed.status_code in (400, 404)
    assert (await client.delete(url, headers=users.headers(owner))).status_code == 204
    assert_error(await client.get(url, headers=users.headers(owner)), 404, "NOT_FOUND")


async def test_list_paginates_newest_first_and_validates_limits(
    client: httpx.AsyncClient, users: UserFactory
) -> None:
    user, other = await users.create(), await users.create()
    for _ in range(3):
        entry = await _entry(users.session, user)
        users.session.add(Visualization(entry_id=entry.id, user_id=user.id))
        await users.session.flush()
        await asyncio.sleep(0.01)  # distinct created_at
    await _entry(users.session, other)

    page = await client.get("/api/v1/visualizations?limit=2", headers=users.headers(user))
    data = page.json()["data"]
    assert data["total"] == 3
    assert data["limit"] == 2
    assert data["offset"] == 0
    assert len(data["visualizations"]) == 2
    item = data["visualizations"][0]
    assert set(item) == {"id", "entry_id", "status", "image_url", "thumbnail_url", "created_at"}
    assert item["image_url"] is None
    rest = await client.get("/api/v1/visualizations?offset=2", headers=users.headers(user))
    assert rest.json()["data"]["limit"] == 20
    assert len(rest.json()["data"]["visualizations"]) == 1
    assert rest.json()["data"]["visualizations"][0]["created_at"] <= item["created_at"]

    for query in ("limit=101", "limit=0", "offset=-1", "limit=abc"):
        bad = await client.get(f"/api/v1/visualizations?{query}", headers=users.headers(user))
        assert_error(bad, 400, "VALIDATION_ERROR")
    empty = await client.get("/api/v1/visualizations", headers=users.headers(other))
    assert empty.json()["data"]["total"] == 0


async def test_parallel_posts_never_exceed_the_concurrency_limit(
    viz_client: httpx.AsyncClient,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: object,
) -> None:
    user = await committed_users.create()
    entries = [await make_entry(user, f"situation {i}") for i in range(20)]  # type: ignore[operator]
    headers = committed_users.headers(user)

    responses = await asyncio.gather(
        *(
            viz_client.post("/api/v1/visualizations", json={"entry_id": str(e.id)}, headers=headers)
            for e in entries
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [202] * 10 + [429] * 10
    limited = next(r for r in responses if r.status_code == 429)
    body = assert_error(limited, 429, "RATE_LIMIT_EXCEEDED")
    assert body["error"]["details"]["retry_after_seconds"] >= 1
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.headers["x-ratelimit-remaining"] == "0"
