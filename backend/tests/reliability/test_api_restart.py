"""The API process SIGKILLed mid-traffic: every entry acknowledged with 201 is there afterwards."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from app.ops.embedded_pg import EmbeddedPostgres
from tests.helpers.network import free_port
from tests.reliability.client import entry_body, register, report
from tests.reliability.processes import Processes, process_env, wait_ready

# Processes get bounds of their own (up to 120 s to be ready): the backstop is above them.
pytestmark = [pytest.mark.reliability, pytest.mark.slow, pytest.mark.timeout(300)]

WRITERS = 4
MAX_WRITES_PER_WRITER = 600  # a bound on the loop, whatever happens
TRAFFIC_DEADLINE_SECONDS = 120.0


async def test_entries_acknowledged_before_a_kill_are_readable_after_restart(
    data_dir: Path, procs: Processes
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = process_env(data_dir)
    # The JWT secret is generated under DATA_DIR, so the token must outlive the process.
    del env["JWT_SECRET_KEY"]
    api = procs.serve("api", port, env)

    acknowledged: dict[str, str] = {}  # entry id -> situation
    refused_statuses: list[int] = []
    no_answer = 0
    stop = asyncio.Event()
    deadline = time.monotonic() + TRAFFIC_DEADLINE_SECONDS

    async with httpx.AsyncClient(timeout=10) as client:
        headers = await register(client, base)

        async def writer(number: int) -> None:
            nonlocal no_answer
            for attempt in range(MAX_WRITES_PER_WRITER):
                if stop.is_set() or time.monotonic() > deadline:
                    return
                situation = f"writer {number} write {attempt}"
                try:
                    response = await client.post(
                        f"{base}/api/v1/entries", json=entry_body(situation), headers=headers
                    )
                except httpx.HTTPError:
                    no_answer += 1  # in flight at the kill, or the API is down: outcome unknown
                    await asyncio.sleep(0.05)
                    continue
                if response.status_code == 201:
                    acknowledged[response.json()["data"]["entry"]["id"]] = situation
                else:
                    refused_statuses.append(response.status_code)

        async def until(count: int) -> None:
            while len(acknowledged) < count:
                assert time.monotonic() < deadline, "the writers stalled"
                await asyncio.sleep(0.02)

        writers = [asyncio.create_task(writer(n)) for n in range(WRITERS)]
        try:
            await until(80)
            acknowledged_before_kill = len(acknowledged)
            api.sigkill()  # the API process only; the embedded PostgreSQL keeps running
            killed_at = time.monotonic()
            pgdata = data_dir / "pg-embedded"
            assert await asyncio.to_thread(EmbeddedPostgres(pgdata).is_running)

            restarted = procs.spawn("api-restarted", ["serve", "--port", str(port)], env)
            await asyncio.to_thread(wait_ready, restarted, port)
            restart_seconds = time.monotonic() - killed_at
            await until(acknowledged_before_kill + 80)  # traffic goes on against the new process
        finally:
            stop.set()
            await asyncio.gather(*writers)

        # Every acknowledged entry is there, exactly as written.
        missing = []
        for entry_id, situation in acknowledged.items():
            response = await client.get(f"{base}/api/v1/entries/{entry_id}", headers=headers)
            if response.status_code != 200 or response.json()["data"]["situation"] != situation:
                missing.append(entry_id)
        listed = await client.get(f"{base}/api/v1/entries?limit=1", headers=headers)
        total = listed.json()["data"]["total"]

    assert missing == []
    assert refused_statuses == []  # no 5xx (or anything else) from either process
    assert total >= len(acknowledged)
    # Requests cut off by the kill may or may not have been stored, but never more than once each.
    assert total <= len(acknowledged) + WRITERS
    report(
        "api_restart",
        acknowledged_before_kill=acknowledged_before_kill,
        acknowledged_total=len(acknowledged),
        unanswered_requests=no_answer,
        stored_total=total,
        restart_seconds=round(restart_seconds, 1),
    )
