"""Password hashing: argon2id through pwdlib, run in worker threads so the event loop never blocks.

Parameters are OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 20 ms per hash on the
2-core development machine. `PASSWORD_HASH_CONCURRENCY` caps how many hashes run at once, so a
burst of logins queues instead of taking every core from the rest of the API: per process with a
capacity limiter, and, given a slot directory (the API passes DATA_DIR/locks), across every
process sharing it with flock'd slot files. Without the latter, `serve --workers 2` on 2 cores ran
two hashes at once and left no core for the other requests.

The hashing threads also run at a lower CPU priority (niceness +5 on Linux, where it is per
thread): a hash is ~20 ms of pure CPU that nobody waits on but the one person logging in, while
the event loops, PostgreSQL and every other request compete for the same cores. When requests
want every core, the scheduler gives a +5 thread about a third of what a normal one gets, so
logins slow down instead of everything else. (+10 left logins 14/s against 20/s at +5 under a
64-connection login flood beside saturating GETs, for the same GET p99 of ~38 ms.)

A login or registration does not hold a pooled database connection while it waits for a hash
(RequestDb.release): a burst of 64 logins used to empty the pool and take GET /entries from
1,500 to 36 requests a second.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import secrets
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1

# Added to the hashing threads' niceness (0 = as urgent as requests, 19 = the least).
HASH_THREAD_NICENESS = 5

MIN_PASSWORD_LENGTH = 8
# Long enough for any passphrase or manager-generated password; stops megabyte "passwords".
MAX_PASSWORD_LENGTH = 128


def password_policy_problems(password: str) -> list[str]:
    """What the password lacks under SPEC §4.2 (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"at most {MAX_PASSWORD_LENGTH} characters")
    if not any(c.isupper() for c in password):
        problems.append("an upper-case letter")
    if not any(c.islower() for c in password):
        problems.append("a lower-case letter")
    if not any(c.isdigit() for c in password):
        problems.append("a digit")
    return problems


class HashSlots:
    """At most `count` holders at once across processes: one flock'd file per slot."""

    def __init__(self, directory: Path, count: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._paths = [directory / f"password-hash-slot-{i}.lock" for i in range(count)]

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
    """Runs first in every hashing thread (ThreadPoolExecutor's initializer)."""
    # POSIX makes niceness per process, Linux per thread: elsewhere this would slow the whole
    # server, so it is Linux only.
    if sys.platform == "linux":
        thread = threading.get_native_id()
        try:
            current = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, min(19, current + HASH_THREAD_NICENESS))
        except OSError:
            # A sandbox that forbids it (seccomp, gVisor): hash at normal priority rather than
            # break the executor, which would fail every login from then on.
            pass


_T = TypeVar("_T")


class PasswordHasher:
    """Hashes and verifies passwords off the event loop, a bounded number at a time."""

    def __init__(self, concurrency: int, slots_dir: Path | None = None) -> None:
        self._context = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=ARGON2_TIME_COST,
                    memory_cost=ARGON2_MEMORY_KIB,
                    parallelism=ARGON2_PARALLELISM,
                ),
            )
        )
        # At most `concurrency` hashes per process; the rest wait in the executor's queue.
        self._executor = ThreadPoolExecutor(
            max_workers=concurrency,
            thread_name_prefix="password-hash",
            initializer=_deprioritise_this_thread,
        )
        self._slots = HashSlots(slots_dir, concurrency) if slots_dir is not None else None
        # Verified against when the e-mail is unknown, so that case costs the same as a wrong
        # password and timing does not reveal which accounts exist.
        self._dummy_hash = self._context.hash(secrets.token_urlsafe(32))

    async def _run(self, function: Callable[..., _T], *args: object) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    async def hash(self, password: str) -> str:
        return await self._run(self._hash_sync, password)

    def _hash_sync(self, password: str) -> str:
        slot = self._slots.acquire() if self._slots is not None else None
        try:
            return self._context.hash(password)
        finally:
            if slot is not None:
                HashSlots.release(slot)

    async def verify(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        """(matches, a re-hash when the stored parameters are outdated).

        `hashed=None` (no such account) still spends one full verification.
        """
        return await self._run(self._verify_sync, password, hashed)

    def _verify_sync(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        slot = self._slots.acquire() if self._slots is not None else None
        try:
            return self._verify_unbounded(password, hashed)
        finally:
            if slot is not None:
                HashSlots.release(slot)

    def _verify_unbounded(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        if hashed is None:
            self._context.verify(password, self._dummy_hash)
            return False, None
        try:
            return self._context.verify_and_update(password, hashed)
        except UnknownHashError:
            # Not a hash we can read (e.g. an account disabled with "!"): a failed login that
            # still costs what a real one does.
            self._context.verify(password, self._dummy_hash)
            return False, None
