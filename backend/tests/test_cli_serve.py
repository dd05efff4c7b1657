"""`emotionviz serve` as a user runs it: embedded PostgreSQL in DATA_DIR, clean stop, data kept."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.core.embedded_pg import EmbeddedPostgres

pytestmark = pytest.mark.slow

EMOTIONVIZ = str(Path(sys.executable).with_name("emotionviz"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _clean_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "GEMINI_API_KEY", "JWT_SECRET_KEY", "TEST_DATABASE_URL"}
    }
    env["DATA_DIR"] = str(data_dir)
    return env


def _wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("serve did not become ready")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[Path, int, list[subprocess.Popen[bytes]]]]:
    data_dir = tmp_path / "data"
    port = _free_port()
    procs: list[subprocess.Popen[bytes]] = []
    yield data_dir, port, procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    EmbeddedPostgres(data_dir / "pg-embedded").stop()


def _start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [EMOTIONVIZ, "serve", "--port", str(port)],
        env=_clean_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _psql_url(data_dir: Path) -> str:
    return EmbeddedPostgres(data_dir / "pg-embedded").libpq_url()


async def _execute(url: str, sql: str) -> object:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


def test_serve_keeps_everything_under_data_dir_and_survives_restart(
    serve: tuple[Path, int, list[subprocess.Popen[bytes]]],
) -> None:
    data_dir, port, procs = serve
    procs.append(first := _start(data_dir, port))
    _wait_healthy(port, first)
    assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200

    url = _psql_url(data_dir)
    asyncio.run(
        _execute(
            url,
            "INSERT INTO users (email, hashed_password, name) "
            "VALUES ('persist@example.com', 'x', 'Persist') RETURNING id",
        )
    )
    assert (data_dir / "pg-embedded" / "PG_VERSION").exists()
    assert (data_dir / "logs" / "app.log").exists()
    assert (data_dir / "secret").stat().st_mode & 0o077 == 0
    assert (data_dir / "media").is_dir()

    # SIGTERM (what Docker and systemd send) stops the API and PostgreSQL cleanly.
    first.send_signal(signal.SIGTERM)
    first.wait(timeout=60)
    assert not (data_dir / "pg-embedded" / "postmaster.pid").exists()
    log = (data_dir / "pg-embedded" / "server.log").read_text()
    assert "database system is shut down" in log

    procs.append(second := _start(data_dir, port))
    _wait_healthy(port, second)
    count = asyncio.run(
        _execute(url, "SELECT count(*) FROM users WHERE email = 'persist@example.com'")
    )
    assert count == 1
    # No crash recovery was needed: the previous stop was clean.
    assert "was interrupted" not in (data_dir / "pg-embedded" / "server.log").read_text()
    second.send_signal(signal.SIGINT)
    second.wait(timeout=60)
    assert not (data_dir / "pg-embedded" / "postmaster.pid").exists()
