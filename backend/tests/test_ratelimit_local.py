"""The in-process rate-limit windows answer exactly as `limits`' sliding window counter does."""

from __future__ import annotations

import random

import pytest
from limits import RateLimitItemPerHour, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from app.core.ratelimit_local import LocalWindows


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    "item",
    [RateLimitItemPerSecond(3), RateLimitItemPerMinute(5), RateLimitItemPerHour(20)],
    ids=str,
)
async def test_local_windows_agree_with_limits_hit_for_hit(
    item: RateLimitItemPerMinute, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(1_800_000_000.25)
    # `limits` reads time.time() in its storage and strategy modules: give both the same clock.
    monkeypatch.setattr("limits.aio.storage.memory.time.time", clock)
    monkeypatch.setattr("limits.aio.strategies.time.time", clock)
    reference = SlidingWindowCounterRateLimiter(MemoryStorage())
    local = LocalWindows(clock=clock)
    rng = random.Random(7)
    expiry = item.get_expiry()
    answers = []
    for _ in range(200):
        # Gaps from a thousandth of the window to one and a half windows, then a burst.
        clock.now += rng.choice((0.001, 0.01, 0.05, 0.2, 0.5, 1.5)) * expiry
        key = rng.choice(("user:a", "user:b"))
        for _ in range(rng.randint(1, item.amount)):
            expected = await reference.hit(item, key)
            assert await local.hit(item, key) is expected
            answers.append(expected)
            stats = await reference.get_window_stats(item, key)
            remaining, reset = await local.stats(item, key)
            assert remaining == stats.remaining
            assert reset == pytest.approx(stats.reset_time, abs=1e-6)
            assert await local.test(item, key) is await reference.test(item, key)
    # The sequence exercised both answers.
    assert True in answers
    assert False in answers


async def test_windows_of_idle_keys_are_swept() -> None:
    clock = Clock(1_800_000_000.0)
    local = LocalWindows(clock=clock)
    item = RateLimitItemPerMinute(10)
    for address in range(100):
        assert await local.hit(item, f"addr:{address}")
    clock.now += 180  # three windows later: not even a previous window remains
    assert await local.hit(item, "addr:new")
    assert list(local._windows) == [("addr:new", 60, 10)]


async def test_two_limits_with_one_period_count_separately() -> None:
    local = LocalWindows(clock=Clock(1_800_000_000.0))
    tight, loose = RateLimitItemPerMinute(1), RateLimitItemPerMinute(100)
    assert await local.hit(tight, "addr:1")
    assert await local.hit(loose, "addr:1")
    assert not await local.hit(tight, "addr:1")
    assert await local.hit(loose, "addr:1")
