"""The rate-limit store (Redis) unreachable: the API fails open, quickly, instead of failing."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.helpers.network import free_port
from tests.reliability.client import PASSWORD, entry_body, millis, register, report, timed
from tests.reliability.processes import Processes, process_env

# Processes get bounds of their own (up to 120 s to be ready): the backstop is above them.
pytestmark = [pytest.mark.reliability, pytest.mark.slow, pytest.mark.timeout(300)]

REQUESTS = 30
PER_MINUTE = 10


async def test_requests_are_served_when_the_limit_store_is_down(
    data_dir: Path, procs: Processes
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    nothing_listens = free_port()  # a Redis that is down: connections are refused
    env = process_env(
        data_dir,
        RATE_LIMIT_ENABLED="true",
        RATE_LIMIT_STORAGE_URL=f"redis://127.0.0.1:{nothing_listens}/0",
        RATE_LIMIT_PER_MINUTE=str(PER_MINUTE),
    )
    procs.serve("api", port, env)

    async with httpx.AsyncClient(timeout=30) as client:
        headers = await register(client, base)
        me = await client.get(f"{base}/api/v1/auth/me", headers=headers)
        email = me.json()["data"]["email"]
        # Failed logins are counted in the same store: still a plain 401, then a working login.
        login = f"{base}/api/v1/auth/login"
        wrong = await timed(client, "POST", login, json={"email": email, "password": "Wrong123!"})
        right = await timed(client, "POST", login, json={"email": email, "password": PASSWORD})
        outcomes = []
        for n in range(REQUESTS):
            if n % 2:
                outcomes.append(
                    await timed(client, "GET", f"{base}/api/v1/entries", headers=headers)
                )
            else:
                body = entry_body(f"while Redis is down {n}")
                outcomes.append(
                    await timed(
                        client, "POST", f"{base}/api/v1/entries", json=body, headers=headers
                    )
                )

    # Well past the per-minute limit, yet nothing is refused: the limiter fails open.
    assert [o.status for o in outcomes] == [201, 200] * (REQUESTS // 2)
    slowest = max(o.seconds for o in outcomes)
    assert slowest < 2.0
    assert (wrong.status, wrong.code) == (401, "UNAUTHORIZED")
    assert right.status == 200
    report(
        "redis_outage", requests=REQUESTS, limit_per_minute=PER_MINUTE, slowest_ms=millis(slowest)
    )
