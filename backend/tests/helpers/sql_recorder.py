"""Record every SQL statement a block sends, on both lanes of app.platform.db.database.RequestDb."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

# The asyncpg methods the raw lane calls (SQLAlchemy's own statements go through prepare()).
_DRIVER_METHODS = ("execute", "fetch", "fetchrow", "fetchval")


@contextmanager
def recorded_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """SQLAlchemy's statements (cursor events) and the raw asyncpg lane's, in the order sent."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    def recording(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        async def wrapper(self: asyncpg.Connection, query: str, *args: Any, **kw: Any) -> Any:
            statements.append(query)
            return await method(self, query, *args, **kw)

        return wrapper

    with ExitStack() as stack:
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        for name in _DRIVER_METHODS:
            patch.setattr(asyncpg.Connection, name, recording(getattr(asyncpg.Connection, name)))
        event.listen(engine.sync_engine, "before_cursor_execute", record)
        stack.callback(event.remove, engine.sync_engine, "before_cursor_execute", record)
        yield statements
