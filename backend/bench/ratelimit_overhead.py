"""What the rate limiter adds to a request: limits off, counters in this process's table, in the
table file a server's workers share, and in Redis.

    cd backend && uv run python -m bench.ratelimit_overhead [--requests 3000] [--rounds 5]
        [--redis redis://127.0.0.1:6379/15]      # omit the Redis mode with --redis ""

Requests go in-process through the whole ASGI app (every middleware, httpx's ASGI transport) to
GET /api/v1/emotions, a route that touches no database, so the difference between the modes is
the limiter alone: reading the bearer token's subject, counting the request in both windows
(minute and hour) and reading back the tightest one. Two callers are measured: a signed-in user
(identity from the JWT) and an anonymous one (identity from the address). Limits are set so high
that nothing is refused. Modes are interleaved round by round so machine load drifts evenly
over all of them; each figure is the median over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from app.auth.tokens import token_service
from app.main import create_app
from app.platform.config import Settings
from bench.asgi_state import per_request_state

PATH = "/api/v1/emotions"
SECRET = "bench-secret-" + "x" * 40


def settings_for(mode: str, data_dir: Path, redis_url: str) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        # Never connected to: the measured route needs no database.
        "database_url": SecretStr("postgresql+asyncpg://bench@127.0.0.1:1/none"),
        "jwt_secret_key": SecretStr(SECRET),
        "ai_provider": "local",
        "worker_in_process": False,
        "log_level": "WARNING",
        "rate_limit_enabled": mode != "off",
        "rate_limit_per_minute": 1_000_000_000,
        "rate_limit_per_hour": 1_000_000_000,
    }
    if mode == "redis":
        values["rate_limit_storage_url"] = SecretStr(redis_url)
    if mode == "shared":
        values["rate_limit_table"] = data_dir / "run" / f"ratelimits-{uuid.uuid4()}.bin"
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


async def time_requests(
    client: httpx.AsyncClient, headers: dict[str, str], count: int
) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = await client.get(PATH, headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return timings


async def one_round(
    mode: str, data_dir: Path, redis_url: str, requests: int
) -> dict[str, list[float]]:
    settings = settings_for(mode, data_dir, redis_url)
    app = create_app(settings)
    if mode == "redis":
        await app.state.limiter.reset()
    # The limiter reads only the token's subject; no route checks the session here.
    now = datetime.now(UTC)
    token = (
        token_service(settings)
        .issue(
            uuid.uuid4(), uuid.uuid4(), logged_in_at=now, session_ends_at=now + timedelta(hours=1)
        )
        .token
    )
    callers = {"user": {"Authorization": f"Bearer {token}"}, "anonymous": {}}
    results: dict[str, list[float]] = {}
    async with LifespanManager(per_request_state(app)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for caller, headers in callers.items():
                await time_requests(client, headers, requests // 10)  # warm-up
                results[caller] = await time_requests(client, headers, requests)
    if mode == "redis":
        await app.state.limiter.reset()
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="per caller, mode and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help='"" to skip Redis')
    args = parser.parse_args()

    modes = ["off", "memory", "shared"] + (["redis"] if args.redis else [])
    stats: dict[tuple[str, str], dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="emotionviz-bench-") as tmp:
        for round_number in range(args.rounds):
            for mode in modes:
                results = await one_round(mode, Path(tmp), args.redis, args.requests)
                for caller, timings in results.items():
                    entry = stats.setdefault((mode, caller), {"p50": [], "p99": [], "mean": []})
                    entry["p50"].append(percentile(timings, 0.50) * 1e6)
                    entry["p99"].append(percentile(timings, 0.99) * 1e6)
                    entry["mean"].append(statistics.fmean(timings) * 1e6)
            print(f"round {round_number + 1}/{args.rounds} done", flush=True)

    load = os.getloadavg()
    print(
        f"\n{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load[0]:.2f} {load[1]:.2f}; "
        f"{args.requests} requests per caller, mode and round; median of {args.rounds} rounds\n"
    )
    print("| caller | limiter | p50 µs | p99 µs | mean µs | added to p50 µs | added to mean µs |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for caller in ("user", "anonymous"):
        base = stats[("off", caller)]
        base_p50, base_mean = statistics.median(base["p50"]), statistics.median(base["mean"])
        for mode in modes:
            entry = stats[(mode, caller)]
            p50, mean = statistics.median(entry["p50"]), statistics.median(entry["mean"])
            p99 = statistics.median(entry["p99"])
            added = "—" if mode == "off" else f"{p50 - base_p50:+.0f}"
            added_mean = "—" if mode == "off" else f"{mean - base_mean:+.0f}"
            print(
                f"| {caller} | {mode} | {p50:.0f} | {p99:.0f} | {mean:.0f} | {added} | "
                f"{added_mean} |"
            )


if __name__ == "__main__":
    asyncio.run(main())
