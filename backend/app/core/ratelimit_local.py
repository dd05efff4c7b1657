"""Sliding window counters kept in this process (the default rate-limit store).

The same approximation as `limits`' sliding window counter, so the two stores answer alike: a
window of `expiry` seconds counts this fixed window's hits plus the previous window's, weighted
by how much of the previous window still overlaps the sliding one. The counts live in a dict,
read and written without awaiting anything, so concurrent requests on the event loop cannot
interleave inside one update (no lock needed). Windows two periods old are swept out once a
minute, so idle addresses do not accumulate; the sweep walks every key on the event loop (measured:
27 ms for 200,000 keys, 55 ms when all of them go), so only a flood from hundreds of thousands of
addresses would make it felt, and such a flood calls for RATE_LIMIT_STORAGE_URL and a proxy's
limits anyway.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from limits import RateLimitItem

_SWEEP_EVERY_SECONDS = 60.0


class LocalWindows:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        # (key, expiry, amount) -> [index of the current fixed window, previous count, current]
        self._windows: dict[tuple[str, int, int], list[int]] = {}
        self._next_sweep = clock() + _SWEEP_EVERY_SECONDS

    def _counts(self, item: RateLimitItem, key: str, now: float) -> list[int]:
        """This key's counters for this limit, rolled forward to the fixed window `now` is in."""
        expiry = item.get_expiry()
        index = int(now // expiry)
        window = self._windows.get((key, expiry, item.amount))
        if window is None:
            window = self._windows[(key, expiry, item.amount)] = [index, 0, 0]
        elif window[0] != index:
            # One window on: the current count becomes the previous one; further: both expired.
            window[1] = window[2] if window[0] == index - 1 else 0
            window[2] = 0
            window[0] = index
        return window

    @staticmethod
    def _weighted(window: list[int], expiry: int, now: float) -> float:
        previous_left = expiry - now % expiry  # how much of the previous window still overlaps
        return window[1] * previous_left / expiry + window[2]

    async def hit(self, item: RateLimitItem, key: str) -> bool:
        """Count one request unless that would exceed the limit; whether it was counted."""
        now = self._clock()
        self._sweep(now)
        expiry = item.get_expiry()
        window = self._counts(item, key, now)
        if math.floor(self._weighted(window, expiry, now)) + 1 > item.amount:
            return False
        window[2] += 1
        return True

    async def test(self, item: RateLimitItem, key: str) -> bool:
        """Whether one more request would be allowed, counting nothing."""
        now = self._clock()
        expiry = item.get_expiry()
        window = self._counts(item, key, now)
        return self._weighted(window, expiry, now) < item.amount

    async def stats(self, item: RateLimitItem, key: str) -> tuple[int, float]:
        """(requests left, epoch seconds when the next one frees up), as `limits` reports them."""
        now = self._clock()
        expiry = item.get_expiry()
        window = self._counts(item, key, now)
        remaining = max(0, item.amount - math.floor(self._weighted(window, expiry, now)))
        previous, current = window[1], window[2]
        if not (previous or current):
            return remaining, now
        # The previous window's weight drops by one request every expiry/previous seconds; the
        # current window's hits stop counting once it has become the previous one and expired.
        previous_reset = (expiry - now % expiry) % (expiry / previous) if previous else math.inf
        current_reset = (2 * expiry - now % expiry) % expiry if current else math.inf
        return remaining, now + min(previous_reset, current_reset)

    async def clear(self, item: RateLimitItem, key: str) -> None:
        self._windows.pop((key, item.get_expiry(), item.amount), None)

    async def reset(self) -> None:
        self._windows.clear()

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        self._next_sweep = now + _SWEEP_EVERY_SECONDS
        stale = [
            key
            for key, window in self._windows.items()
            if window[0] < int(now // key[1]) - 1  # not even the previous window any more
        ]
        for key in stale:
            del self._windows[key]
