"""Engine, sessions and the declarative base. One transaction per request (see RequestDb)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
from fastapi import Depends
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from starlette.requests import HTTPConnection

from app.platform.config import Settings

log = logging.getLogger(__name__)

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
    # Tests: every request runs on this one connection, inside the test's rolled-back transaction.
    shared_connection: AsyncConnection | None = None

    @classmethod
    def from_engine(cls, engine: AsyncEngine) -> Database:
        return cls(engine, async_sessionmaker(engine, expire_on_commit=False, autoflush=False))

    async def dispose(self) -> None:
        await self.engine.dispose()


async def open_pool(database: Database, connections: int) -> int:
    """Open `connections` pooled connections now, before any request needs one; how many opened.

    On first use each costs a PostgreSQL backend fork and a connection set-up; a burst of
    traffic right after a deploy would otherwise pay for all of them at once (measured on the
    2-core box: requests of 100-370 ms in the first half second of load). A database that is
    down now costs only the warning: requests then connect as they come, as before.
    """
    opened = await asyncio.gather(
        *(database.engine.connect() for _ in range(connections)), return_exceptions=True
    )
    failures = [c for c in opened if isinstance(c, BaseException)]
    for connection in opened:
        if isinstance(connection, AsyncConnection):
            await connection.close()
    if failures:
        log.warning(
            "could not open the connection pool ahead of requests: %s: %s",
            type(failures[0]).__name__,
            str(failures[0])[:200],
        )
    return connections - len(failures)


class RequestDb:
    """One request's database access: a single pooled connection, checked out on first use.

    Two lanes share it, so a request never holds two connections (which could deadlock the pool):
    `driver()` is the asyncpg connection itself, for the few hot statements (the token's account
    probe, listing and creating entries) where SQLAlchemy's session, statement compilation and
    result machinery cost more than the query; `session()` is the ORM session for everything
    else. A raw statement issued before the session has begun runs on its own, autocommitted:
    so raw writes must be single statements whose result is the whole of the request's write
    (the entry INSERT ... RETURNING is), and they are durable as soon as they return, whatever
    the response then says. Once the session has begun, raw statements run inside its
    transaction. `finish` commits (or rolls back) the session and returns the connection to the
    pool, or drops it when it can no longer be trusted.
    """

    __slots__ = ("_connection", "_database", "_driver", "_finished", "_session")

    def __init__(self, database: Database) -> None:
        self._database = database
        self._connection: AsyncConnection | None = None
        self._driver: asyncpg.Connection | None = None
        self._session: AsyncSession | None = None
        self._finished = False

    async def _connect(self) -> AsyncConnection:
        if self._finished:
            # A connection taken now would never be finished: a leak, and writes never committed.
            raise RuntimeError("this request's database work is already finished")
        if self._connection is None:
            shared = self._database.shared_connection
            self._connection = (
                shared if shared is not None else await self._database.engine.connect()
            )
        return self._connection

    async def driver(self) -> asyncpg.Connection:
        if self._driver is None:
            raw = await (await self._connect()).get_raw_connection()
            driver = raw.driver_connection
            assert isinstance(driver, asyncpg.Connection)
            self._driver = driver
        return self._driver

    async def session(self) -> AsyncSession:
        if self._session is None:
            self._session = self._database.sessionmaker(bind=await self._connect())
        return self._session

    async def release(self, *, commit: bool = True) -> None:
        """Commit (or roll back) what was done so far and hand the connection back; a later use
        takes another.

        For a request about to wait without the database: a login queued for the password hash
        must not hold a pooled connection meanwhile, or a burst of logins empties the pool and
        every other request waits behind them.
        """
        await self.finish(commit=commit)
        self._finished = False

    async def finish(self, *, commit: bool, discard: bool = False) -> None:
        """Commit or roll back, and hand the connection back; `discard` drops it from the pool
        instead (the request failed because of it: lost, or its protocol state confused)."""
        session, connection = self._session, self._connection
        self._session = self._connection = self._driver = None
        self._finished = True
        try:
            if session is not None:
                try:
                    if commit:
                        await session.commit()
                    else:
                        await session.rollback()
                except BaseException:
                    discard = True  # in an unknown state after a failed COMMIT or ROLLBACK
                    raise
                finally:
                    await session.close()
        finally:
            if connection is not None and connection is not self._database.shared_connection:
                if discard:
                    await connection.invalidate()
                await connection.close()


def get_database(conn: HTTPConnection) -> Database:
    db: Database = conn.app.state.db
    return db


# Where RequestDbMiddleware (app.platform.http.middleware) leaves each HTTP request's RequestDb.
REQUEST_DB_KEY = "request_db"


async def get_request_db(conn: HTTPConnection) -> RequestDb:
    """This request's database access. Its transaction is owned by RequestDbMiddleware, which
    commits it before the response starts (rolls it back on an error status or an exception)."""
    try:
        request_db: RequestDb = conn.scope["state"][REQUEST_DB_KEY]
    except KeyError:
        # A WebSocket (the middleware serves HTTP only: use Database.sessionmaker there), a
        # request before the lifespan has set app.state.db, or an app without the middleware.
        raise RuntimeError(
            "no request transaction here: HTTP requests only, once the app has started"
        ) from None
    return request_db


# Plain `async def` dependencies, not `yield` ones: FastAPI wraps a yield dependency in two
# context managers, an exit stack and an anyio cancel scope, ~36 µs a request measured on a
# minimal app (more than it spends on the rest of a small POST). The middleware does that job.
RequestDbDep = Annotated[RequestDb, Depends(get_request_db)]


async def get_session(request_db: RequestDbDep) -> AsyncSession:
    return await request_db.session()


SessionDep = Annotated[AsyncSession, Depends(get_session)]
DatabaseDep = Annotated[Database, Depends(get_database)]
