"""Visualizations with MEDIA_STORAGE_URL: pictures in an S3 bucket (the suite's moto server),
served to clients by presigned links, removed after the delete commits, and a store that is
down costing a retry, never a lost or half-stored picture."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.main import create_app
from app.models import PendingMediaDeletion, User, Visualization
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.helpers.s3 import S3Server, s3_settings
from tests.helpers.users import UserFactory
from tests.visualizations.fixtures import (
    EntryMaker,
    WorkerMaker,
    make_viz_settings,
    queue_visualization,
    wait_for_status,
)
from tests.visualizations.scripted_provider import ScriptedProvider


@dataclass
class Stack:
    """The API (with its client), a worker, the bucket, and a signed-in user."""

    app: FastAPI
    client: httpx.AsyncClient
    settings: Settings
    server: S3Server
    bucket: str
    database: Database
    user: User
    headers: dict[str, str]
    make_entry: EntryMaker

    async def visualization(self, situation: str = "My flight was cancelled") -> str:
        """A visualization queued through the API for a new entry; its id."""
        entry = await self.make_entry(self.user, situation)
        return await queue_visualization(self.client, self.headers, entry.id)

    async def get(self, path: str) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1{path}", headers=self.headers)
        data: dict[str, Any] = response.json()["data"]
        return data

    def objects_of(self, visualization_id: str) -> set[str]:
        prefix = f"emotionviz/visualizations/{visualization_id}/"
        objects = self.server.objects(self.bucket)
        return {key.removeprefix(prefix) for key in objects if key.startswith(prefix)}


@pytest.fixture
async def stack(
    pg_url: str,
    tmp_path: Path,
    s3_server: S3Server,
    s3_bucket: str,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
) -> AsyncIterator[Stack]:
    settings = make_viz_settings(
        pg_url,
        tmp_path,  # its media dir must stay empty: pictures go to the bucket
        job_lease_seconds=5,
        job_max_attempts=10,
        job_retry_base_delay_seconds=0.3,
        job_retry_max_delay_seconds=0.5,
        worker_idle_recheck_seconds=0.5,
        **s3_settings(s3_server, s3_bucket, "emotionviz", media_storage_timeout_seconds=1.0),
    )
    app = create_app(settings, database=committed_db)
    await start_worker(ScriptedProvider(), settings=settings)
    user = await committed_users.create()
    async for client in client_for(app):
        yield Stack(
            app,
            client,
            settings,
            s3_server,
            s3_bucket,
            committed_db,
            user,
            committed_users.headers(user),
            make_entry,
        )


async def test_pictures_go_to_the_bucket_and_load_through_presigned_links(stack: Stack) -> None:
    visualization_id = await stack.visualization()
    row = await wait_for_status(stack.database, visualization_id, ("completed",))
    assert row.image_url == f"visualizations/{visualization_id}/image.png"

    assert stack.objects_of(visualization_id) == {"image.png", "thumbnail.jpg"}
    media = stack.settings.media_path
    assert not media.exists() or not any(media.iterdir())

    body = await stack.get(f"/visualizations/{visualization_id}")
    listed = await stack.get("/visualizations")
    image_url, thumbnail_url = body["image_url"], body["thumbnail_url"]
    assert image_url.startswith(f"{stack.server.endpoint_url}/{stack.bucket}/emotionviz/")
    assert "X-Amz-Signature=" in image_url
    assert str(stack.user.id) not in image_url
    assert stack.user.email not in image_url
    listed_thumbnail = listed["visualizations"][0]["thumbnail_url"]
    assert urlsplit(listed_thumbnail).path == urlsplit(thumbnail_url).path
    async with httpx.AsyncClient() as phone:  # no Authorization, no other header
        image = await phone.get(image_url)
        thumbnail = await phone.get(thumbnail_url)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert thumbnail.headers["content-type"] == "image/jpeg"
    # The API's own media route is for the local store only.
    key = f"visualizations/{visualization_id}/image.png"
    assert_error(
        await stack.client.get(f"/api/v1/media/{key}", params={"expires": 9**9, "signature": "x"}),
        404,
        "NOT_FOUND",
    )


async def test_a_store_down_while_storing_fails_the_try_with_a_retry_and_nothing_half_stored(
    stack: Stack,
) -> None:
    stack.server.stop()
    try:
        visualization_id = await stack.visualization()
        retrying = await _first_failure(stack.database, visualization_id)
        assert retrying.status in ("pending", "processing")
        assert retrying.error_message == (
            "Storing the image failed because the image store is unavailable."
        )
        assert retrying.image_url is None
        polled = await stack.get(f"/visualizations/{visualization_id}")
        assert "image_url" not in polled  # nothing to show while it retries
    finally:
        stack.server.start()

    row = await wait_for_status(stack.database, visualization_id, ("completed",), within=30)
    assert row.attempts >= 2
    assert row.error_message is None
    assert stack.objects_of(visualization_id) == {"image.png", "thumbnail.jpg"}


async def _first_failure(database: Database, visualization_id: str) -> Visualization:
    """The row once its first try has failed (polled: the worker runs in the background)."""
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        async with database.sessionmaker() as session:
            row = await session.scalar(
                select(Visualization).where(Visualization.id == uuid.UUID(visualization_id))
            )
        if row is not None and row.error_message:
            return row
        assert asyncio.get_running_loop().time() < deadline, "the first try never failed"
        await asyncio.sleep(0.05)


async def test_deleting_removes_the_objects_after_commit_and_retries_while_the_store_is_down(
    stack: Stack,
) -> None:
    ids = [await stack.visualization("First"), await stack.visualization("Second")]
    rows = [await wait_for_status(stack.database, i, ("completed",)) for i in ids]

    # The store is up: the objects go once the delete has committed.
    deleted = await stack.client.delete(f"/api/v1/visualizations/{ids[0]}", headers=stack.headers)
    assert deleted.status_code == 204
    await stack.app.state.media_deletions.drain()
    assert stack.objects_of(ids[0]) == set()

    # The store is down: the entry's delete still answers 204; the removal is recorded, failed,
    # and retried by the worker's sweeper until the store is back.
    stack.server.stop()
    try:
        entry = rows[1].entry_id
        deleted = await stack.client.delete(f"/api/v1/entries/{entry}", headers=stack.headers)
        assert deleted.status_code == 204
        await stack.app.state.media_deletions.drain()
        async with stack.database.sessionmaker() as session:
            pending = await session.get(PendingMediaDeletion, uuid.UUID(ids[1]))
        assert pending is not None
        assert pending.failed_attempts >= 1
    finally:
        stack.server.start()
    assert stack.objects_of(ids[1]) == {"image.png", "thumbnail.jpg"}

    # The record goes only once the store has confirmed the removal.
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        async with stack.database.sessionmaker() as session:
            left = (await session.scalars(select(PendingMediaDeletion))).all()
        if not left:
            break
        assert asyncio.get_running_loop().time() < deadline, [r.last_error for r in left]
        await asyncio.sleep(0.05)
    assert stack.objects_of(ids[1]) == set()
