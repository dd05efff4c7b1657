"""Tell "the database is unreachable" apart from bugs, so the former becomes a 503."""

from __future__ import annotations

import asyncpg
from sqlalchemy import exc as sa_exc

_UNAVAILABLE = (
    OSError,
    ConnectionError,
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
    # The client's protocol state is confused, e.g. "cannot switch to state 12; another
    # operation (2) is in progress": seen on the raw asyncpg lane when PostgreSQL shut down and
    # terminated the connection between two statements (a stop under traffic).
    asyncpg.exceptions.InternalClientError,
)


def is_database_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.TimeoutError):  # pool exhausted: nothing came back in time
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = getattr(exc.orig, "__cause__", None) or exc.orig
        return isinstance(orig, _UNAVAILABLE) or isinstance(exc.orig, _UNAVAILABLE)
    if isinstance(exc, sa_exc.InterfaceError | sa_exc.OperationalError):
        return True
    return isinstance(exc, _UNAVAILABLE)
