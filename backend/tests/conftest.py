"""Test harness: a real PostgreSQL (embedded, or TEST_DATABASE_URL), migrated once by Alembic.

Each test runs inside an outer transaction that is rolled back afterwards; services that commit
only release savepoints (join_transaction_mode="create_savepoint"). Tests that need real commits
(jobs, concurrency, restarts) use `committed_db` instead, which truncates afterwards.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Nothing a test does may touch the repository's data/ or read a developer's .env.
_SANDBOX = Path(tempfile.mkdtemp(prefix="emotionviz-tests-"))
os.environ["DATA_DIR"] = str(_SANDBOX / "data")
from tests.s3 import STORAGE_VARIABLES  # noqa: E402 (no app import: safe before the pops)

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
import pytest  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import (  # noqa: E402
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.config import Settings  # noqa: E402
from app.core.db import Database, async_url, libpq_url  # noqa: E402
from app.core.embedded_pg import EmbeddedPostgres  # noqa: E402
from app.core.migrate import upgrade  # noqa: E402
from app.core.security import token_service  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import AuthSession, User  # noqa: E402
from bench.asgi_state import per_request_state  # noqa: E402

TEST_JWT_SECRET = "test-secret-" + "x" * 40


def pytest_configure(config: pytest.Config) -> None:
    # Each run gets its own tmp_path root. The shared /tmp/pytest-of-<user> is re-chmodded to 0700
    # by every pytest start, which would cut off the embedded PostgreSQL (running as its own
    # account) of another run in progress; a private root is never touched by anyone else.
    if config.option.basetemp is None:
        config.option.basetemp = str(_SANDBOX / "pytest-tmp")


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


def make_settings(pg_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": _SANDBOX / "data",
        "database_url": pg_url,
        "jwt_secret_key": TEST_JWT_SECRET,
        "ai_provider": "local",
        "worker_in_process": False,
        "rate_limit_enabled": False,
        "log_level": "INFO",
        # Each access line as its request ends, so tests can read it at once
        # (tests/test_access_log.py covers the batches).
        "access_log_batch_ms": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


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


async def _client_for(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(per_request_state(app)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client_for(app):
        yield c


TABLES = (
    "visualizations",
    "emotion_entries",
    "intake_sessions",
    "emotion_analytics",
    "ai_usage",
    "auth_sessions",
    "login_addresses",
    "users",
    "pending_media_deletions",
)


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
    async for c in _client_for(create_app(settings, database=committed_db)):
        yield c


class UserFactory:
    """Inserts users directly (no password flow), each with a live session, and issues tokens."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.tokens = token_service(settings)
        self._sessions: dict[uuid.UUID, AuthSession] = {}

    async def create(self, email: str | None = None, name: str = "Test User") -> User:
        user = User(
            email=email or f"user-{uuid.uuid4().hex[:10]}@example.com",
            # Not a valid hash on purpose: these users log in by token only.
            hashed_password="!unusable",
            name=name,
        )
        self.session.add(user)
        await self.session.flush()
        now = datetime.now(UTC)
        login = AuthSession(user_id=user.id, created_at=now, expires_at=now + timedelta(days=30))
        self.session.add(login)
        await self.session.flush()
        self._sessions[user.id] = login
        return user

    def session_of(self, user: User) -> AuthSession:
        return self._sessions[user.id]

    def token(self, user: User) -> str:
        """A token of the user's session (a new one each call, as refreshing gives)."""
        login = self._sessions[user.id]
        return self.tokens.issue(
            user.id, login.id, logged_in_at=login.created_at, session_ends_at=login.expires_at
        ).token

    def headers(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}


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
