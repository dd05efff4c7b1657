"""A person's own data: deleting the account takes everything with it; exporting hands it over.

The journals here are made as the app makes them: registered, written and drawn through the API,
with the in-process worker drawing the pictures (local provider) into a private media directory.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.helpers.accounts import STRONG_PASSWORD, bearer
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.visualizations.fixtures import viz_settings, wait_for_status  # noqa: F401

API = "/api/v1"
# Every table that holds a person's rows, by the column naming them.
PERSONAL_TABLES = {
    "users": "id",
    "auth_sessions": "user_id",
    "login_addresses": "user_id",
    "emotion_entries": "user_id",
    "intake_sessions": "user_id",
    "visualizations": "user_id",
    "ai_usage": "user_id",
    "emotion_analytics": "user_id",
}


@dataclass
class Journal:
    """A person's journal as made through the API."""

    email: str
    token: str
    user_id: uuid.UUID
    entry_ids: list[str] = field(default_factory=list)
    intake_session_id: str = ""
    visualization_ids: list[str] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


@pytest.fixture
def journal_settings(viz_settings: Settings) -> Settings:  # noqa: F811
    return viz_settings.model_copy(update={"worker_in_process": True})


@pytest.fixture
def journal_app(journal_settings: Settings, committed_db: Database) -> FastAPI:
    return create_app(journal_settings, database=committed_db)


