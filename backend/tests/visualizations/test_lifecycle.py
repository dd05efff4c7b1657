"""A visualization from POST to image: completion, retries, failures, re-queueing."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from app.ai.errors import AIImageError, public_ai_message
from app.media.local import LocalMediaStore
from app.models import PendingMediaDeletion
from app.platform.db.database import Database
from tests.helpers.envelope import assert_error
from tests.helpers.users import UserFactory
from tests.visualizations.fixtures import (
    EntryMaker,
    WorkerMaker,
    queue_visualization,
    wait_for_status,
)
from tests.visualizations.scripted_provider import BLOCK_COLOURS, ScriptedProvider


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


async def test_completed_visualization_has_signed_images_palette_and_analysis(
    viz_client: httpx.AsyncClient,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
    viz_settings: object,
) -> None:
    user = await committed_users.create()
    entry = await make_entry(user)
    headers = committed_users.headers(user)

    response = await viz_client.post(
        "/api/v1/visualizations",
        json={"entry_id": str(entry.id), "style": "metaphor"},
        headers=headers,
    )
    assert response.status_code == 202, response.text
    queued = response.json()["data"]
    assert queued["status"] == "pending"
    assert queued["estimated_time_seconds"] == 30  # the default before any job has finished
    assert queued["polling_url"] == f"/api/v1/visualizations/{queued['visualization_id']}"

    pending = (await viz_client.get(queued["polling_url"], headers=headers)).json()["data"]
    assert set(pending) == {"id", "status", "progress", "estimated_time_remaining_seconds"}
    assert pending["status"] == "pending"
    assert pending["progress"] == 0

    provider = ScriptedProvider()
    await start_worker(provider)
    row = await wait_for_status(committed_db, queued["visualization_id"])
    assert row.status == "completed", row.error_message

    body = (await viz_client.get(queued["polling_url"], headers=headers)).json()["data"]
    assert set(body) == {
        "id",
        "entry_id",
        "status",
        "image_url",
        "thumbnail_url",
        "summary",
        "insights",
        "visual_elements",
        "created_at",
        "completed_at",
    }
    assert body["entry_id"] == str(entry.id)
    assert body["summary"].startswith("About: My flight")
    assert body["insights"] == ["It matters to you.", "It will pass."]
    # Taken from the pixels, not from the analysis' suggestion.
    palette, shape = body["visual_elements"]
    assert palette["type"] == "color_palette"
    assert set(palette["values"][:2]) == {_hex(c) for c in BLOCK_COLOURS}
    assert shape == {"type": "shape", "description": "circles, soft waves"}

    # Stored analysis and image metadata, without any image bytes.
    assert row.gemini_analysis is not None
    assert row.gemini_analysis["summary"] == body["summary"]
    assert row.nanobanana_response is not None
    assert row.nanobanana_response["raw"] == "<4 bytes omitted>"
    assert row.nanobanana_response["mime_type"] == "image/png"
    assert row.progress == 100
    assert row.attempts == 1
    assert row.locked_by is None

    image = await viz_client.get(body["image_url"])  # no Authorization header
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert image.headers["cache-control"].startswith("private, max-age=")
    thumbnail = await viz_client.get(body["thumbnail_url"])
    assert thumbnail.headers["content-type"] == "image/jpeg"

    # Each GET signs afresh: the expiry runs from the time of the request.
    await asyncio.sleep(1.01)
    again = (await viz_client.get(queued["polling_url"], headers=headers)).json()["data"]
    first_expiry = parse_qs(urlsplit(body["image_url"]).query)["expires"][0]
    assert parse_qs(urlsplit(again["image_url"]).query)["expires"][0] > first_expiry

    # The next estimate learns from the finished job.
    second = await make_entry(user, "Another day")
    response = await viz_client.post(
        "/api/v1/visualizations", json={"entry_id": str(second.id)}, headers=headers
    )
    assert response.json()["data"]["estimated_time_seconds"] == 1


async def test_transient_error_is_retried_then_succeeds(
    viz_client: httpx.AsyncClient,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
) -> None:
    user = await committed_users.create()
    entry = await make_entry(user)
    provider = ScriptedProvider(script=[AIImageError("Nano Banana Pro is busy.", retryable=True)])
    await start_worker(provider)

    visualization_id = await queue_visualization(
        viz_client, committed_users.headers(user), entry.id
    )
    row = await wait_for_status(committed_db, visualization_id)
    assert row.status == "completed"
    assert row.attempts == 2
    assert len(provider.render_calls) == 2
    assert row.error_message is None


async def test_refusal_fails_without_retry_and_post_requeues_it(
    viz_client: httpx.AsyncClient,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
    viz_settings: object,
) -> None:
    user = await committed_users.create()
    headers = committed_users.headers(user)
    entry = await make_entry(user)
    refusal = AIImageError(
        "Nano Banana Pro refused (finish reason IMAGE_SAFETY).", retryable=False, outcome="blocked"
    )
    provider = ScriptedProvider(script=[refusal])
    await start_worker(provider)

    visualization_id = await queue_visualization(viz_client, headers, entry.id)
    row = await wait_for_status(committed_db, visualization_id)
    assert row.status == "failed"
    assert row.attempts == 1

    body = await viz_client.get(f"/api/v1/visualizations/{visualization_id}", headers=headers)
    assert body.json()["data"] == {
        "id": visualization_id,
        "status": "failed",
        # What the person is told: what happened, never the model or its own words.
        "error_message": "The AI's safety filters declined this request. Rephrasing it may help.",
        "retry_allowed": True,
    }

    again = await viz_client.post(
        "/api/v1/visualizations",
        json={"entry_id": str(entry.id), "style": "diagram"},
        headers=headers,
    )
    assert again.status_code == 202
    assert again.json()["data"]["visualization_id"] == visualization_id
    row = await wait_for_status(committed_db, visualization_id, ("completed",))
    assert row.style == "diagram"
    assert row.attempts == 1

    conflict = await viz_client.post(
        "/api/v1/visualizations", json={"entry_id": str(entry.id)}, headers=headers
    )
    assert_error(conflict, 409, "CONFLICT")


async def test_retries_stop_at_max_attempts_with_the_last_error(
    viz_client: httpx.AsyncClient,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
) -> None:
    user = await committed_users.create()
    entry = await make_entry(user)
    busy = AIImageError("Image generation is unavailable.", retryable=True)
    provider = ScriptedProvider(script=[busy, busy, busy, None])
    await start_worker(provider)

    visualization_id = await queue_visualization(
        viz_client, committed_users.headers(user), entry.id
    )
    row = await wait_for_status(committed_db, visualization_id)
    assert row.status == "failed"
    assert row.attempts == 3  # job_max_attempts
    # The last failure's outcome, in the words a person is shown (the provider's are logged).
    assert row.error_message == public_ai_message(None)
    assert "Image generation" not in row.error_message
    assert len(provider.render_calls) == 3


async def test_deleting_a_completed_visualization_removes_its_files(
    viz_app: FastAPI,
    viz_client: httpx.AsyncClient,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
) -> None:
    user = await committed_users.create()
    headers = committed_users.headers(user)
    entry = await make_entry(user)
    await start_worker(ScriptedProvider())
    visualization_id = await queue_visualization(viz_client, headers, entry.id)
    row = await wait_for_status(committed_db, visualization_id, ("completed",))
    store = viz_app.state.media
    assert isinstance(store, LocalMediaStore)
    image = store.path_for(row.image_url or "")
    assert image is not None
    assert image.is_file()

    deleted = await viz_client.delete(f"/api/v1/visualizations/{visualization_id}", headers=headers)
    assert deleted.status_code == 204
    await viz_app.state.media_deletions.drain()  # the removal tried once the delete committed
    assert not image.exists()
    assert not image.parent.exists()
    async with committed_db.sessionmaker() as session:
        assert await session.scalar(select(func.count(PendingMediaDeletion.visualization_id))) == 0
    missing = await viz_client.get(f"/api/v1/visualizations/{visualization_id}", headers=headers)
    assert_error(missing, 404, "NOT_FOUND")
