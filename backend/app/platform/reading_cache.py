"""A reading reused for a moment: what /health/ready and /metrics ask the database.

A load balancer probing every replica each second, or several scrapers, must not cost a pooled
connection per poke; one reading per `ttl_seconds` answers them all, and callers arriving while
a reading is in flight wait for that one instead of starting their own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from starlette.datastructures import State

T = TypeVar("T")


class CachedReading(Generic[T]):
    def __init__(
        self,
        read: Callable[[], Awaitable[T]],
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._ttl = ttl_seconds
        self._clock = clock
        self._value: T | None = None
        self._fresh_until = float("-inf")
        self._lock = asyncio.Lock()

    async def get(self) -> T:
        if self._value is not None and self._clock() < self._fresh_until:
            return self._value
        async with self._lock:
            if self._value is None or self._clock() >= self._fresh_until:
                self._value = await self._read()
                self._fresh_until = self._clock() + self._ttl
            return self._value


def app_reading(state: State, name: str, read: Callable[[], Awaitable[T]]) -> CachedReading[T]:
    """The application's reading called `name`, made on first use, kept PROBE_CACHE_SECONDS."""
    reading: CachedReading[T] | None = getattr(state, name, None)
    if reading is None:
        reading = CachedReading(read, state.settings.probe_cache_seconds)
        setattr(state, name, reading)
    return reading
