"""CPU cost per request of the hot path, measured in-process (load-insensitive, unlike wrk).

    cd backend && uv run python -m bench.profile                    # CPU ms per request
    cd backend && uv run python -m bench.profile --profiler pyinstrument --only GET  # where it goes

wrk's req/s moves with whatever else the machine runs; CPU time spent per request does not (much).
This drives N requests straight through the ASGI app (no sockets, no HTTP parsing: those are the
server's share and the same for the floor) on uvloop, against an embedded PostgreSQL in a
throw-away directory, configured the way `emotionviz serve` runs it: JSON logs to a file and a
stream, Prometheus multiprocess mode, rate limits on (raised) in the table file that serve's
workers share.
It prints, per scenario, the application's CPU time per request (`time.process_time`) and the
PostgreSQL server's CPU time per request (its processes' user+system time, read with psutil).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
import psutil

Scenario = Callable[[], Awaitable[int]]

ENTRY = {
    "situation": "My manager moved the deadline up by a week and I had plans.",
    "emotions": ["frustration", "anxiety"],
    "intensity": 0.7,
    "notes": "benchmark",
}


def _postgres_processes(pgdata: Path) -> list[psutil.Process]:
    for proc in psutil.process_iter(["cmdline"]):
        if str(pgdata) in " ".join(proc.info["cmdline"] or []):
            return [proc, *proc.children(recursive=True)]
    return []


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


class AsgiDriver:
    """Calls the ASGI app the way a server would, without a socket."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def request(
        self, method: str, path: str, *, token: str | None = None, body: bytes = b""
    ) -> tuple[int, bytes]:
        raw_path, _, query = path.partition("?")
        headers = [(b"host", b"bench"), (b"user-agent", b"bench")]
        if token:
            headers.append((b"authorization", f"Bearer {token}".encode()))
        if body:
            headers += [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": raw_path,
            "raw_path": raw_path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 40000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        sent = False
        status = 0
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)


async def _measure(
    name: str,
    call: Scenario,
    *,
    requests: int,
    concurrency: int,
    pgdata: Path,
    profiler: cProfile.Profile | Any | None,
) -> dict[str, float]:
    # Warm caches (statements, pydantic) and open every pooled connection before measuring:
    # PostgreSQL forks a backend per connection, and only the backends alive now are counted.
    for _ in range(10):
        await asyncio.gather(*(call() for _ in range(concurrency)))
    remaining = requests
    errors = 0

    async def client() -> None:
        nonlocal remaining, errors
        while remaining > 0:
            remaining -= 1
            status = await call()
            if status >= 400:
                errors += 1

    # Found after the warm-up: PostgreSQL forks a backend per pooled connection on first use.
    postgres = _postgres_processes(pgdata)
    pg_before = _cpu_seconds(postgres)
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    if isinstance(profiler, cProfile.Profile):
        profiler.enable()
    elif profiler is not None:
        profiler.start()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    if isinstance(profiler, cProfile.Profile):
        profiler.disable()
    elif profiler is not None:
        profiler.stop()
    cpu = time.process_time() - cpu_before
    wall = time.perf_counter() - wall_before
    pg = _cpu_seconds(postgres) - pg_before
    result = {
        "app_cpu_ms": round(cpu / requests * 1000, 3),
        "pg_cpu_ms": round(pg / requests * 1000, 3),
        "wall_rps": round(requests / wall, 1),
        "errors": errors,
    }
    print(
        f"{name:34s} app {result['app_cpu_ms']:6.3f} ms CPU/req   "
        f"postgres {result['pg_cpu_ms']:6.3f} ms CPU/req   "
        f"({result['wall_rps']:.0f} req/s in-process, {errors} errors)",
        flush=True,
    )
    return result


def _profiler(kind: str | None) -> cProfile.Profile | Any | None:
    if kind == "cprofile":
        # Exact call counts, but its overhead inflates the CPU figures several times.
        return cProfile.Profile(time.process_time)
    if kind == "pyinstrument":
        from pyinstrument import Profiler

        # Sampling: little overhead; "disabled" samples whatever runs, across concurrent tasks.
        return Profiler(interval=0.0002, async_mode="disabled")
    return None


