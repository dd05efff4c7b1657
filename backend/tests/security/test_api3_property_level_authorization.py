"""API3:2023 Broken Object Property Level Authorization: mass assignment and excessive exposure.

Bodies that carry server-owned properties (`id`, `user_id`, `source`, timestamps, status) change
nothing; responses carry no property the client has no business seeing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import EmotionEntry, User, Visualization
from tests.helpers.parties import Party, insert_entry
from tests.helpers.routes import API

LONG_AGO = "2001-01-01T00:00:00Z"


def _privileged(intruder: Party) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "user_id": str(intruder.user.id),
        "source": "import",
        "created_at": LONG_AGO,
        "updated_at": LONG_AGO,
        "intake_session_id": str(uuid.uuid4()),
        "has_visualization": True,
        "visualization_id": str(uuid.uuid4()),
    }


async def _stored_entry(db: AsyncSession, entry_id: str) -> EmotionEntry:
    row = await db.scalar(
        select(EmotionEntry)
        .where(EmotionEntry.id == uuid.UUID(entry_id))
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


def _recent(value: datetime) -> bool:
    return datetime.now(UTC) - value < timedelta(minutes=5)


async def test_creating_an_entry_ignores_server_owned_properties(
    client: httpx.AsyncClient, db: AsyncSession, owner: Party, intruder: Party
) -> None:
    body = {"situation": "Mine", "emotions": ["joy"], "intensity": 0.5, **_privileged(intruder)}

    response = await client.post(f"{API}/entries", json=body, headers=owner.headers)

    assert response.status_code == 201, response.text
    entry = response.json()["data"]["entry"]
    assert entry["id"] != body["id"]
    assert (entry["source"], entry["has_visualization"], entry["visualization_id"]) == (
        "manual",
        False,
        None,
    )
    row = await _stored_entry(db, entry["id"])
    assert row.user_id == owner.user.id
    assert (row.source, row.intake_session_id) == ("manual", None)
    assert _recent(row.created_at)
    assert _recent(row.updated_at)


async def test_updating_an_entry_ignores_server_owned_properties(
    client: httpx.AsyncClient, db: AsyncSession, owner: Party, intruder: Party
) -> None:
    entry = await insert_entry(db, owner.user)
    before = entry.created_at

    response = await client.put(
        f"{API}/entries/{entry.id}",
        json={"notes": "changed", **_privileged(intruder)},
        headers=owner.headers,
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"]["id"] == str(entry.id)
    row = await _stored_entry(db, str(entry.id))
    assert (row.user_id, row.source, row.notes) == (owner.user.id, "manual", "changed")
    assert row.created_at == before
    assert row.intake_session_id is None


async def test_queueing_a_visualization_ignores_status_owner_and_result_fields(
    client: httpx.AsyncClient, db: AsyncSession, owner: Party, intruder: Party
) -> None:
    entry = await insert_entry(db, owner.user)
    body = {
        "entry_id": str(entry.id),
        "status": "completed",
        "user_id": str(intruder.user.id),
        "image_url": "https://evil.example/x.png",
        "attempts": 99,
        "max_attempts": 0,
        "progress": 100,
    }

    response = await client.post(f"{API}/visualizations", json=body, headers=owner.headers)

    assert response.status_code == 202, response.text
    row = await db.scalar(
        select(Visualization).where(
            Visualization.id == uuid.UUID(response.json()["data"]["visualization_id"])
        )
    )
    assert row is not None
    assert (row.status, row.user_id, row.image_url, row.attempts, row.progress) == (
        "pending",
        owner.user.id,
        None,
        0,
        0,
    )
    assert row.max_attempts >= 1


async def test_registering_ignores_account_flags_and_ids(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    email = f"flags-{uuid.uuid4().hex[:8]}@example.com"
    chosen_id = str(uuid.uuid4())
    body = {
        "email": email,
        "password": "Registering-1",
        "name": "Flags",
        "id": chosen_id,
        "is_active": False,
        "is_verified": True,
        "hashed_password": "plaintext",
        "created_at": LONG_AGO,
    }

    response = await client.post(f"{API}/auth/register", json=body)

    assert response.status_code == 201, response.text
    user = await db.scalar(select(User).where(User.email == email))
    assert user is not None
    assert str(user.id) != chosen_id
    assert (user.is_active, user.is_verified) == (True, False)
    assert user.hashed_password.startswith("$argon2id$")
    assert _recent(user.created_at)


async def test_responses_expose_no_credentials_or_internal_job_state(
    client: httpx.AsyncClient, db: AsyncSession, owner: Party
) -> None:
    email = f"exposure-{uuid.uuid4().hex[:8]}@example.com"
    registered = await client.post(
        f"{API}/auth/register",
        json={"email": email, "password": "Exposure-123", "name": "Exposure"},
    )
    login = await client.post(
        f"{API}/auth/login", json={"email": email, "password": "Exposure-123"}
    )
    entry = await insert_entry(db, owner.user)
    queued = await client.post(
        f"{API}/visualizations", json={"entry_id": str(entry.id)}, headers=owner.headers
    )
    polled = await client.get(
        f"{API}/visualizations/{queued.json()['data']['visualization_id']}",
        headers=owner.headers,
    )
    me = await client.get(f"{API}/auth/me", headers=owner.headers)

    for response in (registered, login):
        assert set(response.json()["data"]["user"]) == {"id", "email", "name", "created_at"}
    assert set(me.json()["data"]) == {
        "id",
        "email",
        "name",
        "created_at",
        "entry_count",
        "visualization_count",
        "ai_usage",
    }
    assert set(me.json()["data"]["ai_usage"]) == {"day", "text_calls", "images", "resets_at"}
    everything = " ".join(r.text for r in (registered, login, queued, polled, me))
    for internal in (
        "hashed_password",
        "argon2",
        "Exposure-123",
        "is_active",
        "locked_by",
        "gemini_analysis",
        "nanobanana_response",
        "attempts",
    ):
        assert internal not in everything
