"""Analytics latency through HTTP: a user with 10,000 entries over a year, p50/p99 per endpoint.

    cd backend && uv run python bench/analytics.py [--entries 10000] [--requests 200] [--explain]

Starts its own embedded PostgreSQL in a temporary DATA_DIR, migrates and seeds it (INSERT ...
SELECT generate_series), then starts the real server (`emotionviz serve`) on a free port and times
sequential requests with httpx after a warm-up. Nothing outside the temporary directory is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.analytics import service
from app.analytics.queries import SUMMARY, TIMELINE
from app.auth.tokens import TokenService
from app.catalog.data import EMOTION_IDS
from app.models import AuthSession
from app.ops.embedded_pg import EmbeddedPostgres
from app.platform.db.migrate import upgrade

BACKEND_DIR = Path(__file__).resolve().parents[1]

SITUATIONS = [
    "My manager moved the project deadline forward again and I had to cancel my weekend plans",
    "Argument with my sister about who looks after our parents during the holidays",
    "The train was late twice this week and I missed the start of an important meeting",
    "A friend I had not heard from in months called and we talked for two hours",
    "I finally finished the presentation for work and the team liked it",
    "Could not sleep before the exam, kept going over everything that might go wrong",
    "My partner forgot our anniversary dinner reservation and we ended up eating at home",
    "Got feedback on my code review that felt harsh in front of the whole team",
    "Long walk in the park on a sunny morning with the dog, no phone",
    "The landlord announced a rent increase and I do not know if I can afford it",
    "Job interview went better than expected, waiting for their answer now",
    "Kids were fighting all afternoon and I lost my temper at dinner",
]

# Words for the random tails of situations (so that a theme has to be found among many words).
_VOCABULARY_TEXT = (
    "morning evening office home school traffic phone email message call dinner lunch coffee "
    "friend colleague boss partner mother father brother neighbour doctor teacher client team "
    "money rent bills budget holiday weekend birthday wedding party meeting deadline project "
    "exam interview promotion review feedback mistake success failure rain sunshine garden walk "
    "gym running music movie book news politics health sleep tired late early quiet noisy "
    "crowded lonely together apart waiting hoping planning forgetting remembering"
)
VOCABULARY = _VOCABULARY_TEXT.split()

SEED_ENTRIES = """
INSERT INTO emotion_entries (user_id, situation, emotions, intensity, source, created_at,
                             updated_at)
SELECT :user_id,
       -- A stock sentence plus random words: every situation differs, as real ones do.
       (CAST(:situations AS text[]))[1 + (i % cardinality(CAST(:situations AS text[])))]
           || ', ' || array_to_string(ARRAY(
               SELECT w FROM unnest(CAST(:vocabulary AS text[])) AS w
               ORDER BY random() LIMIT 4 + (i % 12)), ' '),
       (SELECT array_agg(e) FROM (
            SELECT e FROM unnest(CAST(:catalog AS text[])) AS e
            ORDER BY random() LIMIT 1 + (i % 3)) AS picked),
       round(CAST(random() AS numeric), 2),
       'manual', t.at, t.at
FROM generate_series(1, :entries) AS i
-- `+ i * interval '0'` ties the subquery to the row, so random() is drawn per entry.
CROSS JOIN LATERAL (SELECT now() - random() * interval '365 days' + i * interval '0') AS t(at)
"""

SEED_VISUALIZATIONS = """
INSERT INTO visualizations (entry_id, user_id, status, style, created_at, updated_at)
SELECT id, user_id, CASE WHEN random() < 0.9 THEN 'completed' ELSE 'failed' END, 'abstract',
       created_at + interval '1 minute', created_at + interval '1 minute'
FROM emotion_entries WHERE user_id = :user_id AND random() < 0.2
"""

TARGET_P50_MS = 30  # the target for summary and timeline, through HTTP (docs/ANALYTICS.md)

SCENARIOS: list[tuple[str, dict[str, str]]] = [
    ("summary", {"period": "7d"}),
    ("summary", {"period": "30d"}),
    ("summary", {"period": "90d"}),
    ("summary", {"period": "all"}),
    ("summary", {"period": "30d", "tz": "Europe/Berlin"}),
    ("emotions/timeline", {"period": "7d", "granularity": "day"}),
    ("emotions/timeline", {"period": "30d", "granularity": "day"}),
    ("emotions/timeline", {"period": "90d", "granularity": "day", "tz": "Europe/Berlin"}),
    ("emotions/timeline", {"period": "90d", "granularity": "week"}),
    ("emotions/timeline", {"period": "90d", "granularity": "month"}),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def seed(url: str, entries: int, other_users: int) -> uuid.UUID:
    """The measured user plus `other_users` neighbours of the same size, so the index must work."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            ids = []
            for n in range(other_users + 1):
                user_id = (
                    await conn.execute(
                        text(
                            "INSERT INTO users (email, hashed_password, name) "
                            "VALUES (:email, '!unusable', 'Bench') RETURNING id"
                        ),
                        {"email": f"bench{n}@example.com"},
                    )
                ).scalar_one()
                params = {
                    "user_id": user_id,
                    "situations": SITUATIONS,
                    "vocabulary": VOCABULARY,
                    "catalog": list(EMOTION_IDS),
                    "entries": entries,
                }
                await conn.execute(text(SEED_ENTRIES), params)
                await conn.execute(text(SEED_VISUALIZATIONS), {"user_id": user_id})
                ids.append(user_id)
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE"))
        return uuid.UUID(str(ids[0]))
    finally:
        await engine.dispose()


