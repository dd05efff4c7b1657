"""Test harness: a real PostgreSQL (embedded, or TEST_DATABASE_URL), migrated once by Alembic.

Each test runs inside an outer transaction that is rolled back afterwards; services that commit
only release savepoints (join_transaction_mode="create_savepoint"). Tests that need real commits
(jobs, concurrency, restarts) use `committed_db` instead, which truncates afterwards.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import pytest

# A bare `assert` in a shared helper reports its operands, as one in a test module does.
pytest.register_assert_rewrite("tests.helpers")

# Nothing a test does may touch the repository's data/ or read a developer's .env.
_SANDBOX = Path(tempfile.mkdtemp(prefix="emotionviz-tests-"))
os.environ["DATA_DIR"] = str(_SANDBOX / "data")
from tests.helpers.s3 import (  # noqa: E402 (no app import: safe before the pops)
    STORAGE_VARIABLES,
    S3Server,
    running_s3_server,
)

for _name in (
    "DATABASE_URL",
    "GEMINI_API_KEY",
    "NANOBANANA_API_KEY",
    "RATE_LIMIT_STORAGE_URL",
    *STORAGE_VARIABLES,
):
    os.environ.pop(_name, None)
# botocore must never look for credentials at a cloud metadata address from a test.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import (  # noqa: E402
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.main import create_app  # noqa: E402
from app.models import User  # noqa: E402
from app.ops.embedded_pg import EmbeddedPostgres  # noqa: E402
from app.platform.config import Settings  # noqa: E402
from app.platform.db.database import Database, async_url, libpq_url  # noqa: E402
from app.platform.db.migrate import upgrade  # noqa: E402
from tests.helpers.clients import client_for  # noqa: E402
from tests.helpers.database import TABLES  # noqa: E402
from tests.helpers.hangs import pending_tasks  # noqa: E402
from tests.helpers.settings import make_settings  # noqa: E402
from tests.helpers.users import UserFactory  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    # Each run gets its own tmp_path root. The shared /tmp/pytest-of-<user> is re-chmodded to 0700
    # by every pytest start, which would cut off the embedded PostgreSQL (running as its own
    # account) of another run in progress; a private root is never touched by anyone else.
    if config.option.basetemp is None:
        config.option.basetemp = str(_SANDBOX / "pytest-tmp")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A test stopped by pytest-timeout also shows what its coroutines were waiting on."""
    report = yield
    if call.excinfo is not None and "from pytest-timeout" in str(call.excinfo.value):
        report.sections.append(("asyncio tasks at the timeout", pending_tasks()))
    return report


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    shutil.rmtree(_SANDBOX, ignore_errors=True)


def _create_scratch_database(server_url: str) -> tuple[str, str]:
    """On an external server, work in a throw-away database so nothing there is touched."""
    import asyncio

    name = f"emotionviz_test_{uuid.uuid4().hex[:8]}"
    admin = libpq_url(server_url)

    async def create() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    from sqlalchemy.engine import make_url

    return async_url(make_url(server_url).set(database=name).render_as_string(False)), name


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        url, name = _create_scratch_database(external)
        upgrade(url)
        yield url
        import asyncio

        async def drop() -> None:
            conn = await asyncpg.connect(libpq_url(external))
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await conn.close()

        asyncio.run(drop())
        return
    server = EmbeddedPostgres(_SANDBOX / "pg-embedded")
    url = server.start()
    try:
        upgrade(url)
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def test_settings(pg_url: str) -> Settings:
    return make_settings(pg_url)


@pytest.fixture(scope="session")
async def engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_async_engine(pg_url, pool_size=5, max_overflow=5)
    yield eng
    await eng.dispose()


@pytest.fixture
async def db_conn(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            yield conn
        finally:
            await outer.rollback()


@pytest.fixture
def database(db_conn: AsyncConnection) -> Database:
    """A Database whose sessions all join the test's outer, rolled-back transaction."""
    maker = async_sessionmaker(
        bind=db_conn,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )
    return Database(engine=db_conn.engine, sessionmaker=maker, shared_connection=db_conn)


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with database.sessionmaker() as s:
        yield s


@pytest.fixture
def settings(test_settings: Settings) -> Settings:
    return test_settings


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database=database)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(app):
        yield c


@pytest.fixture
async def committed_db(engine: AsyncEngine) -> AsyncIterator[Database]:
    """A Database that really commits (for jobs, concurrency); tables are truncated afterwards."""
    db = Database.from_engine(engine)
    yield db
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))


@pytest.fixture
async def committed_client(
    settings: Settings, committed_db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for(create_app(settings, database=committed_db)):
        yield c


@pytest.fixture
async def users(database: Database, settings: Settings) -> AsyncIterator[UserFactory]:
    """Users visible to the app under test (same outer transaction)."""
    async with database.sessionmaker() as s:
        yield UserFactory(s, settings)
        await s.commit()


@pytest.fixture
async def committed_users(committed_db: Database, settings: Settings) -> AsyncIterator[UserFactory]:
    async with committed_db.sessionmaker() as s:
        factory = UserFactory(s, settings)
        original = factory.create

        async def create_and_commit(email: str | None = None, name: str = "Test User") -> User:
            user = await original(email, name)
            await s.commit()
            return user

        factory.create = create_and_commit  # type: ignore[method-assign]
        yield factory


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """A real S3-protocol server (moto) on 127.0.0.1, for the whole run (tests/helpers/s3.py)."""
    with running_s3_server() as server:
        yield server


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> str:
    """A fresh, empty bucket for one test."""
    if not s3_server.running:  # a test that took it down failed before bringing it back
        s3_server.start()
    return s3_server.create_bucket()


@pytest.fixture
def restore_root_logging() -> Iterator[None]:
    """For tests that call configure_logging: the root logger's handlers and level as they were."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = False
