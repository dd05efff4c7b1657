"""CPU-heavy work off the event loop, a bounded number at a time across the server's processes.

Password hashes and offline drawings are tens of milliseconds of pure CPU each. Run on the event
loop they would stall every other request; run freely in threads, a burst of them takes every
core from the rest of the API. So they run in a small thread pool per process, at most
`concurrency` at once across every process sharing a slot directory (one flock'd file per slot,
under DATA_DIR/locks, so `serve --workers 2` on 2 cores runs two at once, not four), in threads
whose CPU priority is lowered: when requests want every core, the scheduler gives a +5 thread
about a third of what a normal one gets, so this work slows down instead of everything else.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Added to the worker threads' niceness (0 = as urgent as requests, 19 = the least).
THREAD_NICENESS = 5


class SlotFiles:
    """At most `count` holders at once across processes: one flock'd file per slot."""

    def __init__(self, directory: Path, name: str, count: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._paths = [directory / f"{name}-slot-{i}.lock" for i in range(count)]

    def acquire(self) -> int:
        """Blocks (in a worker thread) until a slot is free; returns its open descriptor."""
        for path in self._paths:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        # Every slot busy: queue on one of them (spread by thread, so waiters share the slots).
        path = self._paths[threading.get_ident() % len(self._paths)]
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    @staticmethod
    def release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _deprioritise_this_thread() -> None:
    """Runs first in every worker thread (ThreadPoolExecutor's initializer)."""
    # POSIX makes niceness per process, Linux per thread: elsewhere this would slow the whole
    # server, so it is Linux only.
    if sys.platform == "linux":
        thread = threading.get_native_id()
        try:
            current = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, min(19, current + THREAD_NICENESS))
        except OSError:
            # A sandbox that forbids it (seccomp, gVisor): run at normal priority rather than
            # break the executor, which would fail every call from then on.
            pass


class BoundedCpuWork:
    """Runs functions in low-priority threads, at most `concurrency` at once (see above)."""

    def __init__(self, name: str, concurrency: int, slots_dir: Path | None = None) -> None:
        # At most `concurrency` per process; the rest wait in the executor's queue.
        self._executor = ThreadPoolExecutor(
            max_workers=concurrency,
            thread_name_prefix=name,
            initializer=_deprioritise_this_thread,
        )
        self._slots = SlotFiles(slots_dir, name, concurrency) if slots_dir is not None else None

    async def run(self, function: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self._in_slot, function, args
        )

    def _in_slot(self, function: Callable[..., T], args: tuple[object, ...]) -> T:
        slot = self._slots.acquire() if self._slots is not None else None
        try:
            return function(*args)
        finally:
            if slot is not None:
                SlotFiles.release(slot)