async def start_session(url: str, user_id: uuid.UUID) -> AuthSession:
    """A live session for the measured user: tokens are accepted only within one."""
    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            now = dt.datetime.now(dt.UTC)
            login = AuthSession(
                user_id=user_id, created_at=now, expires_at=now + dt.timedelta(days=1)
            )
            session.add(login)
        return login
    finally:
        await engine.dispose()


async def explain(url: str, user_id: uuid.UUID) -> None:
    now = dt.datetime.now(dt.UTC)
    plans = [
        ("summary 30d", SUMMARY, service.summary_params(user_id, "30d", "UTC", now)[1]),
        ("summary all", SUMMARY, service.summary_params(user_id, "all", "UTC", now)[1]),
        ("timeline 90d day", TIMELINE, service.timeline_params(user_id, "90d", "day", "UTC", now)),
    ]
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            for title, statement, params in plans:
                result = await conn.execute(
                    text("EXPLAIN (ANALYZE, BUFFERS) " + statement.text), params
                )
                print(f"\n--- EXPLAIN ANALYZE {title}")
                for (line,) in result:
                    print(line)
    finally:
        await engine.dispose()


@contextlib.contextmanager
def server(data_dir: Path, database_url: str, secret: str, port: int) -> Iterator[str]:
    env = os.environ | {
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "JWT_SECRET_KEY": secret,
        # 200+ sequential requests per scenario would otherwise hit the per-user limit.
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        ["uv", "run", "emotionviz", "serve", "--port", str(port)],
        cwd=BACKEND_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure(
    client: httpx.Client, url: str, params: dict[str, str], warmup: int, requests: int
) -> dict[str, Any]:
    for _ in range(warmup):
        client.get(url, params=params).raise_for_status()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, params=params)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {"p50": cuts[49], "p99": cuts[98], "mean": statistics.fmean(timings)}


def machine() -> str:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    head = "\n".join(lscpu.splitlines()[:10])
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"nproc: {os.cpu_count()}\npython: {platform.python_version()}\n"
        f"load average (1, 5, 15 min) at the end: {load}\n{head}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--other-users", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    parser.add_argument(
        "--seed-only",
        metavar="DIR",
        help="seed a database under DIR, print its URL and the user id, and leave it running",
    )
    args = parser.parse_args()

    if args.seed_only:
        pg = EmbeddedPostgres(Path(args.seed_only) / "pg-embedded")
        url = pg.start()
        upgrade(url)
        user_id = asyncio.run(seed(url, args.entries, args.other_users))
        print(f"DATABASE_URL={url}\nuser_id={user_id}")
        return

    data_dir = Path(tempfile.mkdtemp(prefix="emotionviz-bench-"))
    pg = EmbeddedPostgres(data_dir / "pg-embedded")
    try:
        url = pg.start()
        upgrade(url)
        started = time.perf_counter()
        user_id = asyncio.run(seed(url, args.entries, args.other_users))
        seconds = time.perf_counter() - started
        total = args.entries * (args.other_users + 1)
        print(f"seeded {total} entries ({args.entries} for the measured user) in {seconds:.1f} s")
        if args.explain:
            asyncio.run(explain(url, user_id))

        secret = secrets.token_urlsafe(48)
        login = asyncio.run(start_session(url, user_id))
        token = (
            TokenService(secret, 60)
            .issue(
                user_id, login.id, logged_in_at=login.created_at, session_ends_at=login.expires_at
            )
            .token
        )
        with (
            server(data_dir, url, secret, free_port()) as base,
            httpx.Client(
                base_url=f"{base}/api/v1/analytics/",
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            ) as client,
        ):
            print(f"\n{args.requests} sequential requests each, after {args.warmup} warm-up\n")
            print(
                f"| endpoint | parameters | p50 ms | p99 ms | mean ms | p50 < {TARGET_P50_MS} ms |"
            )
            print("|---|---|---:|---:|---:|---|")
            for path, params in SCENARIOS:
                figures = measure(client, path, params, args.warmup, args.requests)
                shown = " ".join(f"{k}={v}" for k, v in params.items())
                met = "yes" if figures["p50"] < TARGET_P50_MS else "NO"
                print(
                    f"| {path} | {shown} | {figures['p50']:.1f} | {figures['p99']:.1f} "
                    f"| {figures['mean']:.1f} | {met} |"
                )
        print(f"\n{machine()}")
    finally:
        pg.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
