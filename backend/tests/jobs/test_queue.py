"""The PostgreSQL queue: exclusive claims, NOTIFY wake-up, clean shutdown, lost-lease fencing."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

from sqlalchemy import select, text, update

from app.core.config import Settings
from app.core.db import Database, create_engine
from app.jobs import queue
from app.models import EmotionEntry, User, Visualization
from tests.conftest import UserFactory
from tests.visualizations.fixtures import WorkerMaker, wait_for_status
from tests.visualizations.scripted_provider import ScriptedProvider


async def _enqueue(database: Database, user: User, count: int) -> list[uuid.UUID]:
    """Entries and their jobs in one transaction, announced like the API does."""
    async with database.sessionmaker() as session, session.begin():
        entries = [
            EmotionEntry(
                user_id=user.id, situation=f"job {i}", emotions=["joy"], intensity=Decimal("0.5")
            )
            for i in range(count)
        ]
        session.add_all(entries)
        await session.flush()
        jobs = [Visualization(entry_id=e.id, user_id=user.id, max_attempts=3) for e in entries]
        session.add_all(jobs)
        await session.flush()
        await queue.wake_workers(session)
    return [job.id for job in jobs]


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
        ids = await _enqueue(committed_db, user, 50)
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
) -> None:
    sleepy = viz_settings.model_copy(update={"worker_idle_recheck_seconds": 60.0})
    await start_worker(ScriptedProvider(), settings=sleepy)
    await asyncio.sleep(0.3)  # let it go idle
    user = await committed_users.create()
    started = asyncio.get_running_loop().time()
    (job_id,) = await _enqueue(committed_db, user, 1)
    await wait_for_status(committed_db, job_id, ("completed",), within=5)
    assert asyncio.get_running_loop().time() - started < 3


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
    (job_id,) = await _enqueue(committed_db, user, 1)
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
    (job_id,) = await _enqueue(committed_db, user, 1)
    await wait_for_status(committed_db, job_id, ("processing",), within=5)
    # Another worker took it over (as after an expired lease).
    async with committed_db.sessionmaker() as session, session.begin():
        await session.execute(
            update(Visualization)
            .where(Visualization.id == job_id)
            .values(locked_by="another-worker", locked_until=text("now() + interval '1 hour'"))
        )
    await asyncio.sleep(2.5)  # past the render and several heartbeats

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
    first, second = await _enqueue(committed_db, user, 2)
    async with committed_db.sessionmaker() as a, a.begin():
        claimed_a = await queue.claim_next_job(a, "worker-a", 0.5)
        async with committed_db.sessionmaker() as b, b.begin():
            claimed_b = await queue.claim_next_job(b, "worker-b", 0.5)
            async with committed_db.sessionmaker() as c, c.begin():
                assert await queue.claim_next_job(c, "worker-c", 0.5) is None
    assert claimed_a is not None
    assert claimed_b is not None
    assert {claimed_a.id, claimed_b.id} == {first, second}

    await asyncio.sleep(0.6)  # both leases expire: worker-a and worker-b died
    async with committed_db.sessionmaker() as session, session.begin():
        again = await queue.claim_next_job(session, "worker-d", 30)
    assert again is not None
    assert again.attempt == 2
    async with committed_db.sessionmaker() as session, session.begin():
        # The dead worker's late write is refused.
        assert not await queue.mark_completed(session, again.id, "worker-a", {})
        assert await queue.renew_lease(session, again.id, "worker-d", 30)