async def _run(args: argparse.Namespace, data_dir: Path, pg_url: str) -> dict[str, Any]:
    # Imported late: PROMETHEUS_MULTIPROC_DIR must be set before prometheus_client loads.
    from asgi_lifespan import LifespanManager

    from app.main import create_app
    from app.platform.config import Settings
    from app.platform.observability.logging import configure_logging
    from bench.asgi_state import per_request_state

    settings = Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=pg_url,
        ai_provider="local",
        worker_in_process=False,
        rate_limit_per_minute=100_000_000,
        rate_limit_per_hour=100_000_000,
        rate_limit_auth_per_minute=100_000_000,
        rate_limit_table=data_dir / "run" / "ratelimits.bin",  # as `serve` shares it
        db_pool_size=args.pool_size or args.concurrency,
        db_max_overflow=args.max_overflow,
    )
    # The server's stdout goes to a file in the benchmark; do the same here.
    stdout, sys.stdout = sys.stdout, (data_dir / "stdout.log").open("w")
    try:
        configure_logging(settings)
    finally:
        sys.stdout = stdout
    app = create_app(settings, serving=True)
    results: dict[str, Any] = {}
    async with LifespanManager(per_request_state(app)) as manager:
        driver = AsgiDriver(manager.app)
        status, body = await driver.request(
            "POST",
            "/api/v1/auth/register",
            body=orjson.dumps(
                {"email": "bench@example.com", "password": "Bench1234!", "name": "Bench"}
            ),
        )
        assert status == 201, body
        token = orjson.loads(body)["data"]["access_token"]
        entry = orjson.dumps(ENTRY)
        for _ in range(50):
            status, body = await driver.request("POST", "/api/v1/entries", token=token, body=entry)
            assert status == 201, body

        async def get_entries() -> int:
            return (await driver.request("GET", "/api/v1/entries?limit=50", token=token))[0]

        async def post_entry() -> int:
            return (await driver.request("POST", "/api/v1/entries", token=token, body=entry))[0]

        async def health() -> int:
            return (await driver.request("GET", "/health"))[0]

        scenarios: dict[str, Scenario] = {
            "GET /api/v1/entries?limit=50": get_entries,
            "POST /api/v1/entries": post_entry,
            "GET /health (middleware only)": health,
        }
        for name, call in scenarios.items():
            if args.only and args.only not in name:
                continue
            profiler = _profiler(args.profiler)
            results[name] = await _measure(
                name,
                call,
                requests=args.requests,
                concurrency=args.concurrency,
                pgdata=data_dir / "pg-embedded",
                profiler=profiler,
            )
            if isinstance(profiler, cProfile.Profile):
                if args.dump:
                    profiler.dump_stats(args.dump)
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out).strip_dirs()
                stats.sort_stats(args.sort).print_stats(args.top)
                print(out.getvalue())
            elif profiler is not None:
                print(profiler.output_text(unicode=True, color=False, show_all=args.show_all))
    if not args.only or "floor" in args.only:
        results.update(await _floor(args, data_dir, pg_url, token))
    return results


async def _floor(
    args: argparse.Namespace, data_dir: Path, pg_url: str, token: str
) -> dict[str, Any]:
    """The same two requests through bench/floor_app.py, for a CPU ratio that ignores the load."""
    from asgi_lifespan import LifespanManager

    from app.platform.db.database import libpq_url
    from bench.asgi_state import per_request_state

    os.environ["FLOOR_JWT_SECRET"] = (data_dir / "secret").read_text().strip()
    os.environ["FLOOR_DATABASE_URL"] = libpq_url(pg_url)
    from bench.floor_app import app as floor_app

    entry = orjson.dumps(ENTRY)
    results: dict[str, Any] = {}
    async with LifespanManager(per_request_state(floor_app)) as manager:
        driver = AsgiDriver(manager.app)

        async def get_entries() -> int:
            return (await driver.request("GET", "/api/v1/entries?limit=50", token=token))[0]

        async def post_entry() -> int:
            return (await driver.request("POST", "/api/v1/entries", token=token, body=entry))[0]

        for name, call in {
            "floor GET /api/v1/entries?limit=50": get_entries,
            "floor POST /api/v1/entries": post_entry,
        }.items():
            results[name] = await _measure(
                name,
                call,
                requests=args.requests,
                concurrency=args.concurrency,
                pgdata=data_dir / "pg-embedded",
                profiler=None,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--profiler", choices=["cprofile", "pyinstrument"], help="print a CPU profile as well"
    )
    parser.add_argument("--pool-size", type=int, help="DB_POOL_SIZE (default: --concurrency)")
    parser.add_argument("--max-overflow", type=int, default=0, help="DB_MAX_OVERFLOW")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--top", type=int, default=45, help="profile rows to print")
    parser.add_argument("--dump", type=Path, help="cprofile: write the raw stats here")
    parser.add_argument("--show-all", action="store_true", help="pyinstrument: library frames too")
    parser.add_argument("--only", help="run the scenarios whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="emotionviz-profile-"))
    metrics_dir = data_dir / "metrics"
    metrics_dir.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    for name in ("DATABASE_URL", "GEMINI_API_KEY"):
        os.environ.pop(name, None)

    from app.ops.embedded_pg import EmbeddedPostgres
    from app.platform.db.migrate import upgrade

    server = EmbeddedPostgres(data_dir / "pg-embedded")
    pg_url = server.start()
    try:
        upgrade(pg_url)
        import uvloop

        results = uvloop.run(_run(args, data_dir, pg_url))
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        args.json.write_text(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()
