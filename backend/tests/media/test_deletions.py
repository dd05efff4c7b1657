"""Removing a deleted visualization's pictures: recorded with the delete, tried after COMMIT,
retried until the store confirms, whatever happens in between."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.main import create_app
from app.media.deletions import MediaDeletions
from app.media.factory import open_media_store
from app.media.keys import picture_keys
from app.media.store import MediaStore, MediaStoreUnavailable
from app.models import PendingMediaDeletion
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.helpers.clients import client_for
from tests.helpers.s3 import S3Server, s3_settings
from tests.helpers.settings import make_settings
from tests.helpers.waiting import eventually


@dataclass
class Removals:
    """A store, the deletions under test, and the records they keep."""

    store: MediaStore
    deletions: MediaDeletions
    database: Database

    async def stored_pictures(self) -> uuid.UUID:
        visualization_id = uuid.uuid4()
        for key in picture_keys(visualization_id, "png"):
            await self.store.put(key, b"picture")
        return visualization_id

    async def remove(self, *visualization_ids: uuid.UUID) -> None:
        """Ask for the removal in a transaction of its own, and commit it."""
        async with self.database.sessionmaker() as session, session.begin():
            await self.deletions.remove_after_commit(session, visualization_ids)

    async def records(self) -> list[PendingMediaDeletion]:
        async with self.database.sessionmaker() as session:
            return list(await session.scalars(select(PendingMediaDeletion)))


async def _removals(settings: Settings, database: Database) -> AsyncIterator[Removals]:
    store = await open_media_store(settings)
    deletions = MediaDeletions.from_settings(store, database, settings)
    yield Removals(store, deletions, database)
    await deletions.stop()
    await store.aclose()


@pytest.fixture
def settings_s3(pg_url: str, s3_server: S3Server, s3_bucket: str) -> Settings:
    # Short backoff and recheck: a retry is due within a fraction of a second.
    return make_settings(
        pg_url,
        job_retry_base_delay_seconds=0.05,
        job_retry_max_delay_seconds=0.2,
        worker_idle_recheck_seconds=0.5,
        **s3_settings(s3_server, s3_bucket, media_storage_timeout_seconds=1.0),
    )


@pytest.fixture
async def s3(settings_s3: Settings, committed_db: Database) -> AsyncIterator[Removals]:
    async for removals in _removals(settings_s3, committed_db):
        yield removals


@pytest.fixture
def bucket_keys(s3_server: S3Server, s3_bucket: str) -> Callable[[], set[str]]:
    """What is really in the bucket, read by a client of its own."""
    return lambda: set(s3_server.objects(s3_bucket))


async def test_the_request_is_recorded_with_the_delete_and_cleared_once_the_store_confirms(
    s3: Removals, bucket_keys: Callable[[], set[str]]
) -> None:
    visualization_id, kept = await s3.stored_pictures(), await s3.stored_pictures()

    async with s3.database.sessionmaker() as session, session.begin():
        await s3.deletions.remove_after_commit(session, [visualization_id])
        await s3.deletions.drain()
        # Not committed yet: nothing is removed, and no one else sees the request.
        assert len(bucket_keys()) == 4
        assert await s3.records() == []
    await s3.deletions.drain()

    assert bucket_keys() == set(picture_keys(kept, "png"))
    assert await s3.records() == []


async def test_a_rollback_forgets_the_request_and_keeps_the_pictures(
    s3: Removals, bucket_keys: Callable[[], set[str]]
) -> None:
    visualization_id = await s3.stored_pictures()
    async with s3.database.sessionmaker() as session:
        await session.begin()
        await s3.deletions.remove_after_commit(session, [visualization_id])
        await session.rollback()
    await s3.deletions.drain()
    assert bucket_keys() == set(picture_keys(visualization_id, "png"))
    assert await s3.records() == []


async def test_a_store_that_is_down_leaves_a_record_the_sweeper_retries_until_it_is_back(
    s3: Removals, bucket_keys: Callable[[], set[str]], s3_server: S3Server, s3_bucket: str
) -> None:
    first, second = await s3.stored_pictures(), await s3.stored_pictures()
    s3_server.stop()
    try:
        await s3.remove(first, second)
        await s3.deletions.drain()
        records = await s3.records()
        assert {r.visualization_id for r in records} == {first, second}
        assert all(r.failed_attempts == 1 for r in records)
        assert all(f"s3://{s3_bucket}" in (r.last_error or "") for r in records)
        # The sweeper keeps trying (and failing) while the store is down: nothing is lost.
        s3.deletions.start_sweeping()

        async def failed_again() -> bool:
            return all(r.failed_attempts >= 2 for r in await s3.records())

        await eventually(
            failed_again, within=20, what="the sweeper retrying while the store is down"
        )
    finally:
        s3_server.start()
    assert len(bucket_keys()) == 4  # still there: nothing confirmed their removal

    async def all_removed() -> bool:
        return not await s3.records()

    await eventually(
        all_removed, within=20, what="the sweeper removing the pictures once the store is back"
    )
    assert bucket_keys() == set()


async def test_a_request_whose_first_try_never_ran_is_swept_up(
    s3: Removals, bucket_keys: Callable[[], set[str]]
) -> None:
    """The process died between COMMIT and its first try: the record alone brings it about."""
    visualization_id = await s3.stored_pictures()
    async with s3.database.sessionmaker() as session, session.begin():
        await session.execute(
            text("INSERT INTO pending_media_deletions (visualization_id) VALUES (:id)"),
            {"id": visualization_id},
        )
    assert await s3.deletions.retry_due() == 1
    assert bucket_keys() == set()
    assert await s3.records() == []


async def test_records_still_in_their_first_try_grace_are_left_to_that_try(s3: Removals) -> None:
    async with s3.database.sessionmaker() as session, session.begin():
        await s3.deletions.remove_after_commit(session, [uuid.uuid4()])
        # Keep the first try from running: as if it were still under way.
        session.sync_session.info.clear()
    assert await s3.deletions.retry_due() == 0
    assert len(await s3.records()) == 1


@dataclass
class GatedStore:
    """A store whose first delete waits for a gate and whose second one fails: two removals of
    the same visualization overlapping in the worst order."""

    inner: MediaStore
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    started: asyncio.Event = field(default_factory=asyncio.Event)
    calls: int = 0

    async def delete(self, keys: Iterable[str]) -> None:
        self.calls += 1
        if self.calls == 1:
            self.started.set()
            await self.gate.wait()
            await self.inner.delete(keys)
            return
        raise MediaStoreUnavailable("deleting: the store is down")


async def test_an_older_removal_succeeding_never_clears_a_newer_failed_request(
    s3: Removals, settings_s3: Settings
) -> None:
    """A worker stored the picture again after the first removal began (it was still drawing)
    and asked for a removal of its own, which failed: that request must survive."""
    gated = GatedStore(s3.store)
    s3.deletions = MediaDeletions.from_settings(gated, s3.database, settings_s3)  # type: ignore[arg-type]
    visualization_id = await s3.stored_pictures()
    await s3.remove(visualization_id)
    await gated.started.wait()
    await s3.remove(visualization_id)

    # The second try failed and recorded its backoff; now let the first one finish.
    async def backed_off() -> bool:
        return [r.failed_attempts for r in await s3.records()] == [1]

    await eventually(backed_off, within=20, what="the second try recording its failure")
    gated.gate.set()
    await s3.deletions.drain()

    assert [r.visualization_id for r in await s3.records()] == [visualization_id]


async def test_pending_removals_show_in_the_metrics(
    committed_db: Database, settings_s3: Settings
) -> None:
    async with committed_db.sessionmaker() as session, session.begin():
        for failed in (0, 0, 3):
            await session.execute(
                text(
                    "INSERT INTO pending_media_deletions (visualization_id, failed_attempts) "
                    "VALUES (:id, :failed)"
                ),
                {"id": uuid.uuid4(), "failed": failed},
            )
    app = create_app(settings_s3, database=committed_db)
    async for client in client_for(app):
        body = (await client.get("/metrics")).text
    assert 'media_deletions_pending{state="queued"} 2.0' in body
    assert 'media_deletions_pending{state="retrying"} 1.0' in body


async def test_the_local_store_goes_through_the_same_records(
    committed_db: Database, pg_url: str, tmp_path: Path
) -> None:
    settings = make_settings(pg_url, media_dir=tmp_path / "media")
    async for local in _removals(settings, committed_db):
        visualization_id = await local.stored_pictures()
        await local.remove(visualization_id)
        await local.deletions.drain()
        assert not (tmp_path / "media" / "visualizations" / str(visualization_id)).exists()
        assert await local.records() == []
