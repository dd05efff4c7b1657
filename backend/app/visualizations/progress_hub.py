"""Fans progress notifications from PostgreSQL out to the WebSocket clients of this process.

One LISTEN connection per process, started on the first subscriber; the worker that runs a job
may be any process on the database, since it reports through NOTIFY.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.jobs import events
from app.jobs.listener import PgListener, listener_dsn
from app.jobs.queue import PROGRESS_CHANNEL
from app.platform.config import Settings

# `None` in a subscriber's queue means "notifications may have been missed: re-read the row".
Signal = events.JobEvent | None


class ProgressHub:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._subscribers: dict[uuid.UUID, set[asyncio.Queue[Signal]]] = {}
        self._listener: PgListener | None = None
        self._start_lock = asyncio.Lock()

    async def _ensure_listening(self) -> None:
        async with self._start_lock:
            if self._listener is None:
                listener = PgListener(
                    listener_dsn(self._settings),
                    PROGRESS_CHANNEL,
                    on_payload=self._dispatch,
                    on_reconnect=self._resync_all,
                )
                await listener.start()
                self._listener = listener

    def _dispatch(self, payload: str) -> None:
        event = events.parse(payload)
        if event is None:
            return
        for subscriber in self._subscribers.get(event.id, ()):
            subscriber.put_nowait(event)

    def _resync_all(self) -> None:
        for subscribers in self._subscribers.values():
            for subscriber in subscribers:
                subscriber.put_nowait(None)

    @asynccontextmanager
    async def subscribe(self, visualization_id: uuid.UUID) -> AsyncIterator[asyncio.Queue[Signal]]:
        await self._ensure_listening()
        subscriber: asyncio.Queue[Signal] = asyncio.Queue()
        self._subscribers.setdefault(visualization_id, set()).add(subscriber)
        try:
            yield subscriber
        finally:
            remaining = self._subscribers.get(visualization_id)
            if remaining is not None:
                remaining.discard(subscriber)
                if not remaining:
                    del self._subscribers[visualization_id]

    async def stop(self) -> None:
        if self._listener is not None:
            await self._listener.stop()
            self._listener = None
