"""What the reliability tests do as an API client: sign up, write entries, time requests."""

from __future__ import annotations

import json
import math
import os
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "Reliable123!"


async def register(client: httpx.AsyncClient, base_url: str) -> dict[str, str]:
    """A new user through the API; returns the Authorization header of its token."""
    response = await client.post(
        f"{base_url}/api/v1/auth/register",
        json={
            "email": f"rel-{uuid.uuid4().hex[:12]}@example.com",
            "password": PASSWORD,
            "name": "Reliability",
        },
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


def entry_body(situation: str) -> dict[str, Any]:
    return {"situation": situation, "emotions": ["anxiety", "joy"], "intensity": 0.5}


@dataclass(frozen=True, slots=True)
class Timed:
    status: int | None  # None: no HTTP answer (connection refused, reset, timed out)
    seconds: float
    code: str | None = None  # the envelope's error code, or the client's error without answer


async def timed(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> Timed:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        return Timed(None, time.perf_counter() - started, type(exc).__name__)
    elapsed = time.perf_counter() - started
    code = None
    if response.status_code >= 400:
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = "<not an envelope>"
    return Timed(response.status_code, elapsed, code)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 200 samples is the 198th smallest)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def millis(seconds: float) -> float:
    return round(seconds * 1000, 1)


def report(test: str, **figures: Any) -> None:
    """Print the figures a test measured; also append them to $RELIABILITY_REPORT if set."""
    line = json.dumps({"test": test, **figures}, sort_keys=True)
    print(f"\nRELIABILITY {line}")
    target = os.environ.get("RELIABILITY_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