@pytest.fixture
async def client(journal_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for client in client_for(journal_app):
        yield client


async def write_journal(
    client: httpx.AsyncClient, database: Database, name: str, drawn: int = 2
) -> Journal:
    email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.com"
    registered = await client.post(
        f"{API}/auth/register", json={"email": email, "password": STRONG_PASSWORD, "name": name}
    )
    assert registered.status_code == 201, registered.text
    data = registered.json()["data"]
    journal = Journal(email, data["access_token"], uuid.UUID(data["user"]["id"]))
    for situation in ("A quiet Sunday", "The train was late again", f"{name}'s long week"):
        created = await client.post(
            f"{API}/entries",
            json={"situation": situation, "emotions": ["joy"], "intensity": 0.5, "notes": "n"},
            headers=journal.headers,
        )
        assert created.status_code == 201, created.text
        journal.entry_ids.append(created.json()["data"]["entry"]["id"])

    started = await client.post(
        f"{API}/intake/analyze",
        json={"situation": "My manager moved the deadline up by a week"},
        headers=journal.headers,
    )
    assert started.status_code == 200, started.text
    journal.intake_session_id = started.json()["data"]["session_id"]
    option = started.json()["data"]["scenarios"][0]["options"][0]["id"]
    refined = await client.post(
        f"{API}/intake/refine",
        json={"session_id": journal.intake_session_id, "selected_option_id": option},
        headers=journal.headers,
    )
    assert refined.status_code == 200, refined.text
    completed = await client.post(
        f"{API}/intake/complete",
        json={
            "session_id": journal.intake_session_id,
            "final_emotions": ["anxiety"],
            "intensity": 0.7,
        },
        headers=journal.headers,
    )
    assert completed.status_code == 201, completed.text
    journal.entry_ids.append(completed.json()["data"]["entry"]["id"])

    for entry_id in journal.entry_ids[:drawn]:
        queued = await client.post(
            f"{API}/visualizations", json={"entry_id": entry_id}, headers=journal.headers
        )
        assert queued.status_code == 202, queued.text
        journal.visualization_ids.append(queued.json()["data"]["visualization_id"])
    for visualization_id in journal.visualization_ids:
        row = await wait_for_status(database, visualization_id)
        assert row.status == "completed", row.error_message
    return journal


def picture_folder(settings: Settings, visualization_id: str) -> Path:
    return settings.media_path / "visualizations" / visualization_id


async def rows_of(database: Database, user_id: uuid.UUID) -> dict[str, int]:
    async with database.sessionmaker() as session:
        return {
            table: int(
                await session.scalar(
                    text(f"SELECT count(*) FROM {table} WHERE {column} = :id"),
                    {"id": user_id},
                )
                or 0
            )
            for table, column in PERSONAL_TABLES.items()
        }


# --- deleting the account ------------------------------------------------------------------


async def test_deleting_the_account_leaves_no_rows_no_pictures_and_no_working_token(
    client: httpx.AsyncClient,
    journal_app: FastAPI,
    journal_settings: Settings,
    committed_db: Database,
) -> None:
    owner = await write_journal(client, committed_db, "Owner")
    bystander = await write_journal(client, committed_db, "Bystander", drawn=1)
    laptop = (
        await client.post(
            f"{API}/auth/login", json={"email": owner.email, "password": STRONG_PASSWORD}
        )
    ).json()["data"]["access_token"]
    before = await rows_of(committed_db, owner.user_id)
    assert all(before[t] for t in ("auth_sessions", "emotion_entries", "visualizations")), before
    for visualization_id in owner.visualization_ids:
        assert any(picture_folder(journal_settings, visualization_id).iterdir())

    wrong = await client.request(
        "DELETE", f"{API}/auth/me", json={"password": "Not-It-123!"}, headers=owner.headers
    )
    assert_error(wrong, 403, "FORBIDDEN")
    assert await rows_of(committed_db, owner.user_id) == before  # nothing went

    deleted = await client.request(
        "DELETE", f"{API}/auth/me", json={"password": STRONG_PASSWORD}, headers=owner.headers
    )
    assert deleted.status_code == 204, deleted.text
    assert deleted.content == b""

    assert set((await rows_of(committed_db, owner.user_id)).values()) == {0}
    await journal_app.state.media_deletions.drain()  # the removal the commit released
    for visualization_id in owner.visualization_ids:
        assert not picture_folder(journal_settings, visualization_id).exists()
    async with committed_db.sessionmaker() as session:
        pending = await session.scalar(text("SELECT count(*) FROM pending_media_deletions"))
    assert pending == 0
    # Every token of every session is refused, and the password no longer logs in.
    for token in (owner.token, laptop):
        assert_error(await client.get(f"{API}/auth/me", headers=bearer(token)), 401, "UNAUTHORIZED")
        assert_error(await client.get(f"{API}/entries", headers=bearer(token)), 401, "UNAUTHORIZED")
    gone = await client.post(
        f"{API}/auth/login", json={"email": owner.email, "password": STRONG_PASSWORD}
    )
    assert_error(gone, 401, "UNAUTHORIZED")

    # Someone else's journal is untouched.
    kept = await rows_of(committed_db, bystander.user_id)
    assert kept["emotion_entries"] == 4
    assert kept["visualizations"] == 1
    assert any(picture_folder(journal_settings, bystander.visualization_ids[0]).iterdir())
    assert (await client.get(f"{API}/entries", headers=bystander.headers)).status_code == 200

    # The e-mail is free again: a new account, with nothing of the old one.
    again = await client.post(
        f"{API}/auth/register",
        json={"email": owner.email, "password": STRONG_PASSWORD, "name": "Again"},
    )
    assert again.status_code == 201, again.text
    fresh = bearer(again.json()["data"]["access_token"])
    assert (await client.get(f"{API}/entries", headers=fresh)).json()["data"]["total"] == 0


# --- exporting -----------------------------------------------------------------------------


async def test_the_export_is_a_zip_of_the_whole_journal_with_its_pictures(
    client: httpx.AsyncClient, journal_settings: Settings, committed_db: Database
) -> None:
    owner = await write_journal(client, committed_db, "Owner")
    bystander = await write_journal(client, committed_db, "Bystander", drawn=1)

    response = await client.get(f"{API}/auth/me/export", headers=owner.headers)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="emotionviz-export-'
    )
    assert response.headers["cache-control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None  # every member's CRC checks out
    raw = archive.read("export.json")
    document: dict[str, Any] = json.loads(raw)

    assert document["format"] == "emotionviz-export"
    assert document["profile"]["email"] == owner.email
    assert document["profile"]["id"] == str(owner.user_id)
    assert sorted(e["id"] for e in document["entries"]) == sorted(owner.entry_ids)
    assert {e["situation"] for e in document["entries"]} >= {"A quiet Sunday", "Owner's long week"}
    (intake,) = document["intake_sessions"]
    assert intake["id"] == owner.intake_session_id
    assert intake["is_complete"] is True
    assert intake["conversation_history"], "the questions and answers themselves"
    assert intake["final_summary"]
    assert [s["ended_at"] for s in document["sessions"]] == [None]
    assert {u["kind"] for u in document["ai_usage"]} == {"text", "image"}

    visualizations = {v["id"]: v for v in document["visualizations"]}
    assert set(visualizations) == set(owner.visualization_ids)
    pictures = 0
    for visualization_id, visualization in visualizations.items():
        assert visualization["status"] == "completed"
        assert visualization["summary"]
        assert visualization["analysis"]
        folder = picture_folder(journal_settings, visualization_id)
        for member in (visualization["image"], visualization["thumbnail"]):
            assert member.startswith(f"pictures/{visualization_id}/")
            # The picture itself, byte for byte, not a link that would expire.
            assert archive.read(member) == (folder / member.rsplit("/", 1)[1]).read_bytes()
            pictures += 1
    assert sorted(archive.namelist()) == sorted(
        ["export.json", *(v[k] for v in visualizations.values() for k in ("image", "thumbnail"))]
    )
    assert pictures == 4

    # Nothing of anyone else, and never a credential.
    text_of_it = raw.decode()
    assert bystander.email not in text_of_it
    assert "Bystander" not in text_of_it
    assert "argon2" not in text_of_it
    assert owner.token not in text_of_it
    assert "hashed_password" not in text_of_it


async def test_the_export_needs_a_live_session(
    client: httpx.AsyncClient, committed_db: Database
) -> None:
    owner = await write_journal(client, committed_db, "Owner", drawn=0)
    assert_error(await client.get(f"{API}/auth/me/export"), 401, "UNAUTHORIZED")
    out = await client.post(f"{API}/auth/logout", headers=owner.headers)
    assert out.status_code == 204
    refused = await client.get(f"{API}/auth/me/export", headers=owner.headers)
    assert_error(refused, 401, "UNAUTHORIZED")
