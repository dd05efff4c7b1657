"""POST /entries: 201 with `data.entry`, decoded by the iOS app."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.entries import repository
from app.models import AuthSession, EmotionEntry, User
from app.platform.db.database import Database
from tests.helpers.envelope import assert_error
from tests.helpers.journal import ENTRIES, Journal, entry_payload
from tests.helpers.sql_recorder import recorded_statements
from tests.helpers.swift_decoding import (
    CREATE_ENTRY_RESPONSE,
    api_response,
    assert_iso8601_with_zone,
    assert_swift_decodes,
)


async def test_create_entry_answers_201_with_the_entry_the_ios_app_decodes(
    client: httpx.AsyncClient, journal: Journal
) -> None:
    response = await client.post(ENTRIES, json=entry_payload(), headers=journal.headers)
    assert response.status_code == 201
    body = response.json()
    assert_swift_decodes(body, api_response(CREATE_ENTRY_RESPONSE))
    entry = body["data"]["entry"]
    assert entry["situation"] == "My manager moved the deadline to tomorrow"
    assert entry["emotions"] == ["anxiety", "frustration"]
    assert entry["intensity"] == 0.7
    assert '"intensity":0.7' in response.text  # a JSON number, never "0.70"
    assert entry["notes"] == "Happened right before lunch"
    assert entry["source"] == "manual"
    assert entry["has_visualization"] is False
    assert entry["visualization_id"] is None
    created = assert_iso8601_with_zone(entry["created_at"])
    assert assert_iso8601_with_zone(entry["updated_at"]) == created


async def test_created_entry_is_stored_for_the_caller(
    journal: Journal, session: AsyncSession
) -> None:
    entry = await journal.create()
    stored = await session.scalar(select(EmotionEntry).where(EmotionEntry.id == entry["id"]))
    assert stored is not None
    assert stored.user_id == journal.user.id
    assert str(stored.intensity) == "0.70"


async def test_creating_an_entry_is_one_round_trip(journal: Journal, engine: AsyncEngine) -> None:
    with recorded_statements(engine) as statements:
        await journal.create()
    # The INSERT checks the caller's session itself (no probe before it: Claims).
    assert len(statements) == 1
    assert statements[0].startswith("INSERT INTO emotion_entries")
    assert "users.is_active" in statements[0]


@pytest.mark.parametrize(
    ("sent", "stored"),
    [(0.745, 0.75), (0.3333333, 0.33), (0.005, 0.01), (0.004, 0.0), (0, 0.0), (1, 1.0), (0.1, 0.1)],
)
async def test_intensity_is_kept_with_two_decimals_and_returned_as_a_number(
    journal: Journal, sent: float, stored: float
) -> None:
    entry = await journal.create(intensity=sent)
    assert isinstance(entry["intensity"], float)
    assert entry["intensity"] == stored


async def test_notes_are_optional(journal: Journal) -> None:
    payload = entry_payload()
    del payload["notes"]
    entry = await journal.create(notes=None)
    assert entry["notes"] is None
    response = await journal.client.post(ENTRIES, json=payload, headers=journal.headers)
    assert response.status_code == 201
    assert response.json()["data"]["entry"]["notes"] is None


async def test_limits_at_their_edges_are_accepted(journal: Journal) -> None:
    entry = await journal.create(
        situation="s" * 5000,
        emotions=[
            "joy",
            "sadness",
            "anger",
            "fear",
            "disgust",
            "surprise",
            "anxiety",
            "contentment",
            "frustration",
            "excitement",
        ],
        notes="n" * 10000,
    )
    assert len(entry["situation"]) == 5000
    assert len(entry["emotions"]) == 10
    assert len(entry["notes"]) == 10000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("situation", ""),
        ("situation", "   \n "),
        ("situation", "s" * 5001),
        ("situation", None),
        ("situation", 42),
        ("emotions", []),
        ("emotions", ["joy"] * 11),
        (
            "emotions",
            [
                "joy",
                "sadness",
                "anger",
                "fear",
                "disgust",
                "surprise",
                "anxiety",
                "contentment",
                "frustration",
                "excitement",
                "joy",
            ],
        ),
        ("emotions", ["happiness"]),
        ("emotions", ["joy", "joy"]),
        ("emotions", "joy"),
        ("emotions", [1]),
        ("intensity", -0.01),
        ("intensity", 1.01),
        ("intensity", "abc"),
        ("intensity", None),
        ("intensity", True),
        ("notes", "n" * 10001),
        ("notes", 5),
    ],
)
async def test_create_rejects_invalid_fields_with_400_naming_them(
    client: httpx.AsyncClient, journal: Journal, field: str, value: Any
) -> None:
    response = await client.post(
        ENTRIES, json=entry_payload(**{field: value}), headers=journal.headers
    )
    body = assert_error(response, 400, "VALIDATION_ERROR")
    fields = {d["field"].split(".")[0] for d in body["error"]["details"]}
    assert fields == {field}


@pytest.mark.parametrize("missing", ["situation", "emotions", "intensity"])
async def test_create_without_a_required_field_is_400(
    client: httpx.AsyncClient, journal: Journal, missing: str
) -> None:
    payload = entry_payload()
    del payload[missing]
    assert_error(
        await client.post(ENTRIES, json=payload, headers=journal.headers), 400, "VALIDATION_ERROR"
    )


@pytest.mark.parametrize("raw", [b'{"intensity": NaN}', b'{"intensity": Infinity}'])
async def test_create_rejects_non_finite_intensity(
    client: httpx.AsyncClient, journal: Journal, raw: bytes
) -> None:
    body = raw.replace(b"{", b'{"situation": "x", "emotions": ["joy"], ', 1)
    response = await client.post(
        ENTRIES, content=body, headers={**journal.headers, "content-type": "application/json"}
    )
    assert_error(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("field", ["situation", "notes"])
async def test_create_rejects_the_nul_character_with_400(
    client: httpx.AsyncClient, journal: Journal, field: str
) -> None:
    response = await client.post(
        ENTRIES, json=entry_payload(**{field: "before\x00after"}), headers=journal.headers
    )
    assert_error(response, 400, "VALIDATION_ERROR")


async def test_create_ignores_id_user_id_source_and_timestamps_in_the_body(
    client: httpx.AsyncClient, journal: Journal, other_journal: Journal, session: AsyncSession
) -> None:
    planted_id = "00000000-0000-0000-0000-0000000000aa"
    response = await client.post(
        ENTRIES,
        json=entry_payload(
            id=planted_id,
            user_id=str(other_journal.user.id),
            source="intake_flow",
            created_at="2001-01-01T00:00:00Z",
            has_visualization=True,
        ),
        headers=journal.headers,
    )
    assert response.status_code == 201
    entry = response.json()["data"]["entry"]
    assert entry["id"] != planted_id
    assert entry["source"] == "manual"
    assert entry["has_visualization"] is False
    assert not entry["created_at"].startswith("2001")
    stored = await session.scalar(select(EmotionEntry).where(EmotionEntry.id == entry["id"]))
    assert stored is not None
    assert stored.user_id == journal.user.id


async def test_create_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    assert_error(await client.post(ENTRIES, json=entry_payload()), 401, "UNAUTHORIZED")


async def test_an_entry_posted_while_its_account_is_deleted_is_refused_not_a_500(
    committed_db: Database,
) -> None:
    """The INSERT's account check sees the user; its foreign-key check, run after the delete
    commits, does not: that race must be the same refusal as any deleted account."""
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    async with committed_db.engine.begin() as conn:
        await conn.execute(
            insert(User).values(
                id=user_id, email=f"{user_id}@example.com", name="Gone", hashed_password="!unusable"
            )
        )
        await conn.execute(
            insert(AuthSession).values(
                id=session_id, user_id=user_id, expires_at=func.now() + func.make_interval(0, 0, 1)
            )
        )
    entry = repository.NewEntry(
        user_id=user_id,
        situation="Racing the deletion",
        emotions=["joy"],
        intensity=Decimal("0.5"),
        notes=None,
        source="manual",
        intake_session_id=None,
    )
    async with committed_db.engine.connect() as deleting, committed_db.engine.connect() as posting:
        await deleting.execute(delete(User).where(User.id == user_id))  # not committed yet
        driver = (await posting.get_raw_connection()).driver_connection
        assert isinstance(driver, asyncpg.Connection)
        insert_task = asyncio.create_task(repository.insert_entry_alone(driver, entry, session_id))
        # Wait until the INSERT has passed its EXISTS and blocks in the foreign-key check on the
        # deleted row's lock; only then is the race the one this test is about.
        await _wait_for_lock(committed_db, driver.get_server_pid())
        assert not insert_task.done()
        await deleting.commit()
        assert await insert_task is None


async def _wait_for_lock(database: Database, pid: int, within: float = 10.0) -> None:
    query = text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
    deadline = asyncio.get_running_loop().time() + within
    async with database.engine.connect() as watcher:
        while (await watcher.scalar(query, {"pid": pid})) != "Lock":
            assert asyncio.get_running_loop().time() < deadline, "the INSERT never waited"
            await asyncio.sleep(0.01)
            await watcher.rollback()  # a fresh snapshot of pg_stat_activity each time
