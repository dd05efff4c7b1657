"""The HTTP benchmark: the project against its floor app, wrk over loopback.

    cd backend && uv run python -m bench.run            # 64 connections, 10 s per scenario

It starts `emotionviz serve --workers 2` as a user would (embedded PostgreSQL in a throw-away
DATA_DIR, rate limits raised), registers a user with 50 entries, drives wrk against
GET /api/v1/entries?limit=50 and POST /api/v1/entries, then runs the floor app (bench/floor_app.py)
with the same workers on the same database, and prints req/s, p50, p99, the ratio to the floor,
login interference and each worker's resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import asyncpg
import httpx
import psutil

from app.ops.embedded_pg import EmbeddedPostgres
from bench import wrk

BACKEND = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENTRY = {
    "situation": "My manager moved the deadline up by a week and I had plans.",
    "emotions": ["frustration", "anxiety"],
    "intensity": 0.7,
    "notes": "benchmark",
}
# What the POST scenario sends; told apart by its notes so it can be removed between runs.
POSTED = {**ENTRY, "notes": "benchmark-post"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


# Request limits out of the way: the benchmarks measure the service, not the limiter.
LIMITS_OFF = {
    "RATE_LIMIT_PER_MINUTE": "100000000",
    "RATE_LIMIT_PER_HOUR": "100000000",
    "RATE_LIMIT_AUTH_PER_MINUTE": "100000000",
    "RATE_LIMIT_LOGIN_FAILURES_PER_HOUR": "100000000",
}


def serve(env: dict[str, str], port: int, workers: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    """`emotionviz serve --workers N`, as a user would start it."""
    return subprocess.Popen(
        [str(BIN / "emotionviz"), "serve", "--port", str(port), "--workers", str(workers)],
        cwd=BACKEND,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@contextmanager
def serving(
    env: dict[str, str], port: int, workers: int, data_dir: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`serve` for the length of a benchmark; its data is removed after a clean run, kept (and
    named) after a failed one."""
    server = serve(env, port, workers, (data_dir / "serve.out").open("wb"))
    try:
        yield server
    except BaseException:
        print(f"the server's output and data are kept in {data_dir}", file=sys.stderr)
        raise
    finally:
        stop(server)
    # The database and logs of a finished run are of no use after it (~50 MB a run).
    shutil.rmtree(data_dir, ignore_errors=True)


