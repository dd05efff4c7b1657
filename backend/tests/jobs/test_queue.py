"""The PostgreSQL queue: exclusive claims, NOTIFY wake-up, clean shutdown, lost-lease fencing."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs import queue
from app.models import Visualization
from app.platform.config import Settings
from app.platform.db.database import Database, create_engine
from tests.helpers.jobs import enqueue, jobs_ended
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually
from tests.visualizations.fixtures import WorkerMaker, wait_for_status
from tests.visualizations.scripted_provider import ScriptedProvider


async def test_two_workers_process_fifty_jobs_each_exactly_once(
    viz_settings: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    start_worker: WorkerMaker,
) -> None:
    user = await committed_users.create()
    providers = [ScriptedProvider(render_delay=0.01), ScriptedProvider(render_delay=0.01)]
    # Each worker on its own engine, as two processes would be.
    engines = [create_engine(viz_settings, pool_size=6) for _ in providers]
    try:
        for provider, engine in zip(providers, engines, strict=True):
            await start_worker(provider, concurrency=4, database=Database.from_engine(engine))
        ids = await enqueue(committed_db, user, 50)
        for job_id in ids:
            await wait_for_status(committed_db, job_id, ("completed",), within=30)
    finally:
        for engine in engines:
            await engine.dispose()

    drawn = providers[0].render_calls + providers[1].render_calls
    assert sorted(drawn) == sorted(f"job {i}" for i in range(50))
    assert all(provider.render_calls for provider in providers), "both workers took jobs"
    async with committed_db.sessionmaker() as session:
        attempts = (await session.scalars(select(Visualization.attempts))).all()
    assert attempts == [1] * 50


async def test_idle_worker_wakes_on_notify_not_on_its_recheck_timer(
    viz_settings: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    start_worker: WorkerMaker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The idle worker would look at the queue again only in an hour: a job done before then
    # was claimed on the NOTIFY that queued it.
    sleepy = viz_settings.model_copy(update={"worker_idle_recheck_seconds": 3600.0})
    went_idle = asyncio.Event()
    next_job_due = queue.seconds_until_next_job

    async def idle_check(session: AsyncSession) -> float | None:
        due = await next_job_due(session)
        went_idle.set()  # its claim found nothing: it waits for a wake-up from here on
        return due

    monkeypatch.setattr(queue, "seconds_until_next_job", idle_check)
    await start_worker(ScriptedProvider(), settings=sleepy)
    await asyncio.wait_for(went_idle.wait(), 10)
    user = await committed_users.create()
    (job_id,) = await enqueue(committed_db, user, 1)
    await wait_for_status(committed_db, job_id, ("completed",), within=60)


async def test_shutdown_releases_an_unfinished_job_without_counting_the_try(
    viz_settings: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    start_worker: WorkerMaker,
) -> None:
    quick_exit = viz_settings.model_copy(update={"worker_shutdown_grace_seconds": 0.2})
    provider = ScriptedProvider(render_delay=30)
    worker = await start_worker(provider, settings=quick_exit)
    user = await committed_users.create()
    (job_id,) = await enqueue(committed_db, user, 1)
    await wait_for_status(committed_db, job_id, ("processing",), within=5)
    await asyncio.wait_for(provider.rendering.wait(), 5)

    await worker.stop()

    async with committed_db.sessionmaker() as session:
        row = await session.get(Visualization, job_id)
    assert row is not None
    assert row.status == "pending"
    assert row.attempts == 0
    assert row.locked_by is None
    assert row.progress == 0


async def test_worker_that_lost_its_lease_abandons_the_job_and_writes_nothing(
    viz_settings: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    start_worker: WorkerMaker,
) -> None:
    provider = ScriptedProvider(render_delay=2.0)
    await start_worker(provider)
    user = await committed_users.create()
    abandoned = jobs_ended("lease_lost")
    (job_id,) = await enqueue(committed_db, user, 1)
    await wait_for_status(committed_db, job_id, ("processing",), within=5)
    # Another worker took it over (as after an expired lease).
    async with committed_db.sessionmaker() as session, session.begin():
        await session.execute(
            update(Visualization)
            .where(Visualization.id == job_id)
            .values(locked_by="another-worker", locked_until=text("now() + interval '1 hour'"))
        )
    # The worker has ended the job as lost (a heartbeat found the lease gone): it writes
    # nothing for it from here on.
    await eventually(lambda: jobs_ended("lease_lost") == abandoned + 1, what="the job abandoned")

    async with committed_db.sessionmaker() as session:
        row = await session.get(Visualization, job_id)
    assert row is not None
    assert row.status == "processing"
    assert row.locked_by == "another-worker"
    assert not (viz_settings.media_path / "visualizations" / str(job_id)).exists()


async def test_claims_skip_locked_rows_and_expired_leases_are_claimable(
    committed_db: Database, committed_users: UserFactory
) -> None:
    user = await committed_users.create()
    first, second = await enqueue(committed_db, user, 2)
    async with committed_db.sessionmaker() as a, a.begin():
        claimed_a = await queue.claim_next_job(a, "worker-a", 0.5)
        async with committed_db.sessionmaker() as b, b.begin():
            claimed_b = await queue.claim_next_job(b, "worker-b", 0.5)
            async with committed_db.sessionmaker() as c, c.begin():
                assert await queue.claim_next_job(c, "worker-c", 0.5) is None
    assert claimed_a is not None
    assert claimed_b is not None
    assert {claimed_a.id, claimed_b.id} == {first, second}

    await asyncio.sleep(0.6)  # both leases (0.5 s) expire: worker-a and worker-b died
    async with committed_db.sessionmaker() as session, session.begin():
        again = await queue.claim_next_job(session, "worker-d", 30)
    assert again is not None
    assert again.attempt == 2
    async with committed_db.sessionmaker() as session, session.begin():
        # The dead worker's late write is refused.
        assert not await queue.mark_completed(session, again.id, "worker-a", {})
        assert await queue.renew_lease(session, again.id, "worker-d", 30)
