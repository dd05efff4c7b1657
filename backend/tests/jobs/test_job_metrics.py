"""job_duration_seconds: the worker observes every job's run time, labelled by its outcome."""

from __future__ import annotations

import httpx
from prometheus_client import REGISTRY

from app.core.db import Database
from app.core.errors import AIImageError
from tests.conftest import UserFactory
from tests.visualizations.fixtures import (
    EntryMaker,
    WorkerMaker,
    queue_visualization,
    wait_for_status,
)
from tests.visualizations.scripted_provider import ScriptedProvider


def _job_count(outcome: str) -> float:
    return REGISTRY.get_sample_value("job_duration_seconds_count", {"outcome": outcome}) or 0.0


async def test_the_worker_observes_each_job_duration_by_outcome(
    viz_client: httpx.AsyncClient,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
) -> None:
    user = await committed_users.create()
    headers = committed_users.headers(user)
    before = {o: _job_count(o) for o in ("completed", "retry", "failed")}
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

    assert _job_count("completed") == before["completed"] + 1
    assert _job_count("failed") == before["failed"] + 1
    assert _job_count("retry") == before["retry"]
    text = (await viz_client.get("/metrics")).text
    assert 'job_duration_seconds_bucket{le="0.5",outcome="completed"}' in text
    assert 'job_duration_seconds_count{outcome="failed"}' in text
