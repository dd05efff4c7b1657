"""A worker process killed with SIGKILL mid-job: another worker takes the job over, exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

from sqlalchemy import select

from app.models import Visualization
from app.platform.config import BACKEND_DIR, Settings
from app.platform.db.database import Database
from tests.fakes.fixtures import FAKE_GEMINI_KEY, fake_gemini, make_gemini_provider  # noqa: F401
from tests.fakes.gemini import FakeGemini
from tests.fakes.replies import ANALYSIS_ANSWER, image_reply, text_reply
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually
from tests.visualizations.fixtures import EntryMaker, WorkerMaker, wait_for_status


async def test_job_of_a_killed_worker_is_finished_once_by_another(
    viz_settings: Settings,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
    fake_gemini: FakeGemini,  # noqa: F811
) -> None:
    user = await committed_users.create()
    entry = await make_entry(user)
    async with committed_db.sessionmaker() as session, session.begin():
        job = Visualization(entry_id=entry.id, user_id=user.id, max_attempts=3)
        session.add(job)
    # The image call of the first worker hangs, so it is killed in the middle of the job.
    fake_gemini.script(text_reply(ANALYSIS_ANSWER), image_reply().after(20))

    assert viz_settings.database_url is not None
    env = {
        **os.environ,
        "DATABASE_URL": viz_settings.database_url.get_secret_value(),
        "DATA_DIR": str(viz_settings.data_dir),
        "MEDIA_DIR": str(viz_settings.media_path),
        "AI_PROVIDER": "gemini",
        "GEMINI_API_KEY": FAKE_GEMINI_KEY,
        "GEMINI_BASE_URL": fake_gemini.base_url,
        "AI_MAX_RETRIES": "0",
        "JOB_LEASE_SECONDS": str(viz_settings.job_lease_seconds),
        "LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "app.cli", "worker", "--concurrency", "1"],
        cwd=BACKEND_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await eventually(
            lambda: any(r.wants_image for r in fake_gemini.requests),
            within=20,
            what="the subprocess worker to start drawing",
        )
        async with committed_db.sessionmaker() as session:
            held = await session.scalar(select(Visualization).where(Visualization.id == job.id))
        assert held is not None
        assert held.status == "processing"
        assert f":{process.pid}:" in (held.locked_by or "")
    finally:
        process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.wait(), 10)
    assert process.returncode == -signal.SIGKILL

    provider = make_gemini_provider(fake_gemini, viz_settings, ai_max_retries=0)
    try:
        survivor = await start_worker(provider, concurrency=1)
        row = await wait_for_status(committed_db, job.id, within=15)
    finally:
        await provider.aclose()

    assert row.status == "completed", row.error_message
    assert row.attempts == 2  # the killed try counts
    assert row.locked_by is None
    image_requests = [r for r in fake_gemini.requests if r.wants_image]
    assert len(image_requests) == 2  # one interrupted, one finished: no third drawing
    folder = viz_settings.media_path / "visualizations" / str(job.id)
    assert sorted(p.name for p in folder.iterdir()) == ["image.png", "thumbnail.jpg"]
    assert survivor.worker_id not in (held.locked_by or "")
