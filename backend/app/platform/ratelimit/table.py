"""Rate-limit counters in a table of fixed slots, shared by the worker processes of one server.

The default store (no RATE_LIMIT_STORAGE_URL). `emotionviz serve` names a fresh file under
DATA_DIR/run/ in RATE_LIMIT_TABLE before its uvicorn workers start; each worker maps that file
(mmap, shared), so a limit of 10 a minute is 10 across all of them with no server to run. Without
RATE_LIMIT_TABLE (the test suite, an app started by other means) the table is this process's own
memory. Across machines the counters need RATE_LIMIT_STORAGE_URL (Redis, through `limits`).

Why not `limits`: its storages are one process's memory or a server (Redis, Memcached, MongoDB);
none is shared by the processes of one host without a server.

Counting is `limits`' sliding window counter, so both stores answer alike (a test compares them
hit for hit): a window of `expiry` seconds counts this fixed window's hits plus the previous
window's, weighted by how much of the previous one still overlaps the sliding window.

Layout: a header, then `slots` records of 32 bytes (key hash, expiry, amount, fixed-window index,
previous count, current count). A key's record is found by open addressing over PROBES records
from its hash; every probe is read before a record is made, so holes left by expired records
never hide a key. A record whose two windows have expired is free again; when all PROBES records
are live, the one with the fewest hits is taken over, so a flood of one-off addresses evicts its
own kind rather than a busy client near its limit. Each operation holds an exclusive flock on the
file for a few microseconds and never awaits while holding it; a process that dies holding it
releases it with its file descriptor.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import struct
import time
from collections.abc import Callable
from pathlib import Path

from limits import RateLimitItem

_MAGIC = b"EVRLTAB1"
_HEADER = struct.Struct("<8sQ")  # magic, number of slots
_HEADER_SIZE = 64
# key hash (0: empty), expiry, amount, index of the fixed window, previous count, current count
_RECORD = struct.Struct("<QIIqII")
PROBES = 16


def table_size(slots: int) -> int:
    return _HEADER_SIZE + slots * _RECORD.size


def key_hash(key: str, expiry: int, amount: int) -> int:
    """Stable across processes (Python's own hash() is salted per process); never 0."""
    digest = hashlib.blake2b(f"{expiry}:{amount}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1


# --- the window maths, shared by every operation --------------------------------------------
def rolled(index: int, previous: int, current: int, index_now: int) -> tuple[int, int]:
    """(previous, current) counts as of the fixed window `index_now`."""
    if index == index_now:
        return previous, current
    if index == index_now - 1:  # one window on: the current count becomes the previous one
        return current, 0
    return 0, 0


def weighted(previous: int, current: int, expiry: int, now: float) -> float:
    previous_left = expiry - now % expiry  # how much of the previous window still overlaps
    return previous * previous_left / expiry + current


def window_stats(
    amount: int, expiry: int, previous: int, current: int, now: float
) -> tuple[int, float]:
    """(requests left, epoch seconds when the next one frees up), as `limits` reports them."""
    remaining = max(0, amount - math.floor(weighted(previous, current, expiry, now)))
    if not (previous or current):
        return remaining, now
    # The previous window's weight drops by one request every expiry/previous seconds; the
    # current window's hits stop counting once it has become the previous one and expired.
    previous_reset = (expiry - now % expiry) % (expiry / previous) if previous else math.inf
    current_reset = (2 * expiry - now % expiry) % expiry if current else math.inf
    return remaining, now + min(previous_reset, current_reset)


class TableWindows:
    """The rate-limit store interface (check, stats, clear, reset) over the table."""

    def __init__(
        self, slots: int, path: Path | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._slots = slots
        self._clock = clock
        size = table_size(slots)
        self._fd: int | None = None
        if path is None:
            self._map = mmap.mmap(-1, size)
            _HEADER.pack_into(self._map, 0, _MAGIC, slots)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self._lock()
        try:
            found = os.fstat(self._fd).st_size
            if found == 0:  # the first worker to start lays the table out
                os.ftruncate(self._fd, size)
                os.pwrite(self._fd, _HEADER.pack(_MAGIC, slots), 0)
            elif os.pread(self._fd, _HEADER.size, 0) != _HEADER.pack(_MAGIC, slots):
                raise RuntimeError(
                    f"rate-limit table {path} was made for another layout or slot count; "
                    "every worker of a server needs the same RATE_LIMIT_TABLE_SLOTS "
                    "(emotionviz serve starts each run with a fresh table)"
                )
        finally:
            self._unlock()
        self._map = mmap.mmap(self._fd, size)

    def close(self) -> None:
        self._map.close()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _lock(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def _unlock(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _find(self, wanted: int, now: float, *, create: bool) -> tuple[int, bool]:
        """(offset of the key's record, whether it is the key's); with `create`, a record the
        key may take over when it has none, else (-1, False)."""
        start = wanted % self._slots
        free = weakest = -1
        weakest_hits = math.inf
        for probe in range(PROBES):
            offset = _HEADER_SIZE + ((start + probe) % self._slots) * _RECORD.size
            found, expiry, _, index, previous, current = _RECORD.unpack_from(self._map, offset)
            if found == wanted:
                return offset, True
            if not create or free >= 0:
                continue
            if found == 0 or index < int(now // expiry) - 1:  # empty, or both windows expired
                free = offset
                continue
            hits = weighted(*rolled(index, previous, current, int(now // expiry)), expiry, now)
            if hits < weakest_hits:
                weakest, weakest_hits = offset, hits
        return (free if free >= 0 else weakest), False

    def _count(
        self, item: RateLimitItem, key: str, now: float, *, hit: bool
    ) -> tuple[bool, int, int]:
        """(allowed, previous, current) of this key and limit as of `now`, the lock held. With
        `hit`, one request is counted when the limit allows it; without, nothing is written."""
        expiry, amount = item.get_expiry(), item.amount
        wanted = key_hash(key, expiry, amount)
        index_now = int(now // expiry)
        offset, own = self._find(wanted, now, create=hit)
        previous = current = 0
        if own:
            _, _, _, index, previous, current = _RECORD.unpack_from(self._map, offset)
            previous, current = rolled(index, previous, current, index_now)
        allowed = math.floor(weighted(previous, current, expiry, now)) + 1 <= amount
        if hit and allowed:
            current += 1
            _RECORD.pack_into(
                self._map, offset, wanted, expiry, amount, index_now, previous, current
            )
        return allowed, previous, current

    async def check(
        self, key: str, items: tuple[RateLimitItem, ...]
    ) -> tuple[bool, list[tuple[int, float]]]:
        """Count one request against each limit in turn, stopping at the first that refuses;
        whether all allowed it, and every limit's stats afterwards. One lock for all of it."""
        now = self._clock()
        allowed = True
        stats = []
        self._lock()
        try:
            for item in items:
                counted, previous, current = self._count(item, key, now, hit=allowed)
                allowed = allowed and counted
                stats.append(window_stats(item.amount, item.get_expiry(), previous, current, now))
        finally:
            self._unlock()
        return allowed, stats

    async def stats(self, item: RateLimitItem, key: str) -> tuple[int, float]:
        """(requests left, epoch seconds when the next one frees up), counting nothing."""
        now = self._clock()
        self._lock()
        try:
            _, previous, current = self._count(item, key, now, hit=False)
        finally:
            self._unlock()
        return window_stats(item.amount, item.get_expiry(), previous, current, now)

    async def clear(self, item: RateLimitItem, key: str) -> None:
        self._lock()
        try:
            offset, own = self._find(
                key_hash(key, item.get_expiry(), item.amount), self._clock(), create=False
            )
            if own:
                _RECORD.pack_into(self._map, offset, 0, 0, 0, 0, 0, 0)
        finally:
            self._unlock()

    async def reset(self) -> None:
        self._lock()
        try:
            self._map[_HEADER_SIZE:] = bytes(len(self._map) - _HEADER_SIZE)
        finally:
            self._unlock()
