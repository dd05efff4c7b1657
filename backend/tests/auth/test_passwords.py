"""The password hasher: argon2id, off the event loop, a bounded number at a time."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.auth.passwords import PasswordHasher, password_policy_problems
from app.platform.cpu_work import THREAD_NICENESS
from tests.helpers.waiting import loop_turns_meanwhile


class PeakCounter:
    """Wraps hash functions (from any thread) and records the most running at once; each call
    lasts at least 20 ms so that overlapping calls really overlap."""

    def __init__(self) -> None:
        self.peak = 0
        self._running = 0
        self._lock = threading.Lock()

    def wrap(self, inner: Callable[[str], str]) -> Callable[[str], str]:
        def counted(password: str) -> str:
            with self._lock:
                self._running += 1
                self.peak = max(self.peak, self._running)
            try:
                time.sleep(0.02)
                return inner(password)
            finally:
                with self._lock:
                    self._running -= 1

        return counted


async def test_hash_is_argon2id_with_the_chosen_parameters_and_verifies() -> None:
    hasher = PasswordHasher(concurrency=2)
    hashed = await hasher.hash("Test123!")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert await hasher.verify("Test123!", hashed) == (True, None)
    assert await hasher.verify("Test123?", hashed) == (False, None)


async def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    hasher = PasswordHasher(concurrency=2)
    assert await hasher.hash("Test123!") != await hasher.hash("Test123!")


async def test_verifying_against_no_hash_or_an_unreadable_one_fails_cleanly() -> None:
    hasher = PasswordHasher(concurrency=1)
    assert await hasher.verify("Test123!", None) == (False, None)
    assert await hasher.verify("Test123!", "!unusable") == (False, None)
    assert await hasher.verify("Test123!", "$argon2id$broken") == (False, None)


async def test_hashing_runs_off_the_event_loop_so_other_tasks_keep_running() -> None:
    hasher = PasswordHasher(concurrency=1)
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    seen_threads: set[int] = set()
    loop_turned: list[bool] = []
    inner = hasher._context.hash

    def spy(password: str) -> str:
        seen_threads.add(threading.get_ident())
        # The loop answers from inside the hashing: other tasks keep running meanwhile.
        loop_turned.append(loop_turns_meanwhile(loop))
        return inner(password)

    hasher._context.hash = spy  # type: ignore[method-assign,assignment]
    for _ in range(3):
        await hasher.hash("Test123!")
    assert loop_thread not in seen_threads
    assert loop_turned == [True, True, True]


@pytest.mark.skipif(sys.platform != "linux", reason="niceness is per thread only on Linux")
async def test_hashing_threads_run_at_a_lower_cpu_priority_than_the_event_loop() -> None:
    """Requests (event loop, other workers, PostgreSQL) get the cores first during a login flood."""
    hasher = PasswordHasher(concurrency=1)
    niceness: list[int] = []
    inner = hasher._context.hash

    def spy(password: str) -> str:
        niceness.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return inner(password)

    hasher._context.hash = spy  # type: ignore[method-assign,assignment]
    await hasher.hash("Test123!")
    loop_niceness = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert niceness == [min(19, loop_niceness + THREAD_NICENESS)]
    assert niceness[0] > loop_niceness


async def test_hashing_works_where_thread_priority_cannot_be_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(*args: object) -> None:
        raise PermissionError("setpriority is not allowed here")

    monkeypatch.setattr(os, "setpriority", forbidden)
    hasher = PasswordHasher(concurrency=1)
    hashed = await hasher.hash("Test123!")
    assert await hasher.verify("Test123!", hashed) == (True, None)


@pytest.mark.parametrize("limit", [1, 2])
async def test_no_more_hashes_run_at_once_than_the_configured_concurrency(limit: int) -> None:
    hasher = PasswordHasher(concurrency=limit)
    counter = PeakCounter()
    hasher._context.hash = counter.wrap(hasher._context.hash)  # type: ignore[method-assign,assignment]
    await asyncio.gather(*(hasher.hash(f"Password{i}A") for i in range(6)))
    assert counter.peak == limit


@pytest.mark.parametrize("limit", [1, 2])
async def test_hashers_sharing_a_slot_directory_share_one_bound(limit: int, tmp_path: Path) -> None:
    """Two API processes on one DATA_DIR, modelled as two hashers: `limit` hashes at once in all."""
    hashers = [PasswordHasher(concurrency=limit, slots_dir=tmp_path) for _ in range(2)]
    counter = PeakCounter()
    for hasher in hashers:
        hasher._context.hash = counter.wrap(hasher._context.hash)  # type: ignore[method-assign,assignment]
    hashed = await hashers[0].hash("Password0A")
    work = [hasher.hash(f"Password{i}A") for i in range(4) for hasher in hashers]
    verifies = [hasher.verify("Password0A", hashed) for hasher in hashers]
    results = await asyncio.gather(*work, *verifies)
    assert results[-2:] == [(True, None), (True, None)]
    assert counter.peak == limit


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("Test123!", []),
        ("SecurePassword123!", []),
        ("short1A", ["at least 8 characters"]),
        ("lowercase123", ["an upper-case letter"]),
        ("UPPERCASE123", ["a lower-case letter"]),
        ("NoDigitsHere", ["a digit"]),
        ("", ["at least 8 characters", "an upper-case letter", "a lower-case letter", "a digit"]),
        ("Aa1" + "b" * 126, ["at most 128 characters"]),
    ],
)
def test_password_policy_names_what_is_missing(password: str, problems: list[str]) -> None:
    assert password_policy_problems(password) == problems
