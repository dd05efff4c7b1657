"""3 `emotionviz worker` processes, 100 jobs, random SIGKILLs mid-job: each job ends once."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import EmotionEntry, Visualization
from app.platform.db.database import Database
from tests.fakes.fixtures import FAKE_GEMINI_KEY
from tests.fakes.gemini import FakeGemini
from tests.helpers.users import UserFactory
from tests.reliability.client import report
from tests.reliability.jobs import (
    analysis_calls,
    job_rows,
    media_files,
    outcomes,
    wait_until_terminal,
)
from tests.reliability.processes import Proc, Processes, process_env

# The test bounds its kill phase (60 s) and the finish (120 s) itself: the backstop is above them.
pytestmark = [pytest.mark.reliability, pytest.mark.slow, pytest.mark.timeout(420)]

JOBS = 100
WORKERS = 3
KILLS = 8
MAX_ATTEMPTS = 3
KILL_PHASE_SECONDS = 60.0
FINISH_WITHIN_SECONDS = 120.0


def _marker(n: int) -> str:
    return f"reliability-job-{n:03d}-marker"


async def _queue_jobs(database: Database, users: UserFactory) -> list[uuid.UUID]:
    user = await users.create()
    async with database.sessionmaker() as session, session.begin():
        entries = [
            EmotionEntry(
                user_id=user.id,
                situation=f"A day to remember ({_marker(n)})",
                emotions=["joy", "anxiety"],
                intensity=Decimal("0.60"),
            )
            for n in range(JOBS)
        ]
        session.add_all(entries)
        await session.flush()
        jobs = [
            Visualization(entry_id=e.id, user_id=user.id, max_attempts=MAX_ATTEMPTS)
            for e in entries
        ]
        session.add_all(jobs)
    return [job.id for job in jobs]


async def _busy_workers(database: Database, workers: list[Proc]) -> list[Proc]:
    """Workers holding at least one job right now (their pid is in `locked_by`)."""
    async with database.sessionmaker() as session:
        holders = set(
            (
                await session.scalars(
                    select(Visualization.locked_by).where(Visualization.status == "processing")
                )
            ).all()
        )
    return [w for w in workers if w.alive() and any(f":{w.pid}:" in (h or "") for h in holders)]


async def test_jobs_survive_random_worker_kills_and_finish_exactly_once(
    tmp_path: Path,
    procs: Processes,
    pg_url: str,
    committed_db: Database,
    committed_users: UserFactory,
    fake_gemini: FakeGemini,
) -> None:
    fake_gemini.latency = 0.3  # each Gemini call takes a while, so kills land mid-job
    media_dir = tmp_path / "media"
    ids = await _queue_jobs(committed_db, committed_users)
    rng = random.Random(10)

    def worker_env(n: int) -> dict[str, str]:
        return process_env(
            tmp_path / f"worker-{n}",
            DATABASE_URL=pg_url,
            MEDIA_DIR=str(media_dir),
            AI_PROVIDER="gemini",
            GEMINI_API_KEY=FAKE_GEMINI_KEY,
            GEMINI_BASE_URL=fake_gemini.base_url,
            AI_MAX_RETRIES="0",
            JOB_LEASE_SECONDS="2",
            JOB_RETRY_BASE_DELAY_SECONDS="0.1",
            JOB_RETRY_MAX_DELAY_SECONDS="0.5",
            WORKER_IDLE_RECHECK_SECONDS="1",
        )

    started = time.monotonic()
    async with outcomes(pg_url) as seen:
        workers = [procs.worker(f"worker-{n}", worker_env(n)) for n in range(WORKERS)]
        kills = 0
        kill_deadline = started + KILL_PHASE_SECONDS
        while kills < KILLS and time.monotonic() < kill_deadline:
            await asyncio.sleep(rng.uniform(0.5, 1.5))
            busy = await _busy_workers(committed_db, workers)
            if not busy:
                continue
            victim = rng.choice(busy)
            victim.sigkill()
            kills += 1
            slot = workers.index(victim)
            workers[slot] = procs.worker(f"worker-{slot}-restart-{kills}", worker_env(slot))
        rows = await wait_until_terminal(committed_db, ids, FINISH_WITHIN_SECONDS)
        elapsed = time.monotonic() - started
        # A quiet second to catch a late duplicate completion: there is no event to wait for
        # when the point is that none comes.
        await asyncio.sleep(1.0)
        rows = await job_rows(committed_db, ids)

    completed = [r for r in rows.values() if r.status == "completed"]
    failed = [r for r in rows.values() if r.status == "failed"]
    assert kills == KILLS, "the workers were never caught mid-job"
    assert len(completed) + len(failed) == JOBS
    for row in completed:
        assert seen.completed[row.id] == 1, f"{row.id} completed {seen.completed[row.id]} times"
        assert seen.failed[row.id] == 0
        assert 1 <= row.attempts <= MAX_ATTEMPTS
        assert media_files(media_dir, row.id) == ["image.png", "thumbnail.jpg"]
        assert row.image_url == f"visualizations/{row.id}/image.png"
    for row in failed:
        # Only an interrupted job can fail here (Gemini answers), and only once out of attempts.
        assert seen.failed[row.id] == 1
        assert seen.completed[row.id] == 0
        assert row.attempts > MAX_ATTEMPTS, (row.attempts, row.error_message)
    assert all(r.locked_by is None for r in rows.values())
    # Provider calls: one analysis per attempt that got that far, never more than the attempts
    # (a job killed every time before its analysis could even have none).
    markers = await _markers(committed_db, ids)
    calls = {job_id: analysis_calls(fake_gemini, markers[job_id]) for job_id in ids}
    assert all(1 <= calls[r.id] <= r.attempts for r in completed), calls
    assert all(calls[r.id] <= r.attempts for r in failed), calls
    retried = [r for r in rows.values() if r.attempts > 1]
    assert retried, "no job was interrupted by a kill"
    image_calls = sum(1 for r in fake_gemini.requests if r.wants_image)
    report(
        "worker_kills",
        jobs=JOBS,
        kills=kills,
        completed=len(completed),
        failed=len(failed),
        jobs_with_retries=len(retried),
        total_attempts=sum(r.attempts for r in rows.values()),
        analysis_calls=sum(calls.values()),
        image_calls=image_calls,
        seconds_to_finish=round(elapsed, 1),
    )


async def _markers(database: Database, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    async with database.sessionmaker() as session:
        rows = (
            await session.execute(
                select(Visualization.id, EmotionEntry.situation)
                .join(EmotionEntry, EmotionEntry.id == Visualization.entry_id)
                .where(Visualization.id.in_(ids))
            )
        ).all()
    return {row.id: row.situation.split("(")[1].rstrip(")") for row in rows}