def worker_rss_mb(proc: subprocess.Popen[bytes]) -> list[float]:
    parent = psutil.Process(proc.pid)
    # The uvicorn worker processes: not PostgreSQL, not multiprocessing's resource tracker.
    children = [
        c
        for c in parent.children(recursive=True)
        if "postgres" not in c.name() and "resource_tracker" not in " ".join(c.cmdline())
    ]
    targets = children or [parent]
    return [round(c.memory_info().rss / 2**20, 1) for c in targets]


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def start_floor(
    data_dir: Path,
    env: dict[str, str],
    port: int,
    workers: int,
    log: IO[bytes],
    app: str = "bench.floor_app:app",
) -> subprocess.Popen[bytes]:
    floor_env = {
        **env,
        "FLOOR_JWT_SECRET": (data_dir / "secret").read_text().strip(),
        "FLOOR_DATABASE_URL": EmbeddedPostgres(data_dir / "pg-embedded").libpq_url(),
    }
    return subprocess.Popen(
        [
            str(BIN / "python"),
            "-m",
            "bench.floor_serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--app",
            app,
        ],
        cwd=BACKEND,
        env=floor_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_floor(floor_base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{floor_base}/api/v1/entries", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("the floor app did not come up")


async def drop_posted_entries(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("DELETE FROM emotion_entries WHERE notes = $1", POSTED["notes"])
        # Thousands of deleted rows stay in the table and its indexes as dead tuples until
        # autovacuum passes, and every later listing (and its COUNT) wades through them: the
        # login run after the POST runs measured ~220 GET req/s instead of ~1,600 for that.
        await conn.execute("VACUUM (ANALYZE) emotion_entries")
    finally:
        await conn.close()


def seed(base: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as client:
        response = client.post(
            "/api/v1/auth/register",
            json={"email": "bench@example.com", "password": "Bench1234!", "name": "Bench"},
        )
        response.raise_for_status()
        token: str = response.json()["data"]["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(50):
            client.post("/api/v1/entries", json=ENTRY, headers=headers).raise_for_status()
    return token


def login_interference(base: str, token: str, duration: int) -> dict[str, float]:
    """GET p99 while 8 clients log in continuously (argon2 off the event loop, bounded)."""
    login_body = json.dumps({"email": "bench@example.com", "password": "Bench1234!"})
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "login.lua"
        script.write_text(
            f'wrk.method = "POST"\nwrk.body = {json.dumps(login_body)}\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        logins = subprocess.Popen(
            [
                "wrk",
                "-t1",
                "-c8",
                f"-d{duration + 2}s",
                "--latency",
                "-s",
                str(script),
                f"{base}/api/v1/auth/login",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(1)
        gets = wrk.run(
            f"{base}/api/v1/entries?limit=50",
            token=token,
            connections=16,
            duration=duration,
            threads=1,
        )
        login_out, _ = logins.communicate(timeout=duration + 60)
    login = wrk.parse(login_out)
    return {
        "get_rps": gets.requests_per_second,
        "get_p99_ms": gets.p99_ms,
        "get_errors": gets.errors,
        "login_rps": login.requests_per_second,
        "login_p50_ms": login.p50_ms,
        "login_p99_ms": login.p99_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--fastapi-floor",
        action="store_true",
        help="also measure bench/floor_fastapi.py: the floor's work written the FastAPI way",
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="emotionviz-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "GEMINI_API_KEY"}},
        "DATA_DIR": str(data_dir),
        **LIMITS_OFF,
    }
    port, floor_port, fastapi_port = free_port(), free_port(), free_port()
    base, floor_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{floor_port}"
    fastapi_base = f"http://127.0.0.1:{fastapi_port}"
    log = (data_dir / "serve.out").open("wb")
    server = serve(env, port, args.workers, log)
    floor: subprocess.Popen[bytes] | None = None
    fastapi_floor: subprocess.Popen[bytes] | None = None
    project: dict[str, wrk.WrkResult] = {}
    floor_results: dict[str, wrk.WrkResult] = {}
    fastapi_results: dict[str, wrk.WrkResult] = {}
    results: dict[str, object] = {
        "workers": args.workers,
        "connections": args.connections,
        "duration_s": args.duration,
    }
    try:
        wait_ready(f"{base}/health/ready", server)
        token = seed(base)
        floor = start_floor(data_dir, env, floor_port, args.workers, log)
        wait_floor(floor_base)
        targets = [(base, project), (floor_base, floor_results)]
        if args.fastapi_floor:
            fastapi_floor = start_floor(
                data_dir, env, fastapi_port, args.workers, log, "bench.floor_fastapi:app"
            )
            wait_floor(fastapi_base)
            targets.append((fastapi_base, fastapi_results))
        database = EmbeddedPostgres(data_dir / "pg-embedded").libpq_url()
        # name -> (path, body for POST or None for GET)
        scenarios: dict[str, tuple[str, str | None]] = {
            "GET /api/v1/entries?limit=50": ("/api/v1/entries?limit=50", None),
            "POST /api/v1/entries": ("/api/v1/entries", json.dumps(POSTED)),
        }
        for name, (path, body) in scenarios.items():
            for target, into in targets:
                # Both sides see the same table: the 50 seeded entries, never the thousands an
                # earlier POST run added (they would make the GET's count dearer for one side).
                asyncio.run(drop_posted_entries(database))
                for duration in (2, args.duration):  # warm-up, then the measured run
                    into[name] = wrk.run(
                        f"{target}{path}",
                        token=token,
                        connections=args.connections,
                        duration=duration,
                        post_body=body,
                    )
        asyncio.run(drop_posted_entries(database))
        results["project_worker_rss_mb"] = worker_rss_mb(server)
        results["floor_worker_rss_mb"] = worker_rss_mb(floor)
        results["login_interference"] = login_interference(base, token, args.duration)
    except BaseException:
        print(f"the servers' output and data are kept in {data_dir}", file=sys.stderr)
        raise
    finally:
        for extra in (floor, fastapi_floor):
            if extra is not None:
                stop(extra)
        stop(server)
    # The database and logs of a finished run are of no use after it (~50 MB a run).
    shutil.rmtree(data_dir, ignore_errors=True)

    print(
        f"\nmachine: {os.cpu_count()} cores; wrk -c{args.connections} -d{args.duration}s; "
        f"{args.workers} workers each\n"
    )
    table = {}
    for name in project:
        ours, base_line = project[name], floor_results[name]
        ratio = ours.requests_per_second / base_line.requests_per_second
        print(f"{name}\n  project {ours.row()}\n  floor   {base_line.row()}")
        table[name] = {"project": vars(ours), "floor": vars(base_line), "ratio": round(ratio, 3)}
        if name in fastapi_results:
            fastapi = fastapi_results[name]
            fastapi_ratio = fastapi.requests_per_second / base_line.requests_per_second
            print(
                f"  fastapi {fastapi.row()}\n"
                f"  the FastAPI floor runs at {fastapi_ratio:.2f} of the floor"
            )
            table[name]["fastapi_floor"] = vars(fastapi)
            table[name]["fastapi_floor_ratio"] = round(fastapi_ratio, 3)
        print(f"  ratio   {ratio:.2f} of the floor\n")
    results["scenarios"] = table
    interference = results["login_interference"]
    print(f"logins under load: {interference}")
    print(f"project worker RSS (MB): {results['project_worker_rss_mb']}")
    print(f"floor worker RSS (MB): {results['floor_worker_rss_mb']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
