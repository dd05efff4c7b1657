"""The embedded PostgreSQL: trusted on its private socket, a generated password over TCP."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from app.ops.embedded_pg import PG_HBA, SUPERUSER, EmbeddedPostgres
from tests.helpers.network import free_port


@pytest.fixture(autouse=True)
def _no_ambient_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # libpq's environment and ~/.pgpass would otherwise hand a password to "no password" tries.
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))


async def _current_user(dsn: str, password: str | None = None) -> str:
    conn = await asyncpg.connect(dsn, password=password)
    try:
        user: str = await conn.fetchval("SELECT current_user")
        return user
    finally:
        await conn.close()


def _over_tcp(server: EmbeddedPostgres, password: str | None) -> str:
    dsn = f"postgresql://{SUPERUSER}@127.0.0.1:{server.port}/emotionviz"
    return asyncio.run(_current_user(dsn, password))


def _assert_tcp_needs_the_password(server: EmbeddedPostgres) -> None:
    for wrong in (None, "", "not-the-password"):
        with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError):
            _over_tcp(server, wrong)
    password = server.password_file.read_text().strip()
    assert len(password) >= 32
    assert _over_tcp(server, password) == SUPERUSER
    # What `serve`, the tests and `emotionviz psql` use needs no password.
    assert asyncio.run(_current_user(server.libpq_url())) == SUPERUSER


@pytest.fixture
def stop_after(tmp_path: Path) -> Iterator[Path]:
    """A cluster directory, its server stopped after the test whatever happened."""
    pgdata = tmp_path / "pg"
    yield pgdata
    EmbeddedPostgres(pgdata).stop()


@pytest.mark.slow
def test_over_tcp_the_embedded_server_needs_its_generated_password_and_the_socket_does_not(
    stop_after: Path,
) -> None:
    server = EmbeddedPostgres(stop_after, port=free_port())
    server.start()

    _assert_tcp_needs_the_password(server)
    assert server.password_file == stop_after.with_name("pg-password")
    assert server.password_file.stat().st_mode & 0o777 == 0o600
    assert (stop_after / "pg_hba.conf").read_text() == PG_HBA
    url = server.tcp_url()
    assert url is not None
    assert asyncio.run(_current_user(url)) == SUPERUSER

    # A restart keeps the same password; the file is what a client reads.
    before = server.password_file.read_text()
    server.stop()
    server.start()
    assert server.password_file.read_text() == before
    _assert_tcp_needs_the_password(server)


@pytest.mark.slow
@pytest.mark.parametrize("running", [True, False], ids=["running", "stopped"])
def test_a_cluster_that_trusted_tcp_is_upgraded_in_place_on_the_next_start(
    stop_after: Path, running: bool
) -> None:
    port = free_port()
    old = EmbeddedPostgres(stop_after, port=port)
    # What earlier versions left: initdb --auth=trust, so TCP trusted everyone.
    old._prepare_permissions()
    old._initdb()
    assert (
        "host    all             all             127.0.0.1/32            trust"
        in (stop_after / "pg_hba.conf").read_text()
    )
    if running:
        old._pg_ctl_start()
        old._ensure_database()
        assert _over_tcp(old, None) == SUPERUSER  # the hole being closed

    server = EmbeddedPostgres(stop_after, port=port)
    server.start()

    assert server.owned is not running  # a running server is attached to, not restarted
    assert (stop_after / "pg_hba.conf").read_text() == PG_HBA
    _assert_tcp_needs_the_password(server)


@pytest.mark.parametrize("mode", [0o777, 0o750])
def test_a_socket_directory_in_the_temp_dir_that_others_can_enter_is_refused(
    tmp_path: Path, mode: int
) -> None:
    # A data directory this deep puts the socket under the shared temp directory instead.
    server = EmbeddedPostgres(tmp_path / ("deep" * 20) / "pg")
    assert server.socket_dir.parent == Path(tempfile.gettempdir())
    server.socket_dir.mkdir()  # as someone else could have, before the first start
    server.socket_dir.chmod(mode)
    try:
        with pytest.raises(RuntimeError, match="not a directory private to this user"):
            server.start()
    finally:
        server.socket_dir.rmdir()
    assert not (server.pgdata / "PG_VERSION").exists()
