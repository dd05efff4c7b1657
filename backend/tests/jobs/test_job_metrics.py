"""job_duration_seconds: the worker observes every job's run time, labelled by its outcome."""

from __future__ import annotations

import httpx

from app.ai.errors import AIImageError
from app.platform.db.database import Database
from tests.helpers.jobs import jobs_ended
from tests.helpers.users import UserFactory
from tests.visualizations.fixtures import (
    EntryMaker,
    WorkerMaker,
    queue_visualization,
    wait_for_status,
)
from tests.visualizations.scripted_provider import ScriptedProvider


async def test_the_worker_observes_each_job_duration_by_outcome(
    viz_client: httpx.AsyncClient,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
) -> None:
    user = await committed_users.create()
    headers = committed_users.headers(user)
    before = {o: jobs_ended(o) for o in ("completed", "retry", "failed")}
    ids = []
    for situation in ("first", "second"):
        entry = await make_entry(user, situation)
        ids.append(await queue_visualization(viz_client, headers, entry.id))
    # One job succeeds; the other fails for good (a refusal is not retried).
    await start_worker(
        ScriptedProvider(script=[None, AIImageError("refused", retryable=False)]), concurrency=1
    )
    for visualization_id in ids:
        await wait_for_status(committed_db, visualization_id)

    assert jobs_ended("completed") == before["completed"] + 1
    assert jobs_ended("failed") == before["failed"] + 1
    assert jobs_ended("retry") == before["retry"]
    text = (await viz_client.get("/metrics")).text
    assert 'job_duration_seconds_bucket{le="0.5",outcome="completed"}' in text
    assert 'job_duration_seconds_count{outcome="failed"}' in text
