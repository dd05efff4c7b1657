"""The embedded PostgreSQL stopped under traffic: fast 503s while it is down, recovery by itself."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from app.core.embedded_pg import EmbeddedPostgres
from tests.reliability.client import Timed, entry_body, millis, register, report, timed
from tests.reliability.processes import Processes, free_port, process_env

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

CLIENTS = 4
DOWN_SECONDS = 3.0
# Generous for a loaded 2-core machine; a hang would be the 30 s statement timeout or worse.
FAIL_FAST_BOUND_SECONDS = 2.0
RECOVERY_BOUND_SECONDS = 10.0
MAX_REQUESTS_PER_CLIENT = 3000


async def test_database_outage_gives_fast_503s_and_the_service_recovers_alone(
    data_dir: Path, procs: Processes
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # Idle workers re-check the queue only every 10 minutes here: a job queued after the outage
    # runs promptly only if the worker's LISTEN connection came back by itself.
    env = process_env(data_dir, WORKER_IDLE_RECHECK_SECONDS="600")
    procs.serve("api", port, env)
    postgres = EmbeddedPostgres(data_dir / "pg-embedded")

    phase = "before"
    samples: list[tuple[str, float, Timed]] = []  # (phase, start time, outcome)
    stop = asyncio.Event()

    async with httpx.AsyncClient(timeout=40) as client:
        headers = await register(client, base)

        async def traffic(number: int) -> None:
            for i in range(MAX_REQUESTS_PER_CLIENT):
                if stop.is_set():
                    return
                started_in, started_at = phase, time.monotonic()
                if i % 2:
                    outcome = await timed(client, "GET", f"{base}/api/v1/entries", headers=headers)
                else:
                    body = entry_body(f"client {number} write {i}")
                    outcome = await timed(
                        client, "POST", f"{base}/api/v1/entries", json=body, headers=headers
                    )
                # Label by the phase the request both started and ended in, else "transition".
                label = started_in if started_in == phase else "transition"
                samples.append((label, started_at, outcome))
                await asyncio.sleep(0.01)

        tasks = [asyncio.create_task(traffic(n)) for n in range(CLIENTS)]
        try:
            await asyncio.sleep(1.5)
            phase = "stopping"
            await asyncio.to_thread(postgres.stop)
            phase = "down"
            await asyncio.sleep(DOWN_SECONDS)
            phase = "starting"
            await asyncio.to_thread(postgres.start)
            started_at = time.monotonic()
            phase = "after"
            await _wait_for_success(client, base, headers, RECOVERY_BOUND_SECONDS)
            recovery_seconds = time.monotonic() - started_at
            await asyncio.sleep(1.5)
        finally:
            stop.set()
            await asyncio.gather(*tasks)

        # The in-process worker took a job queued after the outage without its periodic recheck.
        job_seconds = await _run_one_visualization(client, base, headers)

    by_phase: dict[str, list[Timed]] = {}
    for label, _, outcome in samples:
        by_phase.setdefault(label, []).append(outcome)
    statuses = Counter(outcome.status for _, _, outcome in samples)
    down = by_phase.get("down", [])
    assert len(down) >= 20, f"too little traffic while PostgreSQL was down: {len(down)}"
    # Nothing but successes and 503s, ever: no 500, no dropped connection, no hang.
    assert set(statuses) <= {200, 201, 503}, statuses
    assert {(o.status, o.code) for o in down} == {(503, "SERVICE_UNAVAILABLE")}
    slowest_down = max(o.seconds for o in down)
    assert slowest_down < FAIL_FAST_BOUND_SECONDS
    slowest_any = max(o.seconds for _, _, o in samples)
    assert slowest_any < FAIL_FAST_BOUND_SECONDS * 2
    # Once recovered, every request succeeds again (the pool dropped its dead connections).
    recovered_at = started_at + recovery_seconds
    settled = [o for label, t, o in samples if label == "after" and t > recovered_at]
    assert settled
    assert all(o.status in (200, 201) for o in settled), Counter(o.status for o in settled)
    assert job_seconds < 20
    report(
        "postgres_restart",
        requests=len(samples),
        requests_while_down=len(down),
        statuses={str(k): v for k, v in statuses.items()},
        down_max_ms=millis(slowest_down),
        down_median_ms=millis(sorted(o.seconds for o in down)[len(down) // 2]),
        overall_max_ms=millis(slowest_any),
        recovery_seconds_after_start=round(recovery_seconds, 2),
        visualization_after_outage_seconds=round(job_seconds, 1),
    )


async def _wait_for_success(
    client: httpx.AsyncClient, base: str, headers: dict[str, str], within: float
) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        outcome = await timed(client, "GET", f"{base}/api/v1/entries", headers=headers)
        if outcome.status == 200:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the API did not recover within {within} s of PostgreSQL starting")


async def _run_one_visualization(
    client: httpx.AsyncClient, base: str, headers: dict[str, str]
) -> float:
    created = await client.post(
        f"{base}/api/v1/entries", json=entry_body("after the outage"), headers=headers
    )
    assert created.status_code == 201, created.text
    entry_id = created.json()["data"]["entry"]["id"]
    started = time.monotonic()
    queued = await client.post(
        f"{base}/api/v1/visualizations", json={"entry_id": entry_id}, headers=headers
    )
    assert queued.status_code == 202, queued.text
    url = f"{base}/api/v1/visualizations/{queued.json()['data']['visualization_id']}"
    for _ in range(400):  # 20 s at most
        status = (await client.get(url, headers=headers)).json()["data"]["status"]
        if status in ("completed", "failed"):
            assert status == "completed"
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    raise AssertionError("the visualization queued after the outage never ran")
