"""The embedded PostgreSQL stopped under traffic: fast 503s while it is down, recovery by itself."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.ops.embedded_pg import EmbeddedPostgres
from tests.helpers.network import free_port
from tests.helpers.waiting import eventually
from tests.reliability.client import Timed, entry_body, millis, register, report, timed
from tests.reliability.processes import Processes, process_env

# Processes get bounds of their own (up to 120 s to be ready): the backstop is above them.
pytestmark = [pytest.mark.reliability, pytest.mark.slow, pytest.mark.timeout(300)]

CLIENTS = 4
DOWN_SECONDS = 3.0
# Generous for a loaded 2-core machine; a hang would be the 30 s statement timeout or worse.
FAIL_FAST_BOUND_SECONDS = 2.0
RECOVERY_BOUND_SECONDS = 10.0
MAX_REQUESTS_PER_CLIENT = 3000
# Requests checked once the service is back: about a second of the clients' traffic.
SETTLED_SAMPLES = 100


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

    async with httpx.AsyncClient(timeout=40) as client:
        headers = await register(client, base)
        async with traffic(client, base, headers) as load:
            await load.flowing()
            load.phase = "stopping"
            await asyncio.to_thread(postgres.stop)
            load.phase = "down"
            await asyncio.sleep(DOWN_SECONDS)
            load.phase = "starting"
            await asyncio.to_thread(postgres.start)
            started_at = time.monotonic()
            load.phase = "after"
            await _wait_for_success(client, base, headers, RECOVERY_BOUND_SECONDS)
            recovery_seconds = time.monotonic() - started_at
            recovered_at = started_at + recovery_seconds
            await load.settled("after", since=recovered_at)
        samples = load.samples

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
    settled = [o for label, t, o in samples if label == "after" and t > recovered_at]
    assert settled
    assert all(o.status in (200, 201) for o in settled), Counter(o.status for o in settled)
    # Far below the 600 s recheck: the worker's LISTEN connection came back by itself.
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


async def test_a_crashed_postgres_backend_gives_503s_never_500s(
    data_dir: Path, procs: Processes
) -> None:
    """SIGKILL of one server process: PostgreSQL drops every connection and runs crash recovery.

    Requests in flight see "terminating connection because of crash of another server process"
    and new ones "the database system is in recovery mode"; both must be 503s.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    procs.serve("api", port, process_env(data_dir))
    postgres = EmbeddedPostgres(data_dir / "pg-embedded")

    async with httpx.AsyncClient(timeout=40) as client:
        headers = await register(client, base)
        async with traffic(client, base, headers) as load:
            await load.flowing()  # the API's pool holds connections to the server
            victim = await _busy_backend(postgres.libpq_url())
            load.phase = "crash"
            os.kill(victim, signal.SIGKILL)
            crashed_at = time.monotonic()
            # Until the postmaster has reacted, the other connections still work: a success
            # before this line would say nothing about recovery.
            await _wait_for_log_line(
                data_dir / "pg-embedded" / "server.log", "all server processes terminated"
            )
            await _wait_for_success(client, base, headers, RECOVERY_BOUND_SECONDS)
            recovery_seconds = time.monotonic() - crashed_at
            load.phase = "after"
            await load.settled("after")

    statuses = Counter(o.status for _, _, o in load.samples)
    assert set(statuses) <= {200, 201, 503}, Counter((o.status, o.code) for _, _, o in load.samples)
    assert {o.code for _, _, o in load.samples if o.status == 503} <= {"SERVICE_UNAVAILABLE"}
    assert max(o.seconds for _, _, o in load.samples) < FAIL_FAST_BOUND_SECONDS * 2
    after = [o for label, _, o in load.samples if label == "after"]
    server_log = (data_dir / "pg-embedded" / "server.log").read_text()
    assert after
    assert all(o.status in (200, 201) for o in after), (
        Counter(o.status for o in after),
        server_log[-3000:],
    )
    assert "terminating any other active server processes" in server_log
    report(
        "postgres_backend_crash",
        requests=len(load.samples),
        statuses={str(k): v for k, v in statuses.items()},
        recovery_seconds=round(recovery_seconds, 2),
    )


async def _wait_for_log_line(log: Path, text: str, within: float = 10.0) -> None:
    for _ in range(int(within / 0.05)):
        if text in await asyncio.to_thread(log.read_text, errors="replace"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"PostgreSQL never logged {text!r}")


async def _busy_backend(url: str) -> int:
    """The pid of a server process serving the API (application_name 'emotionviz')."""
    conn = await asyncpg.connect(url)
    try:
        pids = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'emotionviz'"
        )
    finally:
        await conn.close()
    assert pids, "the API holds no connection"
    return int(pids[0]["pid"])


@dataclass
class Traffic:
    """Requests of the clients, labelled with the phase of the experiment they fell in."""

    phase: str = "before"
    samples: list[tuple[str, float, Timed]] = field(default_factory=list)

    async def flowing(self) -> None:
        """Until as many requests as there are clients have succeeded: the traffic is flowing."""
        await eventually(
            lambda: sum(o.status in (200, 201) for _, _, o in self.samples) >= CLIENTS,
            what="the clients' traffic to flow",
        )

    async def settled(self, label: str, since: float = 0.0) -> None:
        """Until SETTLED_SAMPLES requests labelled `label`, started after `since`, are in."""
        await eventually(
            lambda: sum(lb == label and t > since for lb, t, _ in self.samples) >= SETTLED_SAMPLES,
            what=f"{SETTLED_SAMPLES} requests in phase {label!r}",
        )


@asynccontextmanager
async def traffic(
    client: httpx.AsyncClient, base: str, headers: dict[str, str]
) -> AsyncIterator[Traffic]:
    """CLIENTS loops alternating POST and GET /entries until the block ends (bounded in count)."""
    load = Traffic()
    stop = asyncio.Event()

    async def one_client(number: int) -> None:
        for i in range(MAX_REQUESTS_PER_CLIENT):
            if stop.is_set():
                return
            started_in, started_at = load.phase, time.monotonic()
            if i % 2:
                outcome = await timed(client, "GET", f"{base}/api/v1/entries", headers=headers)
            else:
                body = entry_body(f"client {number} write {i}")
                outcome = await timed(
                    client, "POST", f"{base}/api/v1/entries", json=body, headers=headers
                )
            # Labelled by the phase the request both started and ended in, else "transition".
            label = started_in if started_in == load.phase else "transition"
            load.samples.append((label, started_at, outcome))
            await asyncio.sleep(0.01)

    tasks = [asyncio.create_task(one_client(n)) for n in range(CLIENTS)]
    try:
        yield load
    finally:
        stop.set()
        await asyncio.gather(*tasks)


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
