"""`emotionviz serve` as a user runs it: embedded PostgreSQL in DATA_DIR, clean stop, data kept."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import httpx
import psutil
import pytest

from app.ops.embedded_pg import EmbeddedPostgres
from tests.helpers.cli import EMOTIONVIZ
from tests.helpers.network import free_port
from tests.helpers.waiting import eventually_sync

# Each test runs `emotionviz serve` (embedded PostgreSQL, workers) with bounds of its own of up
# to 90 s per step; the slowest takes about 45 s. The backstop is above them.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _clean_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "GEMINI_API_KEY",
            "JWT_SECRET_KEY",
            "TEST_DATABASE_URL",
            "RATE_LIMIT_STORAGE_URL",
        }
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
    port = free_port()
    procs: list[subprocess.Popen[bytes]] = []
    yield data_dir, port, procs
    for proc in procs:
        if proc.poll() is None:
            # SIGKILL reaches only the supervisor: its uvicorn workers would outlive it.
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()
            proc.wait()
    EmbeddedPostgres(data_dir / "pg-embedded").stop()


def _start(data_dir: Path, port: int, *options: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [EMOTIONVIZ, "serve", "--port", str(port), *options],
        env=_clean_env(data_dir) | env,
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


def _port(address: object) -> int | None:
    # psutil gives an (ip, port) named tuple, or () for an unconnected socket's remote end.
    port: int | None = getattr(address, "port", None)
    return port


def _listening_sockets(port: int) -> dict[int, str]:
    """pid -> the socket (`socket:[inode]`) it listens on at the port."""
    sockets = {}
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and _port(conn.laddr) == port and conn.pid:
            try:
                sockets[conn.pid] = os.readlink(f"/proc/{conn.pid}/fd/{conn.fd}")
            except FileNotFoundError:
                continue  # a worker just killed, its descriptors already gone
    return sockets


def _listeners(port: int) -> set[int]:
    """The pids with a socket listening on the port."""
    return set(_listening_sockets(port))


def _served(port: int, path: str) -> tuple[int, int]:
    """(status, pid) of a GET on a new connection; the pid is the process that accepted it, the
    one holding the connection's server side."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
        status = int(client.recv(4096).split(b" ", 2)[1])
        local_port = client.getsockname()[1]
        for conn in psutil.net_connections(kind="tcp"):
            if _port(conn.laddr) == port and _port(conn.raddr) == local_port:
                assert conn.pid is not None
                return status, conn.pid
    raise AssertionError("no server-side socket for this connection")


def _serving_pid(port: int) -> int:
    status, pid = _served(port, "/health")
    assert status == 200
    return pid


def test_serve_with_workers_gives_each_worker_its_own_listening_socket(
    serve: tuple[Path, int, list[subprocess.Popen[bytes]]],
) -> None:
    """SO_REUSEPORT: the kernel spreads connections; one shared socket let one worker take most."""
    data_dir, port, procs = serve
    procs.append(server := _start(data_dir, port, "--workers", "2"))
    _wait_healthy(port, server)
    supervisor = psutil.Process(server.pid)
    eventually_sync(lambda: len(_listeners(port)) == 2, within=90, what="two listening workers")
    workers = _listeners(port)
    assert workers <= {child.pid for child in supervisor.children(recursive=True)}
    # Two sockets, not one shared by two processes (what plain uvicorn --workers does).
    assert len(set(_listening_sockets(port).values())) == 2

    # Connections opened at once are served by both workers.
    with ThreadPoolExecutor(32) as pool:
        pids = set(pool.map(lambda _: _serving_pid(port), range(64)))
    assert pids == workers

    # A worker that dies is replaced by one listening on its own socket again.
    psutil.Process(min(workers)).kill()
    eventually_sync(
        lambda: len(_listeners(port)) == 2 and min(workers) not in _listeners(port),
        within=90,
        what="the dead worker replaced by one listening on its own socket",
    )
    _wait_healthy(port, server)
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    assert not _listeners(port)


def test_serve_with_workers_refuses_a_port_another_server_shares(
    serve: tuple[Path, int, list[subprocess.Popen[bytes]]],
) -> None:
    """SO_REUSEPORT must not let a second server quietly take half of a port's connections."""
    data_dir, port, procs = serve
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", port))
        other.listen()
        procs.append(server := _start(data_dir, port, "--workers", "2"))
        assert server.wait(timeout=90) != 0


def test_a_limit_holds_across_the_workers_of_one_server_without_redis(
    serve: tuple[Path, int, list[subprocess.Popen[bytes]]],
) -> None:
    """10 a minute with two workers: 10 answers, then 429 from both, whichever serves."""
    data_dir, port, procs = serve
    procs.append(server := _start(data_dir, port, "--workers", "2", RATE_LIMIT_PER_MINUTE="10"))
    _wait_healthy(port, server)
    eventually_sync(lambda: len(_listeners(port)) == 2, within=90, what="two listening workers")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: _served(port, "/api/v1/emotions"), range(32)))
    statuses = [status for status, _ in answers]
    assert statuses.count(200) == 10
    assert statuses.count(429) == 22
    # Both workers answered, and both refused: neither counted on its own.
    assert {pid for _, pid in answers} == _listeners(port)
    assert {pid for status, pid in answers if status == 429} == _listeners(port)
    assert (data_dir / "run" / "ratelimits.bin").stat().st_mode & 0o077 == 0
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
