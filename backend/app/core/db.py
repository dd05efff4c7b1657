"""Engine, sessions and the declarative base. One transaction per request (see get_session)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from starlette.requests import HTTPConnection

from app.core.config import Settings

# Deterministic constraint names: Alembic can then drop and compare them reliably.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def async_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and pin the asyncpg driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same URL for libpq tools (psql, pg_dump): no driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_url(settings: Settings) -> str:
    if settings.database_url is None:
        raise RuntimeError(
            "DATABASE_URL is not set. Start the service with `emotionviz serve`, which runs the "
            "embedded PostgreSQL and sets it, or point DATABASE_URL at a PostgreSQL 15+ server."
        )
    return async_url(settings.database_url.get_secret_value())


def create_engine(settings: Settings, **overrides: Any) -> AsyncEngine:
    options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout_seconds,
        # No pre-ping: on asyncpg it costs three round trips (BEGIN; ping; ROLLBACK) per checkout.
        # Dead connections are caught for free instead; see _discard_closed_connections.
        "pool_pre_ping": False,
        "pool_recycle": 1800,
        # Bound values (password hashes, journal text) stay out of SQL logs and error messages.
        "hide_parameters": True,
        "connect_args": {
            "timeout": settings.db_connect_timeout_seconds,
            "command_timeout": settings.db_statement_timeout_ms / 1000,
            "server_settings": {
                "application_name": "emotionviz",
                "statement_timeout": str(settings.db_statement_timeout_ms),
            },
        },
    }
    options.update(overrides)
    engine = create_async_engine(database_url(settings), **options)
    _discard_closed_connections(engine.sync_engine)
    return engine


def _discard_closed_connections(engine: Engine) -> None:
    """Never hand out a pooled connection the server has closed (restart, admin shutdown).

    When PostgreSQL stops it closes every client socket; asyncpg notices at once and reports the
    connection closed, with no round trip. Raising InvalidatePoolError on checkout makes the pool
    drop that connection, mark every older one stale (the server restarted), and connect anew:
    while the server is down that fails fast (a 503), and once it is back requests succeed again
    by themselves. A connection that dies mid-request still fails that one request with a 503 and
    invalidates the pool, as it would with a pre-ping.
    """

    @event.listens_for(engine, "checkout")
    def _check(
        dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection
    ) -> None:
        driver = getattr(dbapi_connection, "driver_connection", None)
        is_closed = getattr(driver, "is_closed", None)
        if is_closed is not None and is_closed():
            raise InvalidatePoolError("the server closed this connection")


@dataclass(slots=True)
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    @classmethod
    def from_engine(cls, engine: AsyncEngine) -> Database:
        return cls(engine, async_sessionmaker(engine, expire_on_commit=False, autoflush=False))

    async def dispose(self) -> None:
        await self.engine.dispose()


def get_database(conn: HTTPConnection) -> Database:
    db: Database = conn.app.state.db
    return db


async def get_session(conn: HTTPConnection) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit when the handler returns (before the response is
    sent, see SessionDep), roll back if it raises."""
    async with get_database(conn).sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


# scope="function": the commit runs when the handler returns, *before* the response is sent.
# FastAPI's default ("request") would send the 201 first and commit afterwards, so a failed
# commit (crash, lost connection) could leave the client holding an acknowledgement for nothing;
# it also kept the pooled connection checked out while the response was serialised and written.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]
