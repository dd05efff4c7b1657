"""Two API processes and two workers on one PostgreSQL (and this machine's Redis).

The limits are shared through Redis (skipped without TEST_REDIS_URL); jobs are claimed once
across both workers; a WebSocket on one API process follows a job queued through the other.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from app.ops.embedded_pg import EmbeddedPostgres
from app.platform.db.database import Database, create_engine
from tests.fakes.fixtures import FAKE_GEMINI_KEY
from tests.fakes.gemini import FakeGemini
from tests.helpers.network import free_port
from tests.helpers.settings import make_settings
from tests.helpers.waiting import eventually
from tests.reliability.client import entry_body, register, report
from tests.reliability.jobs import analysis_calls, outcomes, wait_until_terminal
from tests.reliability.processes import (
    Proc,
    private_temp_dir,
    process_env,
    processes,
    stop_postgres,
    wait_ready,
)

# Processes get bounds of their own (up to 120 s to be ready): the backstop is above them.
pytestmark = [pytest.mark.reliability, pytest.mark.slow, pytest.mark.timeout(300)]

REDIS_URL = os.environ.get("TEST_REDIS_URL")
PER_MINUTE = 100
JOBS = 10


@dataclass(frozen=True)
class Cluster:
    apis: tuple[str, str]  # base URLs of the two API processes
    workers: tuple[Proc, Proc]
    database_url: str
    fake_gemini: FakeGemini


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = private_temp_dir("emotionviz-scale-out-")
    postgres = EmbeddedPostgres(root / "pg")
    try:
        # Left unmigrated: the four processes start at once and migrate it under Alembic's lock,
        # as replicas would against a fresh managed database.
        url = postgres.start()
        with (
            FakeGemini.running() as fake,
            processes(tmp_path_factory.mktemp("scale-out-logs")) as procs,
        ):
            fake.latency = 0.5  # long enough for a WebSocket to watch the job's progress

            def env(name: str) -> dict[str, str]:
                limits = (
                    {"RATE_LIMIT_ENABLED": "true", "RATE_LIMIT_STORAGE_URL": REDIS_URL}
                    if REDIS_URL
                    else {}
                )
                return process_env(
                    root / name,
                    DATABASE_URL=url,
                    MEDIA_DIR=str(root / "media"),  # shared, as object storage would be
                    WORKER_IN_PROCESS="false",
                    RATE_LIMIT_PER_MINUTE=str(PER_MINUTE),
                    AI_PROVIDER="gemini",
                    GEMINI_API_KEY=FAKE_GEMINI_KEY,
                    GEMINI_BASE_URL=fake.base_url,
                    LOG_LEVEL="INFO",  # the workers' "job claimed" lines are evidence
                    **limits,
                )

            ports = free_port(), free_port()
            apis = [
                procs.spawn(f"api-{n}", ["serve", "--port", str(port)], env(f"api-{n}"))
                for n, port in enumerate(ports)
            ]
            workers = (
                procs.worker("worker-0", env("worker-0")),
                procs.worker("worker-1", env("worker-1")),
            )
            for api, port in zip(apis, ports, strict=True):
                wait_ready(api, port)
            yield Cluster(
                apis=(f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"),
                workers=workers,
                database_url=url,
                fake_gemini=fake,
            )
    finally:
        stop_postgres(postgres.pgdata)
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.skipif(
    REDIS_URL is None,
    reason="set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to test limits shared via Redis",
)
async def test_the_101st_request_across_both_processes_is_refused(cluster: Cluster) -> None:
    first, second = cluster.apis
    async with httpx.AsyncClient(timeout=10) as client:
        headers = await register(client, first)
        answers = []
        for n in range(PER_MINUTE):
            base = cluster.apis[n % 2]
            answers.append(await client.get(f"{base}/api/v1/entries", headers=headers))
        refused = await client.get(f"{first}/api/v1/entries", headers=headers)
        also_refused = await client.get(f"{second}/api/v1/entries", headers=headers)

    # One counter for both processes: the remaining budget falls with every request, wherever.
    seen = [(r.status_code, r.headers.get("X-RateLimit-Remaining")) for r in answers]
    assert [r.status_code for r in answers] == [200] * PER_MINUTE, seen
    remaining = [int(r.headers["X-RateLimit-Remaining"]) for r in answers]
    assert remaining == sorted(remaining, reverse=True), seen
    assert remaining[-1] == 0
    for response in (refused, also_refused):
        assert response.status_code == 429, (response.status_code, response.headers, seen)
        assert response.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
        assert int(response.headers["Retry-After"]) >= 1
    report("scale_out_limits", requests_allowed=PER_MINUTE, refused_on_both=True)


async def test_jobs_run_once_and_progress_reaches_the_other_api(cluster: Cluster) -> None:
    first, second = cluster.apis
    async with httpx.AsyncClient(timeout=10) as client, outcomes(cluster.database_url) as seen:
        headers = await register(client, first)
        token = headers["Authorization"].removeprefix("Bearer ")
        entry_ids = []
        for n in range(JOBS):
            created = await client.post(
                f"{cluster.apis[n % 2]}/api/v1/entries",
                json=entry_body(f"scale-out job {n} marker-{uuid.uuid4().hex}"),
                headers=headers,
            )
            assert created.status_code == 201, created.text
            entry_ids.append(created.json()["data"]["entry"])

        # The watched job is queued through the first process and followed on the second.
        watched = await _queue(client, first, headers, entry_ids[0]["id"])
        ws_url = f"ws://{second.removeprefix('http://')}/api/v1/ws/visualizations/{watched}"
        async with connect(f"{ws_url}?token={token}") as ws:
            job_ids = [watched]
            for n, entry in enumerate(entry_ids[1:], start=1):
                job_ids.append(await _queue(client, cluster.apis[n % 2], headers, entry["id"]))
            messages = await _until_done(ws)
        image = await client.get(messages[-1]["data"]["image_url"])

        settings = make_settings(cluster.database_url)
        database = Database.from_engine(create_engine(settings, pool_size=2))
        try:
            ids = [uuid.UUID(j) for j in job_ids]
            rows = await wait_until_terminal(database, ids, within=60)
        finally:
            await database.dispose()
        # Each completion's event, sent in the transaction that finished its row, reaches us.
        await eventually(
            lambda: all(seen.completed[job_id] for job_id in ids), what="every job's completion"
        )

    processing = [
        m for m in messages if m["type"] == "progress" and m["data"]["status"] == "processing"
    ]
    assert processing, messages  # progress from a worker process reached the other API process
    assert messages[-1]["type"] == "complete"
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"

    assert all(worker.alive() for worker in cluster.workers)
    assert {row.status for row in rows.values()} == {"completed"}
    assert all(row.attempts == 1 for row in rows.values())
    assert all(seen.completed[job_id] == 1 for job_id in ids)
    situations = [entry["situation"] for entry in entry_ids]
    calls = [analysis_calls(cluster.fake_gemini, s.split()[-1]) for s in situations]
    assert calls == [1] * JOBS  # one Gemini analysis per job, whichever worker ran it
    claims = _claims(cluster.workers)
    assert sorted(claims.elements()) == sorted(job_ids)  # each job claimed once, in total
    report(
        "scale_out_jobs",
        jobs=JOBS,
        claims_per_worker=[len(set(_claimed_ids(w)) & set(job_ids)) for w in cluster.workers],
        websocket_messages=len(messages),
        websocket_progress_messages=len(processing),
    )


async def _queue(
    client: httpx.AsyncClient, base: str, headers: dict[str, str], entry_id: str
) -> str:
    queued = await client.post(
        f"{base}/api/v1/visualizations", json={"entry_id": entry_id}, headers=headers
    )
    assert queued.status_code == 202, queued.text
    return str(queued.json()["data"]["visualization_id"])


async def _until_done(ws: Any) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    async with asyncio.timeout(30):
        while not messages or messages[-1]["type"] == "progress":
            messages.append(json.loads(await ws.recv()))
    return messages


def _claimed_ids(worker: Proc) -> list[str]:
    ids = []
    for line in worker.log_path.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("msg") == "job claimed":
            ids.append(str(record.get("job_id")))
    return ids


def _claims(workers: tuple[Proc, ...]) -> Counter[str]:
    return Counter(job_id for worker in workers for job_id in _claimed_ids(worker))
