"""The rate-limit table answers exactly as `limits`' sliding window counter does, in one process
or shared by several through its file."""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import stat
from pathlib import Path

import pytest
from limits import (
    RateLimitItem,
    RateLimitItemPerHour,
    RateLimitItemPerMinute,
    RateLimitItemPerSecond,
)
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from app.platform.ratelimit.table import PROBES, TableWindows, key_hash

SLOTS = 1024


async def hit(table: TableWindows, item: RateLimitItem, key: str) -> bool:
    allowed, _ = await table.check(key, (item,))
    return allowed


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("shared", [False, True], ids=["private", "file"])
@pytest.mark.parametrize(
    "item",
    [RateLimitItemPerSecond(3), RateLimitItemPerMinute(5), RateLimitItemPerHour(20)],
    ids=str,
)
async def test_table_agrees_with_limits_hit_for_hit(
    item: RateLimitItemPerMinute, shared: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(1_800_000_000.25)
    # `limits` reads time.time() in its storage and strategy modules: give both the same clock.
    monkeypatch.setattr("limits.aio.storage.memory.time.time", clock)
    monkeypatch.setattr("limits.aio.strategies.time.time", clock)
    reference = SlidingWindowCounterRateLimiter(MemoryStorage())
    table = TableWindows(SLOTS, tmp_path / "t.bin" if shared else None, clock=clock)
    rng = random.Random(7)
    expiry = item.get_expiry()
    answers = []
    for _ in range(200):
        # Gaps from a thousandth of the window to one and a half windows, then a burst.
        clock.now += rng.choice((0.001, 0.01, 0.05, 0.2, 0.5, 1.5)) * expiry
        key = rng.choice(("user:a", "user:b"))
        for _ in range(rng.randint(1, item.amount)):
            expected = await reference.hit(item, key)
            allowed, [(remaining, reset)] = await table.check(key, (item,))
            assert allowed is expected
            answers.append(expected)
            stats = await reference.get_window_stats(item, key)
            assert remaining == stats.remaining
            assert reset == pytest.approx(stats.reset_time, abs=1e-6)
            assert await table.stats(item, key) == (remaining, reset)
    # The sequence exercised both answers.
    assert True in answers
    assert False in answers
    table.close()


async def test_two_limits_with_one_period_count_separately() -> None:
    table = TableWindows(SLOTS, clock=Clock(1_800_000_000.0))
    tight, loose = RateLimitItemPerMinute(1), RateLimitItemPerMinute(100)
    assert await hit(table, tight, "addr:1")
    assert await hit(table, loose, "addr:1")
    assert not await hit(table, tight, "addr:1")
    assert await hit(table, loose, "addr:1")


def _colliding_keys(count: int) -> list[str]:
    """Keys whose records all start at the same slot, so they compete for one probe range."""
    item = RateLimitItemPerMinute(10)
    home = key_hash("addr:0", item.get_expiry(), item.amount) % SLOTS
    keys = ["addr:0"]
    candidate = 1
    while len(keys) < count:
        key = f"addr:{candidate}"
        if key_hash(key, item.get_expiry(), item.amount) % SLOTS == home:
            keys.append(key)
        candidate += 1
    return keys


async def test_a_full_probe_range_gives_up_its_quietest_record_and_reuses_expired_ones() -> None:
    clock = Clock(1_800_000_000.0)
    table = TableWindows(SLOTS, clock=clock)
    item = RateLimitItemPerMinute(10)
    keys = _colliding_keys(PROBES + 1)
    busy, quiet, newcomer = keys[0], keys[1:PROBES], keys[PROBES]
    for _ in range(9):
        assert await hit(table, item, busy)
    for key in quiet:
        assert await hit(table, item, key)
    # Every record of the range is live: the newcomer takes over a one-hit record, never the
    # busy client's, which stays one request from its limit.
    assert await hit(table, item, newcomer)
    assert await hit(table, item, busy)
    assert not await hit(table, item, busy)
    assert (await table.stats(item, newcomer))[0] == 9

    # Two windows later every record has expired and is free for whoever comes first.
    clock.now += 120
    assert [(await table.stats(item, key))[0] for key in keys] == [10] * len(keys)
    others = _colliding_keys(2 * PROBES)[PROBES + 1 :]
    for key in others:
        assert await hit(table, item, key)
    assert (await table.stats(item, others[0]))[0] == 9


async def test_clear_forgets_one_key_and_keeps_the_others_reachable() -> None:
    table = TableWindows(SLOTS, clock=Clock(1_800_000_000.0))
    item = RateLimitItemPerMinute(3)
    first, second = _colliding_keys(2)
    for key in (first, second):
        for _ in range(3):
            assert await hit(table, item, key)
    await table.clear(item, first)
    # The cleared record leaves a hole before the second key's: it is still found.
    assert not await hit(table, item, second)
    assert await hit(table, item, first)


def _hammer(path: str, hits: int, start: multiprocessing.synchronize.Event) -> int:
    table = TableWindows(SLOTS, Path(path))
    item = RateLimitItemPerHour(50)
    start.wait(30)

    async def run() -> int:
        return sum([await hit(table, item, "user:shared") for _ in range(hits)])

    return asyncio.run(run())


def test_processes_sharing_the_file_count_together(tmp_path: Path) -> None:
    """Four processes with 30 hits each against one limit of 50: exactly 50 get through."""
    path = tmp_path / "run" / "ratelimits.bin"
    context = multiprocessing.get_context("spawn")  # what uvicorn's workers are
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(4) as pool:
            results = pool.starmap_async(_hammer, [(str(path), 30, start)] * 4)
            start.set()
            allowed = results.get(timeout=120)
    assert sum(allowed) == 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_table_laid_out_for_another_size_is_refused_with_a_clear_message(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ratelimits.bin"
    TableWindows(SLOTS, path).close()
    with pytest.raises(RuntimeError, match="RATE_LIMIT_TABLE_SLOTS"):
        TableWindows(2 * SLOTS, path)


async def test_check_counts_until_the_first_refusal_and_reports_every_window() -> None:
    clock = Clock(1_800_000_000.0)
    table = TableWindows(SLOTS, clock=clock)
    minute, hour = RateLimitItemPerMinute(2), RateLimitItemPerHour(3)
    first = await table.check("user:a", (minute, hour))
    second = await table.check("user:a", (minute, hour))
    assert (first[0], [r for r, _ in first[1]]) == (True, [1, 2])
    assert (second[0], [r for r, _ in second[1]]) == (True, [0, 1])
    # The minute refuses: the hour window is not charged for the refused request.
    refused, stats = await table.check("user:a", (minute, hour))
    assert (refused, [r for r, _ in stats]) == (False, [0, 1])
    clock.now += 120
    allowed, stats = await table.check("user:a", (minute, hour))
    assert (allowed, [r for r, _ in stats]) == (True, [1, 0])
    refused, _ = await table.check("user:a", (minute, hour))
    assert not refused
