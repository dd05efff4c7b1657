"""The lifecycle through the product's providers: the LocalProvider and Gemini (on the fake)."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from app.ai.errors import public_ai_message
from app.ai.local import LocalProvider
from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.fakes.fixtures import fake_gemini, make_gemini_provider  # noqa: F401
from tests.fakes.gemini import FakeGemini
from tests.fakes.replies import (
    ANALYSIS_ANSWER,
    bomb_png,
    error_reply,
    image_reply,
    jpeg_bytes,
    refusal_reply,
    text_reply,
)
from tests.helpers.clients import client_for
from tests.helpers.users import UserFactory
from tests.visualizations.fixtures import EntryMaker, WorkerMaker, wait_for_status

HEX = re.compile(r"^#[0-9A-F]{6}$")


async def _post(client: httpx.AsyncClient, users: UserFactory, user: object, entry: object) -> str:
    response = await client.post(
        "/api/v1/visualizations",
        json={"entry_id": str(entry.id)},  # type: ignore[attr-defined]
        headers=users.headers(user),  # type: ignore[arg-type]
    )
    assert response.status_code == 202, response.text
    return str(response.json()["data"]["visualization_id"])


async def test_in_process_worker_completes_a_job_with_the_local_provider(
    viz_settings: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
) -> None:
    settings = viz_settings.model_copy(update={"worker_in_process": True})
    app: FastAPI = create_app(settings, database=committed_db)
    user = await committed_users.create()
    entry = await make_entry(user, "I was left out of the team dinner")
    async for client in client_for(app):
        assert isinstance(app.state.ai_provider, LocalProvider)
        visualization_id = await _post(client, committed_users, user, entry)
        row = await wait_for_status(committed_db, visualization_id)
        assert row.status == "completed", row.error_message
        assert row.provider == "local"
        body = (
            await client.get(
                f"/api/v1/visualizations/{visualization_id}",
                headers=committed_users.headers(user),
            )
        ).json()["data"]
        elements = {element["type"]: element for element in body["visual_elements"]}
        palette = elements["color_palette"]["values"]
        assert elements["shape"]["description"]
        assert len(palette) >= 2
        assert all(HEX.match(colour) for colour in palette)
        image = await client.get(body["image_url"])
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/png"


async def test_gemini_path_refusal_fails_and_transient_error_is_retried(
    viz_client: httpx.AsyncClient,
    viz_settings: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
    fake_gemini: FakeGemini,  # noqa: F811
) -> None:
    # No retries inside the provider: the job queue's own retry is what is under test here.
    provider = make_gemini_provider(fake_gemini, viz_settings, ai_max_retries=0)
    try:
        await start_worker(provider, concurrency=1)
        user = await committed_users.create()

        fake_gemini.script(text_reply(ANALYSIS_ANSWER), refusal_reply("IMAGE_SAFETY"))
        refused = await _post(viz_client, committed_users, user, await make_entry(user, "one"))
        row = await wait_for_status(committed_db, refused)
        assert row.status == "failed"
        assert row.attempts == 1
        assert row.error_message
        assert "safety" in row.error_message.lower()
        assert "IMAGE_SAFETY" not in row.error_message  # the provider's words stay in the log

        fake_gemini.script(
            text_reply(ANALYSIS_ANSWER),
            error_reply(503, "UNAVAILABLE", "The model is overloaded."),
            text_reply(ANALYSIS_ANSWER),
            image_reply(jpeg_bytes(96), mime_type="image/jpeg"),
        )
        retried = await _post(viz_client, committed_users, user, await make_entry(user, "two"))
        row = await wait_for_status(committed_db, retried)
        assert row.status == "completed", row.error_message
        assert row.attempts == 2
        assert row.provider == "gemini"
        assert row.image_url is not None
        assert row.image_url.endswith("/image.jpg")
        assert row.nanobanana_response is not None
        assert row.nanobanana_response["mime_type"] == "image/jpeg"
        image_requests = [r for r in fake_gemini.requests if r.wants_image]
        assert len(image_requests) == 3  # refused, overloaded, drawn
    finally:
        await provider.aclose()


async def test_a_decompression_bomb_fails_the_job_cleanly_once(
    viz_client: httpx.AsyncClient,
    viz_settings: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
    fake_gemini: FakeGemini,  # noqa: F811
) -> None:
    provider = make_gemini_provider(fake_gemini, viz_settings)
    try:
        await start_worker(provider, concurrency=1)
        user = await committed_users.create()
        fake_gemini.script(text_reply(ANALYSIS_ANSWER), image_reply(bomb_png()))
        bombed = await _post(viz_client, committed_users, user, await make_entry(user))
        row = await wait_for_status(committed_db, bombed)
        assert row.status == "failed"
        assert row.attempts == 1  # not retried: the answer, not the service, was the problem
        assert row.error_message == public_ai_message("invalid_answer")
        assert provider.readiness() == {"gemini_api": "healthy", "nanobanana_api": "healthy"}
        # The worker carries on: the next picture is drawn.
        fake_gemini.script(
            text_reply(ANALYSIS_ANSWER), image_reply(jpeg_bytes(96), mime_type="image/jpeg")
        )
        drawn = await _post(viz_client, committed_users, user, await make_entry(user, "two"))
        assert (await wait_for_status(committed_db, drawn)).status == "completed"
    finally:
        await provider.aclose()
