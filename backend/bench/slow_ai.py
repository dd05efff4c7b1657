"""The "slow AI" benchmark: journal reads while hundreds of people wait on a slow Gemini.

    cd backend && uv run python -m bench.slow_ai             # 200 people, a 12 s Gemini
    cd backend && uv run python -m bench.slow_ai --steady    # ...each asking again when answered

It starts `emotionviz serve --workers 2` as a user would (embedded PostgreSQL in a throw-away
DATA_DIR, request limits raised), pointed at the in-repo fake Gemini (tests/fakes/gemini.py),
served from this process on loopback and answering every call `--ai-seconds` after it arrives.
A reader with 50 entries is measured with wrk on GET /api/v1/entries?limit=50: once quiet, then
while `--waiting` people each have a guided intake waiting on Gemini. By default every one of
them starts an intake before the measured run, which ends before Gemini answers any of them:
the run sees exactly the cost of people waiting. With `--steady` they start spread over one
answer time and each asks again as soon as answered, so N / T intakes also begin and end every
second during the run. It prints both runs' req/s and p99, their ratios, the calls in flight at
Gemini at the start and end of the run, the intakes answered and failed, and the API workers'
resident memory. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench import wrk
from bench.run import LIMITS_OFF, free_port, seed, serving, wait_ready, worker_rss_mb
from tests.fakes.gemini import FakeGemini

SITUATION = "My manager moved the deadline up by a week and I had plans with my family."


@dataclass
class Waiting:
    """People each with an intake waiting on Gemini.

    Steady: they start spread over one answer time, as people arriving one after another would,
    and each asks again when answered, until told to stop; about N / T intakes then start and
    finish every second rather than all N in one wave. Otherwise each asks once.
    """

    base: str
    tokens: list[str]
    spread_seconds: float
    steady: bool
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    answered: int = 0
    failed: dict[int, int] = field(default_factory=dict)

    async def run(self, request_timeout: float) -> None:
        limits = httpx.Limits(max_connections=len(self.tokens) + 8)
        async with httpx.AsyncClient(
            base_url=self.base, limits=limits, timeout=request_timeout
        ) as client:
            step = self.spread_seconds / len(self.tokens)
            await asyncio.gather(
                *(self._person(client, token, n * step) for n, token in enumerate(self.tokens))
            )

    async def _person(self, client: httpx.AsyncClient, token: str, start_after: float) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        await asyncio.sleep(start_after)
        while not self.stop.is_set():
            try:
                response = await client.post(
                    "/api/v1/intake/analyze", json={"situation": SITUATION}, headers=headers
                )
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            if status == 200:
                self.answered += 1
            else:
                self.failed[status] = self.failed.get(status, 0) + 1
                await asyncio.sleep(1)  # a failing person does not hammer the server
            if not self.steady:
                return


def register(base: str, count: int) -> list[str]:
    async def one(client: httpx.AsyncClient, n: int) -> str:
        response = await client.post(
            "/api/v1/auth/register",
            json={"email": f"waiting-{n}@example.com", "password": "Bench1234!", "name": "W"},
        )
        response.raise_for_status()
        token: str = response.json()["data"]["access_token"]
        return token

    async def all_of_them() -> list[str]:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            return list(await asyncio.gather(*(one(client, n) for n in range(count))))

    return asyncio.run(all_of_them())


def measure(
    base: str, token: str, connections: int, duration: int, *, warm_up: bool = True
) -> wrk.WrkResult:
    url = f"{base}/api/v1/entries?limit=50"
    if warm_up:
        wrk.run(url, token=token, connections=connections, duration=2)
    return wrk.run(url, token=token, connections=connections, duration=duration)


@dataclass
class BusyRun:
    result: wrk.WrkResult
    waiting: Waiting
    at_gemini_before: int
    at_gemini_after: int


async def measure_while_waiting(
    args: argparse.Namespace, base: str, reader: str, people: list[str], fake: FakeGemini
) -> BusyRun:
    spread = args.ai_seconds if args.steady else 0.0
    waiting = Waiting(base, people, spread_seconds=spread, steady=args.steady)
    runner = asyncio.create_task(waiting.run(request_timeout=args.ai_seconds + 60))
    give_up = time.monotonic() + args.ai_seconds + 60
    while fake.in_flight < args.waiting:
        if time.monotonic() > give_up or runner.done():
            raise SystemExit(f"only {fake.in_flight} of {args.waiting} calls reached Gemini")
        await asyncio.sleep(0.05)
    before = fake.in_flight
    # The server was warmed up by the quiet run; a second warm-up would eat into the time
    # before Gemini answers.
    result = await asyncio.to_thread(
        measure, base, reader, args.connections, args.duration, warm_up=False
    )
    after = fake.in_flight
    waiting.stop.set()
    fake.latency = 0.0  # let whatever is still waiting answer at once
    await runner
    return BusyRun(result, waiting, before, after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waiting", type=int, default=200, help="people waiting on the AI")
    parser.add_argument("--ai-seconds", type=float, default=12.0, help="Gemini's answer time")
    parser.add_argument(
        "--duration", type=int, default=8, help="wrk seconds; within the AI time unless --steady"
    )
    parser.add_argument("--steady", action="store_true", help="ask again when answered")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="emotionviz-bench-slow-ai-"))
    results: dict[str, object] = {
        "waiting": args.waiting,
        "ai_seconds": args.ai_seconds,
        "workers": args.workers,
        "connections": args.connections,
        "duration_s": args.duration,
        "steady": args.steady,
    }
    with FakeGemini.running() as fake:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DATA_DIR": str(data_dir),
            "AI_PROVIDER": "gemini",
            "GEMINI_API_KEY": "bench-fake-gemini-key",
            "GEMINI_BASE_URL": fake.base_url,
            "GEMINI_TEXT_TIMEOUT_SECONDS": str(args.ai_seconds + 10),
            "AI_TEXT_DEADLINE_SECONDS": str(args.ai_seconds + 30),
            "AI_TEXT_CALLS_PER_DAY": "1000000",
            **LIMITS_OFF,
        }
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with serving(env, port, args.workers, data_dir) as server:
            wait_ready(f"{base}/health/ready", server)
            reader = seed(base)
            people = register(base, args.waiting)
            quiet = measure(base, reader, args.connections, args.duration)
            results["quiet_worker_rss_mb"] = worker_rss_mb(server)
            fake.latency = args.ai_seconds
            busy_run = asyncio.run(measure_while_waiting(args, base, reader, people, fake))
            results["busy_worker_rss_mb"] = worker_rss_mb(server)

    busy, waiting = busy_run.result, busy_run.waiting
    ratio = busy.requests_per_second / quiet.requests_per_second
    p99_ratio = busy.p99_ms / quiet.p99_ms
    results |= {
        "quiet": vars(quiet),
        "with_waiting": vars(busy),
        "throughput_ratio": round(ratio, 3),
        "p99_ratio": round(p99_ratio, 3),
        "calls_at_gemini_before": busy_run.at_gemini_before,
        "calls_at_gemini_after": busy_run.at_gemini_after,
        "intakes_answered": waiting.answered,
        "intakes_failed": waiting.failed,
    }
    how = "asking again when answered" if args.steady else "waiting"
    print(
        f"\nmachine: {os.cpu_count()} cores; wrk -c{args.connections} -d{args.duration}s on "
        f"GET /api/v1/entries?limit=50; {args.workers} workers\n"
        f"quiet                          {quiet.row()}\n"
        f"{args.waiting} {how} on a {args.ai_seconds:g} s Gemini\n"
        f"                               {busy.row()}\n"
        f"throughput kept: {ratio:.2f}   p99: {p99_ratio:.2f}x the quiet run\n"
        f"calls at Gemini as the run began / ended: {busy_run.at_gemini_before} / "
        f"{busy_run.at_gemini_after}; intakes answered: {waiting.answered}, "
        f"failed: {waiting.failed or 0}\n"
        f"worker RSS (MB): quiet {results['quiet_worker_rss_mb']}, "
        f"with the waiting {results['busy_worker_rss_mb']}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
