"""Gemini hanging: AI calls end in bounded 503s, and GET /entries latency does not move."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.fakes.fixtures import FAKE_GEMINI_KEY
from tests.fakes.gemini import FakeGemini
from tests.helpers.network import free_port
from tests.reliability.client import (
    Timed,
    entry_body,
    millis,
    percentile,
    register,
    report,
    timed,
)
from tests.reliability.processes import Processes, process_env

# Processes get bounds of their own (up to 120 s to be ready): the backstop is above them.
pytestmark = [pytest.mark.reliability, pytest.mark.slow, pytest.mark.timeout(300)]

SAMPLES = 200
INTAKE_CLIENTS = 4
MAX_INTAKE_CALLS_PER_CLIENT = 100
TEXT_TIMEOUT_SECONDS = 2.0
AI_RETRIES = 1
# The SLO this suite holds GET /entries to while Gemini is down (the baseline is a few ms).
P99_BOUND_SECONDS = 0.25
# One AI call's worst case: every attempt times out, plus the backoff between them, plus slack
# for the SDK's own deadline grace and a loaded machine.
AI_CALL_BOUND_SECONDS = TEXT_TIMEOUT_SECONDS * (AI_RETRIES + 1) + 4.0


async def _sample_entries(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> list[Timed]:
    samples = []
    for _ in range(SAMPLES):
        samples.append(await timed(client, "GET", url, headers=headers))
        await asyncio.sleep(0.005)
    return samples


async def test_entries_latency_is_unchanged_while_gemini_hangs(
    data_dir: Path, procs: Processes, fake_gemini: FakeGemini
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = process_env(
        data_dir,
        AI_PROVIDER="gemini",
        GEMINI_API_KEY=FAKE_GEMINI_KEY,
        GEMINI_BASE_URL=fake_gemini.base_url,
        GEMINI_TEXT_TIMEOUT_SECONDS=str(TEXT_TIMEOUT_SECONDS),
        NANOBANANA_TIMEOUT_SECONDS=str(TEXT_TIMEOUT_SECONDS),
        AI_MAX_RETRIES=str(AI_RETRIES),
        AI_RETRY_BASE_DELAY_SECONDS="0.1",
        AI_CIRCUIT_FAILURE_THRESHOLD="4",
        AI_CIRCUIT_RESET_SECONDS="60",
    )
    procs.serve("api", port, env)
    entries_url = f"{base}/api/v1/entries?limit=20"

    async with httpx.AsyncClient(timeout=30) as client:
        headers = await register(client, base)
        entry_ids = []
        for n in range(20):
            created = await client.post(
                f"{base}/api/v1/entries", json=entry_body(f"entry {n}"), headers=headers
            )
            assert created.status_code == 201, created.text
            entry_ids.append(created.json()["data"]["entry"]["id"])
        await _sample_entries(client, entries_url, headers)  # warm-up, not counted
        baseline = await _sample_entries(client, entries_url, headers)

        fake_gemini.latency = 600.0  # every Gemini call hangs (until the fake shuts down)
        stop = asyncio.Event()
        intake: list[Timed] = []

        async def intake_client() -> None:
            for _ in range(MAX_INTAKE_CALLS_PER_CLIENT):
                if stop.is_set():
                    return
                intake.append(
                    await timed(
                        client,
                        "POST",
                        f"{base}/api/v1/intake/analyze",
                        json={"situation": "My manager criticised me in front of everyone"},
                        headers=headers,
                    )
                )
                await asyncio.sleep(0.05)

        callers = [asyncio.create_task(intake_client()) for _ in range(INTAKE_CLIENTS)]
        try:
            for entry_id in entry_ids[:5]:  # the in-process worker's Gemini calls hang too
                queued = await client.post(
                    f"{base}/api/v1/visualizations", json={"entry_id": entry_id}, headers=headers
                )
                assert queued.status_code == 202, queued.text
            deadline = time.monotonic() + 10
            while len(fake_gemini.requests) < INTAKE_CLIENTS:  # AI calls are now in flight
                assert time.monotonic() < deadline, "no AI call reached the fake Gemini"
                await asyncio.sleep(0.02)
            during = await _sample_entries(client, entries_url, headers)
            # Keep the AI callers going until the circuit has had time to open.
            for _ in range(300):  # 30 s at most
                if any(o.seconds < 0.5 for o in intake):
                    break
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            await asyncio.gather(*callers)

    assert {o.status for o in baseline} == {200}
    assert {o.status for o in during} == {200}
    base_p50, base_p99 = (percentile([o.seconds for o in baseline], p) for p in (50, 99))
    p50, p99 = (percentile([o.seconds for o in during], p) for p in (50, 99))
    assert p99 < P99_BOUND_SECONDS, (millis(base_p99), millis(p99))
    # Every AI call ended with the documented 503, within its timeout budget, never a hang.
    assert Counter((o.status, o.code) for o in intake) == {(503, "GEMINI_API_ERROR"): len(intake)}
    slowest_ai = max(o.seconds for o in intake)
    assert slowest_ai < AI_CALL_BOUND_SECONDS
    # Once the breaker opened, calls failed fast instead of waiting for the timeout again.
    fast = [o for o in intake if o.seconds < 0.5]
    assert fast
    report(
        "gemini_outage",
        baseline_p50_ms=millis(base_p50),
        baseline_p99_ms=millis(base_p99),
        during_p50_ms=millis(p50),
        during_p99_ms=millis(p99),
        during_max_ms=millis(max(o.seconds for o in during)),
        ai_calls=len(intake),
        ai_slowest_ms=millis(slowest_ai),
        ai_failed_fast=len(fast),
        gemini_requests_received=len(fake_gemini.requests),
    )
