"""LISTEN on a PostgreSQL channel over a dedicated asyncpg connection, reconnecting if it drops.

Dedicated rather than borrowed from the SQLAlchemy pool: a listening connection stays open for the
life of the process and would otherwise shrink the pool by one for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

from app.platform.config import Settings
from app.platform.db.database import libpq_url

log = logging.getLogger(__name__)

Callback = Callable[[str], None]


def listener_dsn(settings: Settings) -> str:
    if settings.database_url is None:
        raise RuntimeError("DATABASE_URL is not set; the listener needs the database.")
    return libpq_url(settings.database_url.get_secret_value())


class PgListener:
    """Calls `on_payload(payload)` for each notification; `on_reconnect()` after a gap.

    Notifications sent while the connection was down are lost, so `on_reconnect` lets the owner
    re-check the database for anything it missed.
    """

    def __init__(
        self,
        dsn: str,
        channel: str,
        on_payload: Callback,
        on_reconnect: Callable[[], None] | None = None,
        *,
        retry_seconds: float = 1.0,
    ) -> None:
        self._dsn = dsn
        self._channel = channel
        self._on_payload = on_payload
        self._on_reconnect = on_reconnect
        self._retry_seconds = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self, *, wait: float = 5.0) -> None:
        self._task = asyncio.create_task(self._run(), name=f"listen:{self._channel}")
        # Wait for the first LISTEN so a caller that subscribes, then reads state, misses nothing.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), wait)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _deliver(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        try:
            self._on_payload(str(payload))
        except Exception:
            log.exception("notification handler failed", extra={"channel": self._channel})

    async def _run(self) -> None:
        first = True
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self._dsn, timeout=10)
                lost = asyncio.Event()
                conn.add_termination_listener(lambda _c, lost=lost: lost.set())
                await conn.add_listener(self._channel, self._deliver)
                self._ready.set()
                if not first and self._on_reconnect is not None:
                    self._on_reconnect()
                first = False
                while not lost.is_set():
                    # A silently dead socket does not always fire the termination listener.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), 30)
                    if not lost.is_set():
                        await conn.execute("SELECT 1", timeout=10)
                log.warning("listener connection lost", extra={"channel": self._channel})
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "listener cannot connect; retrying",
                    extra={"channel": self._channel, "error": type(exc).__name__},
                )
            finally:
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await asyncio.shield(conn.close(timeout=2))
            await asyncio.sleep(self._retry_seconds)
