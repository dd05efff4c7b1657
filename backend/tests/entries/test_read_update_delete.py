"""GET, PUT and DELETE /entries/{id}: ownership, partial updates, cascades."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import EmotionEntry, Visualization
from app.platform.config import Settings
from tests.helpers.envelope import assert_error
from tests.helpers.journal import ENTRIES, Journal, entry_payload
from tests.helpers.swift_decoding import ENTRY, assert_swift_decodes
from tests.helpers.users import UserFactory

MALFORMED_IDS = [
    "not-a-uuid",
    "123",
    "00000000-0000-0000-0000-00000000000g",
    "%00",
    "..%2F..%2Fetc",
]


def _url(entry_id: object) -> str:
    return f"{ENTRIES}/{entry_id}"


# --- GET -----------------------------------------------------------------------------------


async def test_get_returns_the_entry_object_itself_with_visualization_id_null(
    journal: Journal,
) -> None:
    created = await journal.create()
    response = await journal.client.get(_url(created["id"]), headers=journal.headers)
    assert response.status_code == 200
    data = response.json()["data"]
    assert "entry" not in data
    assert_swift_decodes(data, ENTRY)
    assert data == created
    assert data["visualization_id"] is None


async def test_get_includes_the_visualization_id_when_the_entry_has_one(
    journal: Journal, session: AsyncSession
) -> None:
    created = await journal.create()
    visualization = Visualization(entry_id=uuid.UUID(created["id"]), user_id=journal.user.id)
    session.add(visualization)
    await session.flush()
    data = (await journal.client.get(_url(created["id"]), headers=journal.headers)).json()["data"]
    assert data["has_visualization"] is True
    assert data["visualization_id"] == str(visualization.id)


async def test_get_of_an_unknown_id_is_404(journal: Journal) -> None:
    response = await journal.client.get(_url(uuid.uuid4()), headers=journal.headers)
    assert_error(response, 404, "NOT_FOUND")


async def test_get_of_another_users_entry_is_403(journal: Journal, other_journal: Journal) -> None:
    theirs = await other_journal.create()
    response = await journal.client.get(_url(theirs["id"]), headers=journal.headers)
    assert_error(response, 403, "FORBIDDEN")


@pytest.mark.parametrize("entry_id", MALFORMED_IDS)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_a_malformed_id_is_a_400_or_404_envelope_never_422_or_500(
    journal: Journal, entry_id: str, method: str
) -> None:
    response = await journal.client.request(
        method,
        f"{ENTRIES}/{entry_id}",
        headers=journal.headers,
        json={"intensity": 0.5} if method == "PUT" else None,
    )
    assert response.status_code in (400, 404), response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] in ("VALIDATION_ERROR", "NOT_FOUND")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_entry_routes_without_a_token_are_401(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, _url(uuid.uuid4()), json={"intensity": 0.5})
    assert_error(response, 401, "UNAUTHORIZED")


# --- PUT -----------------------------------------------------------------------------------


async def _put(journal: Journal, entry_id: str, body: Any) -> httpx.Response:
    return await journal.client.put(_url(entry_id), json=body, headers=journal.headers)


async def test_put_changes_only_the_fields_sent(journal: Journal) -> None:
    created = await journal.create()
    response = await _put(journal, created["id"], {"intensity": 0.256})
    assert response.status_code == 200
    updated = response.json()["data"]
    assert_swift_decodes(updated, ENTRY)
    assert updated["intensity"] == 0.26
    for field in ("id", "situation", "emotions", "notes", "created_at", "source"):
        assert updated[field] == created[field]


async def test_put_can_change_every_editable_field_at_once(journal: Journal) -> None:
    created = await journal.create()
    changes = {
        "situation": "The deadline moved back",
        "emotions": ["contentment", "joy"],
        "intensity": 0.2,
        "notes": "Relieved",
    }
    updated = (await _put(journal, created["id"], changes)).json()["data"]
    assert {k: updated[k] for k in changes} == changes
    fetched = (await journal.client.get(_url(created["id"]), headers=journal.headers)).json()
    assert {k: fetched["data"][k] for k in changes} == changes


async def test_put_with_notes_null_clears_the_notes(journal: Journal) -> None:
    created = await journal.create(notes="to be removed")
    updated = (await _put(journal, created["id"], {"notes": None})).json()["data"]
    assert updated["notes"] is None


async def test_put_with_an_empty_body_changes_nothing(journal: Journal) -> None:
    created = await journal.create()
    response = await _put(journal, created["id"], {})
    assert response.status_code == 200
    assert response.json()["data"] == created


async def test_put_keeps_the_visualization_link(journal: Journal, session: AsyncSession) -> None:
    created = await journal.create()
    visualization = Visualization(entry_id=uuid.UUID(created["id"]), user_id=journal.user.id)
    session.add(visualization)
    await session.flush()
    updated = (await _put(journal, created["id"], {"notes": "x"})).json()["data"]
    assert updated["visualization_id"] == str(visualization.id)
    assert updated["has_visualization"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"situation": ""},
        {"situation": "s" * 5001},
        {"situation": None},
        {"emotions": []},
        {"emotions": ["joy", "joy"]},
        {"emotions": ["happiness"]},
        {"emotions": None},
        {"intensity": 1.5},
        {"intensity": "0.5"},
        {"intensity": None},
        {"notes": "n" * 10001},
        {"situation": "a\x00b"},
        {"notes": "a\x00b"},
    ],
)
async def test_put_validates_like_create_and_leaves_the_entry_untouched(
    journal: Journal, body: dict[str, Any]
) -> None:
    created = await journal.create()
    assert_error(await _put(journal, created["id"], body), 400, "VALIDATION_ERROR")
    fetched = (await journal.client.get(_url(created["id"]), headers=journal.headers)).json()
    assert fetched["data"] == created


@pytest.mark.parametrize("body", [[], "text", 5])
async def test_put_with_a_body_that_is_not_an_object_is_400(journal: Journal, body: Any) -> None:
    created = await journal.create()
    assert_error(await _put(journal, created["id"], body), 400, "VALIDATION_ERROR")


async def test_put_ignores_id_user_id_and_source(
    journal: Journal, other_journal: Journal, session: AsyncSession
) -> None:
    created = await journal.create()
    response = await _put(
        journal,
        created["id"],
        {
            "id": str(uuid.uuid4()),
            "user_id": str(other_journal.user.id),
            "source": "import",
            "created_at": "2001-01-01T00:00:00Z",
            "notes": "changed",
        },
    )
    assert response.status_code == 200
    updated = response.json()["data"]
    assert updated["id"] == created["id"]
    assert updated["source"] == "manual"
    assert updated["created_at"] == created["created_at"]
    assert updated["notes"] == "changed"
    owner = await session.scalar(
        select(EmotionEntry.user_id).where(EmotionEntry.id == uuid.UUID(created["id"]))
    )
    assert owner == journal.user.id


async def test_put_of_another_users_entry_is_403_and_changes_nothing(
    journal: Journal, other_journal: Journal
) -> None:
    theirs = await other_journal.create()
    assert_error(await _put(journal, theirs["id"], {"notes": "hijack"}), 403, "FORBIDDEN")
    fetched = await other_journal.client.get(_url(theirs["id"]), headers=other_journal.headers)
    assert fetched.json()["data"]["notes"] == theirs["notes"]


async def test_put_of_an_unknown_id_is_404(journal: Journal) -> None:
    assert_error(await _put(journal, str(uuid.uuid4()), {"notes": "x"}), 404, "NOT_FOUND")


async def test_put_moves_updated_at_forward_and_keeps_created_at(
    committed_client: httpx.AsyncClient, committed_users: UserFactory
) -> None:
    user = await committed_users.create()
    headers = committed_users.headers(user)
    created = (await committed_client.post(ENTRIES, json=entry_payload(), headers=headers)).json()[
        "data"
    ]["entry"]
    await asyncio.sleep(0.01)
    response = await committed_client.put(
        _url(created["id"]), json={"intensity": 0.1}, headers=headers
    )
    updated = response.json()["data"]
    assert updated["created_at"] == created["created_at"]
    assert datetime.fromisoformat(updated["updated_at"]) > datetime.fromisoformat(
        created["updated_at"]
    )


# --- DELETE --------------------------------------------------------------------------------


async def test_delete_answers_204_with_no_body_and_the_entry_is_gone(journal: Journal) -> None:
    created = await journal.create()
    response = await journal.client.delete(_url(created["id"]), headers=journal.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(
        await journal.client.get(_url(created["id"]), headers=journal.headers), 404, "NOT_FOUND"
    )
    assert_error(
        await journal.client.delete(_url(created["id"]), headers=journal.headers),
        404,
        "NOT_FOUND",
    )
    listed = (await journal.client.get(ENTRIES, headers=journal.headers)).json()["data"]
    assert listed["total"] == 0


async def test_delete_removes_the_visualization_and_its_image_files(
    journal: Journal, session: AsyncSession, settings: Settings, app: FastAPI
) -> None:
    created = await journal.create()
    visualization_id = uuid.uuid4()
    folder = settings.media_path / "visualizations" / str(visualization_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "image.png").write_bytes(b"png")
    (folder / "thumbnail.jpg").write_bytes(b"jpg")
    session.add(
        Visualization(
            id=visualization_id,
            entry_id=uuid.UUID(created["id"]),
            user_id=journal.user.id,
            status="completed",
            image_url=f"visualizations/{visualization_id}/image.png",
            thumbnail_url=f"visualizations/{visualization_id}/thumbnail.jpg",
        )
    )
    await session.flush()

    response = await journal.client.delete(_url(created["id"]), headers=journal.headers)
    assert response.status_code == 204
    remaining = await session.scalar(
        select(func.count())
        .select_from(Visualization)
        .where(Visualization.entry_id == uuid.UUID(created["id"]))
    )
    assert remaining == 0
    await app.state.media_deletions.drain()  # tried once the delete committed
    assert not folder.exists()


async def test_delete_never_removes_files_outside_the_media_directory(
    journal: Journal, session: AsyncSession, settings: Settings, tmp_path: Path, app: FastAPI
) -> None:
    outside = settings.media_path.parent / f"outside-{uuid.uuid4().hex}.png"
    outside.write_bytes(b"keep me")
    created = await journal.create()
    session.add(
        Visualization(
            entry_id=uuid.UUID(created["id"]),
            user_id=journal.user.id,
            image_url=f"../{outside.name}",
            thumbnail_url=str(outside),
        )
    )
    await session.flush()
    response = await journal.client.delete(_url(created["id"]), headers=journal.headers)
    assert response.status_code == 204
    await app.state.media_deletions.drain()
    assert outside.read_bytes() == b"keep me"
    outside.unlink()


async def test_delete_of_another_users_entry_is_403_and_keeps_it(
    journal: Journal, other_journal: Journal
) -> None:
    theirs = await other_journal.create()
    assert_error(
        await journal.client.delete(_url(theirs["id"]), headers=journal.headers), 403, "FORBIDDEN"
    )
    still = await other_journal.client.get(_url(theirs["id"]), headers=other_journal.headers)
    assert still.status_code == 200


async def test_delete_of_an_unknown_id_is_404(journal: Journal) -> None:
    response = await journal.client.delete(_url(uuid.uuid4()), headers=journal.headers)
    assert_error(response, 404, "NOT_FOUND")
